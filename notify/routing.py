"""Which kinds a message tries, in order: the channel the resident used for the action that
caused it, then the configured fallback (`GOVHUB_NOTIFY_FALLBACK`)."""

from __future__ import annotations

from gateway.schemas import Channel
from notify.kinds import PRIMARY_KIND, Kind
from notify.settings import NotifySettings
from notify.templates import Template

# The platform template each kind needs; SMS and push carry the plain text.
PLATFORM_KEY: dict[Kind, str] = {
    Kind.WECHAT_OA: "wechat_oa",
    Kind.WECHAT_MP: "wechat_mp",
    Kind.ALIPAY_MP: "alipay_mp",
}


def route_for(channel: Channel, settings: NotifySettings) -> list[str]:
    kinds = [PRIMARY_KIND[channel], *(Kind(k) for k in settings.fallback.get(channel.value, []))]
    return list(dict.fromkeys(k.value for k in kinds))


def carries(template: Template, kind: Kind) -> bool:
    """Whether the template has what `kind` needs (a registered platform template)."""
    key = PLATFORM_KEY.get(kind)
    return key is None or template.platform(key) is not None
