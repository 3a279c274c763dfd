"""The hall counter: one QR code per demand that pays in whichever app scans it, and the
printable e-receipt with its own verification QR code.

The code encodes `/pay/{demand_no}`. Opened inside WeChat (`MicroMessenger` in the User-Agent)
it signs the resident in through the official account and pays with WeChat Pay JSAPI; inside
Alipay (`AlipayClient`) it redirects to Alipay's phone cashier; anywhere else it explains how to
pay and offers the platforms' own QR codes (WeChat Native, Alipay precreate). A test demand, or a
server with only the sandbox, pays at the sandbox cashier whatever scans it.
"""

from __future__ import annotations

import hashlib
import hmac
from enum import StrEnum
from html import escape

from channels.wechat.oauth import page_url
from channels.wechat.settings import wechat_config
from config.runtime import runtime
from payments import providers
from payments.api import Method, sandbox_method
from payments.providers.common import fen_to_yuan
from payments.providers.sandbox import SandboxProvider
from payments.states import TradeType
from services.demands.models import DemandState, FeeDemand, KeyMode
from services.qrcodes import qr_svg


class PayerApp(StrEnum):
    WECHAT = "wechat"
    ALIPAY = "alipay"
    OTHER = "other"


def payer_app(user_agent: str) -> PayerApp:
    if "MicroMessenger" in user_agent:
        return PayerApp.WECHAT
    if "AlipayClient" in user_agent:
        return PayerApp.ALIPAY
    return PayerApp.OTHER


def site(path: str) -> str:
    return runtime().settings.public_base_url.rstrip("/") + path


def pay_path(demand_no: str) -> str:
    return f"/pay/{demand_no}"


def wechat_sign_in_url(demand: FeeDemand) -> str | None:
    """The official-account OAuth link that lands on the JSAPI page, when WeChat Pay JSAPI and
    its official account are both configured."""
    wechatpay = providers.active().get("wechatpay")
    if demand.mode == KeyMode.TEST or wechatpay is None:
        return None
    app_id = wechatpay.payer_app_id(TradeType.JSAPI)
    if app_id is None or wechat_config().account(app_id) is None:
        return None
    return page_url(
        runtime().settings.public_base_url, app_id, f"{pay_path(demand.demand_no)}/wechat"
    )


def direct_method(demand: FeeDemand, app: PayerApp) -> Method | None:
    """The order a scan opens at once, without a sign-in: the sandbox cashier for test demands
    (playing the app that scanned), Alipay's phone cashier inside Alipay."""
    active = providers.active()
    if demand.mode == KeyMode.TEST:
        plays = "alipay" if app is PayerApp.ALIPAY else "wechatpay"
        return sandbox_method(plays) if active.get(SandboxProvider.name) else None
    if app is PayerApp.ALIPAY and active.get("alipay") is not None:
        return Method("alipay", TradeType.WAP)
    return None


def qr_methods(demand: FeeDemand) -> list[tuple[Method, str]]:
    """The platform QR codes offered to a browser that is neither app, with their labels."""
    if demand.mode == KeyMode.TEST:
        return [(sandbox_method(None), "沙箱收银台 Sandbox cashier")]
    offered = []
    for method, label in (
        (Method("wechatpay", TradeType.NATIVE), "微信扫码支付 Pay with WeChat"),
        (Method("alipay", TradeType.QR), "支付宝扫码支付 Pay with Alipay"),
    ):
        provider = providers.active().get(method.provider)
        if provider is not None and method.trade_type in provider.trade_types:
            offered.append((method, label))
    return offered


# ------------------------------------------------------------------------------ receipts


def receipt_code(demand: FeeDemand) -> str:
    """A keyed hash of what the receipt says: a changed amount or number no longer matches."""
    key = hmac.new(
        runtime().settings.secret_key.get_secret_value().encode(),
        b"govhub/demands/receipt",
        hashlib.sha256,
    ).digest()
    paid = str(int(demand.paid_at.timestamp())) if demand.paid_at else "-"
    message = "|".join([demand.demand_no, str(demand.amount_fen), demand.out_trade_no or "", paid])
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:20].upper()


def is_genuine(demand: FeeDemand, code: str) -> bool:
    return demand.state in (DemandState.PAID, DemandState.REFUNDED) and hmac.compare_digest(
        receipt_code(demand), code.strip().upper()
    )


# ------------------------------------------------------------------------------ pages

