"""Alipay mini-program subscribe messages: `alipay.open.app.mini.templatemessage.send`, signed
RSA2 and its answer verified by `channels.alipay.client.AlipayClient` (the SDK's pure helpers,
sent through our async client)."""

from __future__ import annotations

import orjson

from channels.alipay.client import AlipayClient, alipay_client
from channels.alipay.errors import AlipayApiError, AlipaySignatureInvalid
from notify.kinds import Kind
from notify.providers.base import Outcome, OutgoingMessage, SendResult, result

METHOD = "alipay.open.app.mini.templatemessage.send"

# Gateway codes of the answer (`sub_code` goes to the detail).
RESULTS: dict[str, Outcome] = {
    "10000": Outcome.SENT,
    "unreachable": Outcome.RETRY,
    "bad-answer": Outcome.RETRY,  # not JSON: an error page of a proxy or a 5xx
    "signature-invalid": Outcome.RETRY,  # an answer we cannot trust: ask again
    "20000": Outcome.RETRY,  # service unavailable
    "20001": Outcome.PERMANENT,  # insufficient authorization
    "40001": Outcome.PERMANENT,  # missing parameter
    "40002": Outcome.PERMANENT,  # invalid parameter (user id, template id)
    "40004": Outcome.PERMANENT,  # business failure, e.g. no subscription
    "40006": Outcome.PERMANENT,  # the app lacks the permission
}


class AlipaySubscribeProvider:
    name = "alipay_subscribe"
    kind = Kind.ALIPAY_MP

    def __init__(self, client: AlipayClient) -> None:
        self.client = client

    @classmethod
    def from_settings(cls) -> AlipaySubscribeProvider:
        return cls(alipay_client())

    async def try_send(self, message: OutgoingMessage) -> SendResult:
        platform = message.rendered.template.alipay_mp
        if platform is None:
            return SendResult(Outcome.PERMANENT, "no-template")
        address = message.recipient.address
        fields = {name: {"value": v} for name, v in message.rendered.fields(platform).items()}
        content = {
            # 2088… is a user id; newer apps know residents by an open id instead
            "to_user_id" if address.startswith("2088") else "to_open_id": address,
            "user_template_id": platform.template_id,
            "page": message.rendered.page(platform) or "",
            "data": orjson.dumps(fields).decode(),
        }
        try:
            await self.client.call(METHOD, content)
        except AlipayApiError as exc:
            return result(RESULTS, exc.alipay_code, detail=exc.sub_code)
        except AlipaySignatureInvalid:
            return result(RESULTS, "signature-invalid")
        return result(RESULTS, "10000", message_id=message.reference)
