from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from parkos.accounts import throttling


def client_addr(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    addr = request.META.get("REMOTE_ADDR")
    return str(addr) if addr else None


class ThrottledLoginForm(AuthenticationForm):
    """Django's login form, refusing further tries after too many failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确。请注意区分大小写。"),
        "inactive": _("该账户已停用。"),
        "locked_out": _("登录失败次数过多，请 %(minutes)d 分钟后再试。"),
    }

    def clean(self) -> dict[str, Any]:

        username = (self.data.get("username") or "").strip()
        addr = client_addr(self.request)
        if throttling.is_locked_out(username, addr):
            raise forms.ValidationError(
                self.error_messages["locked_out"],
                code="locked_out",
                params={"minutes": max(1, settings.LOGIN_FAILURE_WINDOW_SECONDS // 60)},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                throttling.record_failure(username, addr)
            raise
        throttling.clear_failures(username)
        return cleaned
