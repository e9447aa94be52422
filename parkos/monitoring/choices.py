from django.db import models
from django.utils.translation import gettext_lazy as _


class MeterKind(models.TextChoices):
    """What a meter or sensor measures. Utilities are billed and count towards energy; the rest are
    watched (environment, clean rooms, the wastewater outfall)."""

    ELECTRICITY = "electricity", _("电")
    WATER = "water", _("水")
    GAS = "gas", _("天然气")
    STEAM = "steam", _("蒸汽")
    CHILLED_WATER = "chilled_water", _("冷冻水（冷量）")
    TEMPERATURE = "temperature", _("温度")
    HUMIDITY = "humidity", _("相对湿度")
    DIFFERENTIAL_PRESSURE = "differential_pressure", _("洁净区压差")
    VOC = "voc", _("VOC")
    PM25 = "pm25", _("PM2.5")
    NOISE = "noise", _("噪声")
    COD = "cod", _("废水COD")
    PH = "ph", _("废水pH")
    WASTEWATER_FLOW = "wastewater_flow", _("废水流量")


#: Utilities: counted in consumption per tenant, charged by billing, converted to tce.
UTILITY_KINDS = frozenset(
    {MeterKind.ELECTRICITY, MeterKind.WATER, MeterKind.GAS, MeterKind.STEAM, MeterKind.CHILLED_WATER}
)

#: The unit each kind is stored and shown in (a meter reporting in another unit is scaled by its
#: multiplier: a gas meter in litres has multiplier 0.001).
KIND_UNITS: dict[str, str] = {
    MeterKind.ELECTRICITY: "kWh",
    MeterKind.WATER: "m³",
    MeterKind.GAS: "m³",
    MeterKind.STEAM: "t",
    MeterKind.CHILLED_WATER: "GJ",
    MeterKind.TEMPERATURE: "°C",
    MeterKind.HUMIDITY: "%RH",
    MeterKind.DIFFERENTIAL_PRESSURE: "Pa",
    MeterKind.VOC: "mg/m³",
    MeterKind.PM25: "μg/m³",
    MeterKind.NOISE: "dB(A)",
    MeterKind.COD: "mg/L",
    MeterKind.PH: "pH",
    MeterKind.WASTEWATER_FLOW: "m³",
}


#: Physical limits of instantaneous sensors: a value outside them is a fault, not a measurement
#: (a meter's own 量程 narrows them).
KIND_VALID_RANGES: dict[str, tuple[float, float]] = {
    MeterKind.TEMPERATURE: (-50.0, 150.0),
    MeterKind.HUMIDITY: (0.0, 100.0),
    MeterKind.DIFFERENTIAL_PRESSURE: (-1000.0, 1000.0),
    MeterKind.VOC: (0.0, 10000.0),
    MeterKind.PM25: (0.0, 2000.0),
    MeterKind.NOISE: (0.0, 160.0),
    MeterKind.COD: (0.0, 100000.0),
    MeterKind.PH: (0.0, 14.0),
}


class MeterMeasure(models.TextChoices):
    COUNTER = "counter", _("累计量（计数器）")
    INSTANTANEOUS = "instantaneous", _("瞬时值")


class MeterStatus(models.TextChoices):
    ACTIVE = "active", _("在用")
    RETIRED = "retired", _("已停用")


class AllocationMethod(models.TextChoices):
    """How a shared (common-area or virtual) meter's consumption is split among tenants."""

    AREA = "area", _("按租赁面积")
    CONSUMPTION = "consumption", _("按各户自有表用量")
    FIXED = "fixed", _("按约定比例")


class ReadingSource(models.IntegerChoices):
    API = 1, _("HTTP 批量接口")
    MQTT = 2, _("MQTT")
    UPLOAD = 3, _("人工抄表导入")
    DEMO = 4, _("演示数据")


class RejectReason(models.TextChoices):
    """Why a reading was refused (kept with the reading in `RejectedReading`)."""

    MALFORMED = "malformed", _("格式错误，无法解析")
    UNKNOWN_METER = "unknown_meter", _("未知表计")
    UNKNOWN_GATEWAY = "unknown_gateway", _("未知或停用的网关")
    FOREIGN_METER = "foreign_meter", _("表计不属于该网关的园区")
    VIRTUAL_METER = "virtual_meter", _("虚拟表不接收读数")
    RETIRED_METER = "retired_meter", _("表计已停用")
    BAD_VALUE = "bad_value", _("读数不是有效数字")
    BAD_TIME = "bad_time", _("时间无效或缺少时区")
    FUTURE = "future", _("时间晚于当前时间")
    TOO_OLD = "too_old", _("时间早于数据保留期")
    NO_DEVICE = "no_device", _("该时间没有在装的表具")
    CONFLICT = "conflict", _("同一时间已有不同读数")
    BACKWARDS = "backwards", _("累计读数倒退")
    INCONSISTENT = "inconsistent", _("与之后的读数矛盾")
    SPIKE = "spike", _("突变（超出合理变化幅度）")
    OUT_OF_RANGE = "out_of_range", _("超出量程")


class RuleKind(models.TextChoices):
    THRESHOLD = "threshold", _("阈值")
    RATE_OF_CHANGE = "rate_of_change", _("变化率")
    MISSING_DATA = "missing_data", _("数据中断")
    CASCADE = "cascade", _("洁净区压差梯度")
    PERMIT = "permit", _("排放许可限值")


class Severity(models.TextChoices):
    INFO = "info", _("提示")
    WARNING = "warning", _("一般")
    MAJOR = "major", _("严重")
    CRITICAL = "critical", _("紧急")


SEVERITY_RANK: dict[str, int] = {Severity.INFO: 0, Severity.WARNING: 1, Severity.MAJOR: 2, Severity.CRITICAL: 3}


class AlarmStatus(models.TextChoices):
    OPEN = "open", _("未确认")
    ACKNOWLEDGED = "acknowledged", _("已确认")
    CLOSED = "closed", _("已关闭")


class AlarmEventKind(models.TextChoices):
    OPENED = "opened", _("触发")
    RETRIGGERED = "retriggered", _("再次触发")
    CLEARED = "cleared", _("恢复正常")
    ESCALATED = "escalated", _("升级通知")
    ACKNOWLEDGED = "acknowledged", _("确认")
    COMMENTED = "commented", _("备注")
    CLOSED = "closed", _("关闭")


class EscalationCalendar(models.TextChoices):
    ALWAYS = "always", _("全天候（7×24小时）")
    WORKING_HOURS = "working_hours", _("工作时间（法定工作日 9:00–12:00、13:30–18:00）")


class NotifyChannel(models.TextChoices):
    IN_APP = "in_app", _("站内")
    EMAIL = "email", _("站内和邮件")
