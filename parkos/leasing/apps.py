from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeasingConfig(AppConfig):
    name = "parkos.leasing"
    label = "leasing"
    verbose_name = _("租售合同")

    def ready(self) -> None:
        from parkos.investment import hooks as investment_hooks
        from parkos.leasing import (
            dashboard,  # noqa: F401  (registers the leasing widgets)
            demo,
            panels,  # noqa: F401  (registers its enterprise-page panel)
            selectors,
        )
        from parkos.parks import hooks as parks_hooks
        from parkos.web import demo as web_demo
        from parkos.web import navigation, todo

        navigation.register("leasing:contract_list", _("租售合同"), module="leasing", order=60)
        web_demo.register("leasing", demo.load_demo, order=40)
        parks_hooks.register_colouring(
            parks_hooks.StackingColouring("expiry", _("按到期时间"), selectors.expiry_colouring)
        )
        parks_hooks.register_colouring(
            parks_hooks.StackingColouring("industry", _("按租户行业"), selectors.industry_colouring)
        )
        # The lead page links the contracts that close it; 已签约 by hand needs a reason without one.
        investment_hooks.register_contract_source(selectors.contracts_of_leads)
        todo.register(selectors.todo_renewals)
