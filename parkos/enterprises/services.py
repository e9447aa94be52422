"""Every write to the enterprise pool: typed, keyword-only, atomic, audited.

Derived columns (`size_class`, `above_scale`, `name_key`, `search_text`) are computed in `prepare`
and nowhere else, so the importer and the demo generator, which bypass the per-row services for
speed, call the same function.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.core import industry
from parkos.core.audit import audit_entries_mentioning, audit_record, audit_scrub, model_changes, snapshot
from parkos.core.models import AuditAction, AuditEntry
from parkos.enterprises import credit_code, dedup, erasure, search, sizing
from parkos.enterprises.choices import EnterpriseLifecycle, EnterpriseSize, MergeBasis
from parkos.enterprises.models import Contact, Enterprise, MergeRecord, Tag
from parkos.enterprises.phones import parse_phone

if TYPE_CHECKING:
    from parkos.accounts.models import User
    from parkos.parks.models import Park

ENTERPRISE_EDITABLE_FIELDS = (
    "name", "former_names", "credit_code", "legal_form", "registered_capital_wan", "founded_on",
    "registered_address", "city", "district", "industry_code", "secondary_industry_codes", "business_scope",
    "employees", "annual_revenue_wan", "above_scale_since", "listing_status", "stock_code", "high_tech",
    "qualifications", "source", "lifecycle",
)  # fmt: skip
CONTACT_EDITABLE_FIELDS = ("name", "title", "mobile", "landline", "landline_ext", "email", "wechat", "is_primary")
ERASED_NAME = "（已删除）"


def _park_id(enterprise: Enterprise) -> int | None:
    """The park an audit entry is filed under: the enterprise's first park, if it has one."""
    if enterprise.pk is None:
        return None
    return enterprise.parks.order_by("pk").values_list("pk", flat=True).first()


# --- Validation and derived columns --------------------------------------------------------------


def clean_credit_code(raw: str | None, *, accept_checksum_mismatch: bool = False) -> str | None:
    """Normalise and verify a credit code; blank → None (many prospects have none yet)."""
    if raw is None or not str(raw).strip():
        return None
    return credit_code.validate(str(raw), accept_checksum_mismatch=accept_checksum_mismatch)


def clean_industry_codes(primary: str, secondary: Iterable[str] = ()) -> tuple[str, list[str]]:
    code = validate_industry(primary) if primary and primary.strip() else ""
    others = [validate_industry(c) for c in secondary if c and str(c).strip()]
    return code, list(dict.fromkeys(c for c in others if c != code))


@functools.lru_cache(maxsize=4096)
def validate_industry(raw: str) -> str:
    """industry.validate, cached per distinct input (errors are not cached and re-raise)."""
    return industry.validate(raw)


def compute_size(industry_code: str, employees: int | None, revenue_wan: Decimal | None) -> tuple[str, bool]:
    """Size class and 规上 status by RULES §5 (blank size when the inputs are incomplete).

    `sizing.size_class` without total assets.
    """
    if not industry_code or employees is None or revenue_wan is None:
        return "", False
    # sizing caches its per-industry lookups, so this is cheap across a 220,000-row import.
    size = sizing.size_class(industry_code, employees, max(revenue_wan, Decimal(0)))
    return EnterpriseSize(size).value, sizing.is_above_scale(industry_code, revenue_wan)


def prepare(
    enterprise: Enterprise, *, accept_checksum_mismatch: bool = False, today: datetime.date | None = None
) -> None:
    """Validate and normalise an enterprise in place and compute its derived columns.

    Raises ValidationError keyed by field, with the domain modules' Chinese messages.
    """
    errors: dict[str, list[Any]] = {}
    enterprise.name = " ".join((enterprise.name or "").split())
    if not enterprise.name:
        errors["name"] = [ValidationError(_("请填写企业名称"), code="required")]
    try:
        enterprise.credit_code = clean_credit_code(
            enterprise.credit_code, accept_checksum_mismatch=accept_checksum_mismatch or enterprise.credit_code_override
        )
    except ValidationError as exc:
        errors["credit_code"] = exc.error_list
    try:
        enterprise.industry_code, enterprise.secondary_industry_codes = clean_industry_codes(
            enterprise.industry_code, enterprise.secondary_industry_codes or []
        )
    except ValidationError as exc:
        errors["industry_code"] = exc.error_list
    if errors:
        raise ValidationError(errors)
    enterprise.size_class, enterprise.above_scale = compute_size(
        enterprise.industry_code, enterprise.employees, enterprise.annual_revenue_wan
    )
    if enterprise.above_scale and enterprise.above_scale_since is None:
        enterprise.above_scale_since = today or timezone.localdate()
    if not enterprise.above_scale:
        enterprise.above_scale_since = None
    enterprise.former_names = [n for n in dict.fromkeys(enterprise.former_names or []) if n and n != enterprise.name]
    enterprise.name_key = search.name_key(enterprise.name)
    enterprise.search_text = search.build_search_text(
        name=enterprise.name, former_names=enterprise.former_names, business_scope=enterprise.business_scope
    )


