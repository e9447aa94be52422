from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "parkos.monitoring"
    label = "monitoring"
    verbose_name = _("智慧园区监测")
