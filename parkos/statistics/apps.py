from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    name = "parkos.statistics"
    label = "park_statistics"  # "statistics" would shadow nothing in Django, but reads as the stdlib module
    verbose_name = _("统计与年报")

    def ready(self) -> None:
        from parkos.core.importing.jobs import registry
        from parkos.statistics.importing import IMPORTER, WORKBOOK, build_importer

        registry.register(IMPORTER, build_importer, workbook=WORKBOOK, label=str(_("月度统计")))
        from parkos.statistics import (
            panels,  # noqa: F401  (registers its enterprise-page panel)
            widgets,  # noqa: F401  (registers the dashboard widgets)
        )
