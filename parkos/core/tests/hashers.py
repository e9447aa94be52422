"""A password hasher for tests: production's own algorithm (PBKDF2-SHA256) at one iteration.

The tests hash thousands of passwords, and PBKDF2 at Django's iteration count takes about a second each
on a busy machine. MD5 was fast but only the test process could check it: a journey against the
production stack (granian with production's hashers) could not log in a user the test had made. A
PBKDF2 hash records its iteration count, so production's hasher checks this one (and upgrades it on
the first login, as it would any hash from an older Django).
"""

from __future__ import annotations

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1
