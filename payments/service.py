"""The payments ledger: create orders, apply what platforms report, close, refund, answer status.

Every change of an order is one conditional update (`WHERE state = expected`) plus an event row
plus, where the business side must act, an outbox entry, all in one transaction. Concurrent
callers race on the conditional update; exactly one wins and the others see a duplicate.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from prometheus_client import Counter
from tortoise.exceptions import IntegrityError

from channels.identity import repository as identity_repo
from config import jobs
from config.database import unit_of_work
from config.group_commit import GroupCommit
from config.runtime import runtime
from gateway.paging import Page, cursor_id, decode_cursor, page_of
from payments import providers
from payments import repository as repo
from payments.errors import (
    AlreadyPaid,
    AmountInvalid,
    MethodUnsupported,
    OrderNotFound,
    PayerRequired,
    ProviderRefused,
    ProviderUnavailable,
    RefundConflict,
    RefundExceedsPaid,
    ReportRejected,
    StateConflict,
)
from payments.models import PaymentOrder, Refund
from payments.providers.base import (
    Acknowledgement,
    CreateRequest,
    NotificationRejected,
    PaymentProvider,
    PaymentReport,
    ProviderError,
    RefundReport,
    RefundRequest,
)
from payments.schemas import OrdersParams, OrderStatus, PaymentIntent, PaymentStart, RefundRead
from payments.settings import payment_settings
from payments.states import (
    REFUNDABLE,
    OrderState,
    OutboxKind,
    PaymentOutcome,
    Purpose,
    RefundOutcome,
    RefundState,
    TransitionRefused,
    Trigger,
    advance,
    refund_trigger,
)

logger = logging.getLogger(__name__)

NOTIFICATIONS = Counter(
    "govhub_payment_notifications_total", "Platform notifications", ["provider", "outcome"]
)
_ATTEMPTS = 5  # optimistic retries when another writer moved the order first
_REFUND_PROCESSING_RECHECK = timedelta(minutes=10)


class Applied(StrEnum):
    """What applying a report did."""

    CHANGED = "changed"
    DUPLICATE = "duplicate"  # already applied (or later state): nothing to do
    NO_CHANGE = "no_change"  # the report does not move anything (not paid, processing)


@dataclass(frozen=True, slots=True)
class Reservation:
    """An order recorded for an intent and not yet opened at the platform, or (`ready`) an open
    order of the same intent handed out before."""

    order: PaymentOrder
    intent: PaymentIntent
    ready: PaymentStart | None = None

    @property
    def out_trade_no(self) -> str:
        return self.order.out_trade_no


class _Contended(Exception):
    """Another writer changed the row between our read and our conditional update."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_out_trade_no(now: datetime) -> str:
    """30 characters: a date for people reading statements, 88 random bits so nobody can guess."""
    return f"GH{now:%y%m%d}{secrets.token_hex(11)}"


class ConsumerWakeups:
    """Wakes the outbox consumer after commits, coalesced: at most one job per `delay` seconds
    per process, sent after the window so every entry committed in it is covered. Under load
    this spares each notification a queue round trip. A wake-up lost with the process costs
    only time: the outbox sweep picks the entries up."""

    def __init__(self, delay: float = 0.02) -> None:
        self._delay = delay
        self._pending: asyncio.Task[None] | None = None

    def wake(self) -> None:
        if self._pending is None or self._pending.done():
            self._pending = asyncio.get_running_loop().create_task(self._send())

    async def _send(self) -> None:
        from payments.tasks import consume_outbox  # the tasks module imports this one

        await asyncio.sleep(self._delay)
        self._pending = None  # commits from now on need a wake-up of their own
        try:
            await consume_outbox.kiq()
        except Exception:
            logger.exception("could not queue the outbox consumer; the sweep will run it")

    async def idle(self) -> None:
        """Returns once no wake-up is waiting to be sent (shutdown, tests)."""
        while (pending := self._pending) is not None:
            await pending


