from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParksConfig(AppConfig):
    name = "parkos.parks"
    label = "parks"
    verbose_name = _("园区与空间")

    def ready(self) -> None:
        from parkos.core.importing.jobs import registry
        from parkos.parks import demo
        from parkos.parks.importing import IMPORTER, WORKBOOK, build_importer
        from parkos.web import demo as web_demo
        from parkos.web import navigation

        navigation.register("parks:park_list", _("园区与空间"), module="parks", order=10)
        navigation.register("parks:availability", _("空间查询"), module="availability", order=20)
        web_demo.register("parks", demo.load_demo, order=10)
        web_demo.register("logins", demo.load_demo_logins, order=15)
        registry.register(IMPORTER, build_importer, workbook=WORKBOOK, label=str(_("空间数据")))
