"""Parks and the space inside them.

A park is the unit of access: every staff member is assigned to parks, and every record that belongs
to a park is scoped through it (see parkos.accounts.access).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from parkos.core.models import TimeStampedModel


class Operator(TimeStampedModel):
    """The company that develops and runs the parks (one per deployment, usually)."""

    name = models.CharField(_("运营商名称"), max_length=100, unique=True)
    hotline = models.CharField(_("招商热线"), max_length=40, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("运营商")
        verbose_name_plural = _("运营商")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ParkQuerySet(models.QuerySet["Park"]):
    def active(self) -> ParkQuerySet:
        return self.filter(archived_at__isnull=True)


class Park(TimeStampedModel):
    """An industrial park: land, buildings and the enterprises in them, run by the operator."""

    code = models.SlugField(_("园区编码"), max_length=40, unique=True, help_text=_("稳定的业务编码，如 CQ-BIO-01"))
    name = models.CharField(_("园区名称"), max_length=100)
    # PROTECT: a park's history (contracts, statistics) must never vanish with its operator.
    operator = models.ForeignKey(
        Operator, verbose_name=_("运营商"), on_delete=models.PROTECT, related_name="parks", null=True, blank=True
    )
    city = models.CharField(_("城市"), max_length=40)
    district = models.CharField(_("区县"), max_length=40, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    land_area_sqm = models.DecimalField(
        _("占地面积（m²）"),
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("以平方米存储，页面同时显示亩（1亩≈666.67m²）"),
    )
    description = models.TextField(_("简介"), blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)

    objects = ParkQuerySet.as_manager()

    class Meta:
        verbose_name = _("园区")
        verbose_name_plural = _("园区")
        ordering = ["city", "name"]

    def __str__(self) -> str:
        return self.name
