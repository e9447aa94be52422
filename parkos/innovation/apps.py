from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InnovationConfig(AppConfig):
    name = "parkos.innovation"
    label = "innovation"
    verbose_name = _("创新生态")

    def ready(self) -> None:
        from parkos.accounts.access import Capability
        from parkos.core.importing.jobs import registry
        from parkos.innovation import (
            demo,
            importing,
            panels,  # noqa: F401  (registers the enterprise-page panel)
            widgets,  # noqa: F401  (registers the dashboard widgets)
        )
        from parkos.web import demo as web_demo
        from parkos.web import navigation

        navigation.register(
            "innovation:overview",
            _("创新生态"),
            module="innovation",
            order=65,
            capabilities={Capability.VIEW_PARK},
        )
        web_demo.register("innovation", demo.load_demo, order=50)
        registry.register(
            importing.IMPORTER, importing.build_importer, workbook=importing.WORKBOOK, label=str(_("创新生态"))
        )
