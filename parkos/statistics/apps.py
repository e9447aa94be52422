from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    name = "parkos.statistics"
    label = "park_statistics"  # "statistics" would shadow nothing in Django, but reads as the stdlib module
    verbose_name = _("统计与年报")

    def ready(self) -> None:
        from parkos.core.importing.jobs import registry
        from parkos.innovation import hooks as innovation_hooks
        from parkos.leasing import hooks as leasing_hooks
        from parkos.monitoring import hooks as monitoring_hooks
        from parkos.statistics import (
            demo,
            feeds,
            panels,  # noqa: F401  (registers its enterprise-page panel)
            selectors,
            widgets,  # noqa: F401  (registers the dashboard widgets)
        )
        from parkos.statistics.importing import IMPORTER, WORKBOOK, build_importer
        from parkos.web import demo as web_demo
        from parkos.web import navigation

        navigation.register("park_statistics:dashboard", _("统计与年报"), module="statistics", order=50)
        navigation.register(
            "park_statistics:tenant_reports", _("统计填报"), module="statistics", order=50, audience="tenant"
        )
        web_demo.register("statistics", demo.load_demo, order=70)
        monitoring_hooks.provide_output(selectors.annual_output)
        registry.register(IMPORTER, build_importer, workbook=WORKBOOK, label=str(_("月度统计")))
        innovation_hooks.provide_scale_ups(feeds.scale_ups)
        leasing_hooks.provide_commitment_actuals(
            lambda enterprise, since: selectors.enterprise_actuals_for_commitments(enterprise=enterprise, since=since)
        )
