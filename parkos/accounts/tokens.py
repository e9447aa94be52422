"""API token authentication: expiring tokens, void once the password changes.

django-rest-knox stores only a hash of each token and expires it after `API_TOKEN_TTL_HOURS`; the
token model (`ApiToken`) adds the password fingerprint that voids it when the password changes.
Tokens are issued and revoked by `parkos.accounts.services`.
"""

from __future__ import annotations

from typing import Any

from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from knox.auth import TokenAuthentication
from rest_framework import exceptions

from parkos.accounts.models import ApiToken


class ExpiringTokenAuthentication(TokenAuthentication):  # type: ignore[misc]
    """knox's authentication (hashed, expiring tokens), refusing a token issued before a password change."""

    def validate_user(self, auth_token: ApiToken) -> tuple[Any, ApiToken]:
        user, token = super().validate_user(auth_token)
        if not constant_time_compare(token.password_fingerprint, user.get_session_auth_hash()):
            token.delete()
            raise exceptions.AuthenticationFailed(_("令牌已失效（密码已更改），请重新获取。"))
        return user, token
