from django.contrib import admin
from django.http import HttpRequest

from parkos.statistics.models import (
    EnterpriseParkProfile,
    LateReportPermission,
    MonthlyReport,
    ParkStatisticsSettings,
    ProductOutput,
    ReportSubmission,
    ReportYear,
)


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin[MonthlyReport]):
    list_display = ("enterprise", "park", "year", "month", "is_cumulative", "output", "revenue", "source")
    list_filter = ("year", "is_cumulative", "source", "park")
    raw_id_fields = ("enterprise", "submitted_by")


@admin.register(ReportYear)
class ReportYearAdmin(admin.ModelAdmin[ReportYear]):
    """Read-only: the database keeps these summaries from the monthly reports (triggers)."""

    list_display = (
        "enterprise",
        "park",
        "year",
        "first_month",
        "lowest_revenue",
        "highest_revenue",
        "has_monthly_rows",
    )
    list_filter = ("year", "park")
    raw_id_fields = ("enterprise", "park")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReportYear | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ReportYear | None = None) -> bool:
        return False


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


@admin.register(ProductOutput)
class ProductOutputAdmin(admin.ModelAdmin[ProductOutput]):
    """Read-only here: output lines are written through the services (audited)."""

    list_display = ("enterprise", "park", "year", "month", "product_name", "quantity", "unit", "exports", "source")
    list_filter = ("year", "unit", "source", "park")
    search_fields = ("product_name", "enterprise__name")
    raw_id_fields = ("enterprise", "product", "recorded_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ProductOutput | None = None) -> bool:
        return False


@admin.register(ParkStatisticsSettings)
class ParkStatisticsSettingsAdmin(admin.ModelAdmin[ParkStatisticsSettings]):
    list_display = ("park", "investment_basis", "muju_scheme")