def _assign(instance: Model, fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)


def _tags(names: Iterable[str]) -> list[Tag]:
    tags = []
    for name in dict.fromkeys(n.strip() for n in names if n and n.strip()):
        tag, _created = Tag.objects.get_or_create(name=name[:40])
        tags.append(tag)
    return tags


# --- Enterprises ---------------------------------------------------------------------------------


def _save_unique(enterprise: Enterprise) -> None:
    """Save; a credit code that another request stored between our check and our write (two people
    adding the same enterprise at once) is the same clear error as one stored before."""
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction survives the failed insert
            enterprise.save()
    except IntegrityError:
        if enterprise.credit_code and Enterprise.objects.filter(credit_code=enterprise.credit_code).exists():
            raise ValidationError(
                {"credit_code": _("统一社会信用代码为“%(code)s”的企业已存在") % {"code": enterprise.credit_code}},
                code="duplicate",
            ) from None
        raise


@transaction.atomic
def enterprise_create(
    *,
    actor: User | None,
    parks: Iterable[Park] = (),
    tags: Iterable[str] = (),
    accept_checksum_mismatch: bool = False,
    **fields: object,
) -> Enterprise:
    """Add an enterprise to the pool. `accept_checksum_mismatch` is the audited operator override (RULES §1.5)."""
    enterprise = Enterprise()
    _assign(enterprise, fields, ENTERPRISE_EDITABLE_FIELDS)
    _check_override(enterprise, accept_checksum_mismatch)
    prepare(enterprise, accept_checksum_mismatch=accept_checksum_mismatch)
    enterprise.full_clean()
    _save_unique(enterprise)
    enterprise.parks.set(list(parks))
    enterprise.tags.set(_tags(tags))
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=enterprise,
        changes=model_changes({}, _audit_snapshot(enterprise)),
        park_id=_park_id(enterprise),
    )
    _audit_override(enterprise, actor)
    return enterprise


@transaction.atomic
def enterprise_update(
    *,
    enterprise: Enterprise,
    actor: User | None,
    parks: Iterable[Park] | None = None,
    tags: Iterable[str] | None = None,
    accept_checksum_mismatch: bool = False,
    **fields: object,
) -> Enterprise:
    # Lock the row so two officers editing at once cannot interleave their derived columns.
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    before = _audit_snapshot(enterprise)
    before_parks = sorted(enterprise.parks.values_list("pk", flat=True))
    old_code = enterprise.credit_code
    _assign(enterprise, fields, ENTERPRISE_EDITABLE_FIELDS)
    if "credit_code" in fields and clean_credit_code_or_raw(fields["credit_code"]) != old_code:
        enterprise.credit_code_override = False  # a new code needs its own confirmation
    _check_override(enterprise, accept_checksum_mismatch)
    prepare(enterprise, accept_checksum_mismatch=accept_checksum_mismatch)
    enterprise.full_clean()
    _save_unique(enterprise)
    after = _audit_snapshot(enterprise)
    if parks is not None:
        enterprise.parks.set(list(parks))
        after_parks = sorted(enterprise.parks.values_list("pk", flat=True))
        if after_parks != before_parks:
            before["parks"], after["parks"] = before_parks, after_parks
    if tags is not None:
        enterprise.tags.set(_tags(tags))
    changes = model_changes(before, after)
    changes.pop("updated_at", None)
    if changes:
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=enterprise, changes=changes, park_id=_park_id(enterprise)
        )
    if enterprise.credit_code_override and enterprise.credit_code != old_code:
        _audit_override(enterprise, actor)
    return enterprise


