"""List (and notify) the open leads a unit or parcel fits: `manage.py investment_reverse_match --unit 12`.

`--changed-within-hours N` sweeps every unit and parcel available today that changed in the last N
hours (a lease that ended, a reservation released by the daily job): the scheduler runs it hourly
(settings.SCHEDULED_JOBS). Notifications are not repeated, so overlapping sweeps are harmless.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from parkos.investment import selectors, services
from parkos.parks.models import LandParcel, Unit


class Command(BaseCommand):
    help = "反向匹配：列出某单元或地块适合的跟进中线索，并通知其招商经理。"

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--unit", type=int, help="单元 id")
        group.add_argument("--parcel", type=int, help="地块 id")
        group.add_argument("--changed-within-hours", type=int, help="所有近 N 小时内有变动、今天可租售的单元和地块")
        parser.add_argument("--dry-run", action="store_true", help="只列出，不发通知")

    def handle(
        self,
        *args: object,
        unit: int | None,
        parcel: int | None,
        changed_within_hours: int | None,
        dry_run: bool,
        **options: object,
    ) -> None:
        if changed_within_hours is not None:
            self.sweep(hours=changed_within_hours, dry_run=dry_run)
            return

        try:
            space: Unit | LandParcel = Unit.objects.get(pk=unit) if unit else LandParcel.objects.get(pk=parcel or 0)
        except (Unit.DoesNotExist, LandParcel.DoesNotExist):
            raise CommandError("未找到该单元或地块") from None
        for lead, match in selectors.leads_matching_space(space):
            self.stdout.write(f"{lead.pk}\t{lead.company_name}\t{match.score:.0f}\t{lead.officer or '-'}")
        if not dry_run:
            sent = services.notify_space_available(space, None)
            self.stdout.write(self.style.SUCCESS(f"notifications: {sent}"))

    def sweep(self, *, hours: int, dry_run: bool) -> None:
        since = timezone.now() - datetime.timedelta(hours=hours)
        today = timezone.localdate()
        spaces: list[Unit | LandParcel] = [
            *Unit.objects.filter(updated_at__gte=since).available_on(today),
            *LandParcel.objects.filter(updated_at__gte=since).available_on(today),
        ]
        sent = 0
        for space in spaces:
            if dry_run:
                sent += len(selectors.leads_matching_space(space))
            else:
                sent += services.notify_space_available(space, None)
        self.stdout.write(f"spaces: {len(spaces)}; {'matching leads' if dry_run else 'notifications'}: {sent}")
