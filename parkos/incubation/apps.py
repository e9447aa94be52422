from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncubationConfig(AppConfig):
    name = "parkos.incubation"
    label = "incubation"
    verbose_name = _("孵化与企业服务")
