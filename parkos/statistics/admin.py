from django.contrib import admin

from parkos.statistics.models import EnterpriseParkProfile, MonthlyReport


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin[MonthlyReport]):
    list_display = ("enterprise", "park", "year", "month", "is_cumulative", "output", "revenue", "source")
    list_filter = ("year", "is_cumulative", "source", "park")
    raw_id_fields = ("enterprise", "submitted_by")


@admin.register(EnterpriseParkProfile)
class EnterpriseParkProfileAdmin(admin.ModelAdmin[EnterpriseParkProfile]):
    list_display = ("enterprise", "park", "land_area_sqm", "muju_category")
    raw_id_fields = ("enterprise",)
