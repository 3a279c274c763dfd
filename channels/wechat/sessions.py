"""The GovHub session behind an official-account follower, for actions that need a resident.

WeChat's signature vouches for the openid, so the channel account is signed in as is. The
access token is kept in the store for a while, so a chat does not open a session per message.
"""

from __future__ import annotations

from channels.identity.service import sign_in_channel_account
from config.runtime import runtime
from gateway.schemas import Channel

SESSION_CACHE_SECONDS = 600


async def resident_credentials(app_id: str, openid: str) -> str:
    store = runtime().store
    key = f"wechat:oa:session:{app_id}:{openid}"
    cached = await store.get(key)
    if cached is not None:
        return cached
    pair = await sign_in_channel_account(Channel.WECHAT_OA, app_id, openid)
    ttl = min(SESSION_CACHE_SECONDS, max(pair.expires_in - 60, 1))
    await store.set(key, pair.access_token, ttl=ttl)
    return pair.access_token
