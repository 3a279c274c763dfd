"""Alipay mini-program sign-in: `my.getAuthCode` → `alipay.system.oauth.token` → a GovHub
session for the Alipay user (user_id, or open_id for newer apps)."""

from __future__ import annotations

from channels.alipay.client import alipay_client
from channels.alipay.errors import AlipayApiError, AlipayCodeInvalid
from channels.identity.service import sign_in_channel_account
from channels.identity.tokens import TokenPair
from gateway.schemas import Channel

OAUTH_TOKEN = "alipay.system.oauth.token"
CODE_REJECTED = frozenset({"isv.code-invalid", "isv.code-expired", "isv.code-used"})


async def sign_in(code: str) -> TokenPair:
    client = alipay_client()
    try:
        content = await client.call(OAUTH_TOKEN, grant_type="authorization_code", code=code)
    except AlipayApiError as exc:
        if exc.sub_code in CODE_REJECTED:
            raise AlipayCodeInvalid() from None
        raise
    user = content.get("user_id") or content.get("open_id")
    if not user:
        raise AlipayApiError("no-user")
    assert client.settings.app_id is not None
    return await sign_in_channel_account(Channel.ALIPAY_MP, client.settings.app_id, str(user))
