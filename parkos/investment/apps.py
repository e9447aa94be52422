from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentConfig(AppConfig):
    name = "parkos.investment"
    label = "investment"
    verbose_name = _("招商")

    def ready(self) -> None:
        from parkos.enterprises import erasure
        from parkos.investment import (
            dashboard,  # noqa: F401  (registers the officers' dashboard widgets)
            demo,
            panels,  # noqa: F401  (registers its enterprise-page panel)
            selectors,
            services,
        )
        from parkos.parks import hooks as parks_hooks
        from parkos.web import demo as web_demo
        from parkos.web import navigation, todo

        navigation.register("investment:lead_board", _("招商"), module="investment", order=40)
        web_demo.register("investment", demo.load_demo, order=30)
        # Reverse matching: a unit or parcel that becomes available is offered to the open leads it fits.
        parks_hooks.on_space_available(services.notify_space_available)
        # Erasing a contact also scrubs the leads that copied the person's name and number.
        erasure.register(services.lead_personal_data_erase)
        # 我的待办: open next steps of the person's leads.
        todo.register(selectors.todo_next_steps)
