"""The bad-input corpus: what careless users and attackers type, by kind. Each test feeds it to every
entry point that takes that kind of value (forms, API, imports) and asserts a clear error in the user's
language, no 500, and nothing half-written — or the value accepted in its normalised form.
"""

from __future__ import annotations

from parkos.enterprises import credit_code

# --- Unified social credit codes ------------------------------------------------------------------

VALID_CODE = "91110000600037341L"
#: Written differently, the same valid code: accepted and stored as VALID_CODE.
CODE_SPELLINGS = [
    "9111 0000 6000 3734 1L",
    "91110000-6000-3734-1L",
    "91110000600037341l",
    "９１１１００００６０００３７３４１Ｌ",  # full-width, as Chinese IMEs type it
    " 91110000600037341L\t",
]
#: Never a credit code: each must be refused with a message, never stored.
BAD_CODES = [
    "91110000600037341N",  # wrong check character
    "9111000060003734",  # too short
    "91110000600037341LX",  # too long
    "91110000600O37341L",  # the letter O (excluded by GB 32100)
    "9111000060003734IL",  # the letter I
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "9" * 5000,
    "91110000\x00600037341L",
    "🙂" * 18,
]

# --- Mobiles ---------------------------------------------------------------------------------------

VALID_MOBILE_E164 = "+8613912345678"
MOBILE_SPELLINGS = [
    "13912345678",
    "139 1234 5678",
    "139-1234-5678",
    "+86 139 1234 5678",
    "0086 13912345678",
    "１３９１２３４５６７８",  # full-width
]
BAD_MOBILES = [
    "1391234567",  # ten digits
    "139123456789",  # twelve
    "12345678901",  # no such mobile prefix
    "023-68791234",  # a landline where a mobile is asked for
    "+1 650 253 0000",  # a foreign number
    "abcdefghijk",
    "<img src=x onerror=alert(1)>",
    "1" * 5000,
    "139\x0012345678",
]

# --- Markup and formulas in free text ----------------------------------------------------------------

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>"\'><svg onload=alert(2)>'
#: What must never reach a page unescaped.
XSS_LIVE = ("<script>alert", "<img src=x", "<svg onload")
FORMULAS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(1,1)"]

# --- Files -------------------------------------------------------------------------------------------

TRAVERSAL_NAMES = ["../../etc/passwd.xlsx", "..\\..\\windows\\win.ini.xlsx", "/etc/cron.d/x.xlsx", "a\x00b.xlsx"]
MALFORMED_FILES = {
    "not a zip.xlsx": b"this is not a workbook",
    "truncated.xlsx": b"PK\x03\x04" + b"\x00" * 40,
    "binary.csv": bytes(range(256)) * 20,
    "empty.csv": b"",
    "only-bom.csv": "\ufeff".encode(),
}


def assert_valid_code_fixture() -> None:
    """The corpus's own sanity: the valid code is valid and every spelling normalises to it."""
    assert credit_code.normalize(VALID_CODE) == VALID_CODE
    for spelling in CODE_SPELLINGS:
        assert credit_code.normalize(spelling) == VALID_CODE, spelling
