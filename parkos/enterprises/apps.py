from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "parkos.enterprises"
    label = "enterprises"
    verbose_name = _("企业库")

    def ready(self) -> None:
        from parkos.core.importing.jobs import registry
        from parkos.enterprises.importing import IMPORTER, WORKBOOK, build_importer

        registry.register(IMPORTER, build_importer, workbook=WORKBOOK, label=str(_("企业")))
