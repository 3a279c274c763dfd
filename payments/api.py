"""What the rest of GovHub uses of payments: starting a payment and being told how it ended.

A business capability (bills, traffic fines, department fee demands, applications with a fee)
checks its own object before any order exists, then
- `reserve_payment` in the transaction that locks its object (records or finds the order,
  without calling the platform), and `open_payment` after that transaction commits;
- registers a `Fulfiller` for its purpose with `@fulfils(Purpose.X)`: payments calls it, exactly
  once per event (payments/outbox.py), when an order of that purpose is paid, closed unpaid, or
  refunded.

Nothing outside payments imports its router, service or outbox: this module is the whole
contract (tests/test_layers.py holds it), so payments never imports a business capability back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import NamedTuple, Protocol, TypeVar

from gateway.codes import Code
from gateway.errors import GovError
from gateway.schemas import Channel, ServiceRequest
from payments import providers
from payments import repository as orders
from payments.models import PaymentOrder, Refund
from payments.providers.sandbox import SandboxProvider
from payments.schemas import PaymentIntent, PaymentStart
from payments.service import Reservation
from payments.service import service as payments
from payments.states import Purpose, TradeType

__all__ = [
    "Fulfiller",
    "Method",
    "NoFulfiller",
    "PaymentIntent",
    "PaymentOrder",
    "PaymentStart",
    "Purpose",
    "Refund",
    "Reservation",
    "TradeType",
    "choose_method",
    "sandbox_method",
    "fulfiller_for",
    "fulfils",
    "open_payment",
    "orders_named_by",
    "reserve",
    "reserve_payment",
]


class Fulfiller(Protocol):
    """The business side of one purpose (a fee, a utility bill, a fine).

    Each hook runs inside the transaction that records the event: write to the database through
    the ordinary models and the writes commit with it, or not at all. Raise to have the event
    retried later (with backoff; after `GOVHUB_PAYMENTS_OUTBOX_MAX_ATTEMPTS` it is flagged for
    staff).
    """

    async def paid(self, order: PaymentOrder) -> None:
        """The order was paid in full: settle the business object `order.reference`."""
        ...

    async def refunded(self, order: PaymentOrder, refund: Refund) -> None:
        """A refund of `refund.amount_fen` went through for the order."""
        ...

    async def closed(self, order: PaymentOrder) -> None:
        """The order was closed unpaid (expired or cancelled): release the business object."""
        ...

    async def references(self, term: str) -> list[str]:
        """The references of this purpose's objects a staff search names (a utility account
        number, a decision number or plate, a demand number), so staff find a resident's order
        by what the resident knows; [] when it names none."""
        ...


class NoFulfiller(LookupError):
    """No capability registered for an order's purpose: its events wait (and are retried)."""


_FULFILLERS: dict[Purpose, Fulfiller] = {}
F = TypeVar("F", bound=type)


def fulfils(purpose: Purpose) -> Callable[[F], F]:
    """Class decorator: the fulfiller of `purpose` (one per purpose; registered on import)."""

    def register(cls: F) -> F:
        known = _FULFILLERS.get(purpose)
        if known is not None and type(known) is not cls:
            raise ValueError(f"{purpose} is fulfilled by {type(known).__name__} already")
        _FULFILLERS[purpose] = cls()
        return cls

    return register


async def orders_named_by(term: str) -> dict[Purpose, list[str]]:
    """Every purpose's references a staff search term names (`Fulfiller.references`)."""
    found = {purpose: await f.references(term) for purpose, f in _FULFILLERS.items()}
    return {purpose: refs for purpose, refs in found.items() if refs}


async def orders_changed(
    citizen_id: int, before: datetime | None, limit: int
) -> list[PaymentOrder]:
    """A resident's orders, the newest first, for their timeline."""
    return await orders.changed_of(citizen_id, before, limit)


def fulfiller_for(purpose: Purpose) -> Fulfiller:
    try:
        return _FULFILLERS[purpose]
    except KeyError:
        raise NoFulfiller(f"no fulfiller registered for {purpose}") from None


def registered_purposes() -> frozenset[Purpose]:
    return frozenset(_FULFILLERS)


# Where a channel pays when the caller does not say: (provider, trade type).
CHANNEL_METHODS: dict[Channel, tuple[str, TradeType]] = {
    Channel.WECHAT_OA: ("wechatpay", TradeType.JSAPI),
    Channel.WECHAT_MP: ("wechatpay", TradeType.MINIPROGRAM),
    Channel.ALIPAY_MP: ("alipay", TradeType.MINIPROGRAM),
    Channel.APP: ("alipay", TradeType.APP),
    Channel.WEB: ("alipay", TradeType.WAP),
}


class Method(NamedTuple):
    """How an order is paid: the provider and its trade type, and for the sandbox the platform
    it plays (whose notifications it sends: WeChat Pay's or Alipay's)."""

    provider: str
    trade_type: TradeType
    stands_for: str | None = None


def sandbox_method(stands_for: str | None) -> Method:
    return Method(SandboxProvider.name, TradeType.CASHIER, stands_for)


def choose_method(channel: Channel, provider: str | None, trade_type: TradeType | None) -> Method:
    """The caller's choice, else the channel's usual way, else the sandbox cashier if it is on,
    playing the channel's usual platform."""
    usual = CHANNEL_METHODS.get(channel)
    plays = usual[0] if usual else None
    if provider and trade_type:
        return Method(provider, trade_type, plays if provider == SandboxProvider.name else None)
    active = providers.active()
    if usual is not None and active.get(usual[0]) is not None:
        return Method(*usual)
    if active.get(SandboxProvider.name) is not None:
        return sandbox_method(plays)
    raise GovError(Code.PAYMENT_PROVIDER_UNAVAILABLE, provider=plays or "-")


async def reserve_payment(
    request: ServiceRequest,
    *,
    purpose: Purpose,
    reference: str,
    amount_fen: int,
    description: str,
    payer_id: str | None = None,
    provider: str | None = None,
    trade_type: TradeType | None = None,
) -> Reservation:
    """What business services call from their own pay action, after checking the object and
    its amount, inside the transaction that locks the object: records (or finds) the order
    without calling the platform. After the commit, `open_payment` hands out what the
    resident's client needs."""
    citizen = request.citizen
    if citizen is None:
        raise GovError(Code.LOGIN_REQUIRED)
    chosen = choose_method(request.channel, provider, trade_type)
    intent = PaymentIntent(
        purpose=purpose,
        reference=reference,
        citizen_id=citizen.citizen_id,
        amount_fen=amount_fen,
        description=description,
        provider=chosen.provider,
        trade_type=chosen.trade_type,
        stands_for=chosen.stands_for,
        payer_id=payer_id,
        client_ip=request.client_ip,
    )
    return await payments.reserve(intent)


async def reserve(intent: PaymentIntent) -> Reservation:
    """`reserve_payment` for an intent the capability composed itself (a payer who is not the
    signed-in resident: a department's demand paid at the counter)."""
    return await payments.reserve(intent)


async def open_payment(
    reservation: Reservation, on_failure: Callable[[], Awaitable[object]]
) -> PaymentStart:
    """Opens a reserved order at the platform, outside any transaction. When that fails the
    order is closed and `on_failure` runs, so the business object's lock goes at once rather
    than at the next sweep; the resident gets the platform's error and may simply try again."""
    try:
        return await payments.open(reservation)
    except GovError:
        await on_failure()
        raise
