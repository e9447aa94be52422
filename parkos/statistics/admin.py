from django.contrib import admin
from django.http import HttpRequest

from parkos.statistics.models import (
    EnterpriseParkProfile,
    LateReportPermission,
    Milestone,
    MonthlyReport,
    Product,
    Project,
    ProjectProgress,
    ReportSubmission,
)


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin[MonthlyReport]):
    list_display = ("enterprise", "park", "year", "month", "is_cumulative", "output", "revenue", "source")
    list_filter = ("year", "is_cumulative", "source", "park")
    raw_id_fields = ("enterprise", "submitted_by")


@admin.register(ReportSubmission)
class ReportSubmissionAdmin(admin.ModelAdmin[ReportSubmission]):
    """Read-only here: submissions are written and decided through the services (audited)."""

    list_display = ("enterprise", "park", "year", "month", "status", "created_at", "decided_by")
    list_filter = ("status", "year", "park")
    raw_id_fields = ("enterprise", "submitted_by", "decided_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReportSubmission | None = None) -> bool:
        return False


@admin.register(LateReportPermission)
class LateReportPermissionAdmin(admin.ModelAdmin[LateReportPermission]):
    list_display = ("enterprise", "park", "year", "month", "until", "granted_by")
    raw_id_fields = ("enterprise", "granted_by")


@admin.register(EnterpriseParkProfile)
class EnterpriseParkProfileAdmin(admin.ModelAdmin[EnterpriseParkProfile]):
    list_display = ("enterprise", "park", "land_area_sqm", "muju_category")
    raw_id_fields = ("enterprise",)


class ProjectProgressInline(admin.TabularInline[ProjectProgress, Project]):
    model = ProjectProgress
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin[Project]):
    list_display = ("name", "park", "kind", "planned_investment", "started_on", "completed_on")
    list_filter = ("kind", "park")
    raw_id_fields = ("enterprise",)
    inlines = (ProjectProgressInline,)


@admin.register(ProjectProgress)
class ProjectProgressAdmin(admin.ModelAdmin[ProjectProgress]):
    list_display = ("project", "year", "month", "investment")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin[Product]):
    list_display = ("name", "enterprise", "kind", "drug_category", "stage", "device_class", "device_number")
    list_filter = ("kind", "stage", "device_class")
    raw_id_fields = ("enterprise",)


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin[Milestone]):
    list_display = ("enterprise", "kind", "on", "exchange", "stock_code")
    list_filter = ("kind",)
    raw_id_fields = ("enterprise",)
