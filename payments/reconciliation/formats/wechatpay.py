"""WeChat Pay's trade bill (交易账单, types ALL, SUCCESS and REFUND), as `/v3/bill/tradebill`
delivers it: a header row, detail rows with a backquote before every field (so spreadsheets keep
long numbers), then a summary header (总交易单数, …) and one backquoted summary row. Amounts are
yuan. In the ALL bill a refund is its own row with 交易状态 REFUND."""

from __future__ import annotations

from payments.providers.common import fen_to_yuan
from payments.reconciliation.formats.common import (
    china_datetime,
    first,
    normalise_header,
    record,
    rows,
)
from payments.reconciliation.statements import (
    LineKind,
    Statement,
    StatementInvalid,
    StatementLine,
    signed_yuan_to_fen,
)

SUMMARY_FIRST_COLUMN = "总交易单数"
ALL_HEADER = (
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,"
    "付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,"
    "退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
)
SUMMARY_HEADER = (
    "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
)
BACKQUOTE = "`"


def parse(content: bytes) -> Statement:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StatementInvalid("a WeChat Pay bill is UTF-8") from None
    table = rows(text.splitlines())
    if not table:
        return Statement()
    header = [normalise_header(name) for name in table[0]]
    if "商户订单号" not in header:
        raise StatementInvalid("no 商户订单号 column: not a WeChat Pay trade bill")
    details, summary = table[1:], []
    for index, row in enumerate(details):
        if normalise_header(row[0]) == SUMMARY_FIRST_COLUMN:
            details, summary = details[:index], details[index:]
            break
    lines = [_line(record(header, row, BACKQUOTE)) for row in details]
    _check_summary(summary, len(lines))
    return Statement(lines)


def _line(fields: dict[str, str]) -> StatementLine:
    refund = fields["交易状态"] == "REFUND"
    if refund:
        amount = abs(signed_yuan_to_fen(first(fields, "申请退款金额", "退款金额")))
    else:
        amount = signed_yuan_to_fen(first(fields, "订单金额", "应结订单金额", "总金额"))
    return StatementLine(
        kind=LineKind.REFUND if refund else LineKind.PAYMENT,
        out_trade_no=fields["商户订单号"],
        out_refund_no=fields["商户退款单号"] if refund else "",
        amount_fen=amount,
        status=(fields.get("退款状态") if refund else None) or fields["交易状态"],
        provider_trade_no=fields.get("微信订单号", ""),
        fee_fen=signed_yuan_to_fen(fields.get("手续费", "0")),
        occurred_at=china_datetime(fields["交易时间"]),
    )


def _check_summary(summary: list[list[str]], count: int) -> None:
    """The summary's trade count must be the number of detail rows: a cut-off download (or a
    file edited by hand) is refused rather than reconciled."""
    if len(summary) < 2:
        raise StatementInvalid("the bill has no summary rows (总交易单数)")
    names = [normalise_header(name) for name in summary[0]]
    totals = record(names, summary[1], BACKQUOTE)
    try:
        stated = int(totals[SUMMARY_FIRST_COLUMN])
    except (KeyError, ValueError):
        raise StatementInvalid("the summary has no trade count") from None
    if stated != count:
        raise StatementInvalid(f"the summary counts {stated} trades, the bill lists {count}")


def wechat_bill(rows: list[list[str]]) -> bytes:
    """An ALL bill of `rows` (fields in ALL_HEADER order), as the sandbox's day book: the same
    file the parser reads, so `make run` reconciles end to end."""
    paid = sum(signed_yuan_to_fen(row[24]) for row in rows)
    refunded = sum(signed_yuan_to_fen(row[25]) for row in rows)
    lines = [ALL_HEADER, *(",".join("`" + field for field in row) for row in rows), SUMMARY_HEADER]
    totals = [
        str(len(rows)),
        fen_to_yuan(paid),
        fen_to_yuan(refunded),
        "0.00",
        "0.00",
        fen_to_yuan(paid),
        fen_to_yuan(refunded),
    ]
    lines.append(",".join("`" + field for field in totals))
    return ("\r\n".join(lines) + "\r\n").encode()
