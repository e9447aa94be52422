from typing import Any

from django.contrib import admin

from parkos.investment.models import (
    Activity,
    AssignmentRule,
    Lead,
    Notification,
    Requirement,
    RequirementVersion,
    StageChange,
    SubmissionGuard,
)


class RequirementInline(admin.StackedInline[Requirement, Any]):
    model = Requirement
    extra = 0


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin[Lead]):
    list_display = ("company_name", "park", "stage", "source", "officer", "created_at")
    list_filter = ("stage", "source", "park")
    search_fields = ("company_name",)
    raw_id_fields = ("enterprise", "contact", "officer", "created_by")
    inlines = [RequirementInline]


@admin.register(Requirement)
class RequirementAdmin(admin.ModelAdmin[Requirement]):
    list_display = ("lead", "space_kind", "tenure", "area_min_sqm", "area_max_sqm", "fire_class", "cleanroom_grade")
    raw_id_fields = ("lead",)


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin[StageChange]):
    list_display = ("lead", "from_stage", "to_stage", "actor", "at")
    raw_id_fields = ("lead",)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin[Activity]):
    list_display = ("lead", "kind", "occurred_at", "next_step_on", "actor")
    list_filter = ("kind",)
    raw_id_fields = ("lead", "enterprise", "units", "parcels")


@admin.register(AssignmentRule)
class AssignmentRuleAdmin(admin.ModelAdmin[AssignmentRule]):
    list_display = ("priority", "park", "industry_prefix", "officer", "active")
    list_editable = ("active",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ("user", "text", "created_at", "read_at")


@admin.register(SubmissionGuard)
class SubmissionGuardAdmin(admin.ModelAdmin[SubmissionGuard]):
    list_display = ("__str__", "last_submitted_at", "submissions")
    raw_id_fields = ("lead",)


@admin.register(RequirementVersion)
class RequirementVersionAdmin(admin.ModelAdmin[RequirementVersion]):
    list_display = ("lead", "number", "reference", "submitted_at", "company_name")
    search_fields = ("reference", "company_name")
    raw_id_fields = ("lead", "preferred_park")
    readonly_fields = ("reference",)
