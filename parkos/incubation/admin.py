"""Admin: configuration (providers, assignment rules) and read-mostly records; workflow goes through the pages."""

from django.contrib import admin

from parkos.incubation.models import (
    AnnualReturn,
    Application,
    ApplicationAttachment,
    AssignmentRule,
    IncubationRecord,
    Intake,
    Notification,
    Programme,
    Review,
    ReviewMeeting,
    ReviewScore,
    RubricCriterion,
    Scheme,
    SchemeApplication,
    SchemeCriterion,
    ServiceAttachment,
    ServiceEvent,
    ServiceMessage,
    ServiceOffering,
    ServiceProvider,
    ServiceRequest,
    StageChange,
)


class RubricInline(admin.TabularInline[RubricCriterion, Programme]):
    model = RubricCriterion
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin[Programme]):
    list_display = ("name", "park", "kind", "incubation_months", "extended_months", "is_active")
    list_filter = ("kind", "is_active")
    raw_id_fields = ("park", "created_by")
    inlines = [RubricInline]


@admin.register(Intake)
class IntakeAdmin(admin.ModelAdmin[Intake]):
    list_display = ("name", "programme", "year", "opens_on", "closes_on")
    raw_id_fields = ("programme",)


@admin.register(RubricCriterion)
class RubricCriterionAdmin(admin.ModelAdmin[RubricCriterion]):
    list_display = ("name", "programme", "weight", "max_score", "position")
    raw_id_fields = ("programme",)


class AttachmentInline(admin.TabularInline[ApplicationAttachment, Application]):
    model = ApplicationAttachment
    extra = 0
    fields = ("kind", "original_name", "content_type", "size", "uploaded_at")
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin[Application]):
    """Read mostly: status and decisions change only through the application pages (services)."""

    list_display = ("reference", "company_name", "programme", "status", "source", "submitted_at")
    list_filter = ("status", "source")
    search_fields = ("reference", "company_name", "credit_code")
    raw_id_fields = ("programme", "park", "intake", "enterprise", "meeting", "created_by")
    # Personal data: visible to admins, but not listed.
    inlines = [AttachmentInline]


@admin.register(ApplicationAttachment)
class ApplicationAttachmentAdmin(admin.ModelAdmin[ApplicationAttachment]):
    list_display = ("original_name", "application", "kind", "size", "uploaded_at")
    raw_id_fields = ("application", "uploaded_by")
    readonly_fields = ("file", "sha256", "size", "content_type")


@admin.register(ReviewMeeting)
class ReviewMeetingAdmin(admin.ModelAdmin[ReviewMeeting]):
    list_display = ("held_on", "title", "programme")
    raw_id_fields = ("programme", "created_by")


class ScoreInline(admin.TabularInline[ReviewScore, Review]):
    model = ReviewScore
    extra = 0
    raw_id_fields = ("criterion",)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin[Review]):
    list_display = ("application", "reviewer", "conflict_declared", "recommendation", "submitted_at")
    raw_id_fields = ("application", "reviewer", "assigned_by")
    inlines = [ScoreInline]


@admin.register(ReviewScore)
class ReviewScoreAdmin(admin.ModelAdmin[ReviewScore]):
    list_display = ("review", "criterion", "score")
    raw_id_fields = ("review", "criterion")


class StageChangeInline(admin.TabularInline[StageChange, IncubationRecord]):
    model = StageChange
    extra = 0
    readonly_fields = ("from_stage", "to_stage", "on", "actor", "note", "at")


@admin.register(IncubationRecord)
class IncubationRecordAdmin(admin.ModelAdmin[IncubationRecord]):
    list_display = ("enterprise", "programme", "stage", "admitted_on", "due_on", "graduated_on", "exited_on")
    list_filter = ("stage",)
    search_fields = ("enterprise__name",)
    raw_id_fields = ("programme", "park", "enterprise", "intake", "application", "mentor")
    inlines = [StageChangeInline]


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin[StageChange]):
    list_display = ("record", "from_stage", "to_stage", "on", "actor")
    raw_id_fields = ("record", "actor")


