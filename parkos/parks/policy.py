"""A park's industry policy: which GB/T 4754-2017 codes it welcomes."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError

from parkos.core import industry


def normalize_industry_codes(raw_codes: Iterable[str]) -> list[str]:
    """Canonical, de-duplicated, sorted codes; raises one ValidationError listing every bad code."""
    codes: set[str] = set()
    errors: list[str] = []
    for raw in raw_codes:
        if not str(raw).strip():
            continue
        try:
            codes.add(industry.validate(str(raw)))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return sorted(codes)


def welcomes(welcomed_codes: Iterable[str], industry_code: str | None) -> bool:
    """Whether an industry falls under the policy: an empty policy welcomes every industry.

    A policy code welcomes itself and every code below it (27 welcomes 2710; C welcomes all of 13–43).
    """
    policy = list(welcomed_codes)
    if not policy:
        return True
    if not industry_code:
        return False
    code = industry.validate(industry_code)
    section = industry.section_of(code)
    return any(code.startswith(p) if not p.isalpha() else p == section for p in policy)
