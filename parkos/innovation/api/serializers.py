"""Serializers of the innovation API. Money in 元 (as stored), shares in percent, dates ISO 8601."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from parkos.innovation.choices import ProjectPhase
from parkos.innovation.models import (
    SPLIT_FIELDS,
    Agreement,
    Fund,
    Institution,
    JointProject,
    Milestone,
    Platform,
    Product,
    ProductStage,
    Project,
    ProjectProgress,
    Stake,
    StakeExit,
    StakeInvestment,
    StakeValuation,
    TechTransfer,
)
from parkos.innovation.regulatory import ClinicalStage, DeviceStage
from parkos.innovation.services import PROJECT_FIELDS


def _money(*, read_only: bool = False, help_text: str | None = None) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=18, decimal_places=2, read_only=read_only, help_text=help_text)


class ProjectSerializer(serializers.ModelSerializer[Project]):
    """A construction project. Writes go through `project_create` / `project_update` (dates checked)."""

    invested = _money(read_only=True, help_text="累计完成投资（元）")
    current_phase = serializers.SerializerMethodField(help_text="signed / delivered / started / … / completed, or null")
    is_statistical = serializers.BooleanField(read_only=True, help_text="计划总投资≥500万元（RULES §5）")

    class Meta:
        model = Project
        fields = ["id", *PROJECT_FIELDS, "invested", "current_phase", "is_statistical"]

    def get_current_phase(self, obj: Project) -> str | None:
        reached = [phase for phase, (_planned, actual) in obj.phase_dates().items() if actual is not None]
        return str(reached[-1]) if reached else None


class PhaseSerializer(serializers.Serializer[Any]):
    phase = serializers.ChoiceField(choices=ProjectPhase.choices)
    actual_on = serializers.DateField(allow_null=True)
    planned_on = serializers.DateField(required=False, allow_null=True)


class ProgressSerializer(serializers.ModelSerializer[ProjectProgress]):
    """A month's investment by 构成 (元); the total is their sum."""

    class Meta:
        model = ProjectProgress
        fields = ["year", "month", "investment", *SPLIT_FIELDS, "note"]
        read_only_fields = ["investment"]
        extra_kwargs = {name: {"required": False, "allow_null": False} for name in SPLIT_FIELDS}


class ProductSerializer(serializers.ModelSerializer[Product]):
    """An R&D product; on create, `initial_stage` and `initial_stage_on` start its history (later stages:
    `POST …/stage/`). `stage`/`stage_since` (clinical pathway) and `device_stage` are its current stage."""

    initial_stage = serializers.ChoiceField(
        choices=[*ClinicalStage.choices, *DeviceStage.choices], write_only=True, required=False
    )
    initial_stage_on = serializers.DateField(write_only=True, required=False)
    stage = serializers.CharField(read_only=True)
    device_stage = serializers.CharField(read_only=True)
    current_stage = serializers.CharField(read_only=True)
    pathway = serializers.CharField(read_only=True)
    registration_class = serializers.CharField(source="class_label", read_only=True)

    class Meta:
        model = Product
        fields = [
            "id", "park", "enterprise", "name", "kind", "is_key", "indication", "drug_family", "drug_category",
            "device_class", "device_number", "approval_number", "note", "initial_stage", "initial_stage_on", "stage",
            "stage_since", "device_stage", "current_stage", "pathway", "registration_class",
        ]  # fmt: skip
        read_only_fields = ["stage_since"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None and ("initial_stage" not in attrs or "initial_stage_on" not in attrs):
            raise serializers.ValidationError({"initial_stage": ["新增产品须填写当前阶段及进入日期"]})
        return attrs


class StageEntrySerializer(serializers.ModelSerializer[ProductStage]):
    class Meta:
        model = ProductStage
        fields = ["id", "stage", "on", "reason", "note", "recorded_at"]
        read_only_fields = ["recorded_at"]


class MilestoneSerializer(serializers.ModelSerializer[Milestone]):
    class Meta:
        model = Milestone
        fields = [
            "id", "park", "enterprise", "kind", "on", "exchange", "stock_code", "short_name", "market_value",
            "certificate_number", "valid_until", "financing_round", "amount", "investors", "patent_type",
            "patent_status", "patent_number", "quantity", "title", "note",
        ]  # fmt: skip


class PipelineRowSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    group = serializers.CharField(help_text="drug family, or device class")
    category = serializers.CharField()
    title = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="stage → products on the day")


