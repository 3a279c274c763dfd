"""The sandbox provider: a pretend platform so the whole payment flow runs without merchants.

Its "platform side" (which trades exist, whether they were paid, their refunds) lives in the
database (`SandboxTrade`), so a restart loses nothing and it writes a day statement in WeChat
Pay's trade-bill format for reconciliation; its cashier page (`/sandbox/cashier/{out_trade_no}`,
payments/router.py) is where a developer pays or fails a payment. The notification it then
sends is WeChat Pay's API v3 notification in form: the transaction as WeChat Pay describes it,
encrypted AEAD_AES_256_GCM under an APIv3 key, the body signed RSA-SHA256 with a platform key
named by its serial in the Wechatpay-* headers; and it is read by the very function the WeChat
Pay provider reads its own with (`wechatpay.read_notification`), so the path from the sandbox
to fulfilment is the production one and a forged, tampered or stale sandbox notification is
refused the same way.

A trade opened for a channel that pays with Alipay (`CreateRequest.stands_for`) is notified as
Alipay notifies instead: the asynchronous notification form, signed RSA2 with an Alipay key of
the sandbox's, verified by the Alipay provider's `alipay.read_notification` and answered with
Alipay's plain `success`.

The sandbox generates its platform keys and APIv3 key when the process first needs them
(`platform_keys()`). Each process needs only its own: the cashier hands a notification to the
notify path in the same process, never over HTTP to another worker.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from typing import Any, ClassVar
from urllib.parse import urlencode

import orjson
from alipay import AliPay
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from wechatpayv3.utils import rsa_sign

from payments.models import SandboxTrade
from payments.providers import alipay, wechatpay
from payments.providers.base import (
    Acknowledgement,
    ClientPayment,
    CreateRequest,
    Notification,
    PaymentReport,
    ProviderContext,
    ProviderError,
    RefundReport,
    RefundRequest,
)
from payments.providers.common import (
    CHINA_TIME,
    fen_to_yuan,
    form_acknowledgement,
    json_acknowledgement,
)
from payments.reconciliation.formats.wechatpay import wechat_bill
from payments.states import PaymentOutcome, RefundOutcome, TradeType

APP_ID = "sandbox-app"
MERCHANT_ID = "sandbox-merchant"
WECHATPAY = "wechatpay"
ALIPAY = "alipay"
FORM = "application/x-www-form-urlencoded"

# The sandbox platform's trade statuses and what they mean to us.
TRADE_STATUSES: dict[str, PaymentOutcome] = {
    "NOTPAY": PaymentOutcome.PENDING,
    "SUCCESS": PaymentOutcome.PAID,
    "PAYERROR": PaymentOutcome.FAILED,
    "CLOSED": PaymentOutcome.CLOSED,
}
REFUND_STATUSES: dict[str, RefundOutcome] = {
    "SUCCESS": RefundOutcome.SUCCEEDED,
    "PROCESSING": RefundOutcome.PROCESSING,
    "FAILED": RefundOutcome.FAILED,
}


def _rsa_key() -> RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(key: RSAPrivateKey | RSAPublicKey) -> str:
    if isinstance(key, RSAPrivateKey):
        raw = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    else:
        raw = key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    return raw.decode()


@dataclass(frozen=True, slots=True)
class PlatformKeys:
    """The sandbox platform's keys: as WeChat Pay holds them, its RSA platform key (and the
    serial that names it) and the merchant's APIv3 key; as Alipay does, Alipay's RSA key and the
    app's (the SDK verifies only as an app)."""

    private_key: RSAPrivateKey
    serial: str
    apiv3_key: str  # 32 characters
    alipay_key: RSAPrivateKey
    alipay_app_key: RSAPrivateKey

    @classmethod
    def generate(cls) -> PlatformKeys:
        return cls(
            _rsa_key(),
            secrets.token_hex(20).upper(),
            secrets.token_hex(16),
            _rsa_key(),
            _rsa_key(),
        )

    @property
    def public_key(self) -> RSAPublicKey:
        return self.private_key.public_key()

    def alipay_verifier(self) -> AliPay:
        """The SDK object an app configured with the sandbox's Alipay public key verifies with."""
        return AliPay(
            appid=APP_ID,
            app_private_key_string=_pem(self.alipay_app_key),
            alipay_public_key_string=_pem(self.alipay_key.public_key()),
            sign_type="RSA2",
        )


@functools.cache
def platform_keys() -> PlatformKeys:
    """This process's sandbox keys, generated once, at the first use."""
    return PlatformKeys.generate()


