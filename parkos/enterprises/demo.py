"""A generator of realistic Chinese enterprises for the demo and the benchmarks.

Faker's zh_CN repeats company names heavily and has no credit codes, so names are built here from
city + a two-character brand (about a thousand combinations) + an industry word that fits the
GB/T 4754 code + a legal-form suffix; credit codes are valid and carry the real GB/T 2260 division
of the district; business scopes, sizes and contacts follow the industry. A fixed seed makes every
run produce the same pool, so `load_demo` is idempotent: it inserts only the codes not there yet.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, TextIO

from django.db import transaction

from parkos.enterprises import credit_code, search
from parkos.enterprises.choices import EnterpriseLifecycle, EnterpriseSource, LegalForm, ListingStatus, Qualification
from parkos.enterprises.models import Contact, Enterprise, Tag
from parkos.enterprises.services import compute_size
from parkos.parks.models import Park

DEFAULT_SEED: Final = 20261125
SCALES: Final = {"flagship": 300, "demo": 2000, "full": 220_000}
BATCH: Final = 2000

# (city, short name, province-level weight, districts with their GB/T 2260 codes)
CITIES: Final[tuple[tuple[str, str, int, tuple[tuple[str, str], ...]], ...]] = (
    ("重庆市", "重庆", 60, (
        ("巴南区", "500113"), ("渝北区", "500112"), ("九龙坡区", "500107"), ("沙坪坝区", "500106"),
        ("南岸区", "500108"), ("江北区", "500105"), ("渝中区", "500103"), ("大渡口区", "500104"),
        ("北碚区", "500109"), ("长寿区", "500115"), ("江津区", "500116"), ("璧山区", "500120"),
        ("永川区", "500118"), ("合川区", "500117"),
    )),
    ("成都市", "成都", 12, (
        ("双流区", "510116"), ("武侯区", "510107"), ("成华区", "510108"), ("锦江区", "510104"),
        ("龙泉驿区", "510112"), ("新都区", "510114"), ("郫都区", "510117"),
    )),
    ("武汉市", "武汉", 5, (("洪山区", "420111"), ("武昌区", "420106"), ("江夏区", "420115"))),
    ("上海市", "上海", 5, (("浦东新区", "310115"), ("闵行区", "310112"), ("徐汇区", "310104"))),
    ("北京市", "北京", 4, (("海淀区", "110108"), ("朝阳区", "110105"), ("大兴区", "110115"))),
    ("苏州市", "苏州", 4, (("吴中区", "320506"), ("虎丘区", "320505"), ("工业园区", "320571"))),
    ("广州市", "广州", 3, (("天河区", "440106"), ("黄埔区", "440112"))),
    ("杭州市", "杭州", 3, (("西湖区", "330106"), ("滨江区", "330108"))),
    ("西安市", "西安", 2, (("雁塔区", "610113"), ("未央区", "610112"))),
    ("南京市", "南京", 2, (("江宁区", "320115"), ("栖霞区", "320113"))),
)  # fmt: skip

BRAND_FIRST: Final = "博华康瑞泰恒鑫德盛宏正安信海天金美达嘉睿思航凯启联众智卓远新源润佳永昌汇"
BRAND_SECOND: Final = "腾宇诚邦泽辉峰通和创晟迈锐森翔普瀚元欣昊朗益力捷威立安祥琪胜铭涛"

# industry code → (weight, name words, scope phrases)
INDUSTRIES: Final[dict[str, tuple[int, tuple[str, ...], tuple[str, ...]]]] = {
    "3581": (
        10,
        ("医疗器械", "医疗设备", "医疗科技"),
        ("第二类医疗器械生产", "医疗诊断设备研发", "监护设备制造", "医疗器械销售"),
    ),
    "3584": (
        6,
        ("医疗器械", "医用器械", "医疗用品"),
        ("第三类医疗器械生产", "外科器械制造", "医用耗材研发", "医疗器械销售"),
    ),
    "3589": (4, ("医疗科技", "健康科技", "医疗器械"), ("其他医疗设备制造", "康复器械研发", "医疗器械技术服务")),
    "2710": (5, ("制药", "药业", "医药化工"), ("化学原料药生产", "医药中间体研发", "药品生产")),
    "2720": (6, ("制药", "药业", "医药"), ("化学药品制剂生产", "药品研发", "药品委托生产")),
    "2740": (3, ("中药", "药业", "本草"), ("中成药生产", "中药饮片加工", "中药材收购")),
    "2761": (5, ("生物医药", "生物科技", "生物制药"), ("生物药品研发", "抗体药物制造", "细胞治疗技术开发")),
    "2762": (3, ("生物技术", "疫苗", "基因科技"), ("疫苗研发", "基因工程药物制造", "生物制品生产")),
    "2770": (3, ("卫生材料", "医用材料", "医疗用品"), ("卫生材料生产", "医用敷料制造", "医药用品销售")),
    "7340": (7, ("医药研究", "生物科技", "医学检验"), ("医学研究和试验发展", "临床前研究服务", "药物筛选服务")),
    "7310": (2, ("科学研究", "新材料", "科技"), ("自然科学研究", "新材料技术研发", "技术咨询")),
    "6513": (6, ("软件", "信息技术", "数字科技"), ("软件开发", "信息系统集成服务", "数据处理和存储支持服务")),
    "5151": (4, ("医药", "医药贸易", "药品"), ("药品批发", "医疗器械经营", "保健食品销售")),
    "5154": (4, ("医疗器械", "医疗用品", "医药供应链"), ("医疗用品及器材批发", "第二类医疗器械经营", "仓储服务")),
    "5254": (2, ("大药房", "医疗器械", "健康"), ("医疗用品及器材零售", "药品零售", "保健用品销售")),
    "7452": (3, ("检测", "检验检测", "认证"), ("检验检测服务", "医疗器械检测", "环境检测")),
    "7512": (2, ("生物技术", "生物科技"), ("生物技术推广服务", "技术转让", "技术咨询")),
    "7540": (1, ("孵化器", "众创空间", "创业服务"), ("创业空间服务", "企业孵化服务", "科技中介服务")),
    "8492": (2, ("医学检验", "临床检验", "检验"), ("临床检验服务", "医学检验实验室", "病理诊断")),
    "8415": (1, ("专科医院", "医院", "门诊"), ("专科医疗服务", "医疗美容", "健康体检")),
    "3911": (3, ("电子", "智能科技", "计算机"), ("计算机整机制造", "智能设备研发", "电子产品销售")),
    "1492": (2, ("保健食品", "营养科技", "健康产业"), ("保健食品生产", "营养食品研发", "食品销售")),
}
COMMON_SCOPE: Final = ("技术开发、技术咨询、技术转让", "货物进出口", "技术进出口", "企业管理咨询", "会议及展览服务")
SUFFIXES: Final = (("有限公司", LegalForm.LIMITED, 70), ("有限责任公司", LegalForm.LIMITED, 12),
                   ("股份有限公司", LegalForm.JOINT_STOCK, 10), ("集团有限公司", LegalForm.LIMITED, 3))  # fmt: skip
SURNAMES: Final = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN: Final = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉建国志文斌宇浩凯晨欣怡雪琳婷俊峰"
TITLES: Final = ("总经理", "董事长", "副总经理", "行政经理", "财务总监", "研发总监", "办公室主任", "厂长", "项目经理")
MOBILE_PREFIXES: Final = ("138", "139", "135", "136", "137", "150", "151", "152", "158", "159", "182", "187",
                          "188", "130", "131", "132", "155", "156", "185", "186", "133", "153", "180", "181",
                          "189", "177", "199", "191")  # fmt: skip
TAGS: Final = ("重点招商", "链主企业", "拟上市", "外资", "研发型", "产业链配套", "专精特新培育")


@dataclass
class DemoEnterprise:
    enterprise: Enterprise
    contacts: list[Contact] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    park_index: int | None = None


def _weighted[T](rng: random.Random, items: list[tuple[T, int]]) -> T:
    return rng.choices([i for i, _w in items], weights=[w for _i, w in items])[0]


def generate(count: int, *, seed: int = DEFAULT_SEED, park_count: int = 0) -> Iterator[DemoEnterprise]:
    """Yield `count` distinct enterprises, the same ones for the same seed."""
    rng = random.Random(seed)
    cities = [((c, short, districts), w) for c, short, w, districts in CITIES]
    industries = [(code, spec[0]) for code, spec in INDUSTRIES.items()]
    suffixes = [((s, form), w) for s, form, w in SUFFIXES]
    names: set[str] = set()
    codes: set[str] = set()
    mobiles: set[str] = set()
    today = datetime.date(2026, 1, 1)
    produced = 0
    while produced < count:
        city, short, districts = _weighted(rng, cities)
        district, division = rng.choice(districts)
        code = _weighted(rng, industries)
        _w, words, scopes = INDUSTRIES[code]
        brand = rng.choice(BRAND_FIRST) + rng.choice(BRAND_SECOND)
        suffix, legal_form = _weighted(rng, suffixes)
        word = rng.choice(words)
        style = rng.random()
        if style < 0.75:
            name = f"{short}{brand}{word}{suffix}"
        elif style < 0.9:
            name = f"{brand}{word}（{short}）{suffix}"
        else:
            name = f"{short}{brand}{rng.choice(BRAND_FIRST)}{word}{suffix}"
        if name in names:
            continue
        names.add(name)
        uscc = credit_code.generate(division, rng)
        while uscc in codes:
            uscc = credit_code.generate(division, rng)
        codes.add(uscc)
        employees = max(3, int(rng.lognormvariate(3.4, 1.1)))
        revenue = Decimal(int(employees * rng.uniform(15, 120))).quantize(Decimal(1))
        size, above = compute_size(code, employees, revenue)
        founded = today - datetime.timedelta(days=rng.randint(200, 9000))
        scope = "；".join([*rng.sample(scopes, k=min(len(scopes), rng.randint(2, 3))), *rng.sample(COMMON_SCOPE, 2)])
        scope += "。（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
        lifecycle = _weighted(
            rng,
            [
                (EnterpriseLifecycle.PROSPECT, 70),
                (EnterpriseLifecycle.TENANT, 25),
                (EnterpriseLifecycle.FORMER_TENANT, 5),
            ],
        )
        listed = rng.random() < 0.01
        former = [f"{short}{brand}{rng.choice(words)}有限公司"] if rng.random() < 0.03 else []
        former = [f for f in former if f != name]
        qualifications = []
        high_tech = rng.random() < 0.18
        if high_tech:
            qualifications.append(Qualification.HIGH_TECH.value)
        if rng.random() < 0.05:
            qualifications.append(Qualification.SPECIALISED.value)
        enterprise = Enterprise(
            name=name,
            former_names=former,
            credit_code=uscc,
            legal_form=legal_form,
            registered_capital_wan=Decimal(rng.choice((50, 100, 200, 500, 1000, 2000, 5000, 10000))),
            founded_on=founded,
            registered_address=f"{city}{district}{rng.choice(('科技大道', '工业园路', '生物城大道', '创新路', '高新大道'))}{rng.randint(1, 999)}号",
            city=city,
            district=district,
            industry_code=code,
            business_scope=scope,
            employees=employees,
            annual_revenue_wan=revenue,
            size_class=size,
            above_scale=above,
            above_scale_since=founded + datetime.timedelta(days=730) if above else None,
            listing_status=rng.choice((ListingStatus.STAR, ListingStatus.CHINEXT, ListingStatus.SZ_MAIN))
            if listed
            else ListingStatus.UNLISTED,
            stock_code=f"{rng.choice(('688', '300', '002'))}{rng.randint(0, 999):03d}" if listed else "",
            high_tech=high_tech,
            qualifications=qualifications,
            source=EnterpriseSource.DEMO,
            lifecycle=lifecycle,
            name_key=search.name_key(name),
            search_text=search.build_search_text(name=name, former_names=former, business_scope=scope),
        )
        item = DemoEnterprise(enterprise=enterprise)
        for position in range(rng.choice((1, 1, 1, 2))):
            mobile = rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"
            if mobile in mobiles:
                continue
            mobiles.add(mobile)
            item.contacts.append(
                Contact(
                    name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
                    title=rng.choice(TITLES),
                    mobile=f"+86{mobile}",
                    landline=f"+8623{rng.randint(60_000_000, 89_999_999)}"
                    if city == "重庆市" and rng.random() < 0.3
                    else "",
                    is_primary=position == 0,
                )
            )
        if rng.random() < 0.15:
            item.tags = rng.sample(TAGS, k=rng.choice((1, 2)))
        if park_count and (lifecycle != EnterpriseLifecycle.PROSPECT or rng.random() < 0.2):
            item.park_index = rng.randrange(park_count)
        produced += 1
        yield item


def load_demo(
    *, scale: str = "demo", stdout: TextIO | None = None, seed: int = DEFAULT_SEED, count: int | None = None
) -> dict[str, int]:
    """Load 300 (flagship), 2,000 (demo) or 220,000 (full) enterprises (or `count`); run twice, nothing doubles."""

    count = count or SCALES.get(scale, SCALES["demo"])
    park_ids = list(Park.objects.order_by("pk").values_list("pk", flat=True))
    existing = set(Enterprise.objects.filter(source=EnterpriseSource.DEMO).values_list("credit_code", flat=True))
    tag_ids = {name: Tag.objects.get_or_create(name=name)[0].pk for name in TAGS}
    created = contacts = 0
    batch: list[DemoEnterprise] = []

    def flush() -> None:
        nonlocal created, contacts
        with transaction.atomic():
            Enterprise.objects.bulk_create([item.enterprise for item in batch], batch_size=500)
            new_contacts = []
            for item in batch:
                for contact in item.contacts:
                    contact.enterprise_id = item.enterprise.pk
                    new_contacts.append(contact)
            Contact.objects.bulk_create(new_contacts, batch_size=1000)
            Enterprise.parks.through.objects.bulk_create(
                [
                    Enterprise.parks.through(enterprise_id=item.enterprise.pk, park_id=park_ids[item.park_index])
                    for item in batch
                    if item.park_index is not None
                ],
                ignore_conflicts=True,
            )
            Enterprise.tags.through.objects.bulk_create(
                [
                    Enterprise.tags.through(enterprise_id=item.enterprise.pk, tag_id=tag_ids[name])
                    for item in batch
                    for name in item.tags
                ],
                ignore_conflicts=True,
            )
        created += len(batch)
        contacts += len(new_contacts)
        batch.clear()

    for item in generate(count, seed=seed, park_count=len(park_ids)):
        if item.enterprise.credit_code in existing:
            continue
        batch.append(item)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    duplicates = _load_duplicates()
    if stdout is not None:
        stdout.write(f"企业库：新增 {created} 家企业、{contacts} 位联系人、{duplicates} 条待审核的疑似重复记录\n")
    return {"enterprises": created, "contacts": contacts, "duplicates": duplicates}


def _load_duplicates() -> int:
    """A few codeless look-alikes of real records, so the dedup review has something to show."""
    originals = list(Enterprise.objects.filter(source=EnterpriseSource.DEMO).order_by("pk")[:200])[::20]
    if Enterprise.objects.filter(credit_code__isnull=True, name_key__in=[o.name_key for o in originals]).exists():
        return 0
    made = 0
    with transaction.atomic():
        for original in originals:
            name = (
                original.name.replace("有限公司", "有限责任公司")
                if "有限责任公司" not in original.name
                else original.name.replace("有限责任公司", "有限公司")
            )
            copy = Enterprise(
                name=name,
                district=original.district,
                city=original.city,
                industry_code=original.industry_code,
                source=EnterpriseSource.MANUAL,
                name_key=search.name_key(name),
                search_text=search.build_search_text(name=name),
            )
            copy.save()
            made += 1
    return made
