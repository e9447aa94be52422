"""The park's notices on the tenant's home: the latest public articles about its park (or all parks)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parkos.accounts.choices import Role
from parkos.accounts.models import User
from parkos.incubation.selectors import tenant_park_id
from parkos.parks.models import Park
from parkos.portal.models import Article
from parkos.web.dashboard import Widget, register

NOTICES = 5


@register({Role.ENTERPRISE_USER})
def tenant_notices_widget(user: User, active_park: Park | None) -> list[Widget]:
    if user.enterprise is None:
        return []
    park_id = tenant_park_id(user.enterprise)
    articles = Article.objects.public().filter(Q(parks__isnull=True) | Q(parks=park_id)).distinct()
    latest = list(articles.order_by("-publish_at")[:NOTICES])
    if not latest:
        return []
    return [
        Widget(
            title=_("园区通知与政策"),
            order=50,
            template="portal/widgets/tenant_notices.html",
            context={"articles": latest},
        )
    ]