@admin.register(AnnualReturn)
class AnnualReturnAdmin(admin.ModelAdmin[AnnualReturn]):
    list_display = ("record", "year", "employees", "college_educated", "ip_held", "financing_wan")
    raw_id_fields = ("record", "submitted_by")


@admin.register(ServiceProvider)
class ServiceProviderAdmin(admin.ModelAdmin[ServiceProvider]):
    list_display = ("name", "park", "kind", "manager", "is_active")
    list_filter = ("kind", "is_active")
    raw_id_fields = ("park", "manager")
    filter_horizontal = ("members",)


@admin.register(ServiceOffering)
class ServiceOfferingAdmin(admin.ModelAdmin[ServiceOffering]):
    list_display = ("name", "park", "category", "provider", "response_target", "response_unit", "resolution_target")
    list_filter = ("category", "is_active")
    raw_id_fields = ("park", "provider")


@admin.register(AssignmentRule)
class AssignmentRuleAdmin(admin.ModelAdmin[AssignmentRule]):
    list_display = ("park", "offering", "category", "assignee", "priority", "active")
    raw_id_fields = ("park", "offering", "assignee")


class ServiceEventInline(admin.TabularInline[ServiceEvent, ServiceRequest]):
    model = ServiceEvent
    extra = 0
    readonly_fields = ("kind", "at", "actor", "from_status", "to_status", "note")


@admin.register(ServiceRequest)
class ServiceRequestAdmin(admin.ModelAdmin[ServiceRequest]):
    """Read mostly: the SLA clock and statuses change only through the desk (services)."""

    list_display = ("reference", "subject", "enterprise", "offering", "status", "raised_at", "resolution_due_at")
    list_filter = ("status", "response_breached", "resolution_breached")
    search_fields = ("reference", "subject", "enterprise__name")
    raw_id_fields = ("park", "enterprise", "offering", "provider", "assignee", "raised_by")
    inlines = [ServiceEventInline]


@admin.register(ServiceMessage)
class ServiceMessageAdmin(admin.ModelAdmin[ServiceMessage]):
    list_display = ("request", "visibility", "from_tenant", "author", "created_at")
    raw_id_fields = ("request", "author")


@admin.register(ServiceAttachment)
class ServiceAttachmentAdmin(admin.ModelAdmin[ServiceAttachment]):
    list_display = ("original_name", "request", "visibility", "size", "uploaded_at")
    raw_id_fields = ("request", "message", "uploaded_by")
    readonly_fields = ("file", "sha256", "size", "content_type")


@admin.register(ServiceEvent)
class ServiceEventAdmin(admin.ModelAdmin[ServiceEvent]):
    list_display = ("request", "kind", "at", "actor")
    list_filter = ("kind",)
    raw_id_fields = ("request", "actor")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ("user", "kind", "text", "created_at", "read_at")
    list_filter = ("kind",)
    raw_id_fields = ("user",)


class SchemeCriterionInline(admin.TabularInline[SchemeCriterion, Scheme]):
    model = SchemeCriterion
    extra = 0


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin[Scheme]):
    list_display = ("name", "level", "park", "opens_on", "closes_on", "is_active")
    list_filter = ("level", "is_active")
    raw_id_fields = ("park",)
    inlines = [SchemeCriterionInline]


@admin.register(SchemeCriterion)
class SchemeCriterionAdmin(admin.ModelAdmin[SchemeCriterion]):
    list_display = ("scheme", "fact", "operator", "value")
    raw_id_fields = ("scheme",)


@admin.register(SchemeApplication)
class SchemeApplicationAdmin(admin.ModelAdmin[SchemeApplication]):
    list_display = ("scheme", "enterprise", "year", "status", "amount_awarded", "awarded_on")
    list_filter = ("status", "year")
    raw_id_fields = ("scheme", "park", "enterprise", "created_by")
