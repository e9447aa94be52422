from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parkos.accounts import services
from parkos.accounts.access import visible_parks
from parkos.accounts.forms import LoginForm
from parkos.accounts.middleware import ACTIVE_PARK_SESSION_KEY
from parkos.accounts.models import User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Logging out of the site also revokes the person's API tokens: nothing of the session outlives it."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        user = request.user
        if isinstance(user, User):
            services.api_tokens_revoke(user=user, actor=user, reason="logout")
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        messages.success(self.request, _("密码已修改。"))
        return super().form_valid(form)


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url("web:dashboard")


@login_required
@require_POST
def switch_park(request: HttpRequest) -> HttpResponse:
    """Set (or clear, with an empty value) the park the shell is focused on."""
    raw = request.POST.get("park", "")
    if raw == "":
        request.session.pop(ACTIVE_PARK_SESSION_KEY, None)
        messages.info(request, _("已切换到全部园区。"))
        return HttpResponseRedirect(_safe_next(request))
    park = visible_parks(request.user).filter(pk=int(raw)).first() if raw.isdigit() else None
    if park is None:
        messages.error(request, _("无法切换到该园区：园区不存在或您无权访问。"))
        return HttpResponseRedirect(_safe_next(request))
    request.session[ACTIVE_PARK_SESSION_KEY] = park.pk
    messages.success(request, _("已切换到园区：%(name)s") % {"name": park.name})
    return HttpResponseRedirect(_safe_next(request))
