"""The OpenAPI schema's generator: drf-spectacular's, documenting the errors every operation can give."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ComponentRegistry

from parkos.core.serializers import ErrorSerializer

#: The error answers every operation documents, besides its own (Ref: #13: every 400/404 documented).
ERROR_DESCRIPTIONS = {
    "400": "提交的数据或查询参数有误（errors 列出各字段的问题） / invalid body or query",
    "403": "未登录、无权访问或令牌已失效 / not logged in, not allowed, or the token expired",
    "404": "记录或园区不存在或不在您的园区内，或页码超出范围 / no such record or park among yours, or no such page",
    "429": "请求过于频繁或登录失败次数过多 / throttled",
}


class ParkosAutoSchema(AutoSchema):
    """drf-spectacular's schema, with the error answers (`ErrorSerializer`) each operation can give:
    403 and 429 always, 400 where it takes a body or parameters, 404 where it names a record or
    pages a list."""

    def get_operation(
        self, path: str, path_regex: str, path_prefix: str, method: str, registry: ComponentRegistry
    ) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        parameters = operation.get("parameters", [])
        codes = ["403", "429"]
        if parameters or "requestBody" in operation:
            codes.append("400")
        # A record named in the path, a page beyond the last, or a park (a query parameter) that is not
        # among the caller's parks.
        if any(p.get("in") == "path" or p.get("name") in ("page", "park") for p in parameters):
            codes.append("404")
        error = self._get_response_for_code(ErrorSerializer, "400")
        for code in sorted(codes):
            operation["responses"].setdefault(code, {**error, "description": ERROR_DESCRIPTIONS[code]})
        return operation
