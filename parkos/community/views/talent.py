"""Talent pages: records (masked unless the viewer runs talent work in the park; unmasked views audited),
programmes and applications, counts by level and field for the reports, and talent apartments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from parkos.accounts.access import acting_user, has_capability, visible_parks
from parkos.accounts.models import User
from parkos.community import rights
from parkos.community.filtersets import TalentFilterSet
from parkos.community.forms import (
    AdvanceForm,
    AllocateForm,
    ApplicationForm,
    EndLeaseForm,
    LeaveForm,
    ProgrammeForm,
    RoomForm,
    TalentForm,
    WaitlistForm,
)
from parkos.community.models import (
    ApartmentLease,
    ApartmentRoom,
    ApartmentWaitlistEntry,
    TalentApplication,
    TalentProgramme,
    TalentRecord,
)
from parkos.community.selectors import people
from parkos.community.services import talent as services
from parkos.community.views.common import client_ip, date_param, managed_parks, park_ids
from parkos.core.xlsx import DATE_FORMAT, Column, xlsx_response
from parkos.web.views_generic import StaffRequiredMixin, apply_validation_error


def _crumbs(*tail: tuple[str, str]) -> list[tuple[str, str]]:
    return [(_("人才"), reverse("community:talent_list")), *tail]


def _require_manage_somewhere(request: HttpRequest) -> None:
    if not has_capability(request.user, rights.MANAGE):
        raise PermissionDenied(_("您的角色无权执行此操作。"))


class TalentListView(StaffRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        talents = people.talents_for(request.user)
        ids = park_ids(request)
        if ids is not None:
            talents = talents.filter(park_id__in=ids)
        filterset = TalentFilterSet(request.GET or None, queryset=talents, request=request)
        if filterset.is_bound and filterset.is_valid():
            talents = filterset.qs
        talents = talents.order_by("-arrived_on", "pk")
        visible = {
            pk
            for pk in set(talents.values_list("park_id", flat=True).distinct())
            if rights.personal_data_visible(request.user, pk)
        }
        if request.GET.get("format") == "xlsx":
            rows = list(talents[:20000])
            services.talents_record_view(
                talents=[t for t in rows if t.park_id in visible],
                actor=acting_user(request),
                remote_addr=client_ip(request),
                purpose="export",
            )
            return xlsx_response(
                _("人才档案"),
                [
                    Column(_("姓名"), lambda t: t.name if t.park_id in visible else t.name_masked),
                    Column(_("企业"), "enterprise.name"),
                    Column(_("园区"), "park.name"),
                    Column(_("人才类别"), "get_level_display"),
                    Column(_("最高学历"), "get_degree_display"),
                    Column(_("职称"), "get_title_display"),
                    Column(_("专业领域"), "get_field_display"),
                    Column(_("职务"), "position"),
                    Column(_("来园日期"), "arrived_on", DATE_FORMAT),
                    Column(_("状态"), "get_status_display"),
                ],
                rows,
            )
        page = Paginator(talents, 50).get_page(request.GET.get("page"))
        shown = [t for t in page.object_list if t.park_id in visible]
        if shown:
            services.talents_record_view(talents=shown, actor=acting_user(request), remote_addr=client_ip(request))
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "community/talent_list.html",
            {
                "page_obj": page,
                "rows": [(t, t.park_id in visible) for t in page.object_list],
                "filterset": filterset,
                "querystring": query.urlencode(),
                "can_manage": has_capability(request.user, rights.MANAGE),
                "breadcrumbs": [(_("人才"), "")],
            },
        )


class TalentDetailView(StaffRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        talent = get_object_or_404(people.talents_for(request.user), pk=pk)
        unmasked = rights.personal_data_visible(request.user, talent.park_id)
        if unmasked:
            services.talents_record_view(talents=[talent], actor=acting_user(request), remote_addr=client_ip(request))
        manage = rights.may_manage(request.user, talent.park_id)
        today = timezone.localdate()
        return render(
            request,
            "community/talent_detail.html",
            {
                "talent": talent,
                "unmasked": unmasked,
                "can_manage": manage,
                "applications": talent.applications.select_related("programme").order_by("-year", "-pk"),
                "leases": talent.apartment_leases.select_related("room").order_by("-starts_on"),
                "waiting": talent.waitlist_entries.filter(status="waiting").first(),
                "application_form": ApplicationForm(initial={"year": today.year}) if manage else None,
                "waitlist_form": WaitlistForm(park_id=talent.park_id, initial={"talent": talent, "requested_on": today})
                if manage
                else None,
                "leave_form": LeaveForm(initial={"left_on": today}) if manage else None,
                "breadcrumbs": _crumbs((talent.name if unmasked else talent.name_masked, "")),
            },
        )


class TalentFormView(StaffRequiredMixin, View):
    def _talent(self, pk: int | None) -> TalentRecord | None:
        _require_manage_somewhere(self.request)
        if pk is None:
            return None
        talent = get_object_or_404(people.talents_for(self.request.user), pk=pk)
        rights.require_manage(self.request.user, talent.park_id)
        return talent

    def _render(self, form: TalentForm, talent: TalentRecord | None) -> HttpResponse:
        title = _("编辑人才档案") if talent else _("新增人才")
        return render(
            self.request,
            "community/form.html",
            {
                "form": form,
                "object": None,
                "title": title,
                "cancel_url": reverse("community:talent_list"),
                "breadcrumbs": _crumbs((title, "")),
            },
        )

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        talent = self._talent(pk)
        if talent is not None:
            services.talents_record_view(talents=[talent], actor=acting_user(request), remote_addr=client_ip(request))
        return self._render(TalentForm(instance=talent, parks=managed_parks(request)), talent)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        talent = self._talent(pk)
        form = TalentForm(request.POST, instance=talent, parks=managed_parks(request))
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in services.TALENT_FIELDS}
            try:
                if talent is None:
                    talent = services.talent_create(
                        park=form.cleaned_data["park"],
                        enterprise=form.cleaned_data["enterprise"],
                        actor=acting_user(request),
                        **fields,
                    )
                else:
                    talent = services.talent_update(talent=talent, actor=acting_user(request), **fields)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return HttpResponseRedirect(talent.get_absolute_url())
        return self._render(form, talent)


class TalentActionView(StaffRequiredMixin, View):
    """POST: leave, erase, apply (to a programme), waitlist (for an apartment)."""

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        talent = get_object_or_404(people.talents_for(request.user), pk=pk)
        actor = acting_user(request)
        try:
            self._act(request, talent, action, actor)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return HttpResponseRedirect(talent.get_absolute_url())

    def _act(self, request: HttpRequest, talent: TalentRecord, action: str, actor: User) -> None:
        if action == "leave":
            form: BaseForm = LeaveForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.as_text())
            services.talent_leave(talent=talent, actor=actor, left_on=form.cleaned_data["left_on"])
            messages.success(request, _("已登记离园。"))
        elif action == "erase":
            services.talent_erase(talent=talent, actor=actor)
            messages.success(request, _("已删除该人才的个人信息，统计数据保留。"))
        elif action == "apply":
            form = ApplicationForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.as_text())
            services.application_create(talent=talent, actor=actor, **form.cleaned_data)
            messages.success(request, _("已登记申报。"))
        elif action == "waitlist":
            form = WaitlistForm(request.POST, park_id=talent.park_id)
            if not form.is_valid():
                raise ValidationError(form.errors.as_text())
            data = dict(form.cleaned_data)
            data.pop("talent")
            services.waitlist_add(talent=talent, actor=actor, **data)
            messages.success(request, _("已加入人才公寓排队。"))
        else:
            raise Http404


class TalentCountsView(StaffRequiredMixin, View):
    """Talents by level and field per park on a day — the table the reports take (page and .xlsx)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        day = date_param(request, "day")
        ids = park_ids(request)
        counts = people.talent_counts(ids, day)
        if request.GET.get("format") == "xlsx":
            columns = [Column(_("人才类别"), lambda r: r[0])]
            columns += [Column(label, _cell(i)) for i, (_v, label) in enumerate(counts.fields)]
            columns.append(Column(_("合计"), lambda r: r[2]))
            return xlsx_response(f"{_('人才统计')}-{day.isoformat()}", columns, counts.rows)
        return render(
            request,
            "community/talent_counts.html",
            {
                "counts": counts,
                "day": day,
                "parks": visible_parks(request.user).filter(archived_at__isnull=True).order_by("name"),
                "park_id": request.GET.get("park", ""),
                "querystring": request.GET.urlencode(),
                "breadcrumbs": _crumbs((_("人才统计"), "")),
            },
        )


