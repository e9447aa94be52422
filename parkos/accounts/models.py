"""People who use ParkOS, their role, and the parks they may see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import get_digest_token
from knox.settings import CONSTANTS, knox_settings

from parkos.accounts.choices import Role


class User(AbstractUser):
    """A person with a login: operator staff scoped to parks, or a tenant enterprise's user."""

    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, default=Role.INVESTMENT_OFFICER)
    # Operator admins see every park; everyone else only the parks listed here.
    parks = models.ManyToManyField(
        "parks.Park", verbose_name=_("负责园区"), blank=True, related_name="staff", help_text=_("可查看和操作的园区")
    )
    # Enterprise users (tenant logins) act for one enterprise: they submit and read only its statistics.
    # SET_NULL: a merged or removed enterprise must not delete the person's login.
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
        help_text=_("企业用户所代表的企业"),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_operator_admin(self) -> bool:
        return self.role == Role.OPERATOR_ADMIN or self.is_superuser

    @property
    def is_enterprise_user(self) -> bool:
        return self.role == Role.ENTERPRISE_USER and not self.is_superuser


class ApiTokenManager(models.Manager["ApiToken"]):
    def issue(self, *, user: User) -> tuple[ApiToken, str]:
        """Store a new token's hash for `user`; return the row and the clear text (never stored)."""
        digest, token = get_digest_token()
        instance = self.create(
            digest=digest,
            token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH],
            user=user,
            expiry=timezone.now() + knox_settings.TOKEN_TTL,
            password_fingerprint=user.get_session_auth_hash(),
        )
        return instance, str(token)


class ApiToken(models.Model):
    """An API token (django-rest-knox): only its hash is stored, it expires, and logging out revokes it.

    `password_fingerprint` is the user's session-auth hash when the token was issued: a password set
    by any path (the password page, the admin, `manage.py changepassword`) changes that hash and so
    voids every token issued before, exactly as it logs out the person's other sessions.
    """

    # The fields of knox's AbstractAuthToken, declared here so that the model is typed.
    digest = models.CharField(_("摘要"), max_length=CONSTANTS.DIGEST_LENGTH, primary_key=True)
    # The token's first characters: knox finds the candidates by them, then compares digests.
    token_key = models.CharField(
        _("令牌前缀"), max_length=CONSTANTS.MAXIMUM_TOKEN_PREFIX_LENGTH + CONSTANTS.TOKEN_KEY_LENGTH, db_index=True
    )
    # CASCADE: a person's tokens mean nothing without them. The name is knox's (it reads user.auth_token_set).
    user = models.ForeignKey(
        "accounts.User", verbose_name=_("用户"), on_delete=models.CASCADE, related_name="auth_token_set"
    )
    created = models.DateTimeField(_("签发时间"), auto_now_add=True)
    expiry = models.DateTimeField(_("过期时间"), null=True, blank=True)
    password_fingerprint = models.CharField(_("密码指纹"), max_length=128, editable=False, default="")

    objects = ApiTokenManager()

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.token_key}… ({self.user_id})"
