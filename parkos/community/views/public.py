"""Public pages, framed by the portal (web.public): events with registration, the registrant's own page
with the QR check-in code, the job board with applications, and recruitment fairs.

Abuse protections as on the public requirement form: CSRF, a consent box, a honeypot, and rate limits
per IP address and per mobile (Django cache, fixed windows; `COMMUNITY_FORM_IP_LIMIT`,
`COMMUNITY_FORM_MOBILE_LIMIT`, `COMMUNITY_FORM_WINDOW_SECONDS`). No login anywhere here.
"""

from __future__ import annotations

import io

import segno
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from parkos.community.choices import EventKind, FairStatus, RegistrationStatus
from parkos.community.forms import EventRegistrationForm, JobApplicationForm, JobSearchForm
from parkos.community.models import Event, EventRegistration, JobPosting, RecruitmentFair
from parkos.community.selectors import people
from parkos.community.services import events as event_services
from parkos.community.services import jobs as job_services
from parkos.community.views.common import client_ip
from parkos.env import env_int
from parkos.investment import ratelimit
from parkos.web.public import public_context
from parkos.web.views_generic import apply_validation_error


def limits() -> tuple[int, int, int]:
    return (
        env_int("COMMUNITY_FORM_IP_LIMIT", 20),
        env_int("COMMUNITY_FORM_MOBILE_LIMIT", 5),
        env_int("COMMUNITY_FORM_WINDOW_SECONDS", 3600),
    )


def _rate_limited(request: HttpRequest, form: BaseForm, kind: str) -> bool:
    """Count this submission against the IP (before validation) and the mobile (after); True when over."""
    ip_limit, mobile_limit, window = limits()
    if not ratelimit.hit(f"{kind}-ip", client_ip(request), ip_limit, window):
        form.is_valid()
        form.add_error(None, _("提交过于频繁，请稍后再试。"))
        return True
    if form.is_valid() and not ratelimit.hit(f"{kind}-mobile", form.cleaned_data["mobile"], mobile_limit, window):
        form.add_error("mobile", _("该手机号提交过于频繁，请稍后再试。"))
        return True
    return False


# --- Events ------------------------------------------------------------------------------------------------------


def event_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in EventKind.values else ""
    events = people.public_events(kind=kind, park_code=request.GET.get("park", "")[:40])
    page = Paginator(events, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "community/public/event_list.html",
        public_context(request, _("园区活动"), page=page, kinds=EventKind.choices, kind=kind),
    )


def _public_event(pk: int) -> Event:
    event = people.with_counts(Event.objects.select_related("park").exclude(status="draft")).filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


@csrf_protect
@require_http_methods(["GET", "POST"])
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An event's page with the registration form; a valid registration goes to the registrant's own page."""
    event = _public_event(pk)
    now = timezone.now()
    closed = event_services.registration_open_error(event, now)

    def page(form: EventRegistrationForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            "community/public/event_detail.html",
            public_context(request, event.title, event=event, form=form, closed=closed),
            status=status,
        )

    if request.method != "POST":
        return page(EventRegistrationForm(event=event))
    form = EventRegistrationForm(request.POST, event=event)
    if _rate_limited(request, form, "event"):
        return page(form, status=429)
    if not form.is_valid():
        return page(form, status=400)
    data = form.cleaned_data
    try:
        registration, _created = event_services.event_register(
            event=event,
            data=event_services.RegistrationInput(
                name=data["name"], mobile=data["mobile"], company=data.get("company") or "",
                job_title=data.get("job_title") or "", email=data.get("email") or "",
            ),
        )  # fmt: skip
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return page(form, status=400)
    return HttpResponseRedirect(registration.get_manage_url())


def _registration(token: str) -> EventRegistration:
    return get_object_or_404(
        EventRegistration.objects.select_related("event", "event__park").filter(erased_at__isnull=True),
        manage_token=token,
    )


@csrf_protect
@require_http_methods(["GET", "POST"])
def registration_page(request: HttpRequest, token: str) -> HttpResponse:
    """The registrant's own page (the link is the secret): status, place on the waitlist, QR code, cancel."""
    registration = _registration(token)
    error = ""
    if request.method == "POST":
        try:
            registration = event_services.registration_cancel(registration=registration, actor=None)
        except ValidationError as exc:
            error = "；".join(exc.messages)
    ahead = 0
    if registration.status == RegistrationStatus.WAITLISTED:
        ahead = registration.event.registrations.filter(
            status=RegistrationStatus.WAITLISTED, position__lt=registration.position
        ).count()
    checkin_url = request.build_absolute_uri(registration.get_checkin_url())
    qr = segno.make(checkin_url, error="m")
    return render(
        request,
        "community/public/registration.html",
        public_context(
            request,
            registration.event.title,
            registration=registration,
            event=registration.event,
            ahead=ahead,
            error=error,
            qr_svg=qr.svg_inline(scale=5, dark="#102a43", title=_("签到二维码")),
            checkin_url=checkin_url,
        ),
        status=400 if error else 200,
    )


def registration_qr(request: HttpRequest, token: str) -> HttpResponse:
    """The QR code as a PNG, to save or print."""
    registration = _registration(token)
    qr = segno.make(request.build_absolute_uri(registration.get_checkin_url()), error="m")
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=8, border=4)
    response = HttpResponse(buffer.getvalue(), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


# --- Jobs and fairs ------------------------------------------------------------------------------------------------


def job_board(request: HttpRequest) -> HttpResponse:
    form = JobSearchForm(request.GET or None)
    query = people.JobQuery()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        query = people.JobQuery(q=data["q"].strip(), field=data["field"], degree=data["degree"], park_code=data["park"])
    page = Paginator(people.public_jobs(query), 20).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "community/public/job_board.html",
        public_context(
            request,
            _("园区招聘"),
            form=form,
            page=page,
            fairs=people.public_fairs()[:5],
            querystring=params.urlencode(),
        ),
    )


@csrf_protect
@require_http_methods(["GET", "POST"])
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(JobPosting.objects.public(timezone.localdate()).select_related("enterprise", "park"), pk=pk)

    def page(form: JobApplicationForm, status: int = 200, **extra: object) -> HttpResponse:
        return render(
            request,
            "community/public/job_detail.html",
            public_context(request, job.title, job=job, form=form, **extra),
            status=status,
        )

    if request.method != "POST":
        return page(JobApplicationForm())
    form = JobApplicationForm(request.POST)
    if _rate_limited(request, form, "job"):
        return page(form, status=429)
    if not form.is_valid():
        return page(form, status=400)
    data = form.cleaned_data
    try:
        _application, created = job_services.job_apply(
            job=job,
            data=job_services.ApplicationInput(
                name=data["name"],
                mobile=data["mobile"],
                email=data.get("email") or "",
                message=data.get("message") or "",
            ),
        )
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return page(form, status=400)
    return page(JobApplicationForm(), sent=True, updated=not created)


def fair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fair = get_object_or_404(RecruitmentFair.objects.select_related("park"), pk=pk, status=FairStatus.PUBLISHED)
    booths = fair.booths.select_related("enterprise").prefetch_related("jobs").order_by("number")
    return render(
        request, "community/public/fair_detail.html", public_context(request, fair.title, fair=fair, booths=booths)
    )