_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>{title}</title>
<style>body{{font-family:sans-serif;max-width:32rem;margin:1.5rem auto;padding:0 1rem;
line-height:1.5}} .amount{{font-size:2rem}} button{{font-size:1.1rem;padding:.6rem 1.2rem;
margin:.3rem 0;width:100%}} .qr svg{{width:16rem;height:16rem}} .muted{{color:#555}}
table{{border-collapse:collapse;width:100%}} td{{border-bottom:1px solid #ddd;padding:.3rem}}
</style></head><body>{body}</body></html>"""


def page(title: str, body: str) -> str:
    return _PAGE.format(title=escape(title), body=body)


def summary(demand: FeeDemand) -> str:
    return (
        f"<h1>{escape(demand.department.name)}</h1><p>{escape(demand.title)}</p>"
        f'<p class="amount">¥{fen_to_yuan(demand.amount_fen)}</p>'
        f'<p class="muted">缴费通知 Demand <code>{escape(demand.demand_no)}</code></p>'
    )


STATE_TEXT = {
    DemandState.PAID: "已缴清 Paid",
    DemandState.REFUNDED: "已退款 Refunded",
    DemandState.CANCELLED: "已撤销 Cancelled by the department",
    DemandState.EXPIRED: "已过期 Expired: ask the counter for a new one",
    DemandState.PAYING: "支付中 A payment is open: finish it, or try again in a few minutes",
}


def choices_page(demand: FeeDemand, note: str = "") -> str:
    """What a browser that is neither app sees: how to pay, and the platform QR codes."""
    if demand.state != DemandState.OPEN:
        return state_page(demand)
    buttons = "".join(
        f'<form method="post" action="{pay_path(demand.demand_no)}/qr/{name}">'
        f'<button type="submit">{escape(label)}</button></form>'
        for (name, _, _), label in qr_methods(demand)
    )
    if not buttons:
        buttons = (
            "<p>本服务暂未开通在线支付，请在窗口缴费。Online payment is not available here: "
            "please pay at the counter.</p>"
        )
    return page(
        "缴费 Pay",
        summary(demand)
        + (f"<p><b>{escape(note)}</b></p>" if note else "")
        + "<p>请用微信或支付宝扫描柜台上的二维码，即可直接支付。Scan the counter's QR code with "
        "WeChat or Alipay to pay at once, or choose below:</p>" + buttons,
    )


def state_page(demand: FeeDemand) -> str:
    receipt = (
        f'<p><a href="{pay_path(demand.demand_no)}/receipt">电子票据 E-receipt</a></p>'
        if demand.state in (DemandState.PAID, DemandState.REFUNDED)
        else ""
    )
    return page(
        "缴费 Pay",
        summary(demand)
        + f"<p><b>{escape(STATE_TEXT.get(demand.state, demand.state))}</b></p>"
        + receipt,
    )


def qr_page(demand: FeeDemand, label: str, content: str) -> str:
    return page(
        "扫码支付 Scan to pay",
        summary(demand)
        + f'<p>{escape(label)}</p><div class="qr">{qr_svg(content)}</div>'
        + f'<p class="muted"><a href="{pay_path(demand.demand_no)}">返回 Back</a></p>',
    )


def receipt_page(demand: FeeDemand, items: list[tuple[str, int, int]]) -> str:
    code = receipt_code(demand)
    verify = site(f"{pay_path(demand.demand_no)}/verify?code={code}")
    rows = "".join(
        f"<tr><td>{escape(name)}</td><td>× {quantity}</td><td>¥{fen_to_yuan(amount)}</td></tr>"
        for name, quantity, amount in items
    )
    paid = demand.paid_at.strftime("%Y-%m-%d %H:%M:%S UTC") if demand.paid_at else "-"
    order = escape(demand.out_trade_no or "")
    payer = escape(demand.payer_phone_masked or demand.payer_id_masked or "-")
    return page(
        "电子票据 E-receipt",
        summary(demand)
        + f"<table>{rows}</table>"
        + f"<p>支付时间 Paid at: {paid}<br>支付订单 Order: <code>{order}</code>"
        + f"<br>缴费人 Payer: {payer}"
        + f"<br>校验码 Verification code: <b>{code}</b></p>"
        + f'<div class="qr">{qr_svg(verify)}</div>'
        + '<p class="muted">扫码核验票据真伪。Scan to check this receipt is genuine.</p>',
    )


def verify_page(demand: FeeDemand | None, genuine: bool) -> str:
    if demand is None or not genuine:
        return page(
            "票据核验 Receipt check",
            "<h1>核验未通过 Not genuine</h1><p>该票据信息与系统记录不符。"
            "This receipt does not match our records.</p>",
        )
    return page(
        "票据核验 Receipt check",
        "<h1>票据真实有效 Genuine</h1>"
        + summary(demand)
        + f"<p>{escape(STATE_TEXT.get(demand.state, demand.state))}</p>",
    )


_WECHAT_JS = """<p id="status">正在发起微信支付… Starting WeChat Pay…</p>
<script>
(function () {
  var params = new URLSearchParams(location.hash.slice(1));
  var token = params.get("access_token");
  var status = document.getElementById("status");
  history.replaceState(null, "", location.pathname);
  if (!token) {
    status.textContent = "登录未完成，请重新扫码。Sign-in did not finish: scan again.";
    return;
  }
  fetch("/api/v1/services/demands/pay", {
    method: "POST",
    headers: {"Content-Type": "application/json", "Authorization": "Bearer " + token},
    body: JSON.stringify({demand_no: "%s", provider: "wechatpay", trade_type: "jsapi"})
  }).then(function (r) { return r.json(); }).then(function (answer) {
    if (answer.code !== "OK") { status.textContent = answer.message; return; }
    var pay = answer.data.payment.pay;
    if (pay.cashier_url) { location.href = pay.cashier_url; return; }
    WeixinJSBridge.invoke("getBrandWCPayRequest", pay, function (result) {
      status.textContent = result.err_msg === "get_brand_wcpay_request:ok"
        ? "支付完成 Paid" : "支付未完成 Not paid: scan again to retry";
      if (result.err_msg === "get_brand_wcpay_request:ok") { location.href = "%s"; }
    });
  }).catch(function () { status.textContent = "网络异常，请重试。Network error: try again."; });
})();
</script>"""


def wechat_page(demand: FeeDemand) -> str:
    no = escape(demand.demand_no)
    return page("微信支付 WeChat Pay", summary(demand) + _WECHAT_JS % (no, pay_path(no)))
