"""Alipay: mini-program pay (`alipay.trade.create` → `tradeNO`), app pay (`orderStr`), wap pay.

python-alipay-sdk (pinned at 3.4.0) is used only for what is pure: RSA2 signing of requests
(`build_body` + `sign_data`), notification verification (`verify`) and verification of signed
answers (`_verify_and_return_sync_response`, an internal helper, hence the pin). Its own HTTP is
a blocking `urlopen`, so every server call goes through our pooled `httpx.AsyncClient` instead.
Public-key mode (`AliPay`) and certificate mode (`DCAliPay`) are both supported; the SDK object
comes from `channels.alipay.client.signer_for`, built from the Alipay app's settings
(`channels.alipay.settings`, `GOVHUB_ALIPAY_*`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, ClassVar
from urllib.parse import parse_qsl

import httpx
from alipay import BaseAliPay
from alipay.exceptions import AliPayException, AliPayValidationError

from channels.alipay.client import signed_body, signer_for
from channels.alipay.settings import AlipaySettings, alipay_settings
from payments.providers.base import (
    Acknowledgement,
    ClientPayment,
    CreateRequest,
    Notification,
    NotificationRejected,
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
    still_accepted,
    yuan_to_fen,
)
from payments.states import PaymentOutcome, RefundOutcome, TradeType

SUCCESS_CODE = "10000"
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

# trade_status → what it means to us.
TRADE_STATUSES: dict[str, PaymentOutcome] = {
    "WAIT_BUYER_PAY": PaymentOutcome.PENDING,
    "TRADE_SUCCESS": PaymentOutcome.PAID,
    "TRADE_FINISHED": PaymentOutcome.PAID,
    "TRADE_CLOSED": PaymentOutcome.CLOSED,
}
# Answer of alipay.trade.refund → what it means to us. Alipay refunds synchronously.
REFUND_RESULTS: dict[str, RefundOutcome] = {
    "10000": RefundOutcome.SUCCEEDED,
    "40004": RefundOutcome.FAILED,  # a business refusal: balance, amount, trade status
}
# sub_code of a query / close answer meaning the platform never saw the trade.
TRADE_NOT_EXIST = "ACQ.TRADE_NOT_EXIST"


def _china_time(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.strptime(text, _TIME_FORMAT).replace(tzinfo=CHINA_TIME)


def previous_signer(settings: AlipaySettings) -> BaseAliPay | None:
    """The SDK object verifying with the Alipay key being replaced, during a rotation."""
    if settings.cert_mode and settings.previous_alipay_cert:
        return signer_for(
            settings.model_copy(update={"alipay_cert": settings.previous_alipay_cert})
        )
    if not settings.cert_mode and settings.previous_alipay_public_key:
        update = {"alipay_public_key": settings.previous_alipay_public_key}
        return signer_for(settings.model_copy(update=update))
    return None


def _verifies(sdk: BaseAliPay, data: Mapping[str, str], signature: str) -> bool:
    try:
        return bool(sdk.verify(dict(data), signature))
    except (AliPayException, ValueError, TypeError):
        return False


def read_notification(
    body: bytes, verifiers: Sequence[BaseAliPay], *, seller_known: bool
) -> Notification:
    """An Alipay asynchronous notification (a form signed RSA2 over its sorted fields but `sign`
    and `sign_type`), taken when one of `verifiers` (the current Alipay key, then the one being
    rotated out while its window lasts) vouches for it. The sandbox standing in for Alipay reads
    its own notifications with this very function."""
    try:
        data = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True))
    except (UnicodeDecodeError, ValueError):
        raise NotificationRejected("body is not a form") from None
    signature = data.pop("sign", "")
    if not signature or data.get("sign_type", "RSA2") != "RSA2":
        raise NotificationRejected("missing signature or not RSA2")
    if not any(_verifies(sdk, data, signature) for sdk in verifiers):
        raise NotificationRejected("bad signature")
    try:
        return _decode_notification(data, seller_known)
    except (KeyError, ValueError) as exc:
        raise NotificationRejected(f"malformed notification: {exc!r}") from None


def _decode_notification(data: Mapping[str, str], seller_known: bool) -> Notification:
    notify_id = data["notify_id"]
    if data.get("out_biz_no") and data.get("refund_fee"):
        return Notification(
            notify_id,
            refund=RefundReport(
                out_refund_no=data["out_biz_no"],
                outcome=RefundOutcome.SUCCEEDED,
                out_trade_no=data["out_trade_no"],
                provider_refund_no=data.get("trade_no"),
                platform_status=data["trade_status"],
            ),
        )
    status = data["trade_status"]
    return Notification(
        notify_id,
        payment=PaymentReport(
            out_trade_no=data["out_trade_no"],
            outcome=TRADE_STATUSES[status],
            amount_fen=yuan_to_fen(data["total_amount"]),
            currency="CNY",
            provider_trade_no=data.get("trade_no"),
            app_id=data["app_id"],
            # Checked against the order only when we know our seller id.
            merchant_id=data.get("seller_id") if seller_known else None,
            paid_at=_china_time(data.get("gmt_payment")),
            platform_status=status,
        ),
    )


class AlipayProvider:
    name: ClassVar[str] = "alipay"

    def __init__(self, settings: AlipaySettings, http: httpx.AsyncClient, notify_url: str) -> None:
        assert settings.app_id is not None
        assert settings.app_private_key is not None
        self._settings = settings
        self._http = http
        self._notify_url = notify_url
        self._gateway = settings.gateway
        self._app_id = settings.app_id
        self._sdk = signer_for(settings)
        self._previous_sdk = previous_signer(settings)
        self.trade_types = frozenset(
            {TradeType.MINIPROGRAM, TradeType.APP, TradeType.WAP, TradeType.QR, TradeType.PAGE}
        )

    @classmethod
    def from_settings(cls, context: ProviderContext) -> AlipayProvider | None:
        settings = alipay_settings()
        if not settings.configured:
            return None
        return cls(settings, context.http_client(), context.notify_url(cls.name))

    # ---------------------------------------------------------------- requests

    def _signed(self, method: str, biz_content: dict[str, Any], **extra: str | None) -> str:
        """The signed, URL-encoded parameter string of one API call."""
        return signed_body(self._sdk, method, biz_content, **extra)

    async def _call(self, method: str, biz_content: dict[str, Any]) -> dict[str, Any]:
        """One server API call; the answer's signature is checked before it is believed.
        Business refusals come back as the answer (check `code`), not as exceptions."""
        try:
            response = await self._http.post(
                self._gateway,
                content=self._signed(method, biz_content).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"},
            )
        except httpx.HTTPError as exc:
            raise ProviderError(f"Alipay unreachable: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise ProviderError(f"Alipay answered HTTP {response.status_code}")
        try:
            answer = self._sdk._verify_and_return_sync_response(
                response.text, method.replace(".", "_") + "_response"
            )
        except AliPayValidationError:
            raise ProviderError("Alipay answer carries a wrong signature") from None
        except AliPayException as exc:
            code = str(getattr(exc, "code", "") or "")
            raise ProviderError(
                f"Alipay refused: {code}", retryable=code.startswith("2"), code=code
            ) from None
        except ValueError as exc:
            raise ProviderError(f"Alipay answer is not JSON: {exc}") from None
        return dict(answer)

    @staticmethod
    def _refusal(answer: Mapping[str, Any]) -> ProviderError:
        code = str(answer.get("code", ""))
        sub_code = str(answer.get("sub_code", code))
        return ProviderError(
            f"Alipay refused: {sub_code} {answer.get('sub_msg', '')}".strip(),
            retryable=code.startswith("2"),
            code=sub_code,
        )

    def _trade_content(self, request: CreateRequest, product_code: str) -> dict[str, Any]:
        return {
            "out_trade_no": request.out_trade_no,
            "total_amount": fen_to_yuan(request.amount_fen),
            "subject": request.description,
            "product_code": product_code,
            "time_expire": request.expires_at.astimezone(CHINA_TIME).strftime(_TIME_FORMAT),
        }

    # ---------------------------------------------------------------- PaymentProvider

    def payer_app_id(self, trade_type: TradeType) -> str | None:
        """Only `alipay.trade.create` (mini-program) names the buyer, by user id or open id."""
        return self._app_id if trade_type == TradeType.MINIPROGRAM else None

    async def create(self, request: CreateRequest) -> ClientPayment:
        if request.trade_type == TradeType.MINIPROGRAM:
            params = await self._create_miniprogram(request)
        elif request.trade_type == TradeType.APP:
            content = self._trade_content(request, "QUICK_MSECURITY_PAY")
            params = {
                "orderStr": self._signed(
                    "alipay.trade.app.pay", content, notify_url=self._notify_url
                )
            }
        elif request.trade_type in (TradeType.WAP, TradeType.PAGE):
            method, product = (
                ("alipay.trade.wap.pay", "QUICK_WAP_WAY")
                if request.trade_type == TradeType.WAP
                else ("alipay.trade.page.pay", "FAST_INSTANT_TRADE_PAY")
            )
            signed = self._signed(
                method,
                self._trade_content(request, product),
                notify_url=self._notify_url,
                return_url=self._settings.wap_return_url,
            )
            params = {"url": f"{self._gateway}?{signed}"}
        elif request.trade_type == TradeType.QR:
            params = await self._precreate(request)
        else:
            raise ProviderError("trade type not offered", retryable=False, code="TRADE_TYPE")
        return ClientPayment(
            params=params,
            app_id=self._app_id,
            merchant_id=self._settings.seller_id or "",
            provider_trade_no=params.get("tradeNO"),
        )

    async def _precreate(self, request: CreateRequest) -> dict[str, Any]:
        """Face-to-face precreate: Alipay opens the trade and answers the QR code's content."""
        content = self._trade_content(request, "FACE_TO_FACE_PAYMENT")
        content["notify_url"] = self._notify_url
        answer = await self._call("alipay.trade.precreate", content)
        if answer.get("code") != SUCCESS_CODE or not answer.get("qr_code"):
            raise self._refusal(answer)
        return {"qr_code": str(answer["qr_code"])}

    async def _create_miniprogram(self, request: CreateRequest) -> dict[str, Any]:
        if not request.payer_id:
            raise ProviderError("buyer id required", retryable=False, code="PAYER")
        content = self._trade_content(request, "JSAPI_PAY")
        content["op_app_id"] = self._app_id
        buyer_key = "buyer_id" if request.payer_id.startswith("2088") else "buyer_open_id"
        content[buyer_key] = request.payer_id
        content["notify_url"] = self._notify_url
        answer = await self._call("alipay.trade.create", content)
        if answer.get("code") != SUCCESS_CODE or not answer.get("trade_no"):
            raise self._refusal(answer)
        return {"tradeNO": str(answer["trade_no"])}

    async def verify_notification(self, headers: Mapping[str, str], body: bytes) -> Notification:
        verifiers = [self._sdk]
        if self._previous_sdk is not None and still_accepted(self._settings.previous_key_until):
            verifiers.append(self._previous_sdk)
        return read_notification(body, verifiers, seller_known=bool(self._settings.seller_id))

    def acknowledge(
        self, accepted: bool, reason: str = "", headers: Mapping[str, str] | None = None
    ) -> Acknowledgement:
        return form_acknowledgement(accepted)

    async def query(self, out_trade_no: str) -> PaymentReport:
        answer = await self._call("alipay.trade.query", {"out_trade_no": out_trade_no})
        if answer.get("sub_code") == TRADE_NOT_EXIST:
            return PaymentReport(out_trade_no=out_trade_no, outcome=PaymentOutcome.UNKNOWN)
        if answer.get("code") != SUCCESS_CODE:
            raise self._refusal(answer)
        status = str(answer.get("trade_status", ""))
        if status not in TRADE_STATUSES:
            raise ProviderError(f"unknown trade status {status!r}")
        return PaymentReport(
            out_trade_no=out_trade_no,
            outcome=TRADE_STATUSES[status],
            amount_fen=yuan_to_fen(str(answer["total_amount"])),
            provider_trade_no=answer.get("trade_no"),
            paid_at=_china_time(answer.get("send_pay_date")),
            platform_status=status,
        )

    async def close(self, out_trade_no: str) -> None:
        answer = await self._call("alipay.trade.close", {"out_trade_no": out_trade_no})
        if answer.get("code") == SUCCESS_CODE or answer.get("sub_code") == TRADE_NOT_EXIST:
            return
        raise self._refusal(answer)

    async def refund(self, request: RefundRequest) -> RefundReport:
        answer = await self._call(
            "alipay.trade.refund",
            {
                "out_trade_no": request.out_trade_no,
                "refund_amount": fen_to_yuan(request.amount_fen),
                "out_request_no": request.out_refund_no,
                "refund_reason": request.reason[:80],
            },
        )
        outcome = REFUND_RESULTS.get(str(answer.get("code")))
        if outcome is None:
            raise self._refusal(answer)
        return RefundReport(
            out_refund_no=request.out_refund_no,
            outcome=outcome,
            out_trade_no=request.out_trade_no,
            amount_fen=request.amount_fen if outcome == RefundOutcome.SUCCEEDED else None,
            provider_refund_no=answer.get("trade_no"),
            platform_status=str(answer.get("sub_code") or answer.get("code")),
        )

    async def download_statement(self, day: date) -> bytes:
        answer = await self._call(
            "alipay.data.dataservice.bill.downloadurl.query",
            {"bill_type": "trade", "bill_date": day.isoformat()},
        )
        if answer.get("code") != SUCCESS_CODE or not answer.get("bill_download_url"):
            raise self._refusal(answer)
        try:
            response = await self._http.get(str(answer["bill_download_url"]))
        except httpx.HTTPError as exc:
            raise ProviderError(f"statement download failed: {type(exc).__name__}") from exc
        if not response.is_success:
            raise ProviderError(f"statement download answered {response.status_code}")
        return response.content

    async def aclose(self) -> None:
        await self._http.aclose()