def seal(resource: Mapping[str, Any], apiv3_key: str, associated_data: str) -> dict[str, str]:
    """A notification resource as WeChat Pay encrypts it (AEAD_AES_256_GCM, base64)."""
    nonce = secrets.token_hex(6)  # 12 characters, as the platform sends
    ciphertext = AESGCM(apiv3_key.encode()).encrypt(
        nonce.encode(), orjson.dumps(resource), associated_data.encode()
    )
    return {
        "algorithm": "AEAD_AES_256_GCM",
        "ciphertext": base64.b64encode(ciphertext).decode(),
        "associated_data": associated_data,
        "nonce": nonce,
    }


class SandboxProvider:
    name: ClassVar[str] = "sandbox"

    def __init__(
        self, public_base_url: str, max_skew: int, keys: PlatformKeys | None = None
    ) -> None:
        self.trade_types = frozenset({TradeType.CASHIER})
        self.keys = keys or platform_keys()
        self._alipay_verifier = self.keys.alipay_verifier()
        self._base_url = public_base_url.rstrip("/")
        self._max_skew = max_skew

    @classmethod
    def from_settings(cls, context: ProviderContext) -> SandboxProvider | None:
        if not context.payments.sandbox_enabled:
            return None
        return cls(context.settings.public_base_url, context.payments.notification_max_skew_seconds)

    # ---------------------------------------------------------------- the platform side

    async def _trade(self, out_trade_no: str) -> dict[str, Any] | None:
        row = await SandboxTrade.get_or_none(out_trade_no=out_trade_no)
        return None if row is None else dict(row.record)

    async def _save_trade(self, out_trade_no: str, trade: dict[str, Any]) -> None:
        paid_at = datetime.fromisoformat(trade["paid_at"]) if trade.get("paid_at") else None
        await SandboxTrade.update_or_create(
            defaults={"record": trade, "paid_at": paid_at}, out_trade_no=out_trade_no
        )

    async def trade(self, out_trade_no: str) -> dict[str, Any] | None:
        """The sandbox platform's record of a trade, for the cashier page."""
        return await self._trade(out_trade_no)

    async def settle(self, out_trade_no: str, succeed: bool) -> tuple[dict[str, str], bytes]:
        """What the cashier's Pay / Fail buttons do on the platform: marks the trade and returns
        the signed notification (headers, body) the platform sends to the notify endpoint."""
        trade = await self._trade(out_trade_no)
        if trade is None:
            raise ProviderError("no such sandbox trade", retryable=False, code="ORDER_NOT_EXIST")
        if trade["status"] == "NOTPAY":
            trade["status"] = "SUCCESS" if succeed else "PAYERROR"
            if succeed:
                trade["trade_no"] = "SBX" + secrets.token_hex(12).upper()
                trade["paid_at"] = datetime.now(UTC).isoformat()
            await self._save_trade(out_trade_no, trade)
        if trade.get("platform") == ALIPAY:
            return self.alipay_notification(out_trade_no, trade)
        body = self.transaction_notification(out_trade_no, trade)
        return self.sign(body), body

    def alipay_notification(
        self, out_trade_no: str, trade: Mapping[str, Any]
    ) -> tuple[dict[str, str], bytes]:
        """Alipay's asynchronous trade_status_sync notification of the trade, signed RSA2.
        Alipay notifies only what changed the trade, so a failed attempt is reported as the
        trade still waiting for the buyer."""
        amount = fen_to_yuan(int(trade["amount_fen"]))
        now = datetime.now(CHINA_TIME).strftime("%Y-%m-%d %H:%M:%S")
        paid = trade["status"] == "SUCCESS"
        fields = {
            "notify_time": now,
            "notify_type": "trade_status_sync",
            "notify_id": secrets.token_hex(16),
            "charset": "utf-8",
            "version": "1.0",
            "app_id": APP_ID,
            "auth_app_id": APP_ID,
            "seller_id": MERCHANT_ID,
            "out_trade_no": out_trade_no,
            "trade_no": str(trade.get("trade_no") or ""),
            "trade_status": "TRADE_SUCCESS" if paid else "WAIT_BUYER_PAY",
            "total_amount": amount,
            "receipt_amount": amount if paid else "0.00",
            "buyer_pay_amount": amount if paid else "0.00",
            "subject": str(trade.get("description", "")),
        }
        if paid:
            paid_at = datetime.fromisoformat(str(trade["paid_at"])).astimezone(CHINA_TIME)
            fields["gmt_payment"] = paid_at.strftime("%Y-%m-%d %H:%M:%S")
        return {"content-type": FORM}, self.sign_form(fields)

    def sign_form(self, fields: Mapping[str, str]) -> bytes:
        """A notification form as Alipay signs it: RSA2 over `k=v` of the sorted fields joined
        by `&`, then `sign` and `sign_type` added."""
        content = "&".join(f"{key}={fields[key]}" for key in sorted(fields))
        signature = self.keys.alipay_key.sign(content.encode(), padding.PKCS1v15(), hashes.SHA256())
        signed = {**fields, "sign": base64.b64encode(signature).decode(), "sign_type": "RSA2"}
        return urlencode(signed).encode()

    def transaction_notification(self, out_trade_no: str, trade: Mapping[str, Any]) -> bytes:
        """WeChat Pay's TRANSACTION notification of the trade, its resource sealed."""
        amount = int(trade["amount_fen"])
        resource = {
            "appid": APP_ID,
            "mchid": MERCHANT_ID,
            "out_trade_no": out_trade_no,
            "transaction_id": trade.get("trade_no"),
            "trade_type": "NATIVE",
            "trade_state": trade["status"],
            "trade_state_desc": "",
            "success_time": trade.get("paid_at"),
            "amount": {
                "total": amount,
                "payer_total": amount,
                "currency": "CNY",
                "payer_currency": "CNY",
            },
            "payer": {},
        }
        now = datetime.now(CHINA_TIME).replace(microsecond=0)
        return orjson.dumps(
            {
                "id": secrets.token_hex(16),
                "create_time": now.isoformat(),
                "resource_type": "encrypt-resource",
                "event_type": f"TRANSACTION.{trade['status']}",
                "summary": "支付成功" if trade["status"] == "SUCCESS" else "支付未完成",
                "resource": {
                    "original_type": "transaction",
                    **seal(resource, self.keys.apiv3_key, "transaction"),
                },
            }
        )

    def sign(self, body: bytes, timestamp: int | None = None) -> dict[str, str]:
        """The Wechatpay-* headers the platform signs a notification with."""
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = secrets.token_hex(16)
        message = f"{stamp}\n{nonce}\n{body.decode()}\n"
        return {
            "content-type": "application/json",
            "wechatpay-timestamp": stamp,
            "wechatpay-nonce": nonce,
            "wechatpay-serial": self.keys.serial,
            "wechatpay-signature-type": wechatpay.SIGNATURE_TYPE,
            "wechatpay-signature": str(rsa_sign(self.keys.private_key, message)),
        }

    async def _platform_key(self, serial: str) -> RSAPublicKey | None:
        return self.keys.public_key if serial == self.keys.serial else None

    # ---------------------------------------------------------------- PaymentProvider

    def payer_app_id(self, trade_type: TradeType) -> str | None:
        return None  # whoever opens the cashier page pays

    async def create(self, request: CreateRequest) -> ClientPayment:
        await self._save_trade(
            request.out_trade_no,
            {
                "status": "NOTPAY",
                "amount_fen": request.amount_fen,
                "description": request.description,
                "platform": ALIPAY if request.stands_for == ALIPAY else WECHATPAY,
            },
        )
        return ClientPayment(
            params={"cashier_url": f"{self._base_url}/sandbox/cashier/{request.out_trade_no}"},
            app_id=APP_ID,
            merchant_id=MERCHANT_ID,
        )

    async def verify_notification(self, headers: Mapping[str, str], body: bytes) -> Notification:
        if _is_form(headers):
            return alipay.read_notification(body, [self._alipay_verifier], seller_known=True)
        return await wechatpay.read_notification(
            headers, body, self._platform_key, self.keys.apiv3_key, self._max_skew
        )

    def acknowledge(
        self, accepted: bool, reason: str = "", headers: Mapping[str, str] | None = None
    ) -> Acknowledgement:
        if headers is not None and _is_form(headers):
            return form_acknowledgement(accepted)
        return json_acknowledgement(accepted, reason)

    async def query(self, out_trade_no: str) -> PaymentReport:
        trade = await self._trade(out_trade_no)
        if trade is None:
            return PaymentReport(out_trade_no=out_trade_no, outcome=PaymentOutcome.UNKNOWN)
        return PaymentReport(
            out_trade_no=out_trade_no,
            outcome=TRADE_STATUSES[trade["status"]],
            amount_fen=int(trade["amount_fen"]),
            provider_trade_no=trade.get("trade_no"),
            app_id=APP_ID,
            merchant_id=MERCHANT_ID,
            paid_at=datetime.fromisoformat(trade["paid_at"]) if trade.get("paid_at") else None,
            platform_status=str(trade["status"]),
        )

    async def close(self, out_trade_no: str) -> None:
        trade = await self._trade(out_trade_no)
        if trade is None:
            return
        if trade["status"] == "SUCCESS":
            raise ProviderError("trade already paid", retryable=False, code="ORDERPAID")
        trade["status"] = "CLOSED"
        await self._save_trade(out_trade_no, trade)

    async def refund(self, request: RefundRequest) -> RefundReport:
        trade = await self._trade(request.out_trade_no)
        if trade is None or trade["status"] != "SUCCESS":
            return RefundReport(
                out_refund_no=request.out_refund_no,
                outcome=REFUND_STATUSES["FAILED"],
                out_trade_no=request.out_trade_no,
                platform_status="TRADE_NOT_PAID",
            )
        refunds: dict[str, int] = trade.setdefault("refunds", {})
        if request.out_refund_no not in refunds:
            if sum(refunds.values()) + request.amount_fen > int(trade["amount_fen"]):
                return RefundReport(
                    out_refund_no=request.out_refund_no,
                    outcome=REFUND_STATUSES["FAILED"],
                    out_trade_no=request.out_trade_no,
                    platform_status="NOT_ENOUGH",
                )
            refunds[request.out_refund_no] = request.amount_fen
            trade.setdefault("refunded_at", {})[request.out_refund_no] = datetime.now(
                UTC
            ).isoformat()
            await self._save_trade(request.out_trade_no, trade)
        return RefundReport(
            out_refund_no=request.out_refund_no,
            outcome=REFUND_STATUSES["SUCCESS"],
            out_trade_no=request.out_trade_no,
            amount_fen=refunds[request.out_refund_no],
            provider_refund_no="SBXR"
            + hashlib.sha256(request.out_refund_no.encode()).hexdigest()[:20],
            platform_status="SUCCESS",
        )

    async def download_statement(self, day: date) -> bytes:
        """The day's trade bill in WeChat Pay's ALL format: payments paid and refunds made on the
        day (China time), each field after a backquote, the summary rows last."""
        start = datetime.combine(day, dtime(), CHINA_TIME)
        end = start + timedelta(days=1)
        rows: list[tuple[datetime, list[str]]] = []
        recent = await SandboxTrade.filter(
            paid_at__gte=(start - timedelta(days=90)).astimezone(UTC)
        )
        for trade in recent:
            record: dict[str, Any] = dict(trade.record)
            paid_at = datetime.fromisoformat(str(record["paid_at"]))
            if start <= paid_at < end:
                rows.append((paid_at, _bill_row(paid_at, trade.out_trade_no, record)))
            refunds: dict[str, Any] = dict(record.get("refunds") or {})
            times: dict[str, Any] = dict(record.get("refunded_at") or {})
            for refund_no, amount in refunds.items():
                when = datetime.fromisoformat(str(times.get(refund_no, record["paid_at"])))
                if start <= when < end:
                    rows.append(
                        (when, _bill_row(when, trade.out_trade_no, record, refund_no, int(amount)))
                    )
        return wechat_bill([row for _, row in sorted(rows, key=lambda r: r[0])])

    async def aclose(self) -> None:
        return None


def _is_form(headers: Mapping[str, str]) -> bool:
    return headers.get("content-type", "").split(";")[0].strip().lower() == FORM


def _bill_row(
    at: datetime,
    out_trade_no: str,
    record: Mapping[str, Any],
    refund_no: str = "",
    refund_fen: int = 0,
) -> list[str]:
    amount = fen_to_yuan(int(record["amount_fen"]))
    refund = fen_to_yuan(refund_fen) if refund_no else "0.00"
    return [
        at.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M:%S"),
        APP_ID,
        MERCHANT_ID,
        "0",
        "",
        str(record.get("trade_no", "")),
        out_trade_no,
        "",
        "CASHIER",
        "REFUND" if refund_no else "SUCCESS",
        "OTHERS",
        "CNY",
        "0.00" if refund_no else amount,
        "0.00",
        ("SBXR" + hashlib.sha256(refund_no.encode()).hexdigest()[:20]) if refund_no else "0",
        refund_no or "0",
        refund,
        "0.00",
        "ORIGINAL" if refund_no else "",
        "SUCCESS" if refund_no else "",
        str(record.get("description", "")),
        "",
        "0.00",
        "0.00%",
        "0.00" if refund_no else amount,
        refund,
        "",
    ]