class PipelineSerializer(serializers.Serializer[Any]):
    day = serializers.DateField()
    class_one_in_trials = serializers.IntegerField()
    clinical = PipelineRowSerializer(many=True)
    registration = PipelineRowSerializer(many=True)


class TimelineEventSerializer(serializers.Serializer[Any]):
    on = serializers.DateField()
    topic = serializers.CharField()
    title = serializers.CharField()
    detail = serializers.CharField()
    url = serializers.CharField()
    late = serializers.BooleanField()
    planned = serializers.BooleanField()


class InstitutionSerializer(serializers.ModelSerializer[Institution]):
    class Meta:
        model = Institution
        fields = ["id", "name", "kind", "city", "clinical_trial_site", "specialties", "website", "note"]


class AgreementSerializer(serializers.ModelSerializer[Agreement]):
    class Meta:
        model = Agreement
        fields = [
            "id",
            "park",
            "institution",
            "enterprise",
            "title",
            "kind",
            "signed_on",
            "expires_on",
            "amount",
            "note",
        ]


class JointProjectSerializer(serializers.ModelSerializer[JointProject]):
    class Meta:
        model = JointProject
        fields = [
            "id", "park", "institution", "enterprise", "title", "started_on", "ended_on", "budget", "funding",
            "status", "note",
        ]  # fmt: skip


class PlatformSerializer(serializers.ModelSerializer[Platform]):
    users = serializers.SerializerMethodField(help_text="ids of the enterprises using the platform now or before")

    class Meta:
        model = Platform
        fields = [
            "id",
            "park",
            "name",
            "kind",
            "institution",
            "operator_name",
            "opened_on",
            "capacity",
            "note",
            "users",
        ]

    def get_users(self, obj: Platform) -> list[int]:
        return sorted({use.enterprise_id for use in obj.uses.all()})


class TechTransferSerializer(serializers.ModelSerializer[TechTransfer]):
    class Meta:
        model = TechTransfer
        fields = [
            "id", "park", "kind", "institution", "licensor_name", "enterprise", "ip", "amount", "signed_on",
            "ends_on", "products", "note",
        ]  # fmt: skip
        extra_kwargs = {"products": {"required": False}}


class FundSerializer(serializers.ModelSerializer[Fund]):
    class Meta:
        model = Fund
        fields = ["id", "name", "kind", "manager", "size", "vintage", "note"]


class StakeFiguresSerializer(serializers.Serializer[Any]):
    cost = _money()
    realised = _money()
    fair_value = _money()
    share_pct = serializers.DecimalField(max_digits=9, decimal_places=4, allow_null=True)
    moic = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    irr = serializers.DecimalField(
        max_digits=12, decimal_places=4, allow_null=True, help_text="a fraction: 0.1234 = 12.34 %"
    )
    marked_on = serializers.DateField(allow_null=True)
    exited = serializers.BooleanField()


class StakeSerializer(serializers.ModelSerializer[Stake]):
    figures = serializers.SerializerMethodField()

    class Meta:
        model = Stake
        fields = ["id", "fund", "enterprise", "park", "note", "figures"]

    def get_figures(self, obj: Stake) -> dict[str, Any]:
        figures = self.context.get("figures", {}).get(obj.pk)
        return dict(StakeFiguresSerializer(figures).data) if figures is not None else {}


class InvestmentSerializer(serializers.ModelSerializer[StakeInvestment]):
    fund = serializers.PrimaryKeyRelatedField(queryset=Fund.objects.all(), write_only=True, required=False)
    enterprise = serializers.IntegerField(write_only=True, required=False)
    park = serializers.IntegerField(write_only=True, required=False)

    class Meta:
        model = StakeInvestment
        fields = [
            "id",
            "stake",
            "fund",
            "enterprise",
            "park",
            "kind",
            "financing_round",
            "on",
            "amount",
            "share_pct",
            "post_money",
            "note",
        ]
        read_only_fields = ["stake"]


class ValuationSerializer(serializers.ModelSerializer[StakeValuation]):
    class Meta:
        model = StakeValuation
        fields = ["id", "on", "fair_value", "method", "note"]


class ExitSerializer(serializers.ModelSerializer[StakeExit]):
    class Meta:
        model = StakeExit
        fields = ["id", "kind", "on", "proceeds", "share_pct", "note"]


class PortfolioTotalsSerializer(serializers.Serializer[Any]):
    as_of = serializers.DateField()
    stakes = serializers.IntegerField()
    cost = _money()
    realised = _money()
    fair_value = _money()
    moic = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    irr = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
