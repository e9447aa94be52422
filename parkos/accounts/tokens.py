"""API token authentication: expiring tokens, void once the password changes.

django-rest-knox stores only a hash of each token and expires it after `API_TOKEN_TTL_HOURS`; the
token model (`ApiToken`) adds the password fingerprint that voids it when the password changes.
Tokens are issued and revoked by `parkos.accounts.services`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from knox.settings import knox_settings
from rest_framework import exceptions

from parkos.accounts.models import ApiToken

if TYPE_CHECKING:
    from drf_spectacular.openapi import AutoSchema


class ExpiringTokenAuthentication(TokenAuthentication):
    """knox's authentication (hashed, expiring tokens), refusing a token issued before a password change."""

    def validate_user(self, auth_token: ApiToken) -> tuple[Any, ApiToken]:
        user, token = super().validate_user(auth_token)
        if not constant_time_compare(token.password_fingerprint, user.get_session_auth_hash()):
            token.delete()
            raise exceptions.AuthenticationFailed(_("令牌已失效（密码已更改），请重新获取。"))
        return user, token


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    """How the schema documents it: `Authorization: Token <token>` (registered by being defined)."""

    target_class = "parkos.accounts.tokens.ExpiringTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: AutoSchema) -> dict[str, Any]:
        prefix = knox_settings.AUTH_HEADER_PREFIX
        definition: dict[str, Any] = build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=prefix
        )
        return definition
