"""What the city-services account answers to a message: keywords and menu clicks become gateway
actions (table in `config/wechat_oa.py`), `subscribe` gets the welcome, the rest gets help."""

from __future__ import annotations

from dataclasses import dataclass

from channels.wechat.messages import InboundMessage, Reply
from channels.wechat.render import RenderContext, coming_soon, render_result
from channels.wechat.sessions import resident_credentials
from channels.wechat.settings import OfficialAccount
from config.wechat_oa import CLICKS, HELP_CLICK, KEYWORDS, ActionRoute
from gateway.codes import Code
from gateway.schemas import Channel, IdentityLevel, ServiceRequest
from gateway.service import Gateway
from notify.providers.wechat_template import WeChatTemplateProvider
from notify.receipts import record_receipt

SUBSCRIBE_EVENTS = frozenset({"subscribe", "subscribe_scan"})
TEMPLATE_SENT = "templatesendjobfinish"


@dataclass(frozen=True, slots=True)
class Intent:
    route: ActionRoute
    argument: str


def match_keyword(text: str) -> Intent | None:
    """`水费 1234` → the 水费 route with argument `1234` (full-width spaces count too)."""
    words = text.replace("\u3000", " ").strip().split(maxsplit=1)
    if not words or words[0] not in KEYWORDS:
        return None
    return Intent(KEYWORDS[words[0]], words[1].strip() if len(words) > 1 else "")


class Responder:
    def __init__(self, gateway: Gateway, account: OfficialAccount, ctx: RenderContext) -> None:
        self.gateway = gateway
        self.account = account
        self.ctx = ctx

    async def respond(self, message: InboundMessage, request_id: str = "-") -> Reply | None:
        """The reply, or None when WeChat should show nothing."""
        if message.msg_type == "event":
            return await self._on_event(message, request_id)
        intent = match_keyword(message.content) if message.msg_type == "text" else None
        if intent is None:
            return self.help()
        return await self._run(intent, message, request_id)

    async def _on_event(self, message: InboundMessage, request_id: str) -> Reply | None:
        if message.event in SUBSCRIBE_EVENTS:
            return Reply.of_text(self.ctx.text("welcome", usage=self.usage()))
        if message.event == TEMPLATE_SENT and message.sent_msg_id:
            # WeChat's delivery receipt for a template message notify sent.
            await record_receipt(
                WeChatTemplateProvider.name,
                message.sent_msg_id,
                delivered=message.status == "success",
                detail=message.status,
            )
            return None
        if message.event == "click":
            route = CLICKS.get(message.event_key)
            if route is None or message.event_key == HELP_CLICK:
                return self.help()
            return await self._run(Intent(route, ""), message, request_id)
        return None  # unsubscribe, view, location…: WeChat shows nothing for `success`

    async def _run(self, intent: Intent, message: InboundMessage, request_id: str) -> Reply:
        route = intent.route
        if self.gateway.registry.find(route.service, route.action) is None:
            return coming_soon(self.ctx, self.usage())
        if route.param and not intent.argument:
            return Reply.of_text(self.ctx.text("needs_param", usage=self._usage_of(route)))
        params = dict(route.fixed)
        if route.param:
            params[route.param] = intent.argument
        request = ServiceRequest(
            service=route.service,
            action=route.action,
            params=params,
            channel=Channel.WECHAT_OA,
            credentials=await self._credentials(route, message.from_user),
            request_id=request_id,
            locale=self.ctx.locale,
            # Every message comes from WeChat's servers: count limits per resident instead.
            client_ip=f"wechat:{message.from_user}",
        )
        result = await self.gateway.invoke(request)
        if result.code == Code.VALIDATION_FAILED and route.param:
            # The word after the keyword is not of the right shape: show how to send it.
            return Reply.of_text(self.ctx.text("needs_param", usage=self._usage_of(route)))
        return render_result(route.service, route.action, result, self.ctx, self.usage())

    async def _credentials(self, route: ActionRoute, openid: str) -> str | None:
        """Residents are signed in only for actions that need to know who they are."""
        action = self.gateway.registry.find(route.service, route.action)
        if action is None or action.identity == IdentityLevel.ANONYMOUS:
            return None
        return await resident_credentials(self.account.app_id, openid)

    def help(self) -> Reply:
        return Reply.of_text(self.ctx.text("help", usage=self.usage()))

    def usage(self) -> str:
        """One line per keyword whose action the gateway offers right now."""
        lines = [
            self._usage_of(route)
            for route in KEYWORDS.values()
            if self.gateway.registry.find(route.service, route.action) is not None
        ]
        return "\n".join(lines)

    def _usage_of(self, route: ActionRoute) -> str:
        return route.usage_en if self.ctx.locale.startswith("en") else route.usage_zh
