"""Traffic violations: look-up by plate and VIN tail, fines paid through payments.

The amount due is the fine plus the late-payment surcharge of the day (surcharge.py), computed
with the injectable clock when queried and when the order is opened; the order keeps that
amount. One decision has at most one live payment: `lock_key` is unique and cleared when the
order closes unpaid (payments has no close hook, so the lock is checked on the next attempt and
by a periodic sweep) or the payment is refunded.

A paid fine is reported to the traffic police (the source), so the decision is settled there
too: the report row is written in the fulfilment transaction and a job queued after commit; a
failure the source calls temporary is retried with backoff by the sweep until it confirms.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from tortoise.exceptions import IntegrityError

from config import jobs
from config.database import unit_of_work
from gateway.paging import Page, cursor_id, decode_cursor, page_of
from gateway.schemas import ServiceRequest
from notify.events import Event, emit
from payments.api import PaymentOrder, Purpose, Refund, fulfils, open_payment, reserve_payment
from services.payable import (
    Clock,
    RetryPolicy,
    attempt_due,
    count_failure,
    order_over,
    retry_now,
    utcnow,
)
from services.traffic import repository as repo
from services.traffic.errors import (
    FineNotPayable,
    FinePaid,
    FinePaying,
    ReportNotFound,
    TrafficUnavailable,
    VehicleNotFound,
    ViolationNotFound,
)
from services.traffic.models import FinePayment, FineReport, FineState, ReportState
from services.traffic.providers import configured_source
from services.traffic.providers.base import (
    FineSettlement,
    SourceError,
    SourceUnavailable,
    VehicleRecord,
    ViolationRecord,
    ViolationSource,
)
from services.traffic.schemas import (
    FinePaymentRead,
    FinePayParams,
    FinePayResult,
    FineReportRead,
    MyPaymentsParams,
    StuckReportsParams,
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
        elif violation.paid:  # the source says so, whoever's payment it was
            state = ViolationState.PAID
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
        """Opens one order for one decision at today's amount; refused while another is live.
        The decision is locked and the order recorded in one transaction, and the platform is
        asked after the commit; if it refuses, the decision is free again."""
        assert request.citizen is not None
        citizen_id = request.citizen.citizen_id
        vehicle = await self._vehicle(params)
        violation = next(
            (v for v in vehicle.violations if v.decision_no == params.decision_no), None
        )
        if violation is None:
            raise ViolationNotFound(decision_no=params.decision_no)
        if violation.paid:  # settled at the traffic police already (a bank counter, say)
            raise FinePaid()
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
                reservation = await reserve_payment(
                    request,
                    purpose=Purpose.FINE,
                    reference=f"{REFERENCE_PREFIX}{payment.id}",
                    amount_fen=priced.total_fen,
                    description=f"交通违法罚款 决定书{params.decision_no}",
                    provider=params.provider,
                    trade_type=params.trade_type,
                )
                await repo.set_out_trade_no(payment.id, reservation.out_trade_no)
        except IntegrityError:  # another payment of the decision was opened meanwhile
            raise FinePaying() from None
        start = await open_payment(reservation, lambda: self.release_payment(payment.id))
        return FinePayResult(
            payment_id=payment.id,
            decision_no=params.decision_no,
            fine_fen=priced.fine_fen,
            surcharge_fen=priced.surcharge_fen,
            amount_fen=priced.total_fen,
            payment=start,
        )

    async def my_payments(self, citizen_id: int, params: MyPaymentsParams) -> Page[FinePaymentRead]:
        """The resident's fine payments newest first, a page at a time."""
        before_id = cursor_id(decode_cursor(params.cursor), "before_id")
        rows = await repo.payments_of(citizen_id, before_id, params.limit + 1)
        page = page_of(rows, params.limit, lambda payment: {"before_id": payment.id})
        reports = await repo.reports_of_payments([p.id for p in page.items])
        reads = []
        for payment in page.items:
            read = FinePaymentRead.model_validate(payment, from_attributes=True)
            report = reports.get(payment.id)
            if report is not None and report.state == ReportState.CONFIRMED:
                read.reported, read.confirmation_no = True, report.confirmation_no
            reads.append(read)
        return Page[FinePaymentRead](items=reads, next_cursor=page.next_cursor)

    # ------------------------------------------------------------------ locks

    async def release_payment(self, payment_id: int) -> bool:
        payment = await repo.payment_by_id(payment_id)
        return payment is not None and await self.release_if_over(payment)

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
        """The order was paid (inside the payments outbox transaction): the fine is paid, the
        resident told and the report to the source queued, in the same transaction."""
        from services.traffic.tasks import report_payment  # tasks import this module

        payment = await self._payment_of(order)
        if payment is None:
            return
        now = self.clock()
        if not await repo.transition(
            payment.id, FineState.OPEN, FineState.PAID, paid_at=order.paid_at or now
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
        report = await repo.insert_report(payment.id, order.out_trade_no, now)
        await jobs.enqueue(report_payment, report.id)

    async def record_refund(self, order: PaymentOrder, refund: Refund) -> None:
        """A full refund makes the fine unpaid again; a partial one is only logged."""
        payment = await self._payment_of(order)
        if payment is None:
            return
        if order.refunded_fen < payment.amount_fen:  # the order already counts this refund
            logger.warning("fine payment %d partly refunded", payment.id)
            return
        await repo.transition(payment.id, FineState.PAID, FineState.REFUNDED, lock_key=None)
        logger.warning(
            "fine payment %d refunded in full: reconcile its report with the traffic police",
            payment.id,
        )

    # ------------------------------------------------------------------ report to the source

    async def report_due(self, limit: int = 100) -> int:
        """The sweep: every report whose next attempt is due; how many the source confirmed."""
        return await attempt_due(FineReport, ReportState.PENDING, self.clock(), limit, self.report)

    async def report(self, report_id: int) -> bool:
        """One attempt to tell the source a fine was paid; True when this call got it confirmed.
        No message goes to the resident: the payment's own notification already went out."""
        report = await repo.report_by_id(report_id)
        if report is None or report.state != ReportState.PENDING:
            return False
        payment = await repo.payment_by_id(report.payment_id)
        assert payment is not None
        assert payment.paid_at is not None
        settlement = FineSettlement(
            decision_no=payment.decision_no,
            plate=payment.plate,
            amount_fen=payment.amount_fen,
            fine_fen=payment.fine_fen,
            surcharge_fen=payment.surcharge_fen,
            reference=report.reference,
            paid_at=payment.paid_at,
        )
        try:
            confirmation = await self.source.report_payment(settlement)
        except (SourceError, TrafficUnavailable) as exc:
            await self._report_failed(report, exc)
            return False
        return await repo.confirm_report(report.id, confirmation.confirmation_no, self.clock())

    async def _report_failed(self, report: FineReport, exc: Exception) -> None:
        """Retried after the backoff unless the source refused for good; flagged for staff
        when refused or after too many failures."""
        settings = traffic_settings()
        policy = RetryPolicy(
            settings.report_backoff_seconds,
            settings.report_backoff_max_seconds,
            settings.report_attention_after,
        )
        retryable = not isinstance(exc, SourceError) or exc.retryable
        await count_failure(report, ReportState.PENDING, exc, retryable, policy, self.clock())

    async def stuck_reports(self, params: StuckReportsParams) -> Page[FineReportRead]:
        """Reports flagged for staff: refused by the source, or failing for long; oldest first,
        a page at a time."""
        after_id = cursor_id(decode_cursor(params.cursor), "after_id")
        rows = await repo.stuck_reports(after_id, params.limit + 1)
        page = page_of(rows, params.limit, lambda report: {"after_id": report.id})
        return Page[FineReportRead].of(page, lambda r: self._report_read(r, r.payment))

    async def retry_report(self, report_id: int) -> FineReportRead:
        """Staff report a paid fine again now (services/payable.py `retry_now`)."""
        report = await retry_now(FineReport, report_id, self.report, ReportNotFound)
        payment = await repo.payment_by_id(report.payment_id)
        assert payment is not None
        return self._report_read(report, payment)

    @staticmethod
    def _report_read(report: FineReport, payment: FinePayment) -> FineReportRead:
        return FineReportRead(
            id=report.id,
            payment_id=payment.id,
            decision_no=payment.decision_no,
            plate=payment.plate,
            reference=report.reference,
            amount_fen=payment.amount_fen,
            state=report.state,
            attempts=report.attempts,
            next_attempt_at=report.next_attempt_at,
            needs_attention=report.needs_attention,
            last_error=report.last_error,
            created_at=report.created_at,
        )


traffic = TrafficService()


@fulfils(Purpose.FINE)
class FineFulfiller:
    """Payments' fulfiller for traffic fines."""

    async def paid(self, order: PaymentOrder) -> None:
        await traffic.settle(order)

    async def refunded(self, order: PaymentOrder, refund: Refund) -> None:
        await traffic.record_refund(order, refund)

    async def closed(self, order: PaymentOrder) -> None:
        payment_id = payment_id_of(order.reference)
        if payment_id is not None:
            await traffic.release_payment(payment_id)

    async def references(self, term: str) -> list[str]:
        """Payments of a decision number or of a plate."""
        ids = await repo.payment_ids_named(term.strip().upper())
        return [f"{REFERENCE_PREFIX}{payment_id}" for payment_id in ids]
