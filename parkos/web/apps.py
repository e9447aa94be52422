from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The shell every page stands on: generic views, API mixins, registries, base templates."""

    name = "parkos.web"
    label = "web"
    verbose_name = _("界面框架")

    def ready(self) -> None:
        from parkos.web import navigation

        navigation.register("web:dashboard", _("工作台"), module="web", order=0)
