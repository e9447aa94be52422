"""Generate (or resume) a park's bill run for a month from the command line: for large parks, cron and
recovery. Safe to run again at any time — a run killed half-way continues after its last committed
chunk, and a period already billed bills nothing twice.

    manage.py billing_run --park CQ-BIO-01 --period 2026-01            # preview only
    manage.py billing_run --park CQ-BIO-01 --period 2026-01 --issue    # approve and issue too
    manage.py billing_run --run 42                                     # resume run 42
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parkos.billing import billrun
from parkos.billing.models import BillRun
from parkos.parks.models import Park


def _month(value: str) -> datetime.date:
    return datetime.date.fromisoformat(f"{value}-01" if len(value) == 7 else value).replace(day=1)


class Command(BaseCommand):
    help = "生成（或继续生成）园区某月的出账批次；可重复执行，不会重复计费。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--park", help="园区编码")
        parser.add_argument("--period", type=_month, help="账期 YYYY-MM")
        parser.add_argument("--run", type=int, help="继续生成指定编号的出账批次")
        parser.add_argument("--chunk-size", type=int, default=billrun.CHUNK_SIZE, help="每批提交的企业数")
        parser.add_argument("--pause", type=float, default=0.0, help="每批之间暂停的秒数（让出数据库）")
        parser.add_argument("--issue", action="store_true", help="生成后直接审核并出账")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["run"]:
            run = BillRun.objects.filter(pk=options["run"]).first()
            if run is None:
                raise CommandError(f"no bill run {options['run']}")
        elif options["park"] and options["period"]:
            park = Park.objects.filter(code=options["park"]).first()
            if park is None:
                raise CommandError(f"no park with code {options['park']!r}")
            run = billrun.bill_run_start(park=park, period=options["period"], actor=None)
        else:
            raise CommandError("give --run, or --park and --period")
        run = billrun.bill_run_generate(run=run, chunk_size=options["chunk_size"], pause_seconds=options["pause"])
        if options["issue"]:
            run = billrun.bill_run_approve(run=run, actor=None)
            run = billrun.bill_run_issue(run=run, actor=None)
        self.stdout.write(f"run {run.pk}: {run.status}, {run.bills_count} bills, {run.total_amount} yuan")
