"""Statement parsers by provider name: a new platform's file format is a new module here."""

from __future__ import annotations

from payments.reconciliation.formats import alipay, wechatpay
from payments.reconciliation.statements import StatementParser

PARSERS: dict[str, StatementParser] = {
    "wechatpay": wechatpay.parse,
    "alipay": alipay.parse,
    "sandbox": wechatpay.parse,  # the sandbox writes its day book in WeChat Pay's format
}
