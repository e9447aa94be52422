from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "parkos.community"
    label = "community"
    verbose_name = _("人才与活动")

    def ready(self) -> None:
        from parkos.accounts.access import Capability
        from parkos.community import (
            demo,
            widgets,  # noqa: F401  (registers the dashboard widgets)
        )
        from parkos.web import demo as web_demo
        from parkos.web import navigation

        navigation.register(
            "community:home", _("人才与活动"), module="community", order=80, capabilities={Capability.VIEW_PARK}
        )
        navigation.register("community:resource_list", _("会议室预订"), module="community", order=80, audience="tenant")
        navigation.register("community:job_list", _("招聘与培训"), module="community", order=81, audience="tenant")
        web_demo.register("community", demo.load_demo, order=90)
