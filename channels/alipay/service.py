"""Alipay mini-program sign-in: `my.getAuthCode` → `alipay.system.oauth.token` → a GovHub
session for the Alipay user (user_id, or open_id for newer apps)."""

from __future__ import annotations

from channels.alipay.client import alipay_client
from channels.alipay.errors import AlipayApiError, AlipayCodeInvalid, AlipayPhoneInvalid
from channels.alipay.phone import open_phone_response
from channels.identity.service import sign_in_channel_account
from channels.identity.tokens import TokenPair
from gateway.schemas import Channel

OAUTH_TOKEN = "alipay.system.oauth.token"
CODE_REJECTED = frozenset({"isv.code-invalid", "isv.code-expired", "isv.code-used"})


async def sign_in(code: str, phone_response: str | None = None) -> TokenPair:
    """Signs the Alipay user in; with the `my.getPhoneNumber` answer, its verified phone joins
    the resident holding that phone."""
    client = alipay_client()
    phone = None
    if phone_response is not None:
        aes_key = client.settings.aes_key
        if aes_key is None or not aes_key.get_secret_value():
            raise AlipayPhoneInvalid()
        phone = open_phone_response(client.signer, aes_key.get_secret_value(), phone_response)
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
    return await sign_in_channel_account(
        Channel.ALIPAY_MP, client.settings.app_id, str(user), phone=phone
    )
