"""The contract every payment provider fulfils, and the plain values that cross it.

A provider speaks to one platform and reports what the platform said; it never changes an order.
The state machine (payments/states.py) and the service (payments/service.py) decide what a report
means for the ledger.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar, Protocol

import httpx

from config.settings import Settings
from config.store import Store
from payments.settings import PaymentSettings
from payments.states import PaymentOutcome, RefundOutcome, TradeType


class NotificationRejected(Exception):
    """A notification failed verification (signature, freshness, decryption, format).

    The message says why, for the log; it never reaches the platform in detail.
    """


class ProviderError(Exception):
    """The platform could not be reached or refused the call; `retryable` says whether to retry."""

    def __init__(self, message: str, *, retryable: bool = True, code: str | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.code = code


@dataclass(frozen=True, slots=True)
class CreateRequest:
    """Everything a provider needs to open a trade on its platform."""

    out_trade_no: str
    amount_fen: int
    description: str
    trade_type: TradeType
    expires_at: datetime
    payer_id: str | None = None  # WeChat openid or Alipay buyer id, for JSAPI / mini-programs
    client_ip: str | None = None
    stands_for: str | None = None  # the platform the sandbox plays for this trade


@dataclass(frozen=True, slots=True)
class ClientPayment:
    """What the resident's client needs to pay, plus the platform's ids for our records."""

    params: dict[str, Any]
    app_id: str
    merchant_id: str
    provider_trade_no: str | None = None


@dataclass(frozen=True, slots=True)
class PaymentReport:
    """What the platform says about one trade (from a notification or a query)."""

    out_trade_no: str
    outcome: PaymentOutcome
    amount_fen: int | None = None
    currency: str = "CNY"
    provider_trade_no: str | None = None
    app_id: str | None = None
    merchant_id: str | None = None
    paid_at: datetime | None = None
    platform_status: str = ""  # the platform's own code, kept in the event for staff


@dataclass(frozen=True, slots=True)
class RefundRequest:
    out_trade_no: str
    out_refund_no: str
    amount_fen: int
    total_fen: int
    reason: str


@dataclass(frozen=True, slots=True)
class RefundReport:
    out_refund_no: str
    outcome: RefundOutcome
    out_trade_no: str | None = None
    amount_fen: int | None = None
    provider_refund_no: str | None = None
    platform_status: str = ""


@dataclass(frozen=True, slots=True)
class Notification:
    """A verified, decoded notification: about a payment or about a refund."""

    notification_id: str
    payment: PaymentReport | None = None
    refund: RefundReport | None = None


@dataclass(frozen=True, slots=True)
class Acknowledgement:
    """The HTTP answer a platform expects, in its own format."""

    status: int
    body: bytes = b""
    media_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProviderContext:
    """What a provider is built from: settings, the store, and a factory of its HTTP client."""

    settings: Settings
    payments: PaymentSettings
    store: Store
    http_client: Callable[[], httpx.AsyncClient]

    @property
    def base_url(self) -> str:
        return self.settings.public_base_url.rstrip("/")

    def notify_url(self, provider: str) -> str:
        return f"{self.base_url}/payments/notify/{provider}"


class PaymentProvider(Protocol):
    """One payment platform behind the interface every order goes through.

    Implementations hold their settings and one pooled `httpx.AsyncClient`, given to them, for
    the life of the process; they never open a client per call, never block the event loop, and
    never change orders: they only report what the platform said.
    """

    name: ClassVar[str]
    trade_types: frozenset[TradeType]  # what this configuration can take

    def payer_app_id(self, trade_type: TradeType) -> str | None:
        """The app whose user id the platform needs as the payer for `trade_type` (the official
        account's AppId for WeChat JSAPI, say), or None when this way of paying names no payer.
        Payments looks the resident's id in that app up among their channel accounts."""
        ...

    async def create(self, request: CreateRequest) -> ClientPayment:
        """Opens the trade on the platform when it needs one (WeChat prepay, Alipay
        `trade.create`) and returns what the client needs to pay: WeChat `requestPayment`
        parameters, an Alipay `tradeNO`, `orderStr` or redirect URL, a cashier URL.

        Raises `ProviderError` when the platform cannot be reached or refuses.
        """
        ...

    async def verify_notification(self, headers: Mapping[str, str], body: bytes) -> Notification:
        """Checks the signature (and freshness, where the platform signs a time) before anything
        else, decrypts what is encrypted and decodes the notification. `headers` has lower-case
        names.

        No database; no network except, in WeChat Pay certificate mode, fetching a platform
        certificate not seen before. Raises `NotificationRejected` on any doubt. App id,
        merchant id and amount are checked against the order by the caller.
        """
        ...

    def acknowledge(
        self, accepted: bool, reason: str = "", headers: Mapping[str, str] | None = None
    ) -> Acknowledgement:
        """The answer that tells the platform the notification was taken (`accepted`), or that
        it must send it again. `headers` are the notification's, for a provider that speaks
        more than one platform's format (the sandbox)."""
        ...

    async def query(self, out_trade_no: str) -> PaymentReport:
        """Asks the platform for the trade's current status (`PaymentOutcome.UNKNOWN` when the
        platform never saw it). Raises `ProviderError` when it cannot tell."""
        ...

    async def close(self, out_trade_no: str) -> None:
        """Closes an unpaid trade so it can no longer be paid. Closing a trade the platform does
        not know is not an error. Raises `ProviderError` otherwise."""
        ...

    async def refund(self, request: RefundRequest) -> RefundReport:
        """Asks for a refund. Calling it again with the same `out_refund_no` must not refund
        twice (the platforms guarantee this). Raises `ProviderError` when the outcome is not
        known, so the caller tries again later."""
        ...

    async def download_statement(self, day: date) -> bytes:
        """The platform's statement of trades for one day (China time), as the platform
        delivers it, for reconciliation."""
        ...

    async def aclose(self) -> None:
        """Releases the HTTP client at shutdown."""
        ...


class ProviderClass(Protocol):
    """A provider class as the registry holds it: it builds itself from settings, or answers
    None when its settings are incomplete (the provider is then off)."""

    name: str

    def from_settings(self, context: ProviderContext) -> PaymentProvider | None: ...
