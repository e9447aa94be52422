"""Serializers every layer's API shares (accounts' token endpoint sits below the web shell)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class ErrorSerializer(serializers.Serializer[Any]):
    """Every error answer of the API: a message in the caller's language, and field errors for a 400."""

    detail = serializers.CharField()

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        # "errors" cannot be a declared field: it would hide Serializer.errors.
        fields = super().get_fields()
        fields["errors"] = serializers.DictField(
            child=serializers.JSONField(),
            required=False,
            help_text="field name → messages (a list; an object of them for nested fields and list items; 400 only)",
        )
        return fields
