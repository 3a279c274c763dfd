"""Traffic violations: look-up by plate and VIN tail, fines paid through payments.

The amount due is the fine plus the late-payment surcharge of the day (surcharge.py), computed
with the injectable clock when queried and when the order is opened; the order keeps that
amount. One decision has at most one live payment: `lock_key` is unique and cleared when the
order closes unpaid (payments has no close hook, so the lock is checked on the next attempt and
by a periodic sweep) or the payment is refunded.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from tortoise.exceptions import IntegrityError

from config.database import unit_of_work
from gateway.schemas import ServiceRequest
from notify.events import Event, emit
from payments.models import PaymentOrder, Refund
from payments.router import start_payment
from payments.states import Purpose
from services.payable import Clock, order_over, utcnow
from services.traffic import repository as repo
from services.traffic.errors import (
    FineNotPayable,
    FinePaid,
    FinePaying,
    TrafficUnavailable,
    VehicleNotFound,
    ViolationNotFound,
)
from services.traffic.models import FinePayment, FineState
from services.traffic.providers import configured_source
from services.traffic.providers.base import (
    SourceUnavailable,
    VehicleRecord,
    ViolationRecord,
    ViolationSource,
)
from services.traffic.schemas import (
    FinePaymentRead,
    FinePayParams,
    FinePayResult,
    VehicleParams,
    VehicleRead,
    ViolationRead,
    ViolationState,
)
from services.traffic.settings import traffic_settings
from services.traffic.surcharge import Quote, quote

logger = logging.getLogger(__name__)

REFERENCE_PREFIX = "fine:"
_STATE_OF: dict[FineState, ViolationState] = {
    FineState.OPEN: ViolationState.PAYING,
    FineState.PAID: ViolationState.PAID,
}


def payment_id_of(reference: str) -> int | None:
    number = reference.removeprefix(REFERENCE_PREFIX)
    return int(number) if reference.startswith(REFERENCE_PREFIX) and number.isdigit() else None


class TrafficService:
    def __init__(self, source: ViolationSource | None = None, clock: Clock = utcnow) -> None:
        self._source = source
        self.clock = clock

    @property
    def source(self) -> ViolationSource:
        source = self._source or configured_source()
        if source is None:
            raise TrafficUnavailable()
        return source

    def today(self) -> date:
        return self.clock().astimezone(traffic_settings().zone).date()

    async def _vehicle(self, params: VehicleParams) -> VehicleRecord:
        try:
            vehicle = await self.source.vehicle(params.plate, params.vin_last6)
        except SourceUnavailable as exc:
            logger.warning("traffic source unavailable: %s", exc)
            raise TrafficUnavailable() from None
        if vehicle is None:
            raise VehicleNotFound()
        return vehicle

    def _quote(self, violation: ViolationRecord) -> Quote | None:
        if violation.decided_on is None or violation.fine_fen <= 0:
            return None
        return quote(violation.fine_fen, violation.decided_on, self.today())

    # ------------------------------------------------------------------ query

    async def _live(self, decision_nos: list[str]) -> dict[str, FinePayment]:
        """Live payments of the decisions, after letting go of those whose order is over."""
        live = await repo.live_payments(decision_nos)
        stale = [p for p in live.values() if p.state == FineState.OPEN]
        released = [p.decision_no for p in stale if await self.release_if_over(p)]
        for decision_no in released:
            live.pop(decision_no)
        return live

    def _read(self, violation: ViolationRecord, live: FinePayment | None) -> ViolationRead:
        priced = self._quote(violation)
        if priced is None:
            state = ViolationState.UNPROCESSED
        else:
            state = ViolationState.UNPAID if live is None else _STATE_OF[live.state]
        return ViolationRead(
            record_id=violation.record_id,
            occurred_at=violation.occurred_at,
            place=violation.place,
            code=violation.code,
            description=violation.description,
            points=violation.points,
            decision_no=violation.decision_no,
            decided_on=violation.decided_on,
            fine_fen=violation.fine_fen,
            overdue_days=priced.overdue_days if priced else 0,
            surcharge_fen=priced.surcharge_fen if priced else 0,
            total_fen=priced.total_fen if priced else violation.fine_fen,
            state=state,
            payable=state == ViolationState.UNPAID,
        )

    async def query(self, params: VehicleParams) -> VehicleRead:
        vehicle = await self._vehicle(params)
        live = await self._live([v.decision_no for v in vehicle.violations if v.decision_no])
        rows = [
            self._read(v, live.get(v.decision_no) if v.decision_no else None)
            for v in vehicle.violations
        ]
        return VehicleRead(
            plate=vehicle.plate,
            violations=rows,
            payable_fen=sum(r.total_fen for r in rows if r.payable),
        )

    # ------------------------------------------------------------------ pay

    @staticmethod
    def _refusal(live: FinePayment, citizen_id: int) -> FinePaid | FinePaying:
        if live.state == FineState.PAID:
            return FinePaid()
        resume = {"out_trade_no": live.out_trade_no} if live.citizen_id == citizen_id else None
        return FinePaying(data=resume)

    async def pay(self, request: ServiceRequest, params: FinePayParams) -> FinePayResult:
        """Opens one order for one decision at today's amount; refused while another is live."""
        assert request.citizen is not None
        citizen_id = request.citizen.citizen_id
        vehicle = await self._vehicle(params)
        violation = next(
            (v for v in vehicle.violations if v.decision_no == params.decision_no), None
        )
        if violation is None:
            raise ViolationNotFound(decision_no=params.decision_no)
        priced = self._quote(violation)
        if priced is None:
            raise FineNotPayable()
        live = (await self._live([params.decision_no])).get(params.decision_no)
        if live is not None:
            raise self._refusal(live, citizen_id)
        try:
            async with unit_of_work():
                payment = await repo.insert_payment(
                    citizen_id=citizen_id,
                    channel=request.channel.value,
                    decision_no=params.decision_no,
                    plate=vehicle.plate,
                    violation_code=violation.code,
                    fine_fen=priced.fine_fen,
                    overdue_days=priced.overdue_days,
                    surcharge_fen=priced.surcharge_fen,
                    amount_fen=priced.total_fen,
                    lock_key=params.decision_no,
                )
                start = await start_payment(
                    request,
                    purpose=Purpose.FINE,
                    reference=f"{REFERENCE_PREFIX}{payment.id}",
                    amount_fen=priced.total_fen,
                    description=f"交通违法罚款 决定书{params.decision_no}",
                    provider=params.provider,
                    trade_type=params.trade_type,
                )
                await repo.set_out_trade_no(payment.id, start.out_trade_no)
        except IntegrityError:  # another payment of the decision was opened meanwhile
            raise FinePaying() from None
        return FinePayResult(
            payment_id=payment.id,
            decision_no=params.decision_no,
            fine_fen=priced.fine_fen,
            surcharge_fen=priced.surcharge_fen,
            amount_fen=priced.total_fen,
            payment=start,
        )

    async def my_payments(self, citizen_id: int) -> list[FinePaymentRead]:
        return [
            FinePaymentRead.model_validate(p, from_attributes=True)
            for p in await repo.payments_of(citizen_id)
        ]

    # ------------------------------------------------------------------ locks

    async def release_if_over(self, payment: FinePayment) -> bool:
        if payment.state != FineState.OPEN or not await order_over(payment.out_trade_no):
            return False
        return await repo.transition(
            payment.id,
            FineState.OPEN,
            FineState.RELEASED,
            lock_key=None,
            released_at=self.clock(),
        )

    async def release_over(self, limit: int = 200) -> int:
        """The sweep: open payments whose order closed unpaid free their decision."""
        recent = self.clock() - timedelta(seconds=30)  # an order still being opened is not over
        released = 0
        for payment in await repo.open_payments(recent, limit):
            if await self.release_if_over(payment):
                released += 1
        return released

    # ------------------------------------------------------------------ fulfilment

    async def _payment_of(self, order: PaymentOrder) -> FinePayment | None:
        """The fine payment behind the order; None for an order this service did not open (the
        ledger is then the whole record)."""
        payment_id = payment_id_of(order.reference)
        if payment_id is None:
            logger.warning("order %s names no fine payment: nothing to settle", order.out_trade_no)
            return None
        payment = await repo.payment_by_id(payment_id)
        if payment is None:
            raise LookupError(f"no fine payment for order {order.out_trade_no}")
        return payment

    async def settle(self, order: PaymentOrder) -> None:
        """The order was paid (inside the payments outbox transaction): the fine is paid and the
        resident told, in the same transaction."""
        payment = await self._payment_of(order)
        if payment is None:
            return
        if not await repo.transition(
            payment.id, FineState.OPEN, FineState.PAID, paid_at=order.paid_at or self.clock()
        ):
            raise RuntimeError(f"fine payment {payment.id} is {payment.state}, not open")
        await emit(
            Event.PAYMENT_SUCCEEDED,
            payment.citizen_id,
            {
                "item": f"交通违法罚款（决定书{payment.decision_no}）",
                "amount_fen": payment.amount_fen,
                "order_no": order.out_trade_no,
            },
            channel=payment.channel,
            dedupe_key=f"{order.out_trade_no}:paid",
        )

    async def record_refund(self, order: PaymentOrder, refund: Refund) -> None:
        """A full refund makes the fine unpaid again; a partial one is only logged."""
        payment = await self._payment_of(order)
        if payment is None:
            return
        if order.refunded_fen < payment.amount_fen:  # the order already counts this refund
            logger.warning("fine payment %d partly refunded", payment.id)
            return
        await repo.transition(payment.id, FineState.PAID, FineState.REFUNDED, lock_key=None)


traffic = TrafficService()


class FineFulfiller:
    """Payments' fulfiller for traffic fines (payments/outbox.py FULFILLERS)."""

    async def paid(self, order: PaymentOrder) -> None:
        await traffic.settle(order)

    async def refunded(self, order: PaymentOrder, refund: Refund) -> None:
        await traffic.record_refund(order, refund)
