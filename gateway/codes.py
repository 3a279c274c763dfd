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
    IDEMPOTENCY_ANSWER_LOST = "IDEMPOTENCY_ANSWER_LOST"
    CURSOR_INVALID = "CURSOR_INVALID"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    SERVER_BUSY = "SERVER_BUSY"
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
    STAFF_NOT_FOUND = "STAFF_NOT_FOUND"
    STAFF_USERNAME_INVALID = "STAFF_USERNAME_INVALID"
    STAFF_USERNAME_TAKEN = "STAFF_USERNAME_TAKEN"
    STAFF_PASSWORD_TOO_SHORT = "STAFF_PASSWORD_TOO_SHORT"
    STAFF_ROLE_UNKNOWN = "STAFF_ROLE_UNKNOWN"
    STAFF_ASSIGNMENT_NOT_FOUND = "STAFF_ASSIGNMENT_NOT_FOUND"
    STAFF_OWN_ACCOUNT = "STAFF_OWN_ACCOUNT"
    REAL_NAME_MISMATCH = "REAL_NAME_MISMATCH"
    REAL_NAME_ALREADY_VERIFIED = "REAL_NAME_ALREADY_VERIFIED"
    ID_NUMBER_TAKEN = "ID_NUMBER_TAKEN"
    CHANNEL_ACCOUNT_NOT_FOUND = "CHANNEL_ACCOUNT_NOT_FOUND"
    PHONE_TAKEN = "PHONE_TAKEN"
    ALIPAY_PHONE_INVALID = "ALIPAY_PHONE_INVALID"
    PHONE_ALREADY_BOUND = "PHONE_ALREADY_BOUND"
    CHANNEL_ACCOUNT_LAST = "CHANNEL_ACCOUNT_LAST"
    # Catalogue
    CATALOG_ITEM_NOT_FOUND = "CATALOG_ITEM_NOT_FOUND"
    CATALOG_THEME_NOT_FOUND = "CATALOG_THEME_NOT_FOUND"
    REGION_NOT_FOUND = "REGION_NOT_FOUND"
    CATALOG_LIFE_EVENT_NOT_FOUND = "CATALOG_LIFE_EVENT_NOT_FOUND"
    CATALOG_TARGET_GROUP_NOT_FOUND = "CATALOG_TARGET_GROUP_NOT_FOUND"
    CATALOG_DEPARTMENT_NOT_FOUND = "CATALOG_DEPARTMENT_NOT_FOUND"
    CATALOG_NOT_IMPLEMENTED = "CATALOG_NOT_IMPLEMENTED"
    CATALOG_PROMISE_EXCEEDS_LEGAL = "CATALOG_PROMISE_EXCEEDS_LEGAL"
    # Appointments and queue
    HALL_NOT_FOUND = "HALL_NOT_FOUND"
    ITEM_NOT_BOOKABLE = "ITEM_NOT_BOOKABLE"
    SLOT_NOT_FOUND = "SLOT_NOT_FOUND"
    SLOT_FULL = "SLOT_FULL"
    SLOT_CLOSED = "SLOT_CLOSED"
    APPOINTMENT_LIMIT = "APPOINTMENT_LIMIT"
    BOOKING_BLOCKED = "BOOKING_BLOCKED"
    APPOINTMENT_NOT_FOUND = "APPOINTMENT_NOT_FOUND"
    APPOINTMENT_NOT_ACTIVE = "APPOINTMENT_NOT_ACTIVE"
    CANCEL_TOO_LATE = "CANCEL_TOO_LATE"
    CHECK_IN_CLOSED = "CHECK_IN_CLOSED"
    QUEUE_NOT_FOUND = "QUEUE_NOT_FOUND"
    QUEUE_CLOSED = "QUEUE_CLOSED"
    QUEUE_NUMBER_NOT_FOUND = "QUEUE_NUMBER_NOT_FOUND"
    QUEUE_NUMBER_ACTIVE = "QUEUE_NUMBER_ACTIVE"
    QUEUE_NUMBER_STATE = "QUEUE_NUMBER_STATE"
    QUEUE_EMPTY = "QUEUE_EMPTY"
    QUEUE_STREAM_TICKET_INVALID = "QUEUE_STREAM_TICKET_INVALID"
    WINDOW_NOT_FOUND = "WINDOW_NOT_FOUND"
    WINDOW_CODE_TAKEN = "WINDOW_CODE_TAKEN"
    OPENING_HOURS_INVALID = "OPENING_HOURS_INVALID"
    WINDOW_TAKEN = "WINDOW_TAKEN"
    WINDOW_NOT_SIGNED_IN = "WINDOW_NOT_SIGNED_IN"
    WINDOW_BUSY = "WINDOW_BUSY"
    # Notifications
    NOTIFY_TEMPLATE_UNKNOWN = "NOTIFY_TEMPLATE_UNKNOWN"
    NOTIFY_PARAM_MISSING = "NOTIFY_PARAM_MISSING"
    NOTIFY_MESSAGE_NOT_FOUND = "NOTIFY_MESSAGE_NOT_FOUND"
    NOTIFY_CATEGORY_MANDATORY = "NOTIFY_CATEGORY_MANDATORY"
    NOTIFY_NOT_RETRYABLE = "NOTIFY_NOT_RETRYABLE"
    # Channels (WeChat, Alipay)
    WECHAT_ACCOUNT_UNKNOWN = "WECHAT_ACCOUNT_UNKNOWN"
    WECHAT_SIGNATURE_MISSING = "WECHAT_SIGNATURE_MISSING"
    WECHAT_SIGNATURE_INVALID = "WECHAT_SIGNATURE_INVALID"
    WECHAT_MESSAGE_STALE = "WECHAT_MESSAGE_STALE"
    WECHAT_APPID_MISMATCH = "WECHAT_APPID_MISMATCH"
    WECHAT_MESSAGE_MALFORMED = "WECHAT_MESSAGE_MALFORMED"
    WECHAT_API_ERROR = "WECHAT_API_ERROR"
    WECHAT_CODE_INVALID = "WECHAT_CODE_INVALID"
    CHANNEL_NOT_CONFIGURED = "CHANNEL_NOT_CONFIGURED"
    OAUTH_STATE_INVALID = "OAUTH_STATE_INVALID"
    OAUTH_STATE_REUSED = "OAUTH_STATE_REUSED"
    OAUTH_REDIRECT_INVALID = "OAUTH_REDIRECT_INVALID"
    ALIPAY_API_ERROR = "ALIPAY_API_ERROR"
    ALIPAY_SIGNATURE_INVALID = "ALIPAY_SIGNATURE_INVALID"
    ALIPAY_CODE_INVALID = "ALIPAY_CODE_INVALID"
    # Payments
    PAYMENT_ORDER_NOT_FOUND = "PAYMENT_ORDER_NOT_FOUND"
    PAYMENT_STATE_CONFLICT = "PAYMENT_STATE_CONFLICT"
    PAYMENT_ALREADY_PAID = "PAYMENT_ALREADY_PAID"
    PAYMENT_AMOUNT_INVALID = "PAYMENT_AMOUNT_INVALID"
    PAYMENT_METHOD_UNSUPPORTED = "PAYMENT_METHOD_UNSUPPORTED"
    PAYMENT_PAYER_REQUIRED = "PAYMENT_PAYER_REQUIRED"
    PAYMENT_PROVIDER_UNAVAILABLE = "PAYMENT_PROVIDER_UNAVAILABLE"
    PAYMENT_PROVIDER_REFUSED = "PAYMENT_PROVIDER_REFUSED"
    REFUND_EXCEEDS_PAID = "REFUND_EXCEEDS_PAID"
    REFUND_CONFLICT = "REFUND_CONFLICT"
    REFUND_NOT_FOUND = "REFUND_NOT_FOUND"
    RECONCILIATION_BREAK_NOT_FOUND = "RECONCILIATION_BREAK_NOT_FOUND"
    RECONCILIATION_BREAK_CLOSED = "RECONCILIATION_BREAK_CLOSED"
    RECONCILIATION_RANGE_INVALID = "RECONCILIATION_RANGE_INVALID"
    # Online applications and materials
    APPLICATION_FORM_NOT_FOUND = "APPLICATION_FORM_NOT_FOUND"
    APPLICATION_NOT_FOUND = "APPLICATION_NOT_FOUND"
    APPLICATION_MOVE_NOT_ALLOWED = "APPLICATION_MOVE_NOT_ALLOWED"
    APPLICATION_REASON_REQUIRED = "APPLICATION_REASON_REQUIRED"
    APPLICATION_INVALID = "APPLICATION_INVALID"
    APPLICATION_MATERIALS_MISSING = "APPLICATION_MATERIALS_MISSING"
    APPLICATION_NOT_PAYABLE = "APPLICATION_NOT_PAYABLE"
    APPLICATION_PAYING = "APPLICATION_PAYING"
    APPLICATION_FEE_CHANGED = "APPLICATION_FEE_CHANGED"
    FILE_REJECTED = "FILE_REJECTED"
    FILE_NOT_FOUND = "FILE_NOT_FOUND"
    FILE_LINK_INVALID = "FILE_LINK_INVALID"
    # Ratings (好差评)
    RATING_MATTER_NOT_FOUND = "RATING_MATTER_NOT_FOUND"
    RATING_NOT_HANDLED = "RATING_NOT_HANDLED"
    RATING_ALREADY_GIVEN = "RATING_ALREADY_GIVEN"
    RATING_REASON_INVALID = "RATING_REASON_INVALID"
    RATING_NOT_FOUND = "RATING_NOT_FOUND"
    RATING_CASE_NOT_FOUND = "RATING_CASE_NOT_FOUND"
    RATING_CASE_CLOSED = "RATING_CASE_CLOSED"
    RATING_CALLBACK_REQUIRED = "RATING_CALLBACK_REQUIRED"
    RATING_APPEAL_EXISTS = "RATING_APPEAL_EXISTS"
    RATING_APPEAL_NOT_FOUND = "RATING_APPEAL_NOT_FOUND"
    RATING_APPEAL_DECIDED = "RATING_APPEAL_DECIDED"
    # Fee demands from departments
    DEPARTMENT_KEY_INVALID = "DEPARTMENT_KEY_INVALID"
    DEMAND_NOT_FOUND = "DEMAND_NOT_FOUND"
    DEMAND_CONFLICT = "DEMAND_CONFLICT"
    DEMAND_NOT_PAYABLE = "DEMAND_NOT_PAYABLE"
    DEMAND_PAYING = "DEMAND_PAYING"
    DEMAND_TEST_MODE = "DEMAND_TEST_MODE"
    DEMAND_PAYER_REQUIRED = "DEMAND_PAYER_REQUIRED"
    # Open data for developers
    OPENDATA_KEY_INVALID = "OPENDATA_KEY_INVALID"
    OPENDATA_KEY_REVOKED = "OPENDATA_KEY_REVOKED"
    OPENDATA_RATE_LIMITED = "OPENDATA_RATE_LIMITED"
    OPENDATA_DATASET_NOT_FOUND = "OPENDATA_DATASET_NOT_FOUND"
    OPENDATA_KEY_NOT_FOUND = "OPENDATA_KEY_NOT_FOUND"
    # Bills and traffic
    BILL_KIND_UNAVAILABLE = "BILL_KIND_UNAVAILABLE"
    BILL_COMPANY_UNAVAILABLE = "BILL_COMPANY_UNAVAILABLE"
    BILL_ACCOUNT_NOT_FOUND = "BILL_ACCOUNT_NOT_FOUND"
    BILL_HOLDER_MISMATCH = "BILL_HOLDER_MISMATCH"
    BILL_PROOF_LOCKED = "BILL_PROOF_LOCKED"
    BILL_ACCOUNT_ALREADY_BOUND = "BILL_ACCOUNT_ALREADY_BOUND"
    BILL_ACCOUNT_LIMIT = "BILL_ACCOUNT_LIMIT"
    BILL_NOT_FOUND = "BILL_NOT_FOUND"
    BILL_NOTHING_TO_PAY = "BILL_NOTHING_TO_PAY"
    BILL_PAYING = "BILL_PAYING"
    BILL_ALREADY_PAID = "BILL_ALREADY_PAID"
    BILL_RECEIPT_NOT_FOUND = "BILL_RECEIPT_NOT_FOUND"
    BILL_WRITE_OFF_NOT_FOUND = "BILL_WRITE_OFF_NOT_FOUND"
    FINE_REPORT_NOT_FOUND = "FINE_REPORT_NOT_FOUND"
    TRAFFIC_VEHICLE_NOT_FOUND = "TRAFFIC_VEHICLE_NOT_FOUND"
    TRAFFIC_VIOLATION_NOT_FOUND = "TRAFFIC_VIOLATION_NOT_FOUND"
    TRAFFIC_FINE_NOT_PAYABLE = "TRAFFIC_FINE_NOT_PAYABLE"
    TRAFFIC_FINE_PAYING = "TRAFFIC_FINE_PAYING"
    TRAFFIC_FINE_PAID = "TRAFFIC_FINE_PAID"
    TRAFFIC_UNAVAILABLE = "TRAFFIC_UNAVAILABLE"
    # Consultations and complaints (12345)
    CONSULTATION_NOT_FOUND = "CONSULTATION_NOT_FOUND"
    CONSULTATION_MOVE_NOT_ALLOWED = "CONSULTATION_MOVE_NOT_ALLOWED"
    CONSULTATION_NOT_ANSWERED = "CONSULTATION_NOT_ANSWERED"
    CONSULTATION_REOPEN_USED = "CONSULTATION_REOPEN_USED"
    CONSULTATION_REOPEN_EXPIRED = "CONSULTATION_REOPEN_EXPIRED"
    CONSULTATION_TRANSFER_SAME = "CONSULTATION_TRANSFER_SAME"
    CONSULTATION_FAQ_NOT_ALLOWED = "CONSULTATION_FAQ_NOT_ALLOWED"
    CONSULTATION_FAQ_PERSONAL_DATA = "CONSULTATION_FAQ_PERSONAL_DATA"
    CONSULTATION_FAQ_NOT_FOUND = "CONSULTATION_FAQ_NOT_FOUND"


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
    Code.CURSOR_INVALID: Spec(
        400,
        "分页游标无效，请从第一页重新开始",
        "The paging cursor is not valid: start again from the first page",
    ),
    Code.IDEMPOTENCY_ANSWER_LOST: Spec(
        409,
        "该请求已经处理完成，但结果未能返回；请查询最新状态，不要重复提交",
        "This request was carried out but its answer was lost: check the current state, do "
        "not send it again",
    ),
    Code.IDEMPOTENCY_IN_PROGRESS: Spec(
        409, "相同的请求正在处理中，请稍候", "The same request is still being processed"
    ),
    Code.SERVICE_UNAVAILABLE: Spec(
        503, "服务暂时不可用，请稍后再试", "The service is temporarily unavailable"
    ),
    Code.SERVER_BUSY: Spec(
        503,
        "当前办理人数较多，请 {retry_after} 秒后再试",
        "Too many requests at once; retry in {retry_after} s",
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
    Code.STAFF_NOT_FOUND: Spec(404, "未找到该工作人员账号", "No such staff account"),
    Code.STAFF_USERNAME_INVALID: Spec(
        422,
        "用户名须为 1 至 64 位字母、数字、点、横线或下划线",
        "The user name must be 1 to 64 letters, digits, dots, dashes or underscores",
    ),
    Code.STAFF_USERNAME_TAKEN: Spec(
        409, "用户名 {username} 已被使用", "User name {username} is taken"
    ),
    Code.STAFF_PASSWORD_TOO_SHORT: Spec(
        422, "密码至少需要 {min_length} 位", "The password must be at least {min_length} characters"
    ),
    Code.STAFF_ROLE_UNKNOWN: Spec(422, "没有角色 {role}", "There is no role {role}"),
    Code.STAFF_ASSIGNMENT_NOT_FOUND: Spec(
        404, "该工作人员没有这项角色授权", "The staff member holds no such role assignment"
    ),
    Code.STAFF_OWN_ACCOUNT: Spec(
        409,
        "不能停用自己的账号或撤销自己的角色，请另一位管理员操作",
        "You cannot disable your own account or revoke your own roles: ask another administrator",
    ),
    Code.REAL_NAME_MISMATCH: Spec(
        422, "姓名与身份证号码不一致", "The name does not match the ID card number"
    ),
    Code.REAL_NAME_ALREADY_VERIFIED: Spec(
        409, "该账号已用其他证件完成实名认证", "This account is verified with another ID already"
    ),
    Code.ID_NUMBER_TAKEN: Spec(
        409, "该身份证号码已绑定其他账号", "This ID card number belongs to another account"
    ),
    Code.ALIPAY_PHONE_INVALID: Spec(
        400, "支付宝手机号授权结果无效，请重新授权", "The Alipay phone grant is not valid"
    ),
    Code.PHONE_TAKEN: Spec(
        409,
        "该手机号已绑定另一位已实名的居民，请到窗口办理",
        "This phone belongs to another verified resident; please visit a service hall",
    ),
    Code.PHONE_ALREADY_BOUND: Spec(
        409, "该账号已绑定其他手机号", "This account is bound to another phone already"
    ),
    Code.CHANNEL_ACCOUNT_NOT_FOUND: Spec(404, "未找到该登录方式", "No such linked sign-in"),
    Code.CHANNEL_ACCOUNT_LAST: Spec(
        409, "不能解绑唯一的登录方式", "The only way to sign in cannot be unlinked"
    ),
    Code.CATALOG_ITEM_NOT_FOUND: Spec(404, "未找到事项 {item}", "No service item {item}"),
    Code.CATALOG_THEME_NOT_FOUND: Spec(404, "未找到主题 {theme}", "No theme {theme}"),
    Code.REGION_NOT_FOUND: Spec(404, "未找到行政区划 {region}", "No region {region}"),
    Code.CATALOG_LIFE_EVENT_NOT_FOUND: Spec(
        404, "未找到人生事件 {life_event}", "No life event {life_event}"
    ),
    Code.CATALOG_TARGET_GROUP_NOT_FOUND: Spec(
        404, "未找到服务对象 {target_group}", "No target group {target_group}"
    ),
    Code.CATALOG_DEPARTMENT_NOT_FOUND: Spec(
        404, "未找到部门 {department}", "No department {department}"
    ),
    Code.CATALOG_NOT_IMPLEMENTED: Spec(
        404,
        "行政区划 {region} 未设置事项 {item} 的实施清单",
        "Region {region} has no implementation of item {item}",
    ),
    Code.CATALOG_PROMISE_EXCEEDS_LEGAL: Spec(
        422,
        "承诺时限（{promised} 个工作日）不能超过法定时限（{legal} 个工作日）",
        "The promised time ({promised} working days) cannot exceed the legal limit ({legal})",
    ),
    Code.HALL_NOT_FOUND: Spec(404, "未找到该办事大厅", "No such service hall"),
    Code.ITEM_NOT_BOOKABLE: Spec(
        404, "该大厅不提供此事项的预约", "This hall takes no appointments for this item"
    ),
    Code.SLOT_NOT_FOUND: Spec(404, "未找到该预约时段", "No such appointment time"),
    Code.SLOT_FULL: Spec(
        409, "该时段已约满，请选择其他时段", "This time is fully booked; please choose another"
    ),
    Code.SLOT_CLOSED: Spec(409, "该时段已不可预约", "This time can no longer be booked"),
    Code.APPOINTMENT_LIMIT: Spec(
        409,
        "您在 {day} 已预约该事项，每人每天每个事项限约一次",
        "You already have an appointment for this item on {day}; one per day",
    ),
    Code.BOOKING_BLOCKED: Spec(
        403,
        "您近 {days} 天内有 {count} 次预约未到，{until} 前暂停预约",
        "You missed {count} appointments in {days} days; booking is paused until {until}",
    ),
    Code.APPOINTMENT_NOT_FOUND: Spec(404, "未找到该预约", "No such appointment"),
    Code.APPOINTMENT_NOT_ACTIVE: Spec(
        409, "该预约已取消、已签到或已过期", "This appointment is cancelled, checked in or over"
    ),
    Code.CANCEL_TOO_LATE: Spec(
        409,
        "距预约开始已不足 {minutes} 分钟，不能取消或改约",
        "Less than {minutes} minutes before the start: it can no longer be changed",
    ),
    Code.CHECK_IN_CLOSED: Spec(
        409,
        "不在签到时间内，请于 {opens} 至 {closes} 之间签到",
        "Check-in is open from {opens} to {closes}",
    ),
    Code.QUEUE_NOT_FOUND: Spec(404, "未找到该排队队列", "No such queue"),
    Code.QUEUE_CLOSED: Spec(
        409, "办事大厅当前不在开放时间，暂停取号", "The hall is closed; no numbers now"
    ),
    Code.QUEUE_NUMBER_NOT_FOUND: Spec(404, "未找到该排队号码", "No such queue number"),
    Code.QUEUE_NUMBER_ACTIVE: Spec(
        409,
        "您在该队列已有号码 {label}，请勿重复取号",
        "You already hold number {label} in this queue",
    ),
    Code.QUEUE_NUMBER_STATE: Spec(
        409,
        "号码 {label} 当前为{status}状态，不能执行该操作",
        "Number {label} is {status}; this cannot be done now",
    ),
    Code.QUEUE_EMPTY: Spec(409, "当前没有等候的号码", "Nobody is waiting"),
    Code.QUEUE_STREAM_TICKET_INVALID: Spec(
        401,
        "实时动态凭证无效、已过期或已使用，请重新获取",
        "The live-updates ticket is unknown, expired, already used or for another number; "
        "get a new one",
    ),
    Code.WINDOW_NOT_FOUND: Spec(404, "未找到该窗口", "No such window"),
    Code.WINDOW_CODE_TAKEN: Spec(
        409, "本大厅已有编号为 {number} 的窗口", "This hall already has a window numbered {number}"
    ),
    Code.OPENING_HOURS_INVALID: Spec(
        422,
        "开放时段须先开后关且互不重叠",
        "Each opening session must close after it opens, and sessions must not overlap",
    ),
    Code.WINDOW_TAKEN: Spec(
        409, "该窗口已由其他工作人员登录", "Another clerk is signed in at this window"
    ),
    Code.WINDOW_NOT_SIGNED_IN: Spec(409, "请先登录窗口", "Sign in at a window first"),
    Code.WINDOW_BUSY: Spec(
        409,
        "请先办结或过号当前号码 {label}",
        "Finish or skip number {label} first",
    ),
    Code.NOTIFY_TEMPLATE_UNKNOWN: Spec(
        500, "消息模板 {template} 不存在", "There is no message template {template}"
    ),
    Code.NOTIFY_PARAM_MISSING: Spec(
        500, "消息模板 {template} 缺少参数 {param}", "Template {template} misses {param}"
    ),
    Code.NOTIFY_MESSAGE_NOT_FOUND: Spec(404, "未找到该消息", "No such message"),
    Code.NOTIFY_CATEGORY_MANDATORY: Spec(
        409, "{category} 类消息关系账号安全，不能关闭", "{category} messages cannot be turned off"
    ),
    Code.NOTIFY_NOT_RETRYABLE: Spec(
        409, "该消息当前为 {status} 状态，无需重发", "The message is {status}; it cannot be resent"
    ),
    Code.WECHAT_ACCOUNT_UNKNOWN: Spec(
        404, "未开通公众号 {app_id}", "No official account {app_id} is configured here"
    ),
    Code.WECHAT_SIGNATURE_MISSING: Spec(
        400, "缺少微信签名参数", "The WeChat signature parameters are missing"
    ),
    Code.WECHAT_SIGNATURE_INVALID: Spec(401, "微信签名校验失败", "The WeChat signature is wrong"),
    Code.WECHAT_MESSAGE_STALE: Spec(
        401, "消息时间戳已过期或不正确", "The message timestamp is stale or invalid"
    ),
    Code.WECHAT_APPID_MISMATCH: Spec(
        403, "消息不属于该公众号", "The message was sealed for another AppId"
    ),
    Code.WECHAT_MESSAGE_MALFORMED: Spec(
        400, "微信消息格式不正确：{reason}", "The WeChat message is malformed: {reason}"
    ),
    Code.WECHAT_API_ERROR: Spec(
        502, "微信接口暂时不可用（{errcode}）", "The WeChat API failed ({errcode})"
    ),
    Code.WECHAT_CODE_INVALID: Spec(
        401, "微信授权码无效或已使用，请重新进入", "The WeChat code is invalid or already used"
    ),
    Code.CHANNEL_NOT_CONFIGURED: Spec(
        404, "{channel} 渠道暂未开通", "Channel {channel} is not set up here"
    ),
    Code.OAUTH_STATE_INVALID: Spec(
        403, "授权请求无效或已过期，请重新进入", "The sign-in request is invalid or has expired"
    ),
    Code.OAUTH_STATE_REUSED: Spec(
        409, "该授权请求已使用，请重新进入", "This sign-in request was already used"
    ),
    Code.OAUTH_REDIRECT_INVALID: Spec(
        400, "跳转地址必须是本站页面", "The return address must be a page of this site"
    ),
    Code.ALIPAY_API_ERROR: Spec(
        502, "支付宝接口暂时不可用（{alipay_code}）", "The Alipay API failed ({alipay_code})"
    ),
    Code.ALIPAY_SIGNATURE_INVALID: Spec(
        502, "支付宝应答验签失败", "The Alipay answer carries a wrong signature"
    ),
    Code.ALIPAY_CODE_INVALID: Spec(
        401, "支付宝授权码无效或已使用，请重新进入", "The Alipay code is invalid or already used"
    ),
    # Payments
    Code.PAYMENT_ORDER_NOT_FOUND: Spec(404, "未找到支付订单", "No such payment order"),
    Code.PAYMENT_STATE_CONFLICT: Spec(
        409,
        "订单当前状态为 {state}，无法{action_zh}",
        "The order is {state}; it cannot be {action}",
    ),
    Code.PAYMENT_ALREADY_PAID: Spec(
        409, "该事项已缴费，无需重复支付", "This has already been paid"
    ),
    Code.PAYMENT_AMOUNT_INVALID: Spec(422, "支付金额不正确", "The amount to pay is not valid"),
    Code.PAYMENT_METHOD_UNSUPPORTED: Spec(
        422,
        "暂不支持使用 {provider} 的 {trade_type} 方式支付",
        "{provider} cannot take {trade_type}",
    ),
    Code.PAYMENT_PAYER_REQUIRED: Spec(
        422, "该支付方式需要先完成授权登录", "This way of paying needs the payer's account id"
    ),
    Code.PAYMENT_PROVIDER_UNAVAILABLE: Spec(
        503,
        "支付渠道 {provider} 暂时不可用，请稍后再试",
        "Payment provider {provider} is unavailable",
    ),
    Code.PAYMENT_PROVIDER_REFUSED: Spec(
        502, "支付渠道拒绝了请求（{reason}）", "The payment provider refused ({reason})"
    ),
    Code.RECONCILIATION_BREAK_NOT_FOUND: Spec(
        404, "未找到对账差错", "No such reconciliation break"
    ),
    Code.RECONCILIATION_BREAK_CLOSED: Spec(
        409,
        "该对账差错已处理或已消除（{status}）",
        "This reconciliation break is no longer open ({status})",
    ),
    Code.RECONCILIATION_RANGE_INVALID: Spec(
        400,
        "对账日期范围无效（最多 {max_days} 天，起始不晚于结束）",
        "Invalid reconciliation date range (at most {max_days} days, from not after to)",
    ),
    Code.REFUND_EXCEEDS_PAID: Spec(
        409,
        "退款金额超出可退金额（可退 {refundable_fen} 分）",
        "Refund exceeds the refundable {refundable_fen} fen",
    ),
    Code.REFUND_CONFLICT: Spec(
        409,
        "退款单号 {out_refund_no} 已用于其他退款",
        "Refund number {out_refund_no} was used for another refund",
    ),
    Code.REFUND_NOT_FOUND: Spec(404, "未找到退款单", "No such refund"),
    # Online applications and materials
    Code.APPLICATION_FORM_NOT_FOUND: Spec(
        404, "该事项暂不支持在线申办", "This item cannot be applied for online"
    ),
    Code.APPLICATION_NOT_FOUND: Spec(404, "未找到该办件", "No such application"),
    Code.APPLICATION_MOVE_NOT_ALLOWED: Spec(
        409,
        "办件当前状态（{state}）不能执行该操作（{move}）",
        "This application ({state}) does not allow {move}",
    ),
    Code.APPLICATION_REASON_REQUIRED: Spec(
        400, "请填写原因（将告知申请人）", "Give a reason (the applicant is told)"
    ),
    Code.APPLICATION_INVALID: Spec(
        400, "申请表填写有误：{detail}", "The form has errors: {detail}"
    ),
    Code.APPLICATION_MATERIALS_MISSING: Spec(
        400, "还缺少材料：{names}", "Materials still missing: {names}"
    ),
    Code.APPLICATION_NOT_PAYABLE: Spec(
        409,
        "办件当前状态（{state}）无需缴费",
        "This application ({state}) has nothing to pay now",
    ),
    Code.APPLICATION_PAYING: Spec(
        409,
        "该办件的费用正在支付中，请完成该笔支付或待订单关闭后再试",
        "This application's fee is being paid: finish that payment or wait until its order closes",
    ),
    Code.APPLICATION_FEE_CHANGED: Spec(
        409,
        "应缴金额为 {amount_yuan} 元，与页面显示的不同，请刷新后再缴",
        "The fee due is {amount_yuan} yuan, not what the page showed: reload before paying",
    ),
    Code.FILE_REJECTED: Spec(400, "文件不符合要求：{reason}", "The file was refused: {reason}"),
    Code.FILE_NOT_FOUND: Spec(404, "未找到该文件", "No such file"),
    Code.FILE_LINK_INVALID: Spec(
        403, "文件链接无效或已过期", "The file link is invalid or has expired"
    ),
    # Ratings (好差评)
    Code.RATING_MATTER_NOT_FOUND: Spec(
        404, "未找到您的该项办事记录", "You have no such handled matter"
    ),
    Code.RATING_NOT_HANDLED: Spec(
        409, "该事项尚未办结，办结后才能评价", "This matter is not finished yet: rate it once it is"
    ),
    Code.RATING_ALREADY_GIVEN: Spec(
        409, "您已评价过该事项，每项办事只能评价一次", "You rated this matter already: once each"
    ),
    Code.RATING_REASON_INVALID: Spec(
        400,
        "评价原因“{reason}”不适用于“{grade}”",
        "Reason {reason} does not go with the grade {grade}",
    ),
    Code.RATING_NOT_FOUND: Spec(404, "未找到该评价", "No such rating"),
    Code.RATING_CASE_NOT_FOUND: Spec(
        404, "该评价没有整改工单", "This rating has no rectification case"
    ),
    Code.RATING_CASE_CLOSED: Spec(409, "该整改工单已办结", "This rectification case is closed"),
    Code.RATING_CALLBACK_REQUIRED: Spec(
        409,
        "请先回访评价人并记录回访情况，再办结整改",
        "Call the resident back and record it before closing the case",
    ),
    Code.RATING_APPEAL_EXISTS: Spec(
        409, "该评价已提出过申诉", "An appeal against this rating was filed already"
    ),
    Code.RATING_APPEAL_NOT_FOUND: Spec(404, "未找到该评价的申诉", "This rating has no appeal"),
    Code.RATING_APPEAL_DECIDED: Spec(
        409, "该申诉已审核（{state}）", "This appeal was decided already ({state})"
    ),
    # Fee demands from departments
    Code.DEPARTMENT_KEY_INVALID: Spec(
        401, "部门接口密钥无效或已停用", "The department API key is invalid or revoked"
    ),
    Code.DEMAND_NOT_FOUND: Spec(404, "未找到该缴费通知", "No such fee demand"),
    Code.OPENDATA_KEY_INVALID: Spec(
        401,
        "请在 X-Api-Key 请求头中提供有效的开放数据密钥",
        "Send a valid open-data API key in the X-Api-Key header",
    ),
    Code.OPENDATA_KEY_REVOKED: Spec(
        401, "该开放数据密钥已停用，请重新申请", "This open-data API key has been revoked"
    ),
    Code.OPENDATA_RATE_LIMITED: Spec(
        429,
        "该密钥请求太频繁，请 {retry_after} 秒后再试",
        "Too many requests with this key; retry in {retry_after} s",
    ),
    Code.OPENDATA_DATASET_NOT_FOUND: Spec(
        404, "没有名为 {name} 的开放数据集", "There is no open dataset named {name}"
    ),
    Code.OPENDATA_KEY_NOT_FOUND: Spec(404, "未找到该开发者密钥", "No such developer key"),
    Code.DEMAND_CONFLICT: Spec(
        409,
        "业务编号 {external_ref} 已用于另一笔缴费通知",
        "Reference {external_ref} already names another fee demand",
    ),
    Code.DEMAND_NOT_PAYABLE: Spec(
        409, "该缴费通知当前不可缴费（{state}）", "This fee demand cannot be paid now ({state})"
    ),
    Code.DEMAND_PAYING: Spec(
        409,
        "该缴费通知正在支付中，请完成或稍后再试",
        "This fee demand is being paid: finish that payment or try again later",
    ),
    Code.DEMAND_TEST_MODE: Spec(
        409,
        "测试缴费通知只能通过沙箱支付，本环境未开启沙箱",
        "A test fee demand is paid only through the sandbox, which is off here",
    ),
    Code.DEMAND_PAYER_REQUIRED: Spec(
        400,
        "请提供缴费人手机号或身份证号",
        "Give the payer's phone number or ID number",
    ),
    # Bills and traffic
    Code.BILL_HOLDER_MISMATCH: Spec(
        400,
        "户主姓名或手机号后四位与该户号登记信息不符",
        "The holder's name or phone digits do not match this account",
    ),
    Code.BILL_PROOF_LOCKED: Spec(
        429,
        "核验失败次数过多，请 1 小时后再试",
        "Too many failed checks for this account: try again in an hour",
    ),
    Code.BILL_KIND_UNAVAILABLE: Spec(
        404, "暂不支持{kind_zh}的线上缴费", "Paying {kind} bills online is not offered here"
    ),
    Code.BILL_COMPANY_UNAVAILABLE: Spec(
        503,
        "{company} 暂时无法受理，请稍后再试",
        "{company} cannot answer right now; please try again later",
    ),
    Code.BILL_ACCOUNT_NOT_FOUND: Spec(
        404, "未找到该户号，请核对后重新输入", "No such account number; please check it"
    ),
    Code.BILL_ACCOUNT_ALREADY_BOUND: Spec(
        409, "您已绑定该户号", "You have bound this account number already"
    ),
    Code.BILL_ACCOUNT_LIMIT: Spec(
        409, "最多可绑定 {limit} 个户号", "At most {limit} account numbers can be bound"
    ),
    Code.BILL_NOT_FOUND: Spec(
        404, "该户号没有待缴账单 {bill_id}", "The account has no unpaid bill {bill_id}"
    ),
    Code.BILL_NOTHING_TO_PAY: Spec(
        409, "该户号当前没有欠费", "This account owes nothing at the moment"
    ),
    Code.BILL_PAYING: Spec(
        409,
        "账单 {bill_id} 正在支付中，请完成支付或待订单关闭后再试",
        "Bill {bill_id} is being paid; finish that payment or wait until its order closes",
    ),
    Code.BILL_ALREADY_PAID: Spec(
        409, "账单 {bill_id} 已缴清，无需重复缴费", "Bill {bill_id} is paid already"
    ),
    Code.BILL_RECEIPT_NOT_FOUND: Spec(404, "未找到该电子票据", "No such e-receipt"),
    Code.BILL_WRITE_OFF_NOT_FOUND: Spec(404, "未找到该销账记录", "No such write-off"),
    Code.FINE_REPORT_NOT_FOUND: Spec(404, "未找到该罚款回传记录", "No such fine report"),
    Code.TRAFFIC_VEHICLE_NOT_FOUND: Spec(
        404,
        "未找到该车辆，请核对号牌号码和车架号后六位",
        "No such vehicle; check the plate number and the last 6 characters of the VIN",
    ),
    Code.TRAFFIC_VIOLATION_NOT_FOUND: Spec(
        404,
        "未找到决定书编号为 {decision_no} 的违法记录",
        "No violation with decision {decision_no}",
    ),
    Code.TRAFFIC_FINE_NOT_PAYABLE: Spec(
        409,
        "该违法记录尚未处理，请先到交警窗口或交管12123处理后再缴款",
        "This violation has no penalty decision yet; have it processed before paying",
    ),
    Code.TRAFFIC_FINE_PAYING: Spec(
        409,
        "该罚款正在支付中，请完成支付或待订单关闭后再试",
        "This fine is being paid; finish that payment or wait until its order closes",
    ),
    Code.TRAFFIC_FINE_PAID: Spec(409, "该罚款已缴纳，无需重复缴款", "This fine is paid already"),
    Code.TRAFFIC_UNAVAILABLE: Spec(
        503, "交通违法查询暂时不可用，请稍后再试", "Traffic violations cannot be looked up now"
    ),
    # Consultations and complaints (12345)
    Code.CONSULTATION_NOT_FOUND: Spec(404, "未找到该诉求", "No such case"),
    Code.CONSULTATION_MOVE_NOT_ALLOWED: Spec(
        409,
        "该诉求当前状态（{state}）不能执行该操作（{move}）",
        "This case ({state}) does not allow {move}",
    ),
    Code.CONSULTATION_NOT_ANSWERED: Spec(
        409, "该诉求尚未答复，请等待部门答复", "This case has not been answered yet"
    ),
    Code.CONSULTATION_REOPEN_USED: Spec(
        409, "每件诉求只能申请重新办理一次", "A case can be reopened only once"
    ),
    Code.CONSULTATION_REOPEN_EXPIRED: Spec(
        409,
        "答复已超过 {days} 天，不能再申请重新办理",
        "More than {days} days have passed since the answer: the case cannot be reopened",
    ),
    Code.CONSULTATION_TRANSFER_SAME: Spec(
        409, "该诉求已由该部门承办，无需转办", "The case is already with that department"
    ),
    Code.CONSULTATION_FAQ_NOT_ALLOWED: Spec(
        409,
        "只有咨询类诉求的答复可以公开为常见问题",
        "Only answers to consultations can be published as FAQ entries",
    ),
    Code.CONSULTATION_FAQ_PERSONAL_DATA: Spec(
        400,
        "公开的问答不能包含个人信息（{found}），请修改后再发布",
        "The public question and answer must not hold personal data ({found})",
    ),
    Code.CONSULTATION_FAQ_NOT_FOUND: Spec(404, "未找到该常见问题", "No such FAQ entry"),
}
