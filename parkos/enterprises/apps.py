from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "parkos.enterprises"
    label = "enterprises"
    verbose_name = _("企业库")

    def ready(self) -> None:
        from parkos.core.importing.jobs import registry
        from parkos.enterprises import demo
        from parkos.enterprises.importing import IMPORTER, WORKBOOK, build_importer
        from parkos.web import demo as web_demo
        from parkos.web import navigation

        navigation.register("enterprises:enterprise_list", _("企业库"), module="enterprises", order=30)
        web_demo.register("enterprises", demo.load_demo, order=20)
        registry.register(IMPORTER, build_importer, workbook=WORKBOOK, label=str(_("企业")))
