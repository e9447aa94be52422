"""List (and notify) the open leads a unit or parcel fits: `manage.py investment_reverse_match --unit 12`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parkos.investment import selectors, services
from parkos.parks.models import LandParcel, Unit


class Command(BaseCommand):
    help = "反向匹配：列出某单元或地块适合的跟进中线索，并通知其招商经理。"

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--unit", type=int, help="单元 id")
        group.add_argument("--parcel", type=int, help="地块 id")
        parser.add_argument("--dry-run", action="store_true", help="只列出，不发通知")

    def handle(self, *args: object, unit: int | None, parcel: int | None, dry_run: bool, **options: object) -> None:

        try:
            space: Unit | LandParcel = Unit.objects.get(pk=unit) if unit else LandParcel.objects.get(pk=parcel or 0)
        except (Unit.DoesNotExist, LandParcel.DoesNotExist):
            raise CommandError("未找到该单元或地块") from None
        for lead, match in selectors.leads_matching_space(space):
            self.stdout.write(f"{lead.pk}\t{lead.company_name}\t{match.score:.0f}\t{lead.officer or '-'}")
        if not dry_run:
            sent = services.notify_space_available(space, None)
            self.stdout.write(self.style.SUCCESS(f"notifications: {sent}"))
