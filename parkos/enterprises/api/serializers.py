from __future__ import annotations

from typing import Any

from django.db.models import Manager, QuerySet
from django.urls import reverse
from rest_framework import serializers

from parkos.core.models import ImportJob
from parkos.enterprises.choices import EnterpriseSize, Qualification
from parkos.enterprises.models import Contact, Enterprise, Tag
from parkos.parks.models import Park


class TagNamesField(serializers.ListField):
    """Tags as a list of names, created on first use."""

    def to_representation(self, data: object) -> list[str]:
        # The source is the enterprise's tags (a related manager), not the list ListField expects.
        assert isinstance(data, Manager), "tags are read from their related manager"
        tags: QuerySet[Tag] = data.all()
        return [tag.name for tag in tags]


CREDIT_CODE_HELP = (
    "选填：统一社会信用代码，18位，可带空格或连字符，保存时规范化并校验；潜在客户可暂缺（空值保存为 null）。"
    " Optional: spaces and hyphens allowed; blank is stored as null."
)


class EnterpriseSerializer(serializers.ModelSerializer[Enterprise]):
    """An enterprise of the pool. Lists are lists of strings (never null), validated before the services."""

    # Length is the services' to check, after normalisation: "9111 0000 6000 3734 1L" is a valid code.
    credit_code = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=64, help_text=CREDIT_CODE_HELP
    )
    tags = TagNamesField(child=serializers.CharField(max_length=40), required=False)
    former_names = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    secondary_industry_codes = serializers.ListField(child=serializers.CharField(max_length=8), required=False)
    qualifications = serializers.ListField(child=serializers.ChoiceField(choices=Qualification.choices), required=False)
    parks = serializers.PrimaryKeyRelatedField(many=True, queryset=Park.objects.all(), required=False)
    accept_checksum_mismatch = serializers.BooleanField(write_only=True, required=False, default=False)
    industry_display = serializers.CharField(read_only=True)
    # Blank until the statistical rules can size the enterprise (no employees or revenue yet).
    size_class = serializers.ChoiceField(
        choices=[("", "未定"), *EnterpriseSize.choices], allow_blank=True, read_only=True
    )

    class Meta:
        model = Enterprise
        fields = [
            "id", "name", "former_names", "credit_code", "credit_code_override", "accept_checksum_mismatch",
            "legal_form", "registered_capital_wan", "founded_on", "registered_address", "city", "district",
            "industry_code", "industry_display", "secondary_industry_codes", "business_scope", "employees",
            "annual_revenue_wan", "size_class", "above_scale", "above_scale_since", "listing_status", "stock_code",
            "high_tech", "qualifications", "tags", "source", "lifecycle", "parks", "merged_into", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "credit_code_override",
            "size_class",
            "above_scale",
            "merged_into",
            "created_at",
            "updated_at",
        ]
        # Uniqueness and code validity are checked by the services, with the domain messages.


class ContactSerializer(serializers.ModelSerializer[Contact]):
    """A contact; `masked` says whether personal fields were masked for this caller."""

    masked = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = ["id", "enterprise", "name", "title", "mobile", "landline", "landline_ext", "email", "wechat",
                  "is_primary", "erased_at", "masked"]  # fmt: skip
        read_only_fields = ["enterprise", "erased_at"]

    def get_masked(self, instance: Contact) -> bool:
        return not self.context.get("unmasked", False)

    def to_representation(self, instance: Contact) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self.context.get("unmasked", False):
            data["mobile"] = instance.mobile_masked
            data["landline"] = instance.landline_masked
            data["landline_ext"] = ""
            data["email"] = "***" if instance.email else ""
            data["wechat"] = "***" if instance.wechat else ""
        return data


class ImportJobSerializer(serializers.ModelSerializer[ImportJob]):
    file = serializers.FileField(write_only=True)
    percent = serializers.IntegerField(read_only=True)
    error_report_url = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = ["id", "file", "original_name", "mode", "status", "rows_total", "rows_processed", "rows_ok",
                  "rows_failed", "last_row", "percent", "message", "error_report_url", "started_at", "finished_at"]  # fmt: skip
        read_only_fields = ["original_name", "status", "rows_total", "rows_processed", "rows_ok", "rows_failed",
                            "last_row", "message", "started_at", "finished_at"]  # fmt: skip

    def get_error_report_url(self, instance: ImportJob) -> str | None:

        return reverse("enterprises:import_report", args=[instance.pk]) if instance.error_report else None
