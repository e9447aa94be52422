"""Likely duplicates in the pool, for a person to review and merge.

The same credit code can never appear twice (a unique constraint). Without a code, two records are
likely the same enterprise when their names agree once legal-form suffixes, brackets and punctuation
are dropped (`Enterprise.name_key`), or when they share a contact mobile. Groups whose members carry
two different credit codes are different legal entities and are not proposed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q

from parkos.accounts.access import Capability, has_capability, visible_park_ids
from parkos.accounts.models import User
from parkos.enterprises.choices import MergeBasis
from parkos.enterprises.models import Contact, Enterprise


@dataclass
class DuplicateGroup:
    reason: str  # "name" or "mobile"
    key: str
    enterprises: list[Enterprise] = field(default_factory=list)


def _groups_by_name(limit: int) -> list[DuplicateGroup]:
    keys = list(
        Enterprise.objects.active()
        .exclude(name_key="")
        .values("name_key")
        .annotate(n=Count("pk"), codes=Count("credit_code", distinct=True))
        .filter(n__gt=1, codes__lte=1)
        .order_by("name_key")
        .values_list("name_key", flat=True)[:limit]
    )
    members: dict[str, list[Enterprise]] = {k: [] for k in keys}
    for enterprise in Enterprise.objects.active().filter(name_key__in=keys).order_by("pk"):
        members[enterprise.name_key].append(enterprise)
    # The record with a credit code (then the oldest) comes first: it is the natural survivor.
    return [
        DuplicateGroup("name", key, sorted(group, key=lambda e: (e.credit_code is None, e.pk)))
        for key, group in members.items()
    ]


def _groups_by_mobile(limit: int) -> list[DuplicateGroup]:
    mobiles = list(
        Contact.objects.filter(enterprise__merged_into__isnull=True)
        .exclude(mobile="")
        .values("mobile")
        .annotate(n=Count("enterprise", distinct=True))
        .filter(n__gt=1)
        .order_by("mobile")
        .values_list("mobile", flat=True)[:limit]
    )
    groups = []
    for mobile in mobiles:
        enterprises = sorted(
            Enterprise.objects.active().filter(contacts__mobile=mobile).distinct(),
            key=lambda e: (e.credit_code is None, e.pk),
        )
        codes = {e.credit_code for e in enterprises if e.credit_code}
        if len(codes) <= 1:
            groups.append(DuplicateGroup("mobile", mobile, enterprises))
    return groups


def duplicate_groups(*, limit: int = 50) -> list[DuplicateGroup]:
    """Candidate groups, by name first, then by shared mobile (a group found by name is not repeated)."""
    by_name = _groups_by_name(limit)
    seen = {frozenset(e.pk for e in g.enterprises) for g in by_name}
    by_mobile = [g for g in _groups_by_mobile(limit) if frozenset(e.pk for e in g.enterprises) not in seen]
    return by_name + by_mobile


def duplicates_of(enterprise: Enterprise) -> list[Enterprise]:
    """Other active records that look like the same enterprise (for the enterprise page)."""
    condition = Q(name_key=enterprise.name_key) if enterprise.name_key else Q(pk__in=[])
    mobiles = list(enterprise.contacts.exclude(mobile="").values_list("mobile", flat=True))
    if mobiles:
        condition |= Q(contacts__mobile__in=mobiles)
    candidates = Enterprise.objects.active().filter(condition).exclude(pk=enterprise.pk).distinct()
    return [c for c in candidates[:20] if not (c.credit_code and enterprise.credit_code)]


def proposed_basis(first: Enterprise, second: Enterprise) -> MergeBasis | None:
    """Would the finder propose this pair? By name first, then by a shared contact mobile."""
    if first.credit_code and second.credit_code and first.credit_code != second.credit_code:
        return None
    if first.name_key and first.name_key == second.name_key:
        return MergeBasis.NAME
    mobiles = Contact.objects.filter(enterprise=first).exclude(mobile="").values("mobile")
    if Contact.objects.filter(enterprise=second, mobile__in=mobiles).exists():
        return MergeBasis.MOBILE
    return None


def may_merge(user: User | AnonymousUser, enterprise: Enterprise) -> bool:
    """May `user` merge (or unmerge) this record? The change-enterprise right, and — unless an
    operator admin — none of its parks outside the person's: a merge rewrites every park's view of it."""
    if not has_capability(user, Capability.CHANGE_ENTERPRISE):
        return False
    park_ids = visible_park_ids(user)
    if park_ids is None:
        return True
    return not enterprise.parks.exclude(pk__in=park_ids).exists()
