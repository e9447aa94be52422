from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "parkos.core"
    label = "core"
    verbose_name = _("平台基础")

    def ready(self) -> None:
        from parkos.core.db import register_lookups

        register_lookups()
