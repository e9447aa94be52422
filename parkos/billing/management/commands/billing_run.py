"""Generate (or resume) a park's bill run for a month from the command line: for large parks, cron and
recovery. Safe to run again at any time — a run killed half-way continues after its last committed
chunk, and a period already billed bills nothing twice.

    manage.py billing_run --park CQ-BIO-01 --period 2026-01            # preview only
    manage.py billing_run --park CQ-BIO-01 --period 2026-01 --issue    # approve and issue too
    manage.py billing_run --run 42                                     # resume run 42
"""

from __future__ import annotations

import datetime

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

    def handle(
        self,
        *args: object,
        park: str | None,
        period: datetime.date | None,
        run: int | None,
        chunk_size: int,
        pause: float,
        issue: bool,
        **options: object,
    ) -> None:
        bill_run: BillRun | None
        if run:
            bill_run = BillRun.objects.filter(pk=run).first()
            if bill_run is None:
                raise CommandError(f"no bill run {run}")
        elif park and period:
            found = Park.objects.filter(code=park).first()
            if found is None:
                raise CommandError(f"no park with code {park!r}")
            bill_run = billrun.bill_run_start(park=found, period=period, actor=None)
        else:
            raise CommandError("give --run, or --park and --period")
        bill_run = billrun.bill_run_generate(run=bill_run, chunk_size=chunk_size, pause_seconds=pause)
        if issue:
            bill_run = billrun.bill_run_approve(run=bill_run, actor=None)
            bill_run = billrun.bill_run_issue(run=bill_run, actor=None)
        self.stdout.write(
            f"run {bill_run.pk}: {bill_run.status}, {bill_run.bills_count} bills, {bill_run.total_amount} yuan"
        )
