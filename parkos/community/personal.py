"""Personal data of talents, registrants and applicants: masking, shared by models and views.

Names and mobiles are shown in full only to people who need them (see `selectors.personal_data_visible`);
everyone else sees 张* and 138****8000. Unmasked views are written to the audit trail by the services.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from parkos.enterprises.phones import mask_mobile

#: What an erased person's name becomes (the row stays for counts and history).
ERASED_NAME = "（已删除）"


def mask_name(name: str) -> str:
    """Keep the first character: 张三 → 张*, 欧阳娜娜 → 欧***, Alice → A****."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def masked_mobile(mobile: str) -> str:
    """138****8000, or **** for something that is not a mobile number."""
    if not mobile:
        return ""
    try:
        return mask_mobile(mobile)
    except ValidationError:
        return "****"


def national_mobile(mobile: str) -> str:
    """+8613800138000 → 13800138000 (how people read their own number)."""
    return mobile.removeprefix("+86")