def clean_credit_code_or_raw(raw: object) -> object:
    if raw is not None and not isinstance(raw, str):
        return raw
    try:
        return clean_credit_code(raw, accept_checksum_mismatch=True)
    except ValidationError:
        return raw


def _check_override(enterprise: Enterprise, accept: bool) -> None:
    """Set the override flag only when the code really fails its checksum and a person confirmed it."""
    if not accept or not enterprise.credit_code:
        return
    try:
        credit_code.validate(enterprise.credit_code)
    except ValidationError as exc:
        if exc.code == "checksum":
            enterprise.credit_code_override = True


def _audit_override(enterprise: Enterprise, actor: User | None) -> None:
    if enterprise.credit_code_override:
        audit_record(
            actor=actor,
            action=AuditAction.OTHER,
            obj=enterprise,
            changes={"event": "credit_code_checksum_override", "credit_code": enterprise.credit_code},
            park_id=_park_id(enterprise),
        )


def _audit_snapshot(enterprise: Enterprise) -> dict[str, Any]:
    data = snapshot(enterprise)
    for derived in ("search_text", "name_key", "created_at"):
        data.pop(derived, None)
    return data


# --- Contacts (personal data) ----------------------------------------------------------------------


def _normalise_contact(contact: Contact) -> None:
    errors: dict[str, list[Any]] = {}
    contact.name = (contact.name or "").strip()
    if not contact.name:
        errors["name"] = [ValidationError(_("请填写联系人姓名"), code="required")]
    if contact.mobile:
        try:
            parsed = parse_phone(contact.mobile)
            if parsed.kind != "mobile":
                raise ValidationError(_("请填写11位手机号码，座机请填写在“座机”栏"), code="not_mobile")
            contact.mobile = parsed.e164
        except ValidationError as exc:
            errors["mobile"] = exc.error_list
    if contact.landline:
        try:
            parsed = parse_phone(contact.landline)
            if parsed.kind == "mobile":
                raise ValidationError(_("这是手机号码，请填写在“手机”栏"), code="is_mobile")
            contact.landline = parsed.e164
            if parsed.extension and not contact.landline_ext:
                contact.landline_ext = parsed.extension
        except ValidationError as exc:
            errors["landline"] = exc.error_list
    contact.email = (contact.email or "").strip().lower()
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def contact_create(*, enterprise: Enterprise, actor: User | None, **fields: object) -> Contact:
    contact = Contact(enterprise=enterprise)
    _assign(contact, fields, CONTACT_EDITABLE_FIELDS)
    _normalise_contact(contact)
    contact.full_clean()
    contact.save()
    # Personal values stay out of the audit trail: it records that a contact was added, not the number.
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=contact,
        object_repr=f"{enterprise.name} / {contact.name}",
        changes={"enterprise": enterprise.pk, "fields": sorted(k for k, v in fields.items() if v)},
        park_id=_park_id(enterprise),
    )
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, actor: User | None, **fields: object) -> Contact:
    contact = Contact.objects.select_for_update().select_related("enterprise").get(pk=contact.pk)
    if contact.erased_at is not None:
        raise ValidationError(_("该联系人的个人信息已删除，不能再修改"), code="erased")
    before = snapshot(contact)
    _assign(contact, fields, CONTACT_EDITABLE_FIELDS)
    _normalise_contact(contact)
    contact.full_clean()
    contact.save()
    changed = sorted(k for k in model_changes(before, snapshot(contact)) if k != "updated_at")
    if changed:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=contact,
            object_repr=f"{contact.enterprise.name} / {contact.name}",
            changes={"fields": changed},
            park_id=_park_id(contact.enterprise),
        )
    return contact


@transaction.atomic
def contacts_record_view(*, contacts: Iterable[Contact], actor: User | None, remote_addr: str | None = None) -> int:
    """Record that `actor` saw these contacts' unmasked numbers; one audit entry per contact."""
    count = 0
    for contact in contacts:
        if contact.erased_at is not None or not (contact.mobile or contact.landline):
            continue
        audit_record(
            actor=actor,
            action=AuditAction.VIEW_PERSONAL_DATA,
            obj=contact,
            object_repr=f"{contact.enterprise.name} / {contact.name}",
            changes={"fields": [f for f in ("mobile", "landline") if getattr(contact, f)]},
            park_id=_park_id(contact.enterprise),
            remote_addr=remote_addr,
        )
        count += 1
    return count