wakeups = ConsumerWakeups()


async def _queue_refund(refund_id: int) -> None:
    from payments.tasks import submit_refund

    await jobs.enqueue(submit_refund, refund_id)


class PaymentService:
    def __init__(self) -> None:
        self._paid_batches: GroupCommit[repo.ReportedPayment, bool] = GroupCommit(
            lambda rows: repo.record_payments(rows, utcnow()), name="payments-paid"
        )

    async def drain(self) -> None:
        """Waits for payments handed to the group commit (shutdown)."""
        await self._paid_batches.drain()

    # ------------------------------------------------------------------ create

    async def create_order(
        self, intent: PaymentIntent, now: datetime | None = None
    ) -> PaymentStart:
        """Opens an order for a business object and returns what the client needs to pay."""
        return await self.open(await self.reserve(intent, now))

    async def reserve(self, intent: PaymentIntent, now: datetime | None = None) -> Reservation:
        """Checks the intent and records its order, without calling the platform, so a business
        service can do it in the transaction that locks its object and call `open` after the
        commit: no lock is held while a platform answers.

        The same resident asking again for the same object, provider and way of paying gets the
        open order back instead of a second one. Where the platform names the payer (WeChat
        JSAPI and mini-program, Alipay mini-program) the resident's id in that app comes from
        their channel accounts.
        """
        now = now or utcnow()
        provider = providers.active().get(intent.provider)
        if provider is None:
            raise ProviderUnavailable(provider=intent.provider)
        if intent.trade_type not in provider.trade_types:
            raise MethodUnsupported(provider=intent.provider, trade_type=intent.trade_type.value)
        if await repo.settled_order_exists(intent.purpose, intent.reference):
            raise AlreadyPaid()
        reusable = await repo.reusable_order(
            intent.purpose,
            intent.reference,
            intent.citizen_id,
            intent.provider,
            intent.trade_type,
            now + timedelta(minutes=1),
        )
        if reusable is not None and reusable.amount_fen == intent.amount_fen:
            return Reservation(reusable, intent, PaymentStart.of(reusable))
        intent = await self._with_payer(provider, intent)
        return Reservation(await self._insert_order(intent, now), intent)

    async def open(self, reservation: Reservation) -> PaymentStart:
        """Asks the platform for the client's parameters of a reserved order. When the platform
        refuses or cannot be reached the order is closed, so whatever it locked is let go."""
        if reservation.ready is not None:
            return reservation.ready
        order = reservation.order
        provider = providers.active().get(order.provider)
        if provider is None:
            await self._close(order, "create_failed", {"error": "provider off"})
            raise ProviderUnavailable(provider=order.provider)
        await self._open_at_provider(provider, order, reservation.intent)
        return PaymentStart.of(await repo.order_by_id(order.id))

    @staticmethod
    async def _with_payer(provider: PaymentProvider, intent: PaymentIntent) -> PaymentIntent:
        if intent.payer_id:
            return intent
        app_id = provider.payer_app_id(intent.trade_type)
        if app_id is None:
            return intent
        payer = await identity_repo.external_id_in_app(intent.citizen_id, app_id)
        if payer is None:  # signed in some other way: the platform would refuse the order
            raise PayerRequired()
        return intent.model_copy(update={"payer_id": payer})

    async def _insert_order(self, intent: PaymentIntent, now: datetime) -> PaymentOrder:
        ttl = timedelta(minutes=payment_settings().order_ttl_minutes)
        async with unit_of_work():
            order = await repo.insert_order(
                out_trade_no=new_out_trade_no(now),
                purpose=intent.purpose,
                reference=intent.reference,
                citizen_id=intent.citizen_id,
                description=intent.description,
                amount_fen=intent.amount_fen,
                provider=intent.provider,
                trade_type=intent.trade_type,
                state=OrderState.CREATED,
                app_id="",
                merchant_id="",
                expires_at=now + ttl,
            )
            await repo.add_event(
                order.id,
                "created",
                "system",
                to_state=OrderState.CREATED,
                amount_fen=order.amount_fen,
            )
        return order

    async def _open_at_provider(
        self, provider: PaymentProvider, order: PaymentOrder, intent: PaymentIntent
    ) -> None:
        request = CreateRequest(
            out_trade_no=order.out_trade_no,
            amount_fen=order.amount_fen,
            description=order.description,
            trade_type=order.trade_type,
            expires_at=order.expires_at,
            payer_id=intent.payer_id,
            client_ip=intent.client_ip,
            stands_for=intent.stands_for,
        )
        try:
            payment = await provider.create(request)
        except ProviderError as exc:
            # Nobody can pay an order whose client parameters were never handed out.
            await self._close(order, "create_failed", {"error": str(exc)[:200]})
            if exc.code == "PAYER":
                raise PayerRequired() from None
            if exc.retryable:
                raise ProviderUnavailable(provider=provider.name) from None
            raise ProviderRefused(reason=exc.code or "refused") from None
        await repo.save_client_payment(
            order.id, payment.params, payment.app_id, payment.merchant_id, payment.provider_trade_no
        )

    # ------------------------------------------------------------------ notifications

    async def handle_notification(
        self, provider: PaymentProvider, headers: Mapping[str, str], body: bytes
    ) -> Acknowledgement:
        """The whole notify path: verify first, then check against the order, then apply, and
        answer in the platform's format. Any failure changes nothing and asks for a retry."""
        try:
            notification = await provider.verify_notification(headers, body)
        except NotificationRejected as exc:
            NOTIFICATIONS.labels(provider.name, "rejected").inc()
            logger.warning("%s notification rejected: %s", provider.name, exc)
            return provider.acknowledge(False, "verification failed", headers)
        try:
            if notification.payment is not None:
                outcome = await self.apply_payment_report(
                    provider.name, notification.payment, "notify"
                )
            elif notification.refund is not None:
                outcome = await self.apply_refund_report(
                    provider.name, notification.refund, "notify"
                )
            else:
                outcome = Applied.NO_CHANGE
        except ReportRejected as exc:
            NOTIFICATIONS.labels(provider.name, "mismatch").inc()
            logger.warning(
                "%s notification %s refused: %s", provider.name, notification.notification_id, exc
            )
            return provider.acknowledge(False, "does not match the order", headers)
        except Exception:
            # The platform must hear "send again" in its own format, never a bare 500 page.
            NOTIFICATIONS.labels(provider.name, "error").inc()
            logger.exception(
                "%s notification %s failed", provider.name, notification.notification_id
            )
            return provider.acknowledge(False, "temporary failure", headers)
        NOTIFICATIONS.labels(provider.name, outcome.value).inc()
        return provider.acknowledge(True, headers=headers)

    @staticmethod
    def _vouched(provider_name: str, report: PaymentReport) -> dict[str, Any]:
        """The columns an order must hold for a report to be about it: its provider, the app and
        merchant the platform names, and for a payment the amount and currency."""
        columns: dict[str, Any] = {"provider": provider_name}
        if report.app_id is not None:
            columns["app_id"] = report.app_id
        if report.merchant_id is not None:
            columns["merchant_id"] = report.merchant_id
        if report.outcome == PaymentOutcome.PAID:
            columns.update(amount_fen=report.amount_fen, currency=report.currency)
        return columns

    @classmethod
    def _check_report(cls, order: PaymentOrder, provider_name: str, report: PaymentReport) -> None:
        vouched = cls._vouched(provider_name, report)
        wrong = sorted(
            column for column, value in vouched.items() if getattr(order, column) != value
        )
        if wrong:
            raise ReportRejected(
                f"{', '.join(wrong)} of {order.out_trade_no} differ from the report"
            )

    async def apply_payment_report(
        self, provider_name: str, report: PaymentReport, source: str
    ) -> Applied:
        """Records a payment the platform vouched for. A payment after the order was closed is
        recorded too (PAID_AFTER_CLOSE) and refunded automatically (payments/README.md)."""
        if report.outcome == PaymentOutcome.PAID and await self._record_usual_payment(
            provider_name, report, source
        ):
            return Applied.CHANGED
        # Otherwise find out why: unknown order, mismatch, duplicate, or money after closing.
        order = await repo.order_by_out_trade_no(report.out_trade_no)
        if order is None:
            raise ReportRejected(f"no order {report.out_trade_no}")
        self._check_report(order, provider_name, report)
        if report.outcome != PaymentOutcome.PAID:
            return Applied.NO_CHANGE
        for _ in range(_ATTEMPTS):
            try:
                target = advance(order.state, Trigger.PAY)
            except TransitionRefused:
                return Applied.DUPLICATE
            if await self._record_payment({"id": order.id}, order.state, target, report, source):
                return Applied.CHANGED
            order = await repo.order_by_id(order.id)
        return Applied.DUPLICATE

    async def _record_usual_payment(
        self, provider_name: str, report: PaymentReport, source: str
    ) -> bool:
        """The usual case in one go: an unpaid order exactly as the report describes.
        Concurrent reports are recorded together (a group commit: one statement on PostgreSQL,
        one transaction on SQLite), so a busy notify path pays one commit for many payments."""
        if not repo.batches_payments():
            match = {"out_trade_no": report.out_trade_no, **self._vouched(provider_name, report)}
            return await self._record_payment(
                match, OrderState.CREATED, OrderState.PAID, report, source
            )
        moved = await self._paid_batches.submit(
            repo.ReportedPayment(
                out_trade_no=report.out_trade_no,
                provider=provider_name,
                app_id=report.app_id,
                merchant_id=report.merchant_id,
                amount_fen=report.amount_fen or 0,
                currency=report.currency,
                provider_trade_no=report.provider_trade_no,
                paid_at=report.paid_at or utcnow(),
                source=source,
                detail=self._paid_detail(report),
            )
        )
        if moved:
            wakeups.wake()
        return moved

    @staticmethod
    def _paid_detail(report: PaymentReport) -> dict[str, object]:
        return {"trade_no": report.provider_trade_no, "status": report.platform_status}

    async def _record_payment(
        self,
        match: dict[str, Any],
        expected: OrderState,
        target: OrderState,
        report: PaymentReport,
        source: str,
    ) -> bool:
        now = utcnow()
        late = target == OrderState.PAID_AFTER_CLOSE
        record = repo.PaymentRecord(
            event_kind="paid_after_close" if late else "paid",
            source=source,
            amount_fen=report.amount_fen,
            detail=self._paid_detail(report),
            outbox_kind=OutboxKind.LATE_PAYMENT if late else OutboxKind.PAID,
            provider_trade_no=report.provider_trade_no,
            paid_at=report.paid_at or now,
        )
        if not await repo.record_payment(match, expected, target, record, now):
            return False
        wakeups.wake()
        if late:
            logger.warning("order %s was paid after it closed: refunding", report.out_trade_no)
        return True

    # ------------------------------------------------------------------ status, expiry

    async def orders(
        self, params: OrdersParams, references: Mapping[Purpose, list[str]] | None = None
    ) -> Page[OrderStatus]:
        """Orders newest first, a page at a time (staff looking for the one to refund);
        `references`: only orders for these business objects."""
        before_id = cursor_id(decode_cursor(params.cursor), "before_id")
        filters = {
            name: value
            for name, value in (
                ("state", params.state),
                ("purpose", params.purpose),
                ("citizen_id", params.citizen_id),
                ("out_trade_no", params.out_trade_no),
            )
            if value is not None
        }
        rows = await repo.orders_newest_first(
            before_id=before_id,
            created_from=params.starts(),
            created_to=params.ends(),
            filters=filters,
            limit=params.limit + 1,
            references=references,
        )
        page = page_of(rows, params.limit, lambda order: {"before_id": order.id})
        return Page[OrderStatus].of(page, OrderStatus.of)

    async def status(self, out_trade_no: str, citizen_id: int) -> OrderStatus:
        """The resident's own order; another resident's is reported as not found."""
        order = await repo.order_by_out_trade_no(out_trade_no)
        if order is None or order.citizen_id != citizen_id:
            raise OrderNotFound()
        if order.state == OrderState.CREATED and await self._may_query(order):
            await self._query_and_apply(order)
            order = await repo.order_by_id(order.id)
        return OrderStatus.of(order)

    @staticmethod
    async def _may_query(order: PaymentOrder) -> bool:
        """A client polls often; the platform is asked at most once per interval per order."""
        interval = payment_settings().status_query_interval_seconds
        return await runtime().store.set_if_absent(
            f"payments:status-query:{order.out_trade_no}", "1", ttl=interval
        )

    async def _query_and_apply(self, order: PaymentOrder) -> PaymentReport | None:
        provider = providers.active().get(order.provider)
        if provider is None:
            return None
        try:
            report = await provider.query(order.out_trade_no)
            if report.outcome == PaymentOutcome.PAID:
                await self.apply_payment_report(order.provider, report, "query")
        except (ProviderError, ReportRejected) as exc:
            logger.warning("query of %s failed: %s", order.out_trade_no, exc)
            return None
        return report

    async def expire_due(self, now: datetime | None = None, limit: int = 100) -> int:
        """Orders past their expiry: asked at the platform first (paid ones are recorded as paid),
        then closed there and here. Returns how many were closed."""
        now = now or utcnow()
        closed = 0
        for order in await repo.expired_open_orders(now, limit):
            if await self.expire_order(order):
                closed += 1
        return closed

    async def expire_order(self, order: PaymentOrder) -> bool:
        provider = providers.active().get(order.provider)
        if provider is None:
            logger.warning(
                "cannot expire %s: provider %s is off", order.out_trade_no, order.provider
            )
            return False
        report = await self._query_and_apply(order)
        if report is None or report.outcome == PaymentOutcome.PAID:
            return False
        try:
            await provider.close(order.out_trade_no)
        except ProviderError as exc:
            # ORDERPAID: paid between our query and the close; the next query records it.
            logger.warning("closing %s at %s failed: %s", order.out_trade_no, provider.name, exc)
            return False
        return await self._close(order, "expiry", {"status": report.platform_status})

    async def _close(self, order: PaymentOrder, source: str, detail: dict[str, object]) -> bool:
        async with unit_of_work():
            target = advance(OrderState.CREATED, Trigger.CLOSE)
            if not await repo.transition_order(
                order.id, OrderState.CREATED, target, closed_at=utcnow()
            ):
                return False
            await repo.add_outbox(OutboxKind.CLOSED, order.id, utcnow())
            await repo.add_event(
                order.id,
                "closed",
                source,
                from_state=OrderState.CREATED,
                to_state=target,
                detail=detail,
            )
        return True

    # ------------------------------------------------------------------ refunds

    async def refund(
        self,
        out_trade_no: str,
        amount_fen: int,
        out_refund_no: str,
        reason: str,
        source: str = "staff",
        submit: bool = True,
    ) -> RefundRead:
        """Refunds part or all of a paid order. The same `out_refund_no` with the same order and
        amount returns the first refund; with anything else it is a conflict. The sum of
        refunds never exceeds the amount paid, even when requested concurrently."""
        order = await repo.order_by_out_trade_no(out_trade_no)
        if order is None:
            raise OrderNotFound()
        if amount_fen <= 0:
            raise AmountInvalid()
        existing = await repo.refund_by_no(out_refund_no)
        if existing is not None:
            return self._same_refund(existing, order, amount_fen)
        try:
            refund = await self._reserve_refund(order, amount_fen, out_refund_no, reason, source)
        except IntegrityError:
            existing = await repo.refund_by_no(out_refund_no)
            if existing is None:
                raise
            return self._same_refund(existing, order, amount_fen)
        if submit:
            refund = await self.submit_refund(refund.id)
        return RefundRead.of(refund, order)

    @staticmethod
    def _same_refund(existing: Refund, order: PaymentOrder, amount_fen: int) -> RefundRead:
        if existing.order_id != order.id or existing.amount_fen != amount_fen:
            raise RefundConflict(out_refund_no=existing.out_refund_no)
        return RefundRead.of(existing, order)

    async def _reserve_refund(
        self, order: PaymentOrder, amount_fen: int, out_refund_no: str, reason: str, source: str
    ) -> Refund:
        for _ in range(_ATTEMPTS):
            if order.state not in REFUNDABLE:
                raise StateConflict(state=order.state.value, action="refunded", action_zh="退款")
            refundable = order.amount_fen - order.refund_reserved_fen
            if amount_fen > refundable:
                raise RefundExceedsPaid(refundable_fen=refundable)
            async with unit_of_work():
                if await repo.reserve_refund(order.id, order.refund_reserved_fen, amount_fen):
                    refund = await repo.insert_refund(
                        order_id=order.id,
                        out_refund_no=out_refund_no,
                        amount_fen=amount_fen,
                        reason=reason[:80],
                        state=RefundState.PENDING,
                        next_attempt_at=utcnow(),
                    )
                    await repo.add_event(
                        order.id,
                        "refund_requested",
                        source,
                        amount_fen=amount_fen,
                        detail={"out_refund_no": out_refund_no},
                    )
                    return refund
            order = await repo.order_by_id(order.id)
        raise StateConflict(state=order.state.value, action="refunded", action_zh="退款")

    async def submit_refund(self, refund_id: int) -> Refund:
        """Sends a pending refund to the platform (again: the refund number makes it safe)."""
        refund = await repo.refund_by_id(refund_id)
        if refund.state != RefundState.PENDING:
            return refund
        order = await repo.order_by_id(refund.order_id)
        provider = providers.active().get(order.provider)
        try:
            if provider is None:
                raise ProviderError(f"provider {order.provider} is off")
            report = await provider.refund(
                RefundRequest(
                    out_trade_no=order.out_trade_no,
                    out_refund_no=refund.out_refund_no,
                    amount_fen=refund.amount_fen,
                    total_fen=order.amount_fen,
                    reason=refund.reason,
                )
            )
        except ProviderError as exc:
            await self._refund_attempt_failed(refund, str(exc))
            return await repo.refund_by_id(refund.id)
        await repo.note_refund_attempt(
            refund.id, utcnow() + _REFUND_PROCESSING_RECHECK, None, False, report.provider_refund_no
        )
        await self.apply_refund_report(order.provider, report, "refund_api")
        return await repo.refund_by_id(refund.id)

    async def _refund_attempt_failed(self, refund: Refund, error: str) -> None:
        attempts = refund.attempts + 1
        give_up = attempts >= payment_settings().refund_max_attempts
        delay = timedelta(seconds=min(30 * 2**attempts, 6 * 3600))
        await repo.note_refund_attempt(
            refund.id, None if give_up else utcnow() + delay, error, needs_attention=give_up
        )
        logger.warning("refund %s attempt %d failed: %s", refund.out_refund_no, attempts, error)

    async def apply_refund_report(
        self, provider_name: str, report: RefundReport, source: str
    ) -> Applied:
        refund = await repo.refund_by_no(report.out_refund_no)
        if refund is None:
            raise ReportRejected(f"no refund {report.out_refund_no}")
        order = await repo.order_by_id(refund.order_id)
        if order.provider != provider_name or report.out_trade_no not in (None, order.out_trade_no):
            raise ReportRejected(f"refund {report.out_refund_no} is not for this order")
        if report.amount_fen is not None and report.amount_fen != refund.amount_fen:
            raise ReportRejected(f"refund amount {report.amount_fen} is not {refund.amount_fen}")
        if report.outcome == RefundOutcome.PROCESSING:
            return Applied.NO_CHANGE
        if report.outcome == RefundOutcome.FAILED:
            return await self._refund_failed(order, refund, report, source)
        for _ in range(_ATTEMPTS):
            try:
                return await self._refund_succeeded(order, refund, report, source)
            except _Contended:
                order = await repo.order_by_id(order.id)
        raise StateConflict(state=order.state.value, action="refunded", action_zh="退款")

    async def _refund_succeeded(
        self, order: PaymentOrder, refund: Refund, report: RefundReport, source: str
    ) -> Applied:
        now = utcnow()
        trigger = refund_trigger(refund.amount_fen, order.refunded_fen, order.amount_fen)
        target = advance(order.state, trigger)
        async with unit_of_work():
            if not await repo.transition_refund(
                refund.id,
                RefundState.PENDING,
                RefundState.SUCCEEDED,
                succeeded_at=now,
                next_attempt_at=None,
                provider_refund_no=report.provider_refund_no or refund.provider_refund_no,
            ):
                return Applied.DUPLICATE
            if not await repo.record_refunded(
                order.id, order.state, target, order.refunded_fen, refund.amount_fen
            ):
                raise _Contended()  # rolls the refund's transition back too
            await repo.add_event(
                order.id,
                "refunded",
                source,
                from_state=order.state,
                to_state=target,
                amount_fen=refund.amount_fen,
                detail={"out_refund_no": refund.out_refund_no},
            )
            if order.state != OrderState.PAID_AFTER_CLOSE:  # the business side never saw it paid
                await repo.add_outbox(OutboxKind.REFUNDED, order.id, now, refund.id)
        wakeups.wake()
        return Applied.CHANGED

    async def _refund_failed(
        self, order: PaymentOrder, refund: Refund, report: RefundReport, source: str
    ) -> Applied:
        async with unit_of_work():
            if not await repo.transition_refund(
                refund.id,
                RefundState.PENDING,
                advance(RefundState.PENDING, Trigger.REFUND_FAILED),
                needs_attention=True,
                next_attempt_at=None,
                last_error=f"platform: {report.platform_status}"[:255],
            ):
                return Applied.DUPLICATE
            await repo.release_refund(order.id, refund.amount_fen)
            await repo.add_event(
                order.id,
                "refund_failed",
                source,
                amount_fen=refund.amount_fen,
                detail={"out_refund_no": refund.out_refund_no, "status": report.platform_status},
            )
        logger.warning(
            "refund %s failed at the platform: %s", refund.out_refund_no, report.platform_status
        )
        return Applied.CHANGED

    async def retry_refunds(self, now: datetime | None = None, limit: int = 50) -> int:
        """Pending refunds whose submission failed or whose outcome was not yet known."""
        due = await repo.due_refunds(now or utcnow(), limit)
        for refund in due:
            await self.submit_refund(refund.id)
        return len(due)

    async def refund_late_payment(self, order: PaymentOrder) -> Refund | None:
        """The documented rule for money that came after the order closed: refund all of it.
        Runs inside the outbox consumer's transaction; the platform is asked after commit."""
        out_refund_no = f"LATE{order.out_trade_no}"
        existing = await repo.refund_by_no(out_refund_no)
        if existing is not None:
            return existing
        refund = await self._reserve_refund(
            order, order.amount_fen, out_refund_no, "paid after the order closed", "system"
        )
        await _queue_refund(refund.id)
        return refund


service = PaymentService()
