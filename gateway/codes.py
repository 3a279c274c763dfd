"""Every error code GovHub answers with, its HTTP status and its messages. Codes never change.

Messages may hold `{name}` fields filled from the error's parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Spec:
    status: int
    zh: str
    en: str


class Code(StrEnum):
    # Gateway and HTTP
    NOT_FOUND = "NOT_FOUND"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    BAD_REQUEST = "BAD_REQUEST"
    VALIDATION_FAILED = "VALIDATION_FAILED"
    UNKNOWN_SERVICE = "UNKNOWN_SERVICE"
    UNKNOWN_ACTION = "UNKNOWN_ACTION"
    CHANNEL_NOT_ALLOWED = "CHANNEL_NOT_ALLOWED"
    LOGIN_REQUIRED = "LOGIN_REQUIRED"
    REAL_NAME_REQUIRED = "REAL_NAME_REQUIRED"
    STAFF_ONLY = "STAFF_ONLY"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    OUT_OF_SCOPE = "OUT_OF_SCOPE"
    RATE_LIMITED = "RATE_LIMITED"
    IDEMPOTENCY_CONFLICT = "IDEMPOTENCY_CONFLICT"
    IDEMPOTENCY_IN_PROGRESS = "IDEMPOTENCY_IN_PROGRESS"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    # Identity and sign-in
    TOKEN_INVALID = "TOKEN_INVALID"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    TOKEN_REVOKED = "TOKEN_REVOKED"
    REFRESH_TOKEN_REUSED = "REFRESH_TOKEN_REUSED"
    PHONE_INVALID = "PHONE_INVALID"
    ID_NUMBER_INVALID = "ID_NUMBER_INVALID"
    OTP_TOO_FREQUENT = "OTP_TOO_FREQUENT"
    OTP_DAILY_LIMIT = "OTP_DAILY_LIMIT"
    OTP_INVALID = "OTP_INVALID"
    OTP_EXPIRED = "OTP_EXPIRED"
    OTP_TOO_MANY_ATTEMPTS = "OTP_TOO_MANY_ATTEMPTS"
    CITIZEN_NOT_FOUND = "CITIZEN_NOT_FOUND"
    STAFF_LOGIN_FAILED = "STAFF_LOGIN_FAILED"
    STAFF_LOCKED = "STAFF_LOCKED"
    STAFF_DISABLED = "STAFF_DISABLED"
    # Catalogue
    CATALOG_ITEM_NOT_FOUND = "CATALOG_ITEM_NOT_FOUND"
    CATALOG_THEME_NOT_FOUND = "CATALOG_THEME_NOT_FOUND"
    REGION_NOT_FOUND = "REGION_NOT_FOUND"
    # Notifications
    NOTIFY_TEMPLATE_UNKNOWN = "NOTIFY_TEMPLATE_UNKNOWN"
    NOTIFY_PARAM_MISSING = "NOTIFY_PARAM_MISSING"
    # Channels (WeChat, Alipay)
    # Payments


SPECS: dict[Code, Spec] = {
    Code.NOT_FOUND: Spec(404, "您访问的地址不存在", "Nothing is at this address"),
    Code.METHOD_NOT_ALLOWED: Spec(405, "不支持该请求方法", "This method is not allowed here"),
    Code.INTERNAL_ERROR: Spec(
        500, "系统繁忙，请稍后再试", "Something went wrong on our side; please try again later"
    ),
    Code.BAD_REQUEST: Spec(400, "请求格式不正确：{reason}", "The request is malformed: {reason}"),
    Code.VALIDATION_FAILED: Spec(422, "填写的信息有误，请检查", "Some fields are not valid"),
    Code.UNKNOWN_SERVICE: Spec(404, "没有名为 {service} 的服务", "There is no service {service}"),
    Code.UNKNOWN_ACTION: Spec(
        404, "服务 {service} 没有 {action} 操作", "Service {service} has no action {action}"
    ),
    Code.CHANNEL_NOT_ALLOWED: Spec(
        403, "该服务暂不支持在{channel}办理", "This service is not offered on channel {channel}"
    ),
    Code.LOGIN_REQUIRED: Spec(401, "请先登录", "Please sign in first"),
    Code.REAL_NAME_REQUIRED: Spec(
        403, "该事项需要先完成实名认证", "This service needs a real-name verified account"
    ),
    Code.STAFF_ONLY: Spec(403, "仅限工作人员使用", "Only staff may do this"),
    Code.PERMISSION_DENIED: Spec(403, "您没有该操作权限", "You are not allowed to do this"),
    Code.OUT_OF_SCOPE: Spec(403, "该数据不在您的管辖范围内", "This is outside your area of work"),
    Code.RATE_LIMITED: Spec(
        429, "操作太频繁，请 {retry_after} 秒后再试", "Too many requests; retry in {retry_after} s"
    ),
    Code.IDEMPOTENCY_CONFLICT: Spec(
        409,
        "同一个幂等键已用于不同的请求内容",
        "This Idempotency-Key was already used with a different request",
    ),
    Code.IDEMPOTENCY_IN_PROGRESS: Spec(
        409, "相同的请求正在处理中，请稍候", "The same request is still being processed"
    ),
    Code.SERVICE_UNAVAILABLE: Spec(
        503, "服务暂时不可用，请稍后再试", "The service is temporarily unavailable"
    ),
    Code.TOKEN_INVALID: Spec(401, "登录凭证无效，请重新登录", "Your sign-in is not valid"),
    Code.TOKEN_EXPIRED: Spec(401, "登录已过期，请重新登录", "Your sign-in has expired"),
    Code.TOKEN_REVOKED: Spec(401, "登录已失效，请重新登录", "Your sign-in was ended"),
    Code.REFRESH_TOKEN_REUSED: Spec(
        401,
        "登录凭证被重复使用，为保护账号安全已退出所有登录",
        "A used refresh token came back; every session of this sign-in was ended",
    ),
    Code.PHONE_INVALID: Spec(422, "手机号码格式不正确", "The phone number is not valid"),
    Code.ID_NUMBER_INVALID: Spec(422, "身份证号码不正确", "The ID card number is not valid"),
    Code.OTP_TOO_FREQUENT: Spec(
        429, "验证码发送太频繁，请 {retry_after} 秒后再试", "Wait {retry_after} s for a new code"
    ),
    Code.OTP_DAILY_LIMIT: Spec(
        429, "今日验证码次数已用完，请明天再试", "No more codes today for this phone"
    ),
    Code.OTP_INVALID: Spec(401, "验证码不正确", "The code is not correct"),
    Code.OTP_EXPIRED: Spec(
        401, "验证码已过期，请重新获取", "The code has expired; ask for a new one"
    ),
    Code.OTP_TOO_MANY_ATTEMPTS: Spec(
        429, "验证码错误次数过多，请重新获取", "Too many wrong codes; ask for a new one"
    ),
    Code.CITIZEN_NOT_FOUND: Spec(404, "未找到该居民账号", "No such resident account"),
    Code.STAFF_LOGIN_FAILED: Spec(401, "用户名或密码错误", "Wrong user name or password"),
    Code.STAFF_LOCKED: Spec(
        423, "账号已锁定，请于 {until} 后再试", "The account is locked until {until}"
    ),
    Code.STAFF_DISABLED: Spec(403, "账号已停用", "The account is disabled"),
    Code.CATALOG_ITEM_NOT_FOUND: Spec(404, "未找到事项 {code}", "No service item {code}"),
    Code.CATALOG_THEME_NOT_FOUND: Spec(404, "未找到主题 {code}", "No theme {code}"),
    Code.REGION_NOT_FOUND: Spec(404, "未找到行政区划 {code}", "No region {code}"),
    Code.NOTIFY_TEMPLATE_UNKNOWN: Spec(
        500, "消息模板 {template} 不存在", "There is no message template {template}"
    ),
    Code.NOTIFY_PARAM_MISSING: Spec(
        500, "消息模板 {template} 缺少参数 {param}", "Template {template} misses {param}"
    ),
}
