"""Every non-trivial read of the enterprise pool, including who may see contacts' personal data."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from parkos.accounts.access import Capability, has_capability, is_staff_member, visible_park_ids
from parkos.core.models import ImportJob
from parkos.enterprises import credit_code, importing, search
from parkos.enterprises.models import Contact, Enterprise
from parkos.enterprises.phones import parse_phone

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from parkos.accounts.models import User

_CODE_LIKE = re.compile(r"[0-9A-Z]{4,18}")
_PHONE_LIKE = re.compile(r"[+\d][\d\s-]{6,}")


def enterprise_list(*, user: User | AnonymousUser) -> QuerySet[Enterprise]:
    """The pool as staff see it: every enterprise not merged away (the pool is operator-wide)."""
    if not is_staff_member(user):
        return Enterprise.objects.none()
    return Enterprise.objects.active().prefetch_related("tags")


def enterprise_by_reference(text: str) -> Enterprise | None:
    """The enterprise a person means by a name or a credit code typed in a form (exact match)."""
    value = " ".join(text.split())
    return (
        Enterprise.objects.active()
        .filter(Q(credit_code=credit_code.normalize(value)) | Q(name=value))
        .order_by("pk")
        .first()
    )


def contact_lookup_park_ids(user: User | AnonymousUser) -> list[int] | None:
    """Parks whose enterprises `user` may find by a contact's personal data: None means every park.

    The same rule as seeing the data (`contact_details_visible`): the contact-details right, and
    the enterprise linked to one of the person's parks unless they are an operator admin.
    """
    if not has_capability(user, Capability.VIEW_CONTACT_DETAILS):
        return []
    return visible_park_ids(user)


def enterprises_with_mobile_q(e164: str, user: User | AnonymousUser) -> Q:
    """Enterprises with a contact of exactly this (normalised) mobile, among those `user` may look up."""
    contacts = Contact.objects.filter(mobile=e164)
    park_ids = contact_lookup_park_ids(user)
    if park_ids is not None:
        contacts = contacts.filter(enterprise__parks__in=park_ids)
    return Q(pk__in=contacts.values("enterprise_id"))


def enterprise_query_q(term: str, user: User | AnonymousUser) -> Q | None:
    """The list's keyword box: text search, plus a credit-code prefix, or a contact mobile (exact, and
    only for those who may see the enterprise's contacts) when the term looks like one."""
    condition = search.search_q(term)
    if condition is None:
        return None
    code = credit_code.normalize(term)
    if _CODE_LIKE.fullmatch(code) and any(ch.isdigit() for ch in code):
        condition |= Q(credit_code__startswith=code)
    if _PHONE_LIKE.fullmatch(term.strip()) and contact_lookup_park_ids(user) != []:
        try:
            parsed = parse_phone(term)
        except ValidationError:  # not a phone number: the text search alone applies
            parsed = None
        if parsed is not None and parsed.kind == "mobile":
            condition |= enterprises_with_mobile_q(parsed.e164, user)
    return condition


def contact_details_visible(user: User | AnonymousUser, enterprise: Enterprise) -> bool:
    """May `user` see this enterprise's contacts unmasked?

    Needs the VIEW_CONTACT_DETAILS capability and either the whole operator (admins) or a park the
    enterprise is linked to; everyone else sees 138****8000.
    """
    if not has_capability(user, Capability.VIEW_CONTACT_DETAILS):
        return False
    park_ids = visible_park_ids(user)
    if park_ids is None:
        return True
    return enterprise.parks.filter(pk__in=park_ids).exists()


def enterprise_contacts(enterprise: Enterprise) -> list[Contact]:
    return list(enterprise.contacts.select_related("enterprise").order_by("erased_at", "-is_primary", "pk"))


def import_jobs_for(user: User | AnonymousUser) -> QuerySet[ImportJob]:
    """Import jobs a person may follow: their own; operator admins see all."""
    if not is_staff_member(user):
        return ImportJob.objects.none()
    jobs = ImportJob.objects.filter(importer=importing.IMPORTER)
    if visible_park_ids(user) is None:
        return jobs
    return jobs.filter(created_by=user.pk)
