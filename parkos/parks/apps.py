from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParksConfig(AppConfig):
    name = "parkos.parks"
    label = "parks"
    verbose_name = _("园区与空间")

    def ready(self) -> None:
        from parkos.core.importing.jobs import registry
        from parkos.parks.importing import IMPORTER, WORKBOOK, build_importer

        registry.register(IMPORTER, build_importer, workbook=WORKBOOK, label=str(_("空间数据")))
