"""The public application form on the portal (no login), with the requirement form's abuse protections.

CSRF on, personal-data consent required, a honeypot, and rate limits in the Django cache (fixed
windows, by IP address and by mobile number — `INCUBATION_FORM_IP_LIMIT`, `INCUBATION_FORM_MOBILE_LIMIT`,
`INCUBATION_FORM_WINDOW_SECONDS`). The business plan must be a PDF, checked by its content; every file
is stored privately. A resubmission from the same mobile within 24 hours returns the same application.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect

from parkos.core.client_ip import client_ip
from parkos.env import env_int
from parkos.incubation import services
from parkos.incubation.choices import ApplicationSource
from parkos.incubation.forms import PublicApplicationForm
from parkos.incubation.models import Programme
from parkos.investment import ratelimit
from parkos.investment.services import normalise_mobile
from parkos.web.public import public_context
from parkos.web.views_generic import apply_validation_error


def limits() -> tuple[int, int, int]:
    return (
        env_int("INCUBATION_FORM_IP_LIMIT", 10),
        env_int("INCUBATION_FORM_MOBILE_LIMIT", 5),
        env_int("INCUBATION_FORM_WINDOW_SECONDS", 3600),
    )


@csrf_protect
def apply(request: HttpRequest) -> HttpResponse:
    title = _("申请入孵")

    def page(form: PublicApplicationForm, status: int = 200) -> HttpResponse:
        programmes = Programme.objects.filter(is_active=True, park__archived_at__isnull=True).select_related("park")
        return render(
            request,
            "incubation/apply.html",
            public_context(request, title, form=form, programmes=programmes.order_by("park__name", "name")),
            status=status,
        )

    if request.method != "POST":
        initial: dict[str, Any] = {}
        if request.GET.get("programme", "").isdigit():
            initial["programme"] = request.GET["programme"]
        return page(PublicApplicationForm(initial=initial))
    form = PublicApplicationForm(request.POST, request.FILES)
    ip_limit, mobile_limit, window = limits()
    if not ratelimit.hit("incubation-ip", client_ip(request) or "unknown", ip_limit, window):
        form.is_valid()
        form.add_error(None, _("提交过于频繁，请稍后再试，或直接联系园区企业服务中心。"))
        return page(form, status=429)
    if not form.is_valid():
        return page(form, status=400)
    try:
        mobile = normalise_mobile(form.cleaned_data["contact_mobile"])
    except ValidationError:
        form.add_error("contact_mobile", _("请填写正确的11位手机号码"))
        return page(form, status=400)
    if not ratelimit.hit("incubation-mobile", mobile, mobile_limit, window):
        form.add_error("contact_mobile", _("该手机号提交过于频繁，请稍后再试。"))
        return page(form, status=429)
    try:
        application, created = services.application_submit(
            programme=form.cleaned_data["programme"],
            data=form.input(),
            uploads=form.uploads(),
            actor=None,
            source=ApplicationSource.PORTAL,
            consent=form.cleaned_data["consent"],
        )
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return page(form, status=400)
    return render(
        request,
        "incubation/apply_done.html",
        public_context(
            request, _("申请已提交"), reference=application.reference, created=created, programme=application.programme
        ),
    )
