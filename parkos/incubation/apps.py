from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncubationConfig(AppConfig):
    name = "parkos.incubation"
    label = "incubation"
    verbose_name = _("孵化与企业服务")

    def ready(self) -> None:
        from parkos.incubation import (
            dashboard,  # noqa: F401  (registers the dashboard widgets, the tenant's home sections included)
            demo,
            hooks,
            panels,  # noqa: F401  (registers the enterprise page's 企业服务 panel)
            selectors,
        )
        from parkos.leasing import hooks as leasing_hooks
        from parkos.web import demo as web_demo
        from parkos.web import navigation

        navigation.register("incubation:overview", _("孵化与服务"), module="incubation", order=75)
        navigation.register(
            "incubation:tenant_requests", _("服务申请"), module="incubation", order=75, audience="tenant"
        )
        navigation.register(
            "incubation:tenant_programme", _("我的孵化"), module="incubation", order=76, audience="tenant"
        )
        web_demo.register("incubation", demo.load_demo, order=80)
        leasing_hooks.provide_rent_support(selectors.rent_support)
        # Early-warning signals from the apps below incubation; billing adds "arrears" the same way.
        hooks.register_risk_signal("output", _("产值下降"), selectors.falling_output_signals)
        hooks.register_risk_signal("energy", _("用能下降"), selectors.energy_drop_signals)
        hooks.register_risk_signal("statistics", _("统计未报送"), selectors.missing_statistics_signals)
        hooks.register_risk_signal("expiry", _("合同到期未续签"), selectors.expiring_lease_signals)
        hooks.register_risk_signal("escalations", _("服务两次超时升级"), selectors.escalation_signals)
