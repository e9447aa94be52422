from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "parkos.monitoring"
    label = "monitoring"
    verbose_name = _("智慧园区监测")

    def ready(self) -> None:
        from parkos.accounts.access import Capability
        from parkos.core.importing.jobs import registry
        from parkos.monitoring import (
            colouring,
            demo,
            importing,
            widgets,  # noqa: F401  (registers the dashboard widgets and the enterprise-page panel)
        )
        from parkos.parks import hooks as parks_hooks
        from parkos.web import demo as web_demo
        from parkos.web import navigation

        navigation.register(
            "monitoring:dashboard",
            _("智慧园区"),
            module="monitoring",
            order=70,
            capabilities={Capability.MANAGE_FACILITIES, Capability.CHANGE_PARK, Capability.MANAGE_STATISTICS},
        )
        web_demo.register("monitoring", demo.load_demo, order=60)
        registry.register(
            importing.IMPORTER, importing.build_importer, workbook=importing.WORKBOOK, label=str(_("人工抄表读数"))
        )
        parks_hooks.register_colouring(
            parks_hooks.StackingColouring("energy", _("按本月单位面积用电"), colouring.energy_this_month)
        )
        parks_hooks.register_colouring(parks_hooks.StackingColouring("alarm", _("按未关闭告警"), colouring.alarms_now))
