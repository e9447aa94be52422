"""Demo content of the portal: site settings and a handful of articles about the demo parks.

Idempotent: settings are filled only where empty, articles are created once by slug.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from parkos.parks.models import Operator, Park
from parkos.portal import services
from parkos.portal.choices import ArticleCategory
from parkos.portal.models import Article, SiteSettings

FLAGSHIP = "CQ-BIO-01"


@dataclass(frozen=True)
class DemoArticle:
    slug: str
    title: str
    summary: str
    body: str
    category: str
    tags: tuple[str, ...]
    days_ago: int
    source_name: str = ""
    source_url: str = ""
    flagship: bool = True
    other_parks: int = 0


ARTICLES = (
    DemoArticle(
        slug="cq-bio-gmp-c1-opening",
        title="重庆国际生物城C1栋GMP洁净厂房竣工投用",
        summary="C1栋按GMP 2010要求建设，提供D级、C级洁净车间改造条件，首批3家生物药企业签约入驻。",
        body=(
            "## 竣工投用\n\n重庆国际生物城C1栋GMP洁净厂房日前通过竣工验收，正式投入使用。"
            "该楼为丙类框架厂房，首层楼面活荷载12 kN/m²、净高6.5米，配备3吨货梯，"
            "可按企业需求改造为**D级（30万级）**或**C级（10万级）**洁净车间。\n\n"
            "## 首批企业\n\n- 重组蛋白药物中试平台\n- 体外诊断试剂生产线\n- 医用敷料洁净包装线\n\n"
            "园区提供污水预处理设施和双回路供电，满足药品生产质量管理规范要求。"
        ),
        category=ArticleCategory.NEWS,
        tags=("生物医药", "GMP", "竣工"),
        days_ago=3,
    ),
    DemoArticle(
        slug="cq-bio-signing-ceremony-2026",
        title="六个生物医药项目集中签约落户重庆国际生物城",
        summary="总投资约18亿元，涵盖抗体药物、高端医疗器械和现代中药，预计达产后年产值超30亿元。",
        body=(
            "重庆国际生物城举行项目集中签约仪式，六个生物医药项目正式落户。\n\n"
            "| 领域 | 项目数 | 用地/厂房 |\n|---|---|---|\n| 抗体药物 | 2 | 标准厂房 8,000 m² |\n"
            "| 医疗器械 | 3 | 单层钢结构厂房 |\n| 现代中药 | 1 | 工业用地 25 亩 |\n\n"
            "园区将为签约企业提供“拿地即开工”“交房即投产”的全流程代办服务。"
        ),
        category=ArticleCategory.NEWS,
        tags=("生物医药", "签约", "招商"),
        days_ago=12,
    ),
    DemoArticle(
        slug="cq-bio-park-showcase",
        title="园区风采｜走进重庆国际生物城标准厂房组团",
        summary="占地136亩，5栋4层丙类框架厂房、1栋单层钢结构厂房和1栋GMP洁净厂房，一站式承接生物医药产业化。",
        body=(
            "重庆国际生物城标准厂房组团位于巴南区木洞镇，距重庆江北国际机场约50分钟车程。\n\n"
            "### 空间产品\n\n1. 4层丙类框架厂房：首层荷载12 kN/m²，净高6.5米；\n"
            "2. 单层钢结构厂房：10吨行车，适合医疗器械总装；\n3. GMP洁净厂房：可改造D级、C级洁净车间。\n\n"
            "### 配套服务\n\n人才公寓、检验检测平台、药品注册申报辅导一应俱全。"
        ),
        category=ArticleCategory.SHOWCASE,
        tags=("园区风采", "标准厂房"),
        days_ago=20,
    ),
    DemoArticle(
        slug="policy-muju-evaluation-2026",
        title="政策解读｜工业企业“亩均论英雄”综合评价怎么评",
        summary="亩均税收、亩均营收、单位能耗增加值等六项指标，评价结果与用地、用能、信贷等资源配置挂钩。",
        body=(
            "“亩均论英雄”综合评价以**亩均税收**、**亩均营业收入**、单位能耗增加值、"
            "研发经费支出占比、全员劳动生产率和单位排放增加值为主要指标。\n\n"
            "> 评价结果分为A、B、C、D四类，A类企业在用地、用能、融资等方面优先保障。\n\n"
            "园区企业服务专员可协助企业核对上报数据、解读评价结果。"
        ),
        category=ArticleCategory.POLICY,
        tags=("政策", "亩均评价"),
        days_ago=30,
        source_name="重庆市经济和信息化委员会",
        source_url="https://jjxxw.cq.gov.cn/",
        flagship=False,
    ),
    DemoArticle(
        slug="investment-week-open-day",
        title="活动预告｜园区开放日：带你实地看厂房",
        summary="每月第二个周六开放参观，招商经理现场讲解厂房参数、入驻政策与审批流程，欢迎预约。",
        body=(
            "园区开放日面向有选址需求的企业开放，现场可查看：\n\n- 标准厂房样板层\n- 洁净车间改造案例\n"
            "- 配套食堂与人才公寓\n\n请通过页面底部的“提交选址需求”预约，或拨打招商热线。"
        ),
        category=ArticleCategory.EVENTS,
        tags=("活动", "招商"),
        days_ago=2,
        other_parks=2,
    ),
)


def _site_defaults() -> None:
    operator = Operator.objects.order_by("pk").first()
    settings = SiteSettings.load()
    defaults = {
        "site_name": "渝健园区招商服务平台",
        "site_description": "重庆、成都等地生物医药与先进制造产业园区：园区介绍、可租售厂房与土地、园区新闻与产业政策。",
        "operator_name": operator.name if operator else "渝健产业园区运营集团有限公司",
        "address": (operator.address if operator else "") or "重庆市巴南区木洞镇生物城大道1号",
        "hotline": (operator.hotline if operator else "") or "023-67891234",
        "wechat_name": "渝健园区招商",
        "icp_number": "渝ICP备2026000001号-1",
    }
    changes = {
        name: value
        for name, value in defaults.items()
        if not getattr(settings, name) or (name == "site_name" and settings.site_name == "园区招商服务平台")
    }
    if changes:
        services.site_settings_update(actor=None, **changes)  # type: ignore[arg-type]


@transaction.atomic
def load_demo(*, scale: str = "demo", stdout: TextIO | None = None) -> dict[str, int]:
    _site_defaults()
    flagship = Park.objects.filter(code=FLAGSHIP).first() or Park.objects.active().order_by("pk").first()
    others_qs = Park.objects.active().order_by("pk")
    if flagship is not None:
        others_qs = others_qs.exclude(pk=flagship.pk)
    others = list(others_qs[:2])
    existing = set(Article.objects.filter(slug__in=[a.slug for a in ARTICLES]).values_list("slug", flat=True))
    created = 0
    now = timezone.now().replace(second=0, microsecond=0)
    for spec in ARTICLES:
        if spec.slug in existing:
            continue
        parks = ([flagship] if spec.flagship and flagship else []) + others[: spec.other_parks]
        article = services.article_create(
            actor=None,
            slug=spec.slug,
            title=spec.title,
            summary=spec.summary,
            body=spec.body,
            category=spec.category,
            author_name="园区招商中心",
            source_name=spec.source_name,
            source_url=spec.source_url,
            tags=list(spec.tags),
            parks=parks,
        )
        services.article_publish(article=article, actor=None, publish_at=now - datetime.timedelta(days=spec.days_ago))
        created += 1
    if stdout is not None:
        stdout.write(f"门户：新增 {created} 篇文章（已有 {len(existing)} 篇）\n")
    return {"articles": created}
