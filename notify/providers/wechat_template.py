"""WeChat official-account template messages: `POST /cgi-bin/message/template/send`.

The resident's openid belongs to one official account (`Recipient.app_id`); its token is used.
`client_msg_id` makes WeChat drop a repeat of the same message to the same openid. Delivery is
reported later by the `TEMPLATESENDJOBFINISH` event (see `notify.receipts.record_receipt`).
"""

from __future__ import annotations

from collections.abc import Callable

from channels.wechat.api import WeChatApi, wechat_api
from channels.wechat.oauth import page_url
from channels.wechat.settings import WeChatApp, wechat_config
from config.runtime import runtime
from gateway.clients import resident_page, resident_pages_served
from notify.kinds import Kind
from notify.providers import wechat
from notify.providers.base import Outcome, OutgoingMessage, SendResult

PATH = "/cgi-bin/message/template/send"

RESULTS: dict[str, Outcome] = wechat.TRANSPORT_RESULTS | {
    "40003": Outcome.PERMANENT,  # invalid openid
    "40036": Outcome.PERMANENT,  # invalid template_id size
    "40037": Outcome.PERMANENT,  # invalid template_id
    "43004": Outcome.PERMANENT,  # the resident does not follow the account
    "43019": Outcome.PERMANENT,  # the resident blocked the account
    "47001": Outcome.PERMANENT,  # malformed body
    "47003": Outcome.PERMANENT,  # a field value the template refuses
}


def _official_account(app_id: str) -> WeChatApp | None:
    account = wechat_config().account(app_id)
    return None if account is None else account.app


class WeChatTemplateProvider:
    name = "wechat_template"
    kind = Kind.WECHAT_OA

    def __init__(
        self, api: WeChatApi, accounts: Callable[[str], WeChatApp | None] = _official_account
    ) -> None:
        self.api = api
        self.accounts = accounts

    @classmethod
    def from_settings(cls) -> WeChatTemplateProvider:
        return cls(wechat_api())

    async def try_send(self, message: OutgoingMessage) -> SendResult:
        platform = message.rendered.template.wechat_oa
        if platform is None:
            return SendResult(Outcome.PERMANENT, "no-template")
        app = self.accounts(message.recipient.app_id or "")
        if app is None:
            return SendResult(Outcome.PERMANENT, "account-not-configured")
        body = {
            "touser": message.recipient.address,
            "template_id": platform.template_id,
            "data": wechat.data_fields(message.rendered.fields(platform)),
            "client_msg_id": message.reference,
            **links(message, app.app_id),
        }
        return await wechat.call(self.api, app, PATH, body, RESULTS)


def links(message: OutgoingMessage, app_id: str) -> dict[str, object]:
    """Where tapping the message leads: the resident page showing the matter (through the
    official account's sign-in) once the pages are served, and the same page in the WeChat
    mini-program when one is configured. The page is the one the event's mini-program template
    names, the same path in the H5 and the mini-program builds. No page, no link: a message
    never leads to a page that is not there."""
    template = message.rendered.template
    page = message.rendered.page(template.wechat_mp) if template.wechat_mp else None
    if not page:
        return {}
    found: dict[str, object] = {}
    if resident_pages_served():
        base = runtime().settings.public_base_url
        found["url"] = page_url(base, app_id, resident_page(page))
    mini_program = wechat_config().mini_program
    if mini_program is not None:
        found["miniprogram"] = {"appid": mini_program.app_id, "pagepath": page}
    return found
