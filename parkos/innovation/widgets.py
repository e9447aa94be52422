"""Dashboard widgets: projects behind schedule and the pipeline for staff; a tenant's own projects and products."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parkos.accounts.access import visible_park_ids
from parkos.accounts.choices import Role
from parkos.accounts.models import User
from parkos.innovation import selectors
from parkos.innovation.models import Product, Project
from parkos.parks.models import Park
from parkos.web.dashboard import Widget, register


@register({Role.OPERATOR_ADMIN, Role.PARK_MANAGER, Role.INVESTMENT_OFFICER, Role.SERVICES_OFFICER})
def innovation_widgets(user: User, active_park: Park | None) -> list[Widget]:
    park_ids = [active_park.pk] if active_park is not None else visible_park_ids(user)
    today = timezone.localdate()
    counts = selectors.project_counts(park_ids=park_ids, today=today)
    pipeline = selectors.pipeline(park_ids=park_ids, day=today)
    return [
        Widget(
            title=_("在建项目延期"),
            value=counts.behind,
            note=_("共 %(total)s 个项目，今年建成投用 %(done)s 个")
            % {"total": counts.total, "done": counts.completed_this_year},
            url=reverse("innovation:project_list") + "?behind=1",
            order=45,
        ),
        Widget(
            title=_("临床阶段的1类新药"),
            value=pipeline.class_one_in_trials,
            note=_("研发管线（按注册分类与阶段）"),
            url=reverse("innovation:pipeline"),
            order=46,
        ),
    ]


@register({Role.ENTERPRISE_USER})
def tenant_innovation_widget(user: User, active_park: Park | None) -> list[Widget]:
    if not user.enterprise_id:
        return []
    projects = list(Project.objects.filter(enterprise_id=user.enterprise_id).order_by("-pk")[:3])
    products = list(Product.objects.filter(enterprise_id=user.enterprise_id).order_by("name")[:5])
    if not projects and not products:
        return []
    rows = [(p.name, _("已建成投用") if p.completed_on else _("建设中")) for p in projects]
    rows += [(p.name, p.current_stage_label) for p in products]
    return [
        Widget(
            title=_("我的项目与产品"),
            value=len(projects) + len(products),
            note=_("如需更新项目进度或产品阶段，请联系园区企业服务专员。"),
            rows=rows,
            order=25,
        )
    ]
