from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeasingConfig(AppConfig):
    name = "parkos.leasing"
    label = "leasing"
    verbose_name = _("租售合同")
