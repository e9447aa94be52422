"""Admin: for looking things up. Stages, marks and side effects go through the pages and the API (services)."""

from django.contrib import admin

from parkos.innovation.models import (
    Agreement,
    Fund,
    Institution,
    InstitutionContact,
    JointProject,
    Milestone,
    Platform,
    PlatformUse,
    Product,
    ProductPartner,
    ProductStage,
    Project,
    ProjectIssue,
    ProjectPhoto,
    ProjectProgress,
    Stake,
    StakeExit,
    StakeInvestment,
    StakeValuation,
    TechTransfer,
)


class ProjectProgressInline(admin.TabularInline[ProjectProgress, Project]):
    model = ProjectProgress
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin[Project]):
    list_display = ("name", "park", "kind", "planned_investment", "started_on", "completed_on")
    list_filter = ("kind", "park")
    search_fields = ("name", "enterprise__name")
    raw_id_fields = ("enterprise", "lead", "contract", "parcel")
    inlines = (ProjectProgressInline,)


@admin.register(ProjectProgress)
class ProjectProgressAdmin(admin.ModelAdmin[ProjectProgress]):
    list_display = ("project", "year", "month", "investment", "construction", "installation", "equipment", "other")
    raw_id_fields = ("project",)


@admin.register(ProjectPhoto)
class ProjectPhotoAdmin(admin.ModelAdmin[ProjectPhoto]):
    list_display = ("project", "taken_on", "caption")
    raw_id_fields = ("project", "uploaded_by")


@admin.register(ProjectIssue)
class ProjectIssueAdmin(admin.ModelAdmin[ProjectIssue]):
    list_display = ("project", "raised_on", "owner", "due_on", "status")
    list_filter = ("status",)
    raw_id_fields = ("project",)


class ProductStageInline(admin.TabularInline[ProductStage, Product]):
    model = ProductStage
    extra = 0
    readonly_fields = ("stage", "on", "reason", "note", "recorded_by", "recorded_at")
    can_delete = False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin[Product]):
    list_display = (
        "name",
        "enterprise",
        "kind",
        "drug_family",
        "drug_category",
        "stage",
        "device_class",
        "device_stage",
    )
    list_filter = ("kind", "drug_family", "stage", "device_class", "device_stage")
    search_fields = ("name", "enterprise__name", "device_number")
    raw_id_fields = ("enterprise",)
    readonly_fields = ("stage", "stage_since", "device_stage")
    inlines = (ProductStageInline,)


@admin.register(ProductStage)
class ProductStageAdmin(admin.ModelAdmin[ProductStage]):
    list_display = ("product", "stage", "on", "reason")
    raw_id_fields = ("product", "recorded_by")


@admin.register(ProductPartner)
class ProductPartnerAdmin(admin.ModelAdmin[ProductPartner]):
    list_display = ("product", "role", "name", "since")
    raw_id_fields = ("product", "institution")


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin[Milestone]):
    list_display = ("enterprise", "kind", "on", "exchange", "stock_code", "certificate_number")
    list_filter = ("kind",)
    raw_id_fields = ("enterprise",)


class InstitutionContactInline(admin.TabularInline[InstitutionContact, Institution]):
    model = InstitutionContact
    extra = 0


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin[Institution]):
    list_display = ("name", "kind", "city", "clinical_trial_site")
    list_filter = ("kind", "clinical_trial_site")
    search_fields = ("name",)
    inlines = (InstitutionContactInline,)


@admin.register(InstitutionContact)
class InstitutionContactAdmin(admin.ModelAdmin[InstitutionContact]):
    list_display = ("name", "institution", "title")
    raw_id_fields = ("institution",)


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin[Agreement]):
    list_display = ("title", "institution", "enterprise", "kind", "signed_on", "expires_on")
    list_filter = ("kind",)
    raw_id_fields = ("institution", "enterprise")


@admin.register(JointProject)
class JointProjectAdmin(admin.ModelAdmin[JointProject]):
    list_display = ("title", "institution", "enterprise", "started_on", "status")
    list_filter = ("status",)
    raw_id_fields = ("institution", "enterprise")


class PlatformUseInline(admin.TabularInline[PlatformUse, Platform]):
    model = PlatformUse
    extra = 0
    raw_id_fields = ("enterprise",)


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin[Platform]):
    list_display = ("name", "park", "kind", "opened_on")
    list_filter = ("kind",)
    inlines = (PlatformUseInline,)


@admin.register(PlatformUse)
class PlatformUseAdmin(admin.ModelAdmin[PlatformUse]):
    list_display = ("platform", "enterprise", "since", "until")
    raw_id_fields = ("platform", "enterprise")


@admin.register(TechTransfer)
class TechTransferAdmin(admin.ModelAdmin[TechTransfer]):
    list_display = ("ip", "kind", "institution", "enterprise", "amount", "signed_on")
    list_filter = ("kind",)
    raw_id_fields = ("institution", "enterprise", "products")


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin[Fund]):
    list_display = ("name", "kind", "manager", "size", "vintage")


@admin.register(Stake)
class StakeAdmin(admin.ModelAdmin[Stake]):
    list_display = ("enterprise", "fund", "park")
    raw_id_fields = ("enterprise",)


@admin.register(StakeInvestment)
class StakeInvestmentAdmin(admin.ModelAdmin[StakeInvestment]):
    list_display = ("stake", "kind", "on", "amount", "share_pct")
    raw_id_fields = ("stake",)


@admin.register(StakeValuation)
class StakeValuationAdmin(admin.ModelAdmin[StakeValuation]):
    list_display = ("stake", "on", "fair_value", "method")
    raw_id_fields = ("stake", "milestone")


@admin.register(StakeExit)
class StakeExitAdmin(admin.ModelAdmin[StakeExit]):
    list_display = ("stake", "kind", "on", "proceeds", "share_pct")
    raw_id_fields = ("stake",)
