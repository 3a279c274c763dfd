"""Turning a gateway result into an official-account reply: a renderer per (service, action),
a generic one for everything else, and the fixed texts (welcome, help, coming soon)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from channels.wechat.messages import Article, Reply
from channels.wechat.oauth import page_url
from gateway.codes import Code
from gateway.schemas import ServiceResult


@dataclass(frozen=True, slots=True)
class RenderContext:
    locale: str
    base_url: str  # public address of this site
    app_id: str
    pages_served: bool = False  # the resident H5 pages are built and served at /h5/

    def page(self, path: str) -> str | None:
        """A resident page through OAuth, or None while the pages are not served: a reply never
        links to a page that is not there."""
        return page_url(self.base_url, self.app_id, path) if self.pages_served else None

    def text(self, key: str, **fields: Any) -> str:
        zh, en = TEXTS[key]
        return (en if self.locale.startswith("en") else zh).format(**fields)


TEXTS: dict[str, tuple[str, str]] = {
    "welcome": (
        "欢迎关注城市服务！您可以直接发送关键词办事：\n{usage}",
        "Welcome to city services! Send a keyword to get started:\n{usage}",
    ),
    "help": ("您可以发送：\n{usage}", "You can send:\n{usage}"),
    "coming_soon": (
        "该服务暂未开通，敬请期待。\n{usage}",
        "This service is coming soon.\n{usage}",
    ),
    "needs_param": ("请按格式发送：{usage}", "Please send: {usage}"),
    "sign_in": ("请先登录后再查询：{url}", "Please sign in first: {url}"),
    "sign_in_here": (
        "请先登录后再查询：发送任意消息即可用本公众号账号登录。",
        "Please sign in first: send any message to sign in with this account.",
    ),
    "real_name": (
        "该事项需要先完成实名认证：{url}",
        "This needs a real-name verified account: {url}",
    ),
    "real_name_elsewhere": (
        "该事项需要先完成实名认证，请在城市服务 App 或小程序「我的」中完成后再试。",
        "This needs a real-name verified account: verify in the city-services app or "
        "mini-program under 我的 (Me), then try again.",
    ),
    "empty": ("没有找到相关结果。", "Nothing was found."),
    "arrears": (
        "{company} 户号 {account}（{holder}）：待缴 {count} 笔，合计 {yuan} 元",
        "{company} account {account} ({holder}): {count} unpaid, ¥{yuan} in all",
    ),
    "no_arrears": (
        "{company} 户号 {account}（{holder}）：没有待缴账单。",
        "{company} account {account} ({holder}): nothing to pay.",
    ),
    "account": (
        "实名认证：{verified}\n手机号：{phone}\n已关联渠道：{channels}",
        "Real-name verified: {verified}\nPhone: {phone}\nLinked channels: {channels}",
    ),
    "yes": ("已认证", "yes"),
    "no": ("未认证", "no"),
    "none": ("未绑定", "none"),
    "pay_at": ("缴费：{url}", "Pay: {url}"),
    "pay_elsewhere": (
        "可在城市服务 App 或小程序「生活缴费」中缴纳。",
        "Pay in the city-services app or mini-program under 生活缴费 (Bills).",
    ),
    "no_ticket": ("您今天还没有取号。", "You have no queue number today."),
    "ticket": (
        "{label}：前面还有 {ahead} 人，预计等候约 {minutes} 分钟",
        "{label}: {ahead} ahead, about {minutes} min",
    ),
    "ticket_called": ("{label}：请到 {window} 办理", "{label}: please go to {window}"),
    "done": ("已办理。", "Done."),
    "promised_days": ("承诺{days}个工作日", "done within {days} working days"),
    "fee": ("收费{yuan}元", "fee ¥{yuan}"),
    "free": ("免费", "free"),
}

Renderer = Callable[[Any, RenderContext], Reply]
MAX_LINES = 12


def _items(data: Any) -> list[dict[str, Any]]:
    """The list inside a result: a page's `items` (list actions answer `Page`), or the result
    itself when it is a bare list."""
    if isinstance(data, dict):
        data = next((data[k] for k in ("items", "results", "data") if k in data), [])
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []


def render_catalog_search(data: Any, ctx: RenderContext) -> Reply:
    items = _items(data)
    if not items:
        return Reply.of_text(ctx.text("empty"))
    articles = [
        Article(
            title=str(item.get("name") or item.get("title") or item.get("code", "")),
            description=str(item.get("summary") or item.get("description") or _facts(item, ctx)),
            url=ctx.page(f"/h5/pages/catalog/item?code={item['code']}") or ""
            if item.get("code")
            else "",
        )
        for item in items
    ]
    if not all(article.url for article in articles):
        # A news card without a page to open would be a dead end: list the items as text.
        return Reply.of_text(
            "\n".join(
                f"{a.title}（{a.description}）" if a.description else a.title
                for a in articles[:MAX_LINES]
            )
        )
    return Reply.of_news(articles)


def _facts(item: dict[str, Any], ctx: RenderContext) -> str:
    """`承诺5个工作日 · 免费` from an item summary's time limit and fee (integer fen)."""
    parts = []
    if isinstance(item.get("promised_days"), int) and item["promised_days"] > 0:
        parts.append(ctx.text("promised_days", days=item["promised_days"]))
    fee = item.get("fee_fen")
    if isinstance(fee, int):
        parts.append(ctx.text("fee", yuan=f"{fee / 100:.2f}") if fee else ctx.text("free"))
    return " · ".join(parts)


