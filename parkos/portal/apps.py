from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "parkos.portal"
    label = "portal"
    verbose_name = _("门户网站")

    def ready(self) -> None:
        from parkos.portal import (
            demo,
            views,
            widgets,  # noqa: F401  (registers the park's notices on the tenant's home)
        )
        from parkos.web import demo as web_demo
        from parkos.web import navigation, public

        navigation.register("portal:editor_article_list", _("门户内容"), module="portal", order=90)
        web_demo.register("portal", demo.load_demo, order=110)
        public.register_frame(base_template="portal/base.html", context=views.public_frame_context)
        # Public match results of the requirement form link to the unit's public page.
        public.register_space_url(views.public_space_url)
