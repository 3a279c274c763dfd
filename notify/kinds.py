"""Kinds of delivery: how a message reaches a resident, and which kind each channel uses first."""

from __future__ import annotations

from enum import StrEnum

from gateway.schemas import Channel


class Kind(StrEnum):
    WECHAT_OA = "wechat_oa"  # official-account template message
    WECHAT_MP = "wechat_mp"  # WeChat mini-program subscribe message
    ALIPAY_MP = "alipay_mp"  # Alipay mini-program subscribe message
    PUSH = "push"  # app push
    SMS = "sms"


# The kind that reaches a resident on the channel they used.
PRIMARY_KIND: dict[Channel, Kind] = {
    Channel.WECHAT_OA: Kind.WECHAT_OA,
    Channel.WECHAT_MP: Kind.WECHAT_MP,
    Channel.ALIPAY_MP: Kind.ALIPAY_MP,
    Channel.APP: Kind.PUSH,
    Channel.WEB: Kind.SMS,
}

# Subscribe messages need the resident's consent, counted per template.
CONSENT_CHANNEL: dict[Kind, Channel] = {
    Kind.WECHAT_MP: Channel.WECHAT_MP,
    Kind.ALIPAY_MP: Channel.ALIPAY_MP,
}
