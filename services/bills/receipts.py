"""E-receipts: numbering, the verification code printed on them, and the printable page."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from html import escape

from config.runtime import runtime
from payments.providers.common import fen_to_yuan
from services.bills.models import Receipt
from services.bills.providers.base import KIND_NAMES
from services.bills.schemas import ReceiptItem, ReceiptRead
from services.bills.settings import bills_settings


def new_receipt_no(now: datetime) -> str:
    """20 characters: the date for people filing it, 40 random bits so numbers are not a list."""
    return f"BR{now:%Y%m%d}{secrets.token_hex(5).upper()}"


def verification_code(
    receipt_no: str, amount_fen: int, out_trade_no: str, confirmation_no: str, issued_at: datetime
) -> str:
    """A keyed hash of what the receipt says: a changed amount or number no longer matches."""
    key = hmac.new(
        runtime().settings.secret_key.get_secret_value().encode(),
        b"govhub/bills/receipt",
        hashlib.sha256,
    ).digest()
    message = "|".join(
        [
            receipt_no,
            str(amount_fen),
            out_trade_no,
            confirmation_no,
            str(int(issued_at.timestamp())),
        ]
    )
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:20].upper()


def is_genuine(receipt: Receipt, code: str) -> bool:
    expected = verification_code(
        receipt.receipt_no,
        receipt.amount_fen,
        receipt.out_trade_no,
        receipt.confirmation_no,
        receipt.issued_at,
    )
    return hmac.compare_digest(expected, receipt.verification) and hmac.compare_digest(
        expected, code.upper()
    )


def print_url(receipt: Receipt) -> str:
    base = runtime().settings.public_base_url.rstrip("/")
    return f"{base}/bills/receipts/{receipt.receipt_no}?v={receipt.verification}"


def receipt_read(receipt: Receipt) -> ReceiptRead:
    return ReceiptRead(
        receipt_no=receipt.receipt_no,
        kind=receipt.kind,
        company_name=receipt.company_name,
        account_no=receipt.account_masked,
        holder=receipt.holder_masked,
        payer=receipt.payer_masked,
        items=[ReceiptItem.model_validate(item) for item in receipt.items],
        amount_fen=receipt.amount_fen,
        out_trade_no=receipt.out_trade_no,
        confirmation_no=receipt.confirmation_no,
        verification=receipt.verification,
        issued_at=receipt.issued_at,
        print_url=print_url(receipt),
    )


_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>电子缴费票据 {receipt_no}</title>
<style>body{{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}}
table{{border-collapse:collapse;width:100%}} td,th{{border:1px solid #999;padding:.3rem .5rem}}
th{{text-align:left;background:#f3f3f3}} .total{{font-size:1.3rem}} .code{{font-family:monospace}}
@media print{{.noprint{{display:none}}}}</style></head><body>
<h1>电子缴费票据 <small>E-receipt</small></h1>
<table>
<tr><th>票据号 Receipt no.</th><td class="code">{receipt_no}</td></tr>
<tr><th>收费单位 Company</th><td>{company} · {kind}</td></tr>
<tr><th>户号 Account</th><td>{account}</td></tr>
<tr><th>户名 Holder</th><td>{holder}</td></tr>
<tr><th>付款人 Payer</th><td>{payer}</td></tr>
<tr><th>开具时间 Issued</th><td>{issued_at}</td></tr>
<tr><th>支付订单 Order</th><td class="code">{out_trade_no}</td></tr>
<tr><th>销账流水 Write-off</th><td class="code">{confirmation_no}</td></tr>
</table>
<h2>明细 Items</h2>
<table><tr><th>账期 Period</th><th>账单 Bill</th><th>金额（元）Yuan</th></tr>{rows}</table>
<p class="total">合计 Total: ¥{total}</p>
<p>校验码 Verification: <span class="code">{verification}</span></p>
<p class="noprint"><button onclick="window.print()">打印 Print</button></p>
</body></html>"""


def render_html(receipt: Receipt) -> str:
    rows = "".join(
        f"<tr><td>{escape(str(item['period']))}</td><td>{escape(str(item['bill_id']))}</td>"
        f"<td>{fen_to_yuan(int(str(item['amount_fen'])))}</td></tr>"
        for item in receipt.items
    )
    return _PAGE.format(
        receipt_no=escape(receipt.receipt_no),
        company=escape(receipt.company_name),
        kind=escape(KIND_NAMES[receipt.kind][0]),
        account=escape(receipt.account_masked),
        holder=escape(receipt.holder_masked),
        payer=escape(receipt.payer_masked),
        issued_at=receipt.issued_at.astimezone(bills_settings().zone).strftime("%Y-%m-%d %H:%M:%S"),
        out_trade_no=escape(receipt.out_trade_no),
        confirmation_no=escape(receipt.confirmation_no),
        rows=rows,
        total=fen_to_yuan(receipt.amount_fen),
        verification=escape(receipt.verification),
    )
