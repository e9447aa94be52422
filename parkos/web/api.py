"""API plumbing: errors as JSON with a message in the user's language; request throttling."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status, throttling
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from parkos.core.client_ip import client_ip

#: The years an API parameter may name: statistics and contracts of the operator's own lifetime.
MIN_YEAR, MAX_YEAR = 1990, 2100


def year_param(raw: str | None, *, name: str = "year", default: int | None = None) -> int:
    """A year from the query string, or a 400 naming the parameter (never a 500 deeper down)."""
    if raw in (None, "") and default is not None:
        return default
    try:
        year = int(str(raw))
    except ValueError:
        raise exceptions.ValidationError({name: [_("须为整数年份")]}) from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise exceptions.ValidationError(
            {name: [_("年份须在 %(low)d–%(high)d 之间") % {"low": MIN_YEAR, "high": MAX_YEAR}]}
        )
    return year


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus: model ValidationErrors become 400, and every body has a `detail` message."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("未找到该记录，或您无权访问。"))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or _("您的角色无权执行此操作。"))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": _("提交的数据有误，请检查后重试。"), "errors": response.data}
    elif isinstance(response.data, dict) and "detail" not in response.data:
        response.data = {"detail": str(exc), **response.data}
    if response.status_code == status.HTTP_401_UNAUTHORIZED and isinstance(exc, exceptions.NotAuthenticated):
        response.data = {"detail": _("请先登录。")}
    return response


class _ParkosRateMixin:
    """Rates read when a request comes (so a changed setting applies), clients told apart by `client_ip`."""

    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(getattr(self, "scope", ""))
        return None if rate is None else str(rate)

    def get_ident(self, request: Request) -> str:
        return client_ip(request) or "unknown"


class AnonRateThrottle(_ParkosRateMixin, throttling.AnonRateThrottle):
    """Anonymous API calls per client address (`API_ANON_RATE`)."""


class UserRateThrottle(_ParkosRateMixin, throttling.UserRateThrottle):
    """API calls per logged-in person (`API_USER_RATE`)."""
