"""Message templates by event: the zh-CN text with its parameters, and how each platform's
registered template is filled (WeChat official-account template, WeChat and Alipay mini-program
subscribe templates, SMS template code).

Platform template ids differ per deployment: the ids here are placeholders a deployment
replaces with `GOVHUB_NOTIFY_TEMPLATE_IDS_FILE`. Amounts travel as integer fen
(`amount_fen`); templates show `amount_yuan`, derived here.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from gateway.codes import Code
from gateway.errors import GovError
from notify.settings import sms_settings, template_id_overrides


class Category(StrEnum):
    """What a message is about; residents opt out per category."""

    SECURITY = "security"  # sign-in codes: never opted out of
    PAYMENTS = "payments"
    APPOINTMENTS = "appointments"
    QUEUE = "queue"
    APPLICATIONS = "applications"
    RATINGS = "ratings"
    CONSULTATIONS = "consultations"


MANDATORY_CATEGORIES = frozenset({Category.SECURITY})


class Event(StrEnum):
    LOGIN_CODE = "login_code"
    PAYMENT_SUCCEEDED = "payment_succeeded"
    PAYMENT_REFUNDED = "payment_refunded"
    BILL_WRITTEN_OFF = "bill_written_off"
    FEE_DEMAND_ISSUED = "fee_demand_issued"
    APPOINTMENT_BOOKED = "appointment_booked"
    APPOINTMENT_REMINDER = "appointment_reminder"
    APPOINTMENT_CANCELLED = "appointment_cancelled"
    QUEUE_NEAR = "queue_near"
    QUEUE_CALLED = "queue_called"
    APPLICATION_STATUS_CHANGED = "application_status_changed"
    RATING_CASE_CLOSED = "rating_case_closed"
    CONSULTATION_ANSWERED = "consultation_answered"
    CONSULTATION_TRANSFERRED = "consultation_transferred"


def fen_to_yuan(value: str) -> str:
    fen = int(value)
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


# Values computed from others: name -> (source parameter, conversion).
DERIVED: dict[str, tuple[str, Callable[[str], str]]] = {"amount_yuan": ("amount_fen", fen_to_yuan)}


def placeholders(text: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


@dataclass(frozen=True, slots=True)
class PlatformTemplate:
    """A template registered on WeChat or Alipay: its id, and our values for its fields."""

    template_id: str
    fields: Mapping[str, str]  # platform field -> format string over our parameters
    page: str | None = None  # mini-program page, or official-account link path

    def uses(self) -> frozenset[str]:
        found = set(placeholders(self.page or ""))
        for text in self.fields.values():
            found |= placeholders(text)
        return frozenset(found)


@dataclass(frozen=True, slots=True)
class SmsTemplate:
    """An SMS template registered with the vendors; `params` in the order Tencent Cloud wants
    them (Alibaba Cloud takes them by name)."""

    aliyun_code: str
    tencent_id: str
    params: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Template:
    event: Event
    category: Category
    title: str
    text: str
    text_en: str
    sms: SmsTemplate
    urgent: bool = False
    wechat_oa: PlatformTemplate | None = None
    wechat_mp: PlatformTemplate | None = None
    alipay_mp: PlatformTemplate | None = None
    params: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        names = placeholders(self.text) | placeholders(self.text_en)
        required = {DERIVED[n][0] if n in DERIVED else n for n in names}
        object.__setattr__(self, "params", frozenset(required))

    def platform(self, key: str) -> PlatformTemplate | None:
        found: PlatformTemplate | None = getattr(self, key)
        return found


def _oa(template_id: str, page: str | None = None, **fields: str) -> PlatformTemplate:
    return PlatformTemplate(template_id, fields, page)


TEMPLATES: dict[Event, Template] = {
    t.event: t
    for t in (
        Template(
            Event.LOGIN_CODE,
            Category.SECURITY,
            "登录验证码",
            "您的验证码为{code}，5分钟内有效，请勿泄露。",
            "Your code is {code}. It is valid for 5 minutes; do not share it.",
            SmsTemplate("SMS_LOGIN_CODE", "100001", ("code",)),
            urgent=True,
        ),
        Template(
            Event.PAYMENT_SUCCEEDED,
            Category.PAYMENTS,
            "缴费成功",
            "您已成功缴纳{item}{amount_yuan}元，订单号{order_no}。",
            "You paid {amount_yuan} yuan for {item}; order {order_no}.",
            SmsTemplate("SMS_PAYMENT_SUCCEEDED", "100002", ("item", "amount_yuan", "order_no")),
            wechat_oa=_oa(
                "OA_PAYMENT_SUCCEEDED",
                thing1="{item}",
                amount2="{amount_yuan}元",
                character_string3="{order_no}",
            ),
            wechat_mp=_oa(
                "MP_PAYMENT_SUCCEEDED",
                "pages/payments/detail?order={order_no}",
                thing1="{item}",
                amount2="{amount_yuan}元",
                character_string3="{order_no}",
            ),
            alipay_mp=_oa(
                "AP_PAYMENT_SUCCEEDED",
                "pages/payments/detail?order={order_no}",
                keyword1="{item}",
                keyword2="{amount_yuan}元",
                keyword3="{order_no}",
            ),
        ),
        Template(
            Event.PAYMENT_REFUNDED,
            Category.PAYMENTS,
            "退款到账",
            "您的{item}款项{amount_yuan}元已退回原支付账户，订单号{order_no}。",
            "{amount_yuan} yuan for {item} was refunded to your account; order {order_no}.",
            SmsTemplate("SMS_PAYMENT_REFUNDED", "100003", ("item", "amount_yuan", "order_no")),
            wechat_oa=_oa(
                "OA_PAYMENT_REFUNDED",
                thing1="{item}",
                amount2="{amount_yuan}元",
                character_string3="{order_no}",
            ),
            wechat_mp=_oa(
                "MP_PAYMENT_REFUNDED",
                "pages/payments/detail?order={order_no}",
                thing1="{item}",
                amount2="{amount_yuan}元",
                character_string3="{order_no}",
            ),
            alipay_mp=_oa(
                "AP_PAYMENT_REFUNDED",
                "pages/payments/detail?order={order_no}",
                keyword1="{item}",
                keyword2="{amount_yuan}元",
                keyword3="{order_no}",
            ),
        ),
        Template(
            Event.BILL_WRITTEN_OFF,
            Category.PAYMENTS,
            "电子票据已开具",
            "您缴纳的{item}{amount_yuan}元已开具电子票据，票据号{receipt_no}。",
            "An e-receipt for {amount_yuan} yuan ({item}) was issued: number {receipt_no}.",
            SmsTemplate("SMS_BILL_WRITTEN_OFF", "100004", ("item", "amount_yuan", "receipt_no")),
            wechat_oa=_oa(
                "OA_BILL_WRITTEN_OFF",
                thing1="{item}",
                amount2="{amount_yuan}元",
                character_string3="{receipt_no}",
            ),
            wechat_mp=_oa(
                "MP_BILL_WRITTEN_OFF",
                "pages/receipts/detail?no={receipt_no}",
                thing1="{item}",
                amount2="{amount_yuan}元",
                character_string3="{receipt_no}",
            ),
            alipay_mp=_oa(
                "AP_BILL_WRITTEN_OFF",
                "pages/receipts/detail?no={receipt_no}",
                keyword1="{item}",
                keyword2="{amount_yuan}元",
                keyword3="{receipt_no}",
            ),
        ),
        Template(
            Event.FEE_DEMAND_ISSUED,
            Category.PAYMENTS,
            "待缴费用",
            "{department}请您缴纳{item}{amount_yuan}元（缴费通知{demand_no}），"
            "点击 {link} 即可缴费。",
            "{department} asks you to pay {amount_yuan} yuan for {item} (demand {demand_no}): "
            "pay at {link}",
            SmsTemplate(
                "SMS_FEE_DEMAND_ISSUED",
                "100011",
                ("department", "item", "amount_yuan", "demand_no", "link"),
            ),
            wechat_oa=_oa(
                "OA_FEE_DEMAND_ISSUED",
                thing1="{item}",
                amount2="{amount_yuan}元",
                character_string3="{demand_no}",
            ),
            wechat_mp=_oa(
                "MP_FEE_DEMAND_ISSUED",
                "pages/demands/detail?no={demand_no}",
                thing1="{item}",
                amount2="{amount_yuan}元",
                character_string3="{demand_no}",
            ),
            alipay_mp=_oa(
                "AP_FEE_DEMAND_ISSUED",
                "pages/demands/detail?no={demand_no}",
                keyword1="{item}",
                keyword2="{amount_yuan}元",
                keyword3="{demand_no}",
            ),
        ),
        Template(
            Event.APPOINTMENT_BOOKED,
            Category.APPOINTMENTS,
            "预约成功",
            "您已预约{hall}办理{item}，时间{time}，请按时到场。",
            "Booked: {item} at {hall}, {time}. Please be on time.",
            SmsTemplate("SMS_APPOINTMENT_BOOKED", "100005", ("hall", "item", "time")),
            wechat_oa=_oa(
                "OA_APPOINTMENT_BOOKED", thing1="{item}", thing2="{hall}", time3="{time}"
            ),
            wechat_mp=_oa(
                "MP_APPOINTMENT_BOOKED",
                "pages/appointments/mine",
                thing1="{item}",
                thing2="{hall}",
                time3="{time}",
            ),
            alipay_mp=_oa(
                "AP_APPOINTMENT_BOOKED",
                "pages/appointments/mine",
                keyword1="{item}",
                keyword2="{hall}",
                keyword3="{time}",
            ),
        ),
        Template(
            Event.APPOINTMENT_REMINDER,
            Category.APPOINTMENTS,
            "预约提醒",
            "提醒：您预约的{item}将于{time}在{hall}办理，请按时到场。",
            "Reminder: {item} at {hall}, {time}.",
            SmsTemplate("SMS_APPOINTMENT_REMINDER", "100006", ("item", "time", "hall")),
            wechat_oa=_oa(
                "OA_APPOINTMENT_REMINDER", thing1="{item}", thing2="{hall}", time3="{time}"
            ),
            wechat_mp=_oa(
                "MP_APPOINTMENT_REMINDER",
                "pages/appointments/mine",
                thing1="{item}",
                thing2="{hall}",
                time3="{time}",
            ),
            alipay_mp=_oa(
                "AP_APPOINTMENT_REMINDER",
                "pages/appointments/mine",
                keyword1="{item}",
                keyword2="{hall}",
                keyword3="{time}",
            ),
        ),
        Template(
            Event.APPOINTMENT_CANCELLED,
            Category.APPOINTMENTS,
            "预约已取消",
            "您预约的{item}（{hall}，{time}）已取消。",
            "Your appointment for {item} ({hall}, {time}) is cancelled.",
            SmsTemplate("SMS_APPOINTMENT_CANCELLED", "100007", ("item", "hall", "time")),
            wechat_oa=_oa(
                "OA_APPOINTMENT_CANCELLED", thing1="{item}", thing2="{hall}", time3="{time}"
            ),
            wechat_mp=_oa(
                "MP_APPOINTMENT_CANCELLED",
                "pages/appointments/mine",
                thing1="{item}",
                thing2="{hall}",
                time3="{time}",
            ),
            alipay_mp=_oa(
                "AP_APPOINTMENT_CANCELLED",
                "pages/appointments/mine",
                keyword1="{item}",
                keyword2="{hall}",
                keyword3="{time}",
            ),
        ),
        Template(
            Event.QUEUE_NEAR,
            Category.QUEUE,
            "即将叫号",
            "您的排队号{label}前面还有{ahead}位，请到等候区准备。",
            "Number {label}: {ahead} ahead of you. Please come to the waiting area.",
            SmsTemplate("SMS_QUEUE_NEAR", "100008", ("label", "ahead")),
            urgent=True,
            wechat_oa=_oa("OA_QUEUE_NEAR", character_string1="{label}", number2="{ahead}"),
            wechat_mp=_oa(
                "MP_QUEUE_NEAR",
                "pages/queue/mine",
                character_string1="{label}",
                number2="{ahead}",
            ),
            alipay_mp=_oa(
                "AP_QUEUE_NEAR", "pages/queue/mine", keyword1="{label}", keyword2="{ahead}"
            ),
        ),
        Template(
            Event.QUEUE_CALLED,
            Category.QUEUE,
            "叫号提醒",
            "请{label}号到{window}办理。",
            "Number {label}, please go to {window}.",
            SmsTemplate("SMS_QUEUE_CALLED", "100009", ("label", "window")),
            urgent=True,
            wechat_oa=_oa("OA_QUEUE_CALLED", character_string1="{label}", thing2="{window}"),
            wechat_mp=_oa(
                "MP_QUEUE_CALLED",
                "pages/queue/mine",
                character_string1="{label}",
                thing2="{window}",
            ),
            alipay_mp=_oa(
                "AP_QUEUE_CALLED", "pages/queue/mine", keyword1="{label}", keyword2="{window}"
            ),
        ),
        Template(
            Event.APPLICATION_STATUS_CHANGED,
            Category.APPLICATIONS,
            "办件进度",
            "您申请的{item}（{application_no}）状态已更新为：{status}。",
            "Your application for {item} ({application_no}) is now: {status}.",
            SmsTemplate("SMS_APPLICATION_STATUS", "100010", ("item", "application_no", "status")),
            wechat_oa=_oa(
                "OA_APPLICATION_STATUS",
                thing1="{item}",
                character_string2="{application_no}",
                phrase3="{status}",
            ),
            wechat_mp=_oa(
                "MP_APPLICATION_STATUS",
                "pages/applications/detail?no={application_no}",
                thing1="{item}",
                character_string2="{application_no}",
                phrase3="{status}",
            ),
            alipay_mp=_oa(
                "AP_APPLICATION_STATUS",
                "pages/applications/detail?no={application_no}",
                keyword1="{item}",
                keyword2="{application_no}",
                keyword3="{status}",
            ),
        ),
        Template(
            Event.RATING_CASE_CLOSED,
            Category.RATINGS,
            "评价整改反馈",
            "您对{item}的评价（{rating_no}）已处理：{outcome}。{note}",
            "Your rating of {item} ({rating_no}) was followed up: {outcome}. {note}",
            SmsTemplate("SMS_RATING_CASE_CLOSED", "100012", ("item", "rating_no", "outcome")),
            wechat_oa=_oa(
                "OA_RATING_CASE_CLOSED",
                thing1="{item}",
                character_string2="{rating_no}",
                phrase3="{outcome}",
            ),
            wechat_mp=_oa(
                "MP_RATING_CASE_CLOSED",
                "pages/ratings/mine",
                thing1="{item}",
                character_string2="{rating_no}",
                phrase3="{outcome}",
            ),
            alipay_mp=_oa(
                "AP_RATING_CASE_CLOSED",
                "pages/ratings/mine",
                keyword1="{item}",
                keyword2="{rating_no}",
                keyword3="{outcome}",
            ),
        ),
        Template(
            Event.CONSULTATION_ANSWERED,
            Category.CONSULTATIONS,
            "诉求已答复",
            "您的{kind}（{case_no}）已由{department}答复，请查看。",
            "{department} answered your {kind_en} ({case_no}).",
            SmsTemplate("SMS_CONSULTATION_ANSWERED", "100013", ("kind", "case_no", "department")),
            wechat_oa=_oa(
                "OA_CONSULTATION_ANSWERED",
                thing1="{kind}",
                character_string2="{case_no}",
                thing3="{department}",
            ),
            wechat_mp=_oa(
                "MP_CONSULTATION_ANSWERED",
                "pages/consultations/detail?no={case_no}",
                thing1="{kind}",
                character_string2="{case_no}",
                thing3="{department}",
            ),
            alipay_mp=_oa(
                "AP_CONSULTATION_ANSWERED",
                "pages/consultations/detail?no={case_no}",
                keyword1="{kind}",
                keyword2="{case_no}",
                keyword3="{department}",
            ),
        ),
        Template(
            Event.CONSULTATION_TRANSFERRED,
            Category.CONSULTATIONS,
            "诉求已转办",
            "您的{kind}（{case_no}）已转至{department}办理。",
            "Your {kind_en} ({case_no}) was passed to {department}.",
            SmsTemplate(
                "SMS_CONSULTATION_TRANSFERRED", "100014", ("kind", "case_no", "department")
            ),
            wechat_oa=_oa(
                "OA_CONSULTATION_TRANSFERRED",
                thing1="{kind}",
                character_string2="{case_no}",
                thing3="{department}",
            ),
            wechat_mp=_oa(
                "MP_CONSULTATION_TRANSFERRED",
                "pages/consultations/detail?no={case_no}",
                thing1="{kind}",
                character_string2="{case_no}",
                thing3="{department}",
            ),
            alipay_mp=_oa(
                "AP_CONSULTATION_TRANSFERRED",
                "pages/consultations/detail?no={case_no}",
                keyword1="{kind}",
                keyword2="{case_no}",
                keyword3="{department}",
            ),
        ),
    )
}

# WeChat caps the length of some field types; longer values are refused, so they are cut here.
_FIELD_LIMITS = {"thing": 20, "character_string": 32, "phrase": 5, "number": 32}


@dataclass(frozen=True, slots=True)
class Rendered:
    """A template filled with one message's values."""

    template: Template
    values: Mapping[str, str]

    @property
    def text(self) -> str:
        return self.template.text.format_map(self.values)

    @property
    def text_en(self) -> str:
        return self.template.text_en.format_map(self.values)

    def sms_text(self) -> str:
        return f"【{sms_settings().sign_name}】{self.text}"

    def sms_params(self) -> list[tuple[str, str]]:
        return [(name, self.values[name]) for name in self.template.sms.params]

    def fields(self, platform: PlatformTemplate) -> dict[str, str]:
        return {
            name: _fit(name, text.format_map(self.values)) for name, text in platform.fields.items()
        }

    def page(self, platform: PlatformTemplate) -> str | None:
        return None if platform.page is None else platform.page.format_map(self.values)


