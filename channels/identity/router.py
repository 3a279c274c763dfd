"""The resident's own account: who they are, how they sign in, real-name verification."""

from __future__ import annotations

from channels.app.otp import OtpSent, otp
from channels.app.schemas import LoginRequest as BindPhoneParams
from channels.app.schemas import OtpRequest as PhoneCodeParams
from channels.identity.schemas import (
    BindPhoneRead,
    ChannelAccountRead,
    CitizenRead,
    NoParams,
    RealNameRead,
    UnlinkParams,
    VerifyRealNameParams,
)
from channels.identity.service import identity
from gateway.registry import RateLimit, Service
from gateway.schemas import IdentityLevel, ServiceRequest

service = Service("account", "我的账号", "My account")


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    summary_zh="我的账号信息（手机号、证件号脱敏显示）",
    summary_en="My account (phone and ID number masked)",
)
async def me(request: ServiceRequest, params: NoParams) -> CitizenRead:
    """My account."""
    return await identity.me(request.require_citizen())


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    summary_zh="已绑定的登录方式",
    summary_en="The channel accounts I sign in with",
)
async def channel_accounts(request: ServiceRequest, params: NoParams) -> list[ChannelAccountRead]:
    """The channel accounts I sign in with."""
    return await identity.channel_accounts(request.require_citizen().citizen_id)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    mutates=True,
    summary_zh="解绑一个登录方式（至少保留一个）",
    summary_en="Unlink one channel account (one must remain)",
)
async def unlink_channel_account(
    request: ServiceRequest, params: UnlinkParams
) -> list[ChannelAccountRead]:
    """Unlink one channel account; answers the ones left."""
    return await identity.unlink_channel_account(
        request.require_citizen().citizen_id, params.account_id
    )


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    mutates=True,
    rate_limit=RateLimit(5, 3600),
    summary_zh="实名认证（姓名 + 身份证号），成功后请刷新登录凭证",
    summary_en="Real-name verification (name + ID number); refresh the tokens afterwards",
)
async def verify_real_name(request: ServiceRequest, params: VerifyRealNameParams) -> RealNameRead:
    """Real-name verification; the next token refresh carries the REAL_NAME level."""
    return await identity.verify_real_name(request.require_citizen(), params.name, params.id_number)


@service.action(
    identity=IdentityLevel.REAL_NAME,
    summary_zh="我的实名信息（脱敏）",
    summary_en="My verified real name and ID number (masked)",
)
async def real_name(request: ServiceRequest, params: NoParams) -> RealNameRead:
    """My verified real name and ID number, masked."""
    return await identity.real_name(request.require_citizen())


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    rate_limit=RateLimit(10, 600),
    summary_zh="发送绑定手机号的短信验证码",
    summary_en="Send an SMS code to bind a phone",
)
async def request_phone_code(request: ServiceRequest, params: PhoneCodeParams) -> OtpSent:
    """Sends the one-time code of the app sign-in, within its per-phone limits."""
    return await otp.request_code(params.phone)


@service.action(
    identity=IdentityLevel.LOGGED_IN,
    mutates=True,
    rate_limit=RateLimit(10, 600),
    summary_zh="用短信验证码绑定手机号（同一手机号的账号合并为一人），合并后请改用返回的登录凭证",
    summary_en="Bind a phone by SMS code; a resident already holding it is joined, "
    "use the returned tokens afterwards",
)
async def bind_phone(request: ServiceRequest, params: BindPhoneParams) -> BindPhoneRead:
    """Binds a phone by SMS code from any channel; joins the resident who holds it."""
    verified = await otp.verify(params.phone, params.code)
    return await identity.bind_phone(request.require_citizen(), verified)
