from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    name = "parkos.investment"
    label = "investment"
    verbose_name = _("招商")

    def ready(self) -> None:
        # Registers the officers' dashboard widgets.
        from parkos.enterprises import erasure
        from parkos.investment import (
            dashboard,  # noqa: F401
            panels,  # noqa: F401  (registers its enterprise-page panel)
            services,
        )

        # Erasing a contact also scrubs the leads that copied the person's name and number.
        erasure.register(services.lead_personal_data_erase)
