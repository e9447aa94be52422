from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "parkos.billing"
    label = "billing"
    verbose_name = _("账单与收款")

    def ready(self) -> None:
        from parkos.accounts.access import Capability
        from parkos.billing import (
            dashboard,  # noqa: F401  (registers the billing widgets)
            demo,
            panels,  # noqa: F401  (registers its enterprise-page panel)
            selectors,
            sources,
        )
        from parkos.billing.choices import ChargeKind
        from parkos.community.selectors import chargeable_bookings
        from parkos.incubation import hooks as incubation_hooks
        from parkos.incubation.selectors import chargeable_services
        from parkos.web import demo as web_demo
        from parkos.web import navigation

        navigation.register(
            "billing:home",
            _("账单与收款"),
            module="billing",
            order=85,
            capabilities={Capability.MANAGE_BILLING, Capability.APPROVE_BILLING},
        )
        navigation.register("billing:tenant_bills", _("我的账单"), module="billing", order=85, audience="tenant")
        web_demo.register("billing", demo.load_demo, order=100)
        # Bookings beyond a tenant's free quota and priced service requests, resolved (INTERFACES.md:
        # community → billing, incubation → billing).
        sources.register_charge_source(ChargeKind.BOOKING, chargeable_bookings)
        sources.register_charge_source(ChargeKind.SERVICE, chargeable_services)
        # Arrears feed incubation's early warning (INTERFACES.md: billing → incubation).
        incubation_hooks.register_risk_signal("arrears", _("逾期欠费"), selectors.arrears_signals)