def _fit(field_name: str, value: str) -> str:
    kind = field_name.rstrip("0123456789")
    limit = _FIELD_LIMITS.get(kind)
    return value if limit is None or len(value) <= limit else value[: limit - 1] + "…"


def template_for(event: str) -> Template:
    """The template of an event, with the deployment's platform ids; unknown: an error."""
    try:
        template = TEMPLATES[Event(event)]
    except ValueError:
        raise GovError(Code.NOTIFY_TEMPLATE_UNKNOWN, template=event) from None
    return _with_ids(template, template_id_overrides().get(template.event.value, {}))


def _with_ids(template: Template, ids: Mapping[str, str]) -> Template:
    if not ids:
        return template
    changes: dict[str, object] = {}
    for key in ("wechat_oa", "wechat_mp", "alipay_mp"):
        platform = template.platform(key)
        if platform is not None and key in ids:
            changes[key] = PlatformTemplate(ids[key], platform.fields, platform.page)
    sms = template.sms
    changes["sms"] = SmsTemplate(
        ids.get("aliyun", sms.aliyun_code), ids.get("tencent", sms.tencent_id), sms.params
    )
    return replace(template, **changes)  # type: ignore[arg-type]


def render(event: str, params: Mapping[str, object]) -> Rendered:
    """Fills the event's template; refuses an unknown event or a missing parameter."""
    template = template_for(event)
    missing = sorted(template.params - params.keys())
    if missing:
        raise GovError(Code.NOTIFY_PARAM_MISSING, template=event, param=missing[0])
    values = {name: str(value) for name, value in params.items()}
    for name, (source, convert) in DERIVED.items():
        if source in values:
            values[name] = convert(values[source])
    return Rendered(template, values)


def render_sms(template_code: str, params: Mapping[str, object]) -> str:
    """The SMS text a resident reads, sign name first."""
    return render(template_code, params).sms_text()


def check_templates(templates: Mapping[Event, Template] = TEMPLATES) -> list[str]:
    """Problems with the template table: an event without template, a platform field or SMS
    parameter naming a value the template does not have. Empty when all is well."""
    problems = [f"event {e.value} has no template" for e in Event if e not in templates]
    for template in templates.values():
        known = template.params | {n for n, (src, _) in DERIVED.items() if src in template.params}
        used = set(template.sms.params)
        for key in ("wechat_oa", "wechat_mp", "alipay_mp"):
            platform = template.platform(key)
            if platform is not None:
                used |= platform.uses()
        problems += [
            f"template {template.event.value} uses unknown value {name}"
            for name in sorted(used - known)
        ]
    return problems


def assert_templates(templates: Mapping[Event, Template] = TEMPLATES) -> None:
    """The startup check: refuses to run with an incomplete template table."""
    problems = check_templates(templates)
    if problems:
        raise RuntimeError("notify templates: " + "; ".join(problems))