def contact_personal_data(contact: Contact) -> dict[str, Any]:
    return {
        "enterprise": contact.enterprise.name,
        "enterprise_credit_code": contact.enterprise.credit_code or "",
        "name": contact.name,
        "title": contact.title,
        "mobile": contact.mobile,
        "landline": contact.landline,
        "landline_ext": contact.landline_ext,
        "email": contact.email,
        "wechat": contact.wechat,
        "created_at": contact.created_at.isoformat(),
        "updated_at": contact.updated_at.isoformat(),
    }


@transaction.atomic
def contact_export(*, contact: Contact, actor: User | None) -> dict[str, Any]:
    """The person's data, for a data-subject access request; the export itself is audited."""
    contact = Contact.objects.select_related("enterprise").get(pk=contact.pk)
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=contact,
        object_repr=f"{contact.enterprise.name} / {contact.name}",
        changes={"event": "personal_data_export"},
        park_id=_park_id(contact.enterprise),
    )
    return contact_personal_data(contact)


def _personal_values(contact: Contact) -> tuple[str, ...]:
    numbers = [contact.mobile, contact.mobile_national, contact.landline]
    if contact.landline:
        with contextlib.suppress(ValidationError):  # a landline stored as typed: its stored form is scrubbed
            numbers.append(parse_phone(contact.landline).national)
    return tuple(v for v in (contact.name, *numbers, contact.email, contact.wechat) if v)


@transaction.atomic
def contact_erase(*, contact: Contact, actor: User | None) -> Contact:
    """Erase a person's data on request: personal fields become a tombstone, the row id stays.

    1. Read what identified the person, then blank the contact's personal fields.
    2. Scrub those values from every audit entry about the contact, and the person's numbers and
       email from any other entry (they identify the person wherever they appear); the entries stay,
       with who did what and when.
    3. Let the apps that copied the person's data erase it (`parkos.enterprises.erasure`).
    The enterprise and everything counted about it are kept; the audit entry names the contact by id.
    """
    contact = Contact.objects.select_for_update().select_related("enterprise").get(pk=contact.pk)
    if contact.erased_at is not None:
        return contact
    person = erasure.ErasedPerson(
        contact_id=contact.pk,
        enterprise_id=contact.enterprise_id,
        name=contact.name,
        mobile=contact.mobile,
        values=_personal_values(contact),
    )
    contact.name = ERASED_NAME
    contact.title = ""
    contact.mobile = ""
    contact.landline = ""
    contact.landline_ext = ""
    contact.email = ""
    contact.wechat = ""
    contact.is_primary = False
    contact.erased_at = timezone.now()
    contact.save()
    audit_scrub(
        entries=AuditEntry.objects.filter(object_type=Contact._meta.label_lower, object_id=str(contact.pk)),
        values=person.values,
    )
    identifiers = [v for v in person.values if v != person.name]
    for value in identifiers:
        audit_scrub(entries=audit_entries_mentioning(value), values=identifiers)
    for eraser in erasure.erasers():
        eraser(person, actor)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=contact,
        object_repr=f"{contact.enterprise.name} / #{contact.pk}",
        changes={"event": "personal_data_erased"},
        park_id=_park_id(contact.enterprise),
    )
    return contact


# --- Deduplication ---------------------------------------------------------------------------------


def _require_merge_scope(actor: User | None, *enterprises: Enterprise) -> None:
    """404 for a record the actor may not merge, as for any record outside their parks (None: the system)."""
    if actor is not None and not all(dedup.may_merge(actor, e) for e in enterprises):
        raise Http404(_("未找到该记录，或您无权访问。"))


_FILLED_ON_MERGE = ("legal_form", "registered_address", "district", "city", "industry_code", "business_scope")


