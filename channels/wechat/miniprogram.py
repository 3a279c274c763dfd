"""WeChat mini-program sign-in: the `wx.login` code → code2Session → a GovHub session.

The session_key is sealed with the personal-data key and kept server-side, never returned.
A phone code from the `getPhoneNumber` button, when sent along, is traded through WeChat's
phone-number API and binds the verified phone to the resident.
"""

from __future__ import annotations

from channels.identity.crypto import seal_text
from channels.identity.service import sign_in_channel_account
from channels.identity.tokens import TokenPair
from channels.wechat import repository
from channels.wechat.api import wechat_api
from channels.wechat.errors import CodeInvalid, WeChatApiError
from channels.wechat.models import SESSION_KEY_PURPOSE as SESSION_KEY_PURPOSE
from channels.wechat.settings import WeChatApp, wechat_config
from gateway.codes import Code
from gateway.errors import GovError
from gateway.schemas import Channel

# Answers for a login or phone code that is wrong, used, expired, or from a blocked user.
CODE_REJECTED = frozenset({40029, 40163, 40226, 41008})
PHONE_NUMBER = "/wxa/business/getuserphonenumber"


def mini_program() -> WeChatApp:
    app = wechat_config().mini_program
    if app is None:
        raise GovError(Code.CHANNEL_NOT_CONFIGURED, channel=Channel.WECHAT_MP.value)
    return app


async def code_to_session(app: WeChatApp, code: str) -> dict[str, str]:
    try:
        data = await wechat_api().get(
            "/sns/jscode2session",
            {
                "appid": app.app_id,
                "secret": app.secret,
                "js_code": code,
                "grant_type": "authorization_code",
            },
        )
    except WeChatApiError as exc:
        raise CodeInvalid() if exc.errcode in CODE_REJECTED else exc from None
    if not data.get("openid") or not data.get("session_key"):
        raise WeChatApiError("no-openid")
    return {k: str(data[k]) for k in ("openid", "session_key", "unionid") if data.get(k)}


async def phone_number(app: WeChatApp, phone_code: str) -> str:
    """The phone WeChat verified for the resident (without country code)."""
    try:
        data = await wechat_api().call(app, PHONE_NUMBER, {"code": phone_code})
    except WeChatApiError as exc:
        raise CodeInvalid() if exc.errcode in CODE_REJECTED else exc from None
    info = data.get("phone_info") or {}
    phone = info.get("purePhoneNumber") or info.get("phoneNumber")
    if not phone:
        raise WeChatApiError("no-phone")
    return str(phone)


async def sign_in(code: str, phone_code: str | None = None) -> TokenPair:
    app = mini_program()
    session = await code_to_session(app, code)
    phone = None if phone_code is None else await phone_number(app, phone_code)
    sealed = seal_text(session["session_key"], SESSION_KEY_PURPOSE)
    await repository.save_mini_program_session(
        app.app_id, session["openid"], session.get("unionid"), sealed
    )
    return await sign_in_channel_account(
        Channel.WECHAT_MP,
        app.app_id,
        session["openid"],
        unionid=session.get("unionid"),
        phone=phone,
    )
