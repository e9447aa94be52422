"""People who use ParkOS, their role, and the parks they may see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

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


class LoginFailure(models.Model):
    """A failed login, kept for throttling: too many per username or address within a window lock it out."""

    username = models.CharField(max_length=150, db_index=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")

    def __str__(self) -> str:
        return f"{self.username} @ {self.at:%Y-%m-%d %H:%M}"
