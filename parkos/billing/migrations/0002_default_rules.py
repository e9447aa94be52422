"""Operator-wide defaults: VAT rates per kind of charge (RULES §14.1) and three reminder levels.

Rates take effect on 2019-04-01, when 财政部 税务总局 海关总署公告2019年第39号 set the rates in force
today (10 % → 9 %, 16 % → 13 %). They are rows, not constants: an operator on the simplified method
(简易计税, 5 % for property acquired before May 2016) or a new rate adds a row with its date.
Invoice item names follow the 数电票 "*简称*名称" convention; tax classification codes are left for the
operator to fill from the 税收分类编码表 of their invoicing software.
"""

import datetime
from decimal import Decimal

from django.db import migrations

START = datetime.date(2019, 4, 1)
RULES = [
    ("rent", "0.09", "*经营租赁*房屋租金", "不动产经营租赁服务，一般计税 9%"),
    ("property_fee", "0.06", "*物业管理服务*物业管理费", "现代服务—商务辅助服务，6%"),
    ("deposit", "0", "", "保证金不是价款，开具收据"),
    ("electricity", "0.13", "*供电*电费", "转售电力按销售货物 13%"),
    ("water", "0.09", "*水冰雪*自来水费", "自来水 9%（或简易计税 3%，按主管税务机关要求调整）"),
    ("gas", "0.09", "*燃气*天然气", "天然气 9%"),
    ("steam", "0.09", "*热力*蒸汽", "热力、蒸汽 9%"),
    ("chilled_water", "0.09", "*热力*冷气", "冷气 9%"),
    ("booking", "0.06", "*会议展览服务*会议室使用费", "会议展览服务 6%"),
    ("service", "0.06", "*企业管理服务*企业服务费", "现代服务 6%"),
    ("other", "0.06", "*现代服务*其他服务费", "按实际业务调整"),
]
TEMPLATES = [
    (
        1, "温馨提示", 3, "【缴费提醒】{enterprise}，贵司有 {amount} 元费用已到期",
        "{enterprise}：\n\n贵司截至今日尚有应付费用 {amount} 元未缴清（最早应付日期 {oldest_due}，账单 {bills}）。"
        "如已付款请忽略本提醒；如未付款，请尽快转账至：{payee}，开户行 {bank_name}，账号 {bank_account}，"
        "并在附言中注明账单号。\n\n如有疑问，请联系园区财务。",
    ),
    (
        2, "催缴通知", 10, "【催缴通知】{enterprise}，逾期欠费 {amount} 元",
        "{enterprise}：\n\n贵司应付费用 {amount} 元已逾期 {days} 天（最早应付日期 {oldest_due}，账单 {bills}）。"
        "根据租赁合同约定，逾期付款须按日支付滞纳金。请于收到本通知后5个工作日内付清，"
        "收款单位：{payee}，开户行 {bank_name}，账号 {bank_account}。",
    ),
    (
        3, "最后催告函", 20, "【最后催告】{enterprise}，请立即付清欠费 {amount} 元",
        "{enterprise}：\n\n贵司欠付费用 {amount} 元已逾期 {days} 天，经多次催告仍未付清。"
        "请于收到本函后3个工作日内付清全部欠费及滞纳金；逾期未付，园区将依据合同约定以保证金抵扣、"
        "解除合同并依法追偿。收款单位：{payee}，开户行 {bank_name}，账号 {bank_account}。",
    ),
]


def add_defaults(apps, schema_editor):
    TaxRule = apps.get_model("billing", "TaxRule")
    ReminderTemplate = apps.get_model("billing", "ReminderTemplate")
    for kind, rate, item, note in RULES:
        TaxRule.objects.get_or_create(
            kind=kind, park=None, effective_from=START,
            defaults={"rate": Decimal(rate), "invoice_item": item, "note": note},
        )
    for level, name, days, subject, body in TEMPLATES:
        if not ReminderTemplate.objects.filter(park=None, level=level).exists():
            ReminderTemplate.objects.create(
                level=level, name=name, working_days_overdue=days, subject=subject, body=body
            )


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