@transaction.atomic
def enterprise_merge(*, keep: Enterprise, merge: Enterprise, actor: User | None, reason: str = "") -> MergeRecord:
    """Merge a duplicate into the record that survives, keeping the duplicate's history.

    1. Lock both rows (in pk order, so two merges of the same pair cannot deadlock); the actor must
       be entitled to both (`dedup.may_merge`), and the pair must be one the duplicate finder
       proposes — or the actor gives the reason they are one enterprise.
    2. Snapshot the merged record into a MergeRecord.
    3. Move its contacts, parks and tags to the survivor; its name becomes a former name there, and
       the survivor takes over a credit code and the fields it lacks. What moved is kept in
       `MergeRecord.undo`, so that `enterprise_merge_revert` can put it back.
    4. Mark the merged record `merged_into` (it stays for history; lists hide it) and audit both.
    """
    if keep.pk == merge.pk:
        raise ValidationError(_("不能把企业与其自身合并"), code="same")
    locked = {e.pk: e for e in Enterprise.objects.select_for_update().filter(pk__in=[keep.pk, merge.pk]).order_by("pk")}
    keep, merge = locked[keep.pk], locked[merge.pk]
    _require_merge_scope(actor, keep, merge)
    if keep.merged_into_id is not None or merge.merged_into_id is not None:
        raise ValidationError(_("该企业已被合并，不能再次合并"), code="already_merged")
    if keep.credit_code and merge.credit_code and keep.credit_code != merge.credit_code:
        raise ValidationError(_("两家企业的统一社会信用代码不同，不是同一家企业，不能合并"), code="different_codes")
    reason = " ".join(reason.split())[:300]
    basis = dedup.proposed_basis(keep, merge) or (MergeBasis.MANUAL if reason else None)
    if basis is None:
        raise ValidationError(
            _("这两家企业不在疑似重复之列（名称、联系人手机均不同）；如确属同一家企业，请填写合并理由"),
            code="not_proposed",
        )
    record_snapshot = json.loads(
        json.dumps(
            {**_audit_snapshot(merge), "parks": list(merge.parks.values_list("pk", flat=True))}, cls=DjangoJSONEncoder
        )
    )
    contact_ids = list(Contact.objects.filter(enterprise=merge).values_list("pk", flat=True))
    Contact.objects.filter(pk__in=contact_ids).update(enterprise=keep)
    parks_added = list(merge.parks.exclude(pk__in=keep.parks.values("pk")).values_list("pk", flat=True))
    tags_added = list(merge.tags.exclude(pk__in=keep.tags.values("pk")).values_list("pk", flat=True))
    keep.parks.add(*parks_added)
    keep.tags.add(*tags_added)
    before = _audit_snapshot(keep)
    names_added = [merge.name, *merge.former_names]
    keep.former_names = [*keep.former_names, *names_added]
    undo: dict[str, Any] = {
        "contacts": contact_ids,
        "parks": parks_added,
        "tags": tags_added,
        "former_names": names_added,
        "filled": {},
        "credit_code": None,
    }
    taken_code = merge.credit_code if not keep.credit_code else None
    if taken_code:
        undo["credit_code"] = {"code": taken_code, "override": keep.credit_code_override}
        merge.credit_code = None  # the unique code moves; the snapshot keeps where it came from
        merge.save(update_fields=["credit_code"])
        keep.credit_code, keep.credit_code_override = taken_code, merge.credit_code_override
    for field in _FILLED_ON_MERGE:
        if not getattr(keep, field) and getattr(merge, field):
            undo["filled"][field] = getattr(keep, field)
            setattr(keep, field, getattr(merge, field))
    prepare(keep, accept_checksum_mismatch=keep.credit_code_override)
    keep.save()
    merge.merged_into = keep
    merge.save(update_fields=["merged_into", "updated_at"])
    record = MergeRecord.objects.create(
        survivor=keep,
        merged=merge,
        snapshot=record_snapshot,
        moved_contacts=len(contact_ids),
        actor=actor,
        basis=basis,
        reason=reason,
        undo=undo,
    )
    changes = model_changes(before, _audit_snapshot(keep))
    changes.pop("updated_at", None)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=keep,
        changes={
            **changes,
            "event": "merge",
            "merged": merge.pk,
            "moved_contacts": len(contact_ids),
            "basis": basis,
            **({"reason": reason} if reason else {}),
        },
        park_id=_park_id(keep),
    )
    audit_record(
        actor=actor, action=AuditAction.ARCHIVE, obj=merge, changes={"event": "merged_into", "survivor": keep.pk}
    )
    return record


