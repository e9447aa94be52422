from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeasingConfig(AppConfig):
    name = "parkos.leasing"
    label = "leasing"
    verbose_name = _("租售合同")

    def ready(self) -> None:
        # Registers the leasing widgets with the dashboard.
        from parkos.leasing import (
            dashboard,  # noqa: F401
            panels,  # noqa: F401  (registers its enterprise-page panel)
        )