def render_my_numbers(data: Any, ctx: RenderContext) -> Reply:
    """Today's numbers (the `items` of the page): how many are ahead and the wait, or the
    window once called."""
    tickets = _items(data)
    if not tickets:
        return Reply.of_text(ctx.text("no_ticket"))
    lines = []
    for ticket in tickets:
        label = str(ticket.get("label", ""))
        if ticket.get("window_name"):
            lines.append(ctx.text("ticket_called", label=label, window=ticket["window_name"]))
        else:
            wait = ticket.get("estimated_wait_seconds") or 0
            lines.append(
                ctx.text("ticket", label=label, ahead=ticket.get("ahead") or 0, minutes=wait // 60)
            )
    return Reply.of_text("\n".join(lines))


def render_arrears(data: Any, ctx: RenderContext) -> Reply:
    """What an account owes and where to pay it."""
    if not isinstance(data, dict):
        return render_generic(data, ctx)
    facts = {
        "company": data.get("company_name", ""),
        "account": data.get("account_no", ""),
        "holder": data.get("holder", ""),
    }
    unpaid = [bill for bill in data.get("bills") or [] if isinstance(bill, dict)]
    payable = data.get("payable_fen") or 0
    if not unpaid or not payable:
        return Reply.of_text(ctx.text("no_arrears", **facts))
    url = ctx.page(f"/h5/pages/bills/index?kind={data.get('kind', '')}&account={facts['account']}")
    lines = [
        ctx.text("arrears", count=len(unpaid), yuan=f"{payable / 100:.2f}", **facts),
        ctx.text("pay_at", url=url) if url else ctx.text("pay_elsewhere"),
    ]
    return Reply.of_text("\n".join(lines))


def render_account(data: Any, ctx: RenderContext) -> Reply:
    """The follower's own account: level, masked phone, the channels it is linked to."""
    if not isinstance(data, dict):
        return render_generic(data, ctx)
    accounts = [a for a in data.get("channel_accounts") or [] if isinstance(a, dict)]
    channels = sorted({str(a.get("channel", "")) for a in accounts} - {""})
    text = ctx.text(
        "account",
        verified=ctx.text("yes" if data.get("level") == "real_name" else "no"),
        phone=data.get("phone") or ctx.text("none"),
        channels="、".join(channels) or ctx.text("none"),
    )
    return Reply.of_text(text)


def render_generic(data: Any, ctx: RenderContext) -> Reply:
    """`key：value` lines for a record, one line per entry for a list or a page's `items`, the
    value otherwise."""
    if data is None:
        return Reply.of_text(ctx.text("done"))
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]  # a page of a list action: its rows, never `next_cursor`
    if data == [] or data == ():
        return Reply.of_text(ctx.text("empty"))
    items = _items(data)
    if items:
        lines = [" ".join(str(v) for v in item.values() if _scalar(v)) for item in items]
    elif isinstance(data, dict):
        lines = [f"{k}：{v}" for k, v in data.items() if _scalar(v)]
    else:
        lines = [str(data)]
    if not lines:
        return Reply.of_text(ctx.text("empty"))
    return Reply.of_text("\n".join(lines[:MAX_LINES]))


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) and value != ""


RENDERERS: dict[tuple[str, str], Renderer] = {
    ("catalog", "search"): render_catalog_search,
    ("queue", "my-numbers"): render_my_numbers,
    ("bills", "arrears"): render_arrears,
    ("account", "me"): render_account,
}


def coming_soon(ctx: RenderContext, usage: str) -> Reply:
    """An action not offered yet: say so kindly, and what works instead."""
    return Reply.of_text(ctx.text("coming_soon", usage=usage).strip())


def render_result(
    service: str, action: str, result: ServiceResult, ctx: RenderContext, usage: str
) -> Reply:
    """The reply for a result; failures the resident can act on get a way forward."""
    if result.ok:
        return RENDERERS.get((service, action), render_generic)(result.data, ctx)
    if result.code in (Code.UNKNOWN_SERVICE, Code.UNKNOWN_ACTION, Code.CHANNEL_NOT_ALLOWED):
        return coming_soon(ctx, usage)
    if result.code in (Code.LOGIN_REQUIRED, Code.TOKEN_INVALID, Code.TOKEN_EXPIRED):
        url = ctx.page("/h5/pages/me/index")
        return Reply.of_text(ctx.text("sign_in", url=url) if url else ctx.text("sign_in_here"))
    if result.code == Code.REAL_NAME_REQUIRED:
        url = ctx.page("/h5/pages/me/real-name")
        return Reply.of_text(
            ctx.text("real_name", url=url) if url else ctx.text("real_name_elsewhere")
        )
    return Reply.of_text(result.message)