@transaction.atomic
def enterprise_merge_revert(*, record: MergeRecord, actor: User | None) -> MergeRecord:
    """Undo a merge from its record: the merged enterprise comes back with what the merge took.

    1. Lock the record and both enterprises; the actor must be entitled to both, and the record not
       reverted yet (nor the survivor merged away since).
    2. Move back the contacts, parks and tags the merge moved (those still on the survivor), drop
       the former names it added, and give back the credit code and the fields it filled in, where
       nobody has changed them since.
    3. The merged record is active again; the record says when and by whom; both are audited.
    """
    record = MergeRecord.objects.select_for_update().get(pk=record.pk)
    locked = {
        e.pk: e
        for e in Enterprise.objects.select_for_update()
        .filter(pk__in=[record.survivor_id, record.merged_id])
        .order_by("pk")
    }
    keep, merge = locked[record.survivor_id], locked[record.merged_id]
    _require_merge_scope(actor, keep, merge)
    if record.reverted_at is not None:
        raise ValidationError(_("该合并已撤销"), code="already_reverted")
    if merge.merged_into_id != keep.pk or keep.merged_into_id is not None:
        raise ValidationError(_("保留企业此后又被合并，请先撤销后来的合并"), code="merged_since")
    undo = record.undo
    Contact.objects.filter(pk__in=undo.get("contacts", []), enterprise=keep).update(enterprise=merge)
    before = _audit_snapshot(keep)
    keep.parks.remove(*undo.get("parks", []))
    keep.tags.remove(*undo.get("tags", []))
    former = list(keep.former_names)
    for name in undo.get("former_names", []):
        if name in former:
            former.reverse()
            former.remove(name)  # the last occurrence: the one the merge appended
            former.reverse()
    keep.former_names = former
    for field, old in undo.get("filled", {}).items():
        if getattr(keep, field) == getattr(merge, field):
            setattr(keep, field, old)
    taken = undo.get("credit_code")
    if taken and keep.credit_code == taken["code"]:
        keep.credit_code, keep.credit_code_override = None, taken["override"]
        prepare(keep, accept_checksum_mismatch=keep.credit_code_override)
        keep.save()
        merge.credit_code = taken["code"]
    else:
        prepare(keep, accept_checksum_mismatch=keep.credit_code_override)
        keep.save()
    merge.merged_into = None
    merge.save(update_fields=["merged_into", "credit_code", "updated_at"])
    record.reverted_at = timezone.now()
    record.reverted_by = actor if actor is not None and actor.is_authenticated else None
    record.save(update_fields=["reverted_at", "reverted_by"])
    changes = model_changes(before, _audit_snapshot(keep))
    changes.pop("updated_at", None)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=keep,
        changes={**changes, "event": "merge_reverted", "restored": merge.pk, "merge_record": record.pk},
        park_id=_park_id(keep),
    )
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=merge, changes={"event": "unmerged_from", "survivor": keep.pk}
    )
    return record


@transaction.atomic
def enterprise_mark_tenant(*, enterprise: Enterprise, park: Park, actor: User | None) -> Enterprise:
    """An executed contract makes the enterprise a tenant of that park (called by leasing's signing)."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    changes: dict[str, Any] = {}
    if enterprise.lifecycle != EnterpriseLifecycle.TENANT:
        changes["lifecycle"] = [enterprise.lifecycle, EnterpriseLifecycle.TENANT]
        enterprise.lifecycle = EnterpriseLifecycle.TENANT
        enterprise.save(update_fields=["lifecycle", "updated_at"])
    if not enterprise.parks.filter(pk=park.pk).exists():
        enterprise.parks.add(park)
        changes["parks"] = {"added": park.pk}
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=enterprise, changes=changes, park_id=park.pk)
    return enterprise


@transaction.atomic
def enterprise_mark_former_tenant(*, enterprise: Enterprise, actor: User | None) -> Enterprise:
    """No executed contract holds space for the enterprise any more (called by leasing on termination)."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if enterprise.lifecycle == EnterpriseLifecycle.TENANT:
        enterprise.lifecycle = EnterpriseLifecycle.FORMER_TENANT
        enterprise.save(update_fields=["lifecycle", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=enterprise,
            changes={"lifecycle": [EnterpriseLifecycle.TENANT, EnterpriseLifecycle.FORMER_TENANT]},
        )
    return enterprise
