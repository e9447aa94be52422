"""Demo leads: a pipeline across the demo portfolio, idempotent by company name."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import TextIO, cast

from django.utils import timezone

from parkos.investment import services
from parkos.investment.models import Lead
from parkos.parks.models import Park

DEMO_LEADS: list[dict[str, object]] = [
    {"company": "重庆华邦原料药有限公司", "industry": "2710", "kind": "factory", "tenure": "either", "area": (2000, 30000),
     "processes": [{"kind": "solvent", "flash_point_c": "13", "name": "乙醇精制"}], "tax": 600, "stage": "site_visit"},
    {"company": "重庆康睿无菌医疗器械有限公司", "industry": "3581", "kind": "factory", "tenure": "lease",
     "area": (1000, 3000), "cleanroom": "C", "load": 8, "tax": 300, "stage": "negotiating"},
    {"company": "成都博奥体外诊断试剂有限公司", "industry": "2770", "kind": "factory", "tenure": "lease",
     "area": (800, 1500), "tax": 120, "stage": "contacted"},
    {"company": "重庆灵康医疗设备有限公司", "industry": "3584", "kind": "factory", "tenure": "lease",
     "area": (1500, 2500), "tax": 40, "stage": "new"},
    {"company": "重庆渝医康复器械有限公司", "industry": "3586", "kind": "factory", "tenure": "lease",
     "area": (600, 1200), "tax": 80, "stage": "signed"},
    {"company": "西部生物医药研发中心有限公司", "industry": "7340", "kind": "lab", "tenure": "lease",
     "area": (500, 1000), "tax": 60, "stage": "new"},
]  # fmt: skip


def load_demo(*, scale: str = "demo", stdout: TextIO | None = None) -> dict[str, int]:
    rng = random.Random(20261125)
    parks = list(Park.objects.active().order_by("pk")[:10])
    if not parks:
        return {"leads": 0}
    created = 0
    today = timezone.localdate()
    for i, spec in enumerate(DEMO_LEADS):
        name = str(spec["company"])
        if Lead.objects.filter(company_name=name).exists():
            continue
        low, high = cast(tuple[int, int], spec["area"])
        lead = services.lead_create(
            actor=None,
            company_name=name,
            source=rng.choice(["phone", "wechat", "referral", "event", "government_referral"]),
            park=parks[i % len(parks)],
            contact_name="王经理",
            contact_mobile=f"1380023{4000 + i:04d}",
            expected_signing_on=today + datetime.timedelta(days=30 * (i + 1)),
            requirement={
                "space_kind": spec["kind"],
                "tenure": spec["tenure"],
                "area_min_sqm": Decimal(low),
                "area_max_sqm": Decimal(high),
                "industry_code": spec["industry"],
                "cleanroom_grade": spec.get("cleanroom", ""),
                "min_floor_load_kn_m2": Decimal(spec["load"]) if spec.get("load") else None,  # type: ignore[arg-type]
                "expected_annual_tax_wan": Decimal(spec["tax"]),  # type: ignore[arg-type]
            },
            processes=spec.get("processes"),  # type: ignore[arg-type]
        )
        if spec["stage"] != "new":
            services.lead_move(lead=lead, to_stage=str(spec["stage"]), actor=None)
        created += 1
    if stdout is not None:
        stdout.write(f"招商：新增 {created} 条演示线索\n")
    return {"leads": created}
