"""`manage.py community_housekeeping` (daily): erase personal data past its retention period.

Event registrants: 180 days after the event ended (`COMMUNITY_RETENTION_DAYS`); job applicants: 180
days after they applied. Rows stay for counts and attendance; names and numbers go. Idempotent.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from parkos.community.services import events, jobs
from parkos.env import env_int


class Command(BaseCommand):
    help = "Erase event registrants' and job applicants' personal data past the retention period."

    def handle(self, *args: object, **options: object) -> None:
        days = env_int("COMMUNITY_RETENTION_DAYS", 180)
        before = timezone.now() - datetime.timedelta(days=days)
        registrations = events.registrations_erase(before=before, actor=None)
        applications = jobs.applications_erase(before=before, actor=None)
        self.stdout.write(
            f"人才与活动：已删除 {registrations} 条活动报名、{applications} 条职位申请的个人信息（保存期 {days} 天）"
        )
