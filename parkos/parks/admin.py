from django.contrib import admin

from parkos.parks.models import Operator, Park


@admin.register(Operator)
class OperatorAdmin(admin.ModelAdmin[Operator]):
    list_display = ("name", "hotline")


@admin.register(Park)
class ParkAdmin(admin.ModelAdmin[Park]):
    list_display = ("code", "name", "city", "district", "archived_at")
    list_filter = ("city",)
    search_fields = ("code", "name")
