from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    name = "parkos.statistics"
    label = "park_statistics"  # "statistics" would shadow nothing in Django, but reads as the stdlib module
    verbose_name = _("统计与年报")

    def ready(self) -> None:
        from parkos.statistics import (
            panels,  # noqa: F401  (registers its enterprise-page panel)
            widgets,  # noqa: F401  (registers the dashboard widgets)
        )
