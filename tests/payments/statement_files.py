"""Statement files in the platforms' own formats, written the way the platforms write them."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date

from payments.providers.common import fen_to_yuan

WECHAT_ALL_HEADER = (
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,"
    "付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,"
    "退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
)
WECHAT_SUMMARY_HEADER = (
    "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
)
ALIPAY_HEADER = (
    "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,"
    "对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,"
    "商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,"
    "退款批次号/请求号,服务费（元）,分润（元）,备注"
)


class LegacyNameInfo(zipfile.ZipInfo):
    """A zip entry whose name is stored as GBK bytes with no UTF-8 flag."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:
        return self.filename.encode("cp437"), self.flag_bits


@dataclass(frozen=True, slots=True)
class Trade:
    out_trade_no: str
    amount_fen: int
    out_refund_no: str = ""  # set: the line is a refund of `amount_fen`
    status: str = "SUCCESS"  # WeChat's 交易状态 of a payment, or 退款状态 of a refund
    fee_fen: int = 0
    at: str = "10:00:00"


def wechat_bill(day: date, trades: list[Trade], count: int | None = None) -> bytes:
    """A WeChat Pay ALL trade bill: every field after a backquote, summary rows last."""
    lines = [WECHAT_ALL_HEADER]
    for trade in trades:
        refund = bool(trade.out_refund_no)
        yuan = fen_to_yuan(trade.amount_fen)
        fields = [
            f"{day.isoformat()} {trade.at}",
            "wx0000000000000oa1",
            "1900000109",
            "0",
            "",
            "4200000" + trade.out_trade_no[-8:],
            trade.out_trade_no,
            "oOA_resident",
            "JSAPI",
            "REFUND" if refund else trade.status,
            "OTHERS",
            "CNY",
            "0.00" if refund else yuan,
            "0.00",
            "5030000" + trade.out_refund_no[-6:] if refund else "0",
            trade.out_refund_no or "0",
            yuan if refund else "0.00",
            "0.00",
            "ORIGINAL" if refund else "",
            trade.status if refund else "",
            "水费",
            "",
            ("-" if refund else "") + fen_to_yuan(trade.fee_fen),
            "0.60%",
            "0.00" if refund else yuan,
            yuan if refund else "0.00",
            "",
        ]
        lines.append(",".join("`" + field for field in fields))
    paid = sum(t.amount_fen for t in trades if not t.out_refund_no)
    refunded = sum(t.amount_fen for t in trades if t.out_refund_no)
    lines.append(WECHAT_SUMMARY_HEADER)
    summary = [
        str(len(trades) if count is None else count),
        fen_to_yuan(paid),
        fen_to_yuan(refunded),
        "0.00",
        fen_to_yuan(sum(t.fee_fen for t in trades)),
        fen_to_yuan(paid),
        fen_to_yuan(refunded),
    ]
    lines.append(",".join("`" + field for field in summary))
    return ("\r\n".join(lines) + "\r\n").encode()


def alipay_bill(day: date, trades: list[Trade], totals: tuple[int, int] | None = None) -> bytes:
    """An Alipay trade bill: a zip of the 业务明细 and 业务明细(汇总) CSVs in GBK, their names in
    GBK without the UTF-8 flag, as Alipay's zips are."""
    stamp = day.strftime("%Y%m%d")
    rows = [
        "#支付宝业务明细查询",
        "#账号：[20881234567890120156]",
        f"#起始日期：[{day:%Y年%m月%d日} 00:00:00]   终止日期：[{day:%Y年%m月%d日} 23:59:59]",
        "#-----------------------------------------业务明细列表----------------------------------------",
        ALIPAY_HEADER,
    ]
    for trade in trades:
        refund = bool(trade.out_refund_no)
        sign = "-" if refund else ""
        yuan = sign + fen_to_yuan(trade.amount_fen)
        rows.append(
            ",".join(
                [
                    "2026" + trade.out_trade_no[-16:] + "\t",
                    trade.out_trade_no + "\t",
                    "退款" if refund else "交易",
                    "水费",
                    f"{day.isoformat()} {trade.at}",
                    f"{day.isoformat()} {trade.at}",
                    "",
                    "",
                    "",
                    "",
                    "ab***@example.com",
                    yuan,
                    yuan,
                    "0.00",
                    "0.00",
                    "0.00",
                    "0.00",
                    "0.00",
                    "",
                    "0.00",
                    "0.00",
                    trade.out_refund_no,
                    ("" if refund else "-") + fen_to_yuan(trade.fee_fen),
                    "0.00",
                    "",
                ]
            )
        )
    payments = sum(not t.out_refund_no for t in trades)
    refunds = len(trades) - payments
    stated = totals or (payments, refunds)
    rows += [
        "#-----------------------------------------业务明细列表结束------------------------------------",
        f"#交易合计：{stated[0]}笔，退款合计：{stated[1]}笔",
        f"#导出时间：[{day:%Y年%m月%d日} 09:00:00]",
    ]
    summary = [
        "#支付宝业务汇总查询",
        "门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）",
        f"合计,,{payments},{refunds},0.00,0.00",
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, lines in (
            (f"20881234567890120156_{stamp}_业务明细.csv", rows),
            (f"20881234567890120156_{stamp}_业务明细(汇总).csv", summary),
        ):
            info = LegacyNameInfo(name.encode("gbk").decode("cp437"))
            archive.writestr(info, "\r\n".join(lines).encode("gbk"))
    return buffer.getvalue()
