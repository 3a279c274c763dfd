"""Alipay's trade bill (`alipay.data.dataservice.bill.downloadurl.query`, bill_type trade): a
zip of two GBK CSV files, `…_业务明细.csv` with one row per trade or refund and
`…_业务明细(汇总).csv` with the totals. Comment lines start with `#`; the detail file ends with
`#交易合计：N笔，退款合计：M笔`, which must match the rows. Amounts are yuan, a refund's negative.
Zip entries carry GBK names without the UTF-8 flag, so their names are decoded here."""

from __future__ import annotations

import io
import re
import zipfile

from payments.reconciliation.formats.common import china_datetime, normalise_header, record, rows
from payments.reconciliation.statements import (
    LineKind,
    Statement,
    StatementInvalid,
    StatementLine,
    signed_yuan_to_fen,
)

DETAIL = "业务明细"
SUMMARY_MARK = "汇总"
TOTALS = re.compile(r"交易合计[:：]\s*(\d+)\s*笔[,，]\s*退款合计[:：]\s*(\d+)\s*笔")
KINDS = {"交易": LineKind.PAYMENT, "退款": LineKind.REFUND}


def entry_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:  # the name is UTF-8 and already decoded
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def detail_file(content: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise StatementInvalid("an Alipay bill is a zip file") from None
    with archive:
        for info in archive.infolist():
            name = entry_name(info)
            if name.endswith(".csv") and DETAIL in name and SUMMARY_MARK not in name:
                return archive.read(info).decode("gbk")
    raise StatementInvalid("the zip holds no 业务明细 file")


def parse(content: bytes) -> Statement:
    text = detail_file(content)
    comments = [line for line in text.splitlines() if line.startswith("#")]
    table = rows(line for line in text.splitlines() if not line.startswith("#"))
    if not table:
        raise StatementInvalid("the 业务明细 file has no header row")
    header = [normalise_header(name) for name in table[0]]
    if "商户订单号" not in header or "业务类型" not in header:
        raise StatementInvalid("no 商户订单号 / 业务类型 column: not an Alipay trade bill")
    lines = [line for row in table[1:] if (line := _line(record(header, row))) is not None]
    _check_totals(comments, lines)
    return Statement(lines)


def _line(fields: dict[str, str]) -> StatementLine | None:
    kind = KINDS.get(fields["业务类型"])
    if kind is None:
        return None  # other business types (冻结, 分账, …) are not trades of ours
    return StatementLine(
        kind=kind,
        out_trade_no=fields["商户订单号"],
        out_refund_no=fields.get("退款批次号/请求号", "") if kind is LineKind.REFUND else "",
        amount_fen=abs(signed_yuan_to_fen(fields["订单金额(元)"])),
        status=fields["业务类型"],
        provider_trade_no=fields.get("支付宝交易号", ""),
        fee_fen=-signed_yuan_to_fen(fields.get("服务费(元)", "0")),
        occurred_at=china_datetime(fields.get("完成时间", "")),
    )


def _check_totals(comments: list[str], lines: list[StatementLine]) -> None:
    for comment in comments:
        if match := TOTALS.search(comment):
            payments, refunds = int(match[1]), int(match[2])
            found = (
                sum(line.kind is LineKind.PAYMENT for line in lines),
                sum(line.kind is LineKind.REFUND for line in lines),
            )
            if (payments, refunds) != found:
                raise StatementInvalid(
                    f"the bill totals {payments} trades and {refunds} refunds, "
                    f"its rows {found[0]} and {found[1]}"
                )
            return
    raise StatementInvalid("the 业务明细 file has no 交易合计 line")
