"""WeChat mini-program subscribe messages: `POST /cgi-bin/message/subscribe/send`.

WeChat accepts one message per acceptance of a one-time subscription; GovHub counts the
acceptances itself (`SubscribeConsent`) and sends only while one is left.
"""

from __future__ import annotations

from channels.wechat.api import WeChatApi, wechat_api
from channels.wechat.settings import WeChatApp, wechat_config
from notify.kinds import Kind
from notify.providers import wechat
from notify.providers.base import Outcome, OutgoingMessage, SendResult
from notify.settings import notify_settings

PATH = "/cgi-bin/message/subscribe/send"

RESULTS: dict[str, Outcome] = wechat.TRANSPORT_RESULTS | {
    "40003": Outcome.PERMANENT,  # invalid openid
    "40037": Outcome.PERMANENT,  # invalid template_id
    "41030": Outcome.PERMANENT,  # invalid page
    "43101": Outcome.PERMANENT,  # the resident has no subscription left for this template
    "47003": Outcome.PERMANENT,  # a field value the template refuses
}


class WeChatSubscribeProvider:
    name = "wechat_subscribe"
    kind = Kind.WECHAT_MP

    def __init__(self, api: WeChatApi, app: WeChatApp | None, state: str = "formal") -> None:
        self.api = api
        self.app = app
        self.state = state

    @classmethod
    def from_settings(cls) -> WeChatSubscribeProvider:
        return cls(wechat_api(), wechat_config().mini_program, notify_settings().wechat_mp_state)

    async def try_send(self, message: OutgoingMessage) -> SendResult:
        platform = message.rendered.template.wechat_mp
        if platform is None:
            return SendResult(Outcome.PERMANENT, "no-template")
        if self.app is None:
            return SendResult(Outcome.PERMANENT, "mini-program-not-configured")
        body = {
            "touser": message.recipient.address,
            "template_id": platform.template_id,
            "page": message.rendered.page(platform) or "",
            "data": wechat.data_fields(message.rendered.fields(platform)),
            "miniprogram_state": self.state,
            "lang": "zh_CN",
        }
        return await wechat.call(self.api, self.app, PATH, body, RESULTS)