def _cell(index: int) -> Any:
    def cell(row: tuple[str, list[int], int]) -> int:
        return row[1][index]

    return cell


# --- Programmes and applications -------------------------------------------------------------------------------------


class ProgrammeListView(StaffRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        programmes = TalentProgramme.objects.prefetch_related("parks").order_by("-active", "level", "name")
        return render(
            request,
            "community/programme_list.html",
            {
                "programmes": programmes,
                "can_manage": has_capability(request.user, rights.MANAGE),
                "breadcrumbs": _crumbs((_("人才计划"), "")),
            },
        )


class ProgrammeDetailView(StaffRequiredMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        programme = get_object_or_404(TalentProgramme, pk=pk)
        applications = (
            TalentApplication.objects.filter(
                programme=programme, park_id__in=people.talents_for(request.user).values("park_id")
            )
            .select_related("talent", "talent__enterprise", "park")
            .order_by("-year", "status", "pk")
        )
        return render(
            request,
            "community/programme_detail.html",
            {
                "programme": programme,
                "rows": [(a, rights.personal_data_visible(request.user, a.park_id)) for a in applications],
                "advance_form": AdvanceForm(),
                "can_manage": has_capability(request.user, rights.MANAGE),
                "breadcrumbs": _crumbs((_("人才计划"), reverse("community:programme_list")), (programme.name, "")),
            },
        )


class ProgrammeFormView(StaffRequiredMixin, View):
    def _render(self, form: ProgrammeForm, programme: TalentProgramme | None) -> HttpResponse:
        title = _("编辑人才计划") if programme else _("新增人才计划")
        return render(
            self.request,
            "community/form.html",
            {
                "form": form,
                "object": programme,
                "title": title,
                "cancel_url": reverse("community:programme_list"),
                "breadcrumbs": _crumbs((title, "")),
            },
        )

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        _require_manage_somewhere(request)
        programme = get_object_or_404(TalentProgramme, pk=pk) if pk else None
        return self._render(ProgrammeForm(instance=programme, parks=managed_parks(request)), programme)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        _require_manage_somewhere(request)
        programme = get_object_or_404(TalentProgramme, pk=pk) if pk else None
        form = ProgrammeForm(request.POST, instance=programme, parks=managed_parks(request))
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in services.PROGRAMME_FIELDS}
            try:
                programme = services.programme_save(
                    actor=acting_user(request), programme=programme, parks=form.cleaned_data["parks"], **fields
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("已保存。"))
                return HttpResponseRedirect(programme.get_absolute_url())
        return self._render(form, programme)


class ApplicationAdvanceView(StaffRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = get_object_or_404(
            TalentApplication.objects.filter(park_id__in=people.talents_for(request.user).values("park_id")), pk=pk
        )
        form = AdvanceForm(request.POST)
        if form.is_valid():
            try:
                services.application_advance(application=application, actor=acting_user(request), **form.cleaned_data)
                messages.success(request, _("已更新申报状态。"))
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
        else:
            messages.error(request, form.errors.as_text())
        return HttpResponseRedirect(request.POST.get("next") or application.programme.get_absolute_url())


# --- Talent apartments ------------------------------------------------------------------------------------------------


def _apartment_park(request: HttpRequest) -> Any:
    parks = visible_parks(request.user).filter(archived_at__isnull=True).order_by("name")
    wanted = str(
        request.GET.get("park") or request.POST.get("park") or getattr(getattr(request, "active_park", None), "pk", "")
    )
    park = parks.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    return park or parks.filter(apartment_rooms__isnull=False).distinct().first() or parks.first(), parks


class ApartmentView(StaffRequiredMixin, View):
    """Rooms with their occupants, the waiting list in order, and who is next for each free room."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request)

    def _render(self, request: HttpRequest, **forms: object) -> HttpResponse:
        park, parks = _apartment_park(request)
        if park is None:
            raise Http404
        states, queue = people.apartment_overview(park.pk)
        unmasked = rights.personal_data_visible(request.user, park.pk)
        shown = [s.tenant.talent for s in states if s.tenant is not None] + [e.talent for e in queue]
        if unmasked and shown:
            services.talents_record_view(talents=shown, actor=acting_user(request), remote_addr=client_ip(request))
        today = timezone.localdate()
        return render(
            request,
            "community/apartments.html",
            {
                "park": park,
                "parks": parks,
                "states": states,
                "queue": queue,
                "unmasked": unmasked,
                "can_manage": rights.may_manage(request.user, park.pk),
                "allocate_form": forms.get("allocate_form")
                or AllocateForm(
                    park_id=park.pk, initial={"starts_on": today, "planned_end_on": today.replace(year=today.year + 1)}
                ),
                "room_form": forms.get("room_form") or RoomForm(parks=managed_parks(request), initial={"park": park}),
                "end_form": EndLeaseForm(initial={"ended_on": today}),
                "breadcrumbs": _crumbs((_("人才公寓"), "")),
            },
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        park, _parks = _apartment_park(request)
        if park is None:
            raise Http404
        # Refused before any form is read: a role without the right gets 403, not a form's errors.
        rights.require_manage(request.user, park)
        actor = acting_user(request)
        action = request.POST.get("action")
        try:
            if action == "allocate":
                room = get_object_or_404(ApartmentRoom, pk=request.POST.get("room") or 0, park=park)
                form: BaseForm = AllocateForm(request.POST, park_id=park.pk)
                if not form.is_valid():
                    return self._render(request, allocate_form=form)
                services.apartment_allocate(room=room, actor=actor, **form.cleaned_data)
                messages.success(request, _("已分配房间。"))
            elif action == "end":
                lease = get_object_or_404(ApartmentLease, pk=request.POST.get("lease") or 0, park=park)
                form = EndLeaseForm(request.POST)
                if form.is_valid():
                    services.apartment_lease_end(lease=lease, actor=actor, ended_on=form.cleaned_data["ended_on"])
                    messages.success(request, _("已办理退房，房间可分配给排队的下一位。"))
            elif action == "room":
                form = RoomForm(request.POST, parks=managed_parks(request))
                if not form.is_valid():
                    return self._render(request, room_form=form)
                data = dict(form.cleaned_data)
                services.room_save(actor=actor, park=data.pop("park"), **data)
                messages.success(request, _("已添加房间。"))
            elif action == "withdraw":
                entry = get_object_or_404(ApartmentWaitlistEntry, pk=request.POST.get("entry") or 0, park=park)
                services.waitlist_withdraw(entry=entry, actor=actor)
                messages.success(request, _("已撤销排队。"))
            else:
                raise Http404
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return HttpResponseRedirect(reverse("community:apartments") + f"?park={park.pk}")
