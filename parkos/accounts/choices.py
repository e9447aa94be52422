from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OPERATOR_ADMIN = "operator_admin", _("运营管理员")
    PARK_MANAGER = "park_manager", _("园区总经理")
    INVESTMENT_OFFICER = "investment_officer", _("招商经理")
    LEASING_MANAGER = "leasing_manager", _("租赁经理")
    SERVICES_OFFICER = "services_officer", _("企业服务专员")
    FACILITIES_OPERATOR = "facilities_operator", _("设施运维")
    ENTERPRISE_USER = "enterprise_user", _("企业用户")
