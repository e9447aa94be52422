"""A park's industry policy: which GB/T 4754-2017 codes it welcomes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

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


PolicyFit = Literal["fits", "maybe", "no"]


def policy_fit(welcomed_codes: Iterable[str], industry_code: str | None) -> PolicyFit:
    """How an industry stands against a park's policy, across the four grains of GB/T 4754.

    - "fits": the policy is empty, or a policy code covers the industry (27 covers 2710; a narrower
      code matches a broader policy).
    - "maybe": the industry is coded more broadly than a policy code under it (a lead coded 35 meets
      a policy of 358): it may fit once the officer refines the code — never excluded for that.
    - "no": neither.
    """
    policy = list(welcomed_codes)
    if not policy:
        return "fits"
    if not industry_code:
        return "no"
    if welcomes(policy, industry_code):
        return "fits"
    code = industry.validate(industry_code)
    for p in policy:
        narrower = industry.section_of(p) == code if code.isalpha() else (not p.isalpha() and p.startswith(code))
        if narrower:
            return "maybe"
    return "no"


def policy_codes_under(welcomed_codes: Iterable[str], industry_code: str) -> list[str]:
    """The policy codes narrower than a broadly coded industry (what "maybe" would have to match)."""
    code = industry.validate(industry_code)
    return [
        p
        for p in welcomed_codes
        if (industry.section_of(p) == code if code.isalpha() else (not p.isalpha() and p.startswith(code)))
        and p != code
    ]
