"""What an official account receives and what it answers, independent of the wire format."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field
from wechatpy.replies import ArticlesReply, BaseReply, TextReply

from channels.wechat.errors import MessageMalformed

# WeChat shows at most this much of a text reply; longer ones are cut with an ellipsis.
MAX_TEXT_BYTES = 2000
MAX_ARTICLES = 8


@dataclass(frozen=True, slots=True)
class InboundMessage:
    to_user: str  # the official account's original id (gh_…)
    from_user: str  # the resident's openid
    create_time: int
    msg_type: str
    content: str = ""
    event: str = ""
    event_key: str = ""
    msg_id: str | None = None
    # TEMPLATESENDJOBFINISH: the template message WeChat reports on, and how it went
    sent_msg_id: str = ""
    status: str = ""

    @classmethod
    def from_fields(cls, fields: dict[str, str]) -> InboundMessage:
        missing = [
            k for k in ("ToUserName", "FromUserName", "CreateTime", "MsgType") if not fields.get(k)
        ]
        if missing:
            raise MessageMalformed(reason=f"missing {', '.join(missing)}")
        try:
            create_time = int(fields["CreateTime"])
        except ValueError:
            raise MessageMalformed(reason="CreateTime is not a number") from None
        return cls(
            to_user=fields["ToUserName"],
            from_user=fields["FromUserName"],
            create_time=create_time,
            msg_type=fields["MsgType"].lower(),
            content=fields.get("Content", ""),
            event=fields.get("Event", "").lower(),
            event_key=fields.get("EventKey", ""),
            msg_id=fields.get("MsgId") or None,
            sent_msg_id=fields.get("MsgID", ""),
            status=fields.get("Status", ""),
        )

    @property
    def dedupe_key(self) -> str:
        """WeChat's own rule: MsgId for messages, FromUserName + CreateTime for events."""
        if self.msg_id:
            return f"msg:{self.msg_id}"
        return f"evt:{self.from_user}:{self.create_time}"

    @property
    def kind(self) -> str:
        return f"event:{self.event}" if self.msg_type == "event" else self.msg_type


class Article(BaseModel):
    title: str
    description: str = ""
    url: str = ""
    image: str = ""


class Reply(BaseModel):
    """A passive reply or customer-service message: text, or news (图文) articles."""

    kind: Literal["text", "news"] = "text"
    text: str = ""
    articles: list[Article] = Field(default_factory=list)

    @classmethod
    def of_text(cls, text: str) -> Reply:
        return cls(kind="text", text=_clip(text))

    @classmethod
    def of_news(cls, articles: list[Article]) -> Reply:
        return cls(kind="news", articles=articles[:MAX_ARTICLES])

    def render_xml(self, message: InboundMessage) -> str:
        """The passive reply to `message` (sender and receiver swapped)."""
        reply: BaseReply
        route = {"source": _cdata(message.to_user), "target": _cdata(message.from_user)}
        if self.kind == "news":
            # A fresh list each time: ArticlesReply.add_article would grow a shared default.
            articles = [{k: _cdata(v) for k, v in a.model_dump().items()} for a in self.articles]
            reply = ArticlesReply(articles=articles, **route)
        else:
            reply = TextReply(content=_cdata(self.text), **route)
        return str(reply.render())

    def customer_service_body(self, openid: str) -> dict[str, Any]:
        """The body of `message/custom/send` (news: WeChat sends one article per message)."""
        if self.kind == "news" and self.articles:
            first = self.articles[0]
            article = {
                "title": first.title,
                "description": first.description,
                "url": first.url,
                "picurl": first.image,
            }
            return {"touser": openid, "msgtype": "news", "news": {"articles": [article]}}
        return {"touser": openid, "msgtype": "text", "text": {"content": self.text}}


def _cdata(value: str) -> str:
    """Keeps a value inside its CDATA section whatever it holds."""
    return value.replace("]]>", "]]]]><![CDATA[>")


def _clip(text: str) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= MAX_TEXT_BYTES:
        return text
    return encoded[: MAX_TEXT_BYTES - 3].decode("utf-8", errors="ignore") + "…"
