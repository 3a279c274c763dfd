"""Fee demands: created by departments (idempotent by their own number), found and paid by
residents on any channel, settled by the payments outbox, told back by signed webhook.

Test keys create test demands, which only the sandbox provider can collect: a test key never
moves real money. A live demand is never collected by the sandbox.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
from tortoise.exceptions import IntegrityError

from channels.identity.crypto import open_text, personal_data
from channels.identity.id_numbers import normalize_id_number
from channels.identity.models import Citizen
from channels.identity.phones import normalize_phone
from config import jobs
from config.database import unit_of_work
from config.runtime import runtime
from gateway.codes import Code
from gateway.errors import GovError
from gateway.masking import mask_id_number, mask_phone
from gateway.paging import Page, PageParams, cursor_id, decode_cursor, page_of
from gateway.schemas import Channel, ServiceRequest
from notify.events import Event, emit
from payments import providers
from payments.api import (
    Method,
    PaymentOrder,
    Refund,
    choose_method,
    fulfils,
    open_payment,
    reserve,
)
from payments.providers.sandbox import SandboxProvider
from payments.schemas import PaymentIntent, PaymentStart
from payments.states import Purpose, TradeType
from services.demands import keys
from services.demands import repository as repo
from services.demands.errors import (
    DemandConflict,
    DemandNotFound,
    DemandPaying,
    KeyInvalid,
    NotPayable,
    PayerRequired,
    TestModeOnly,
)
from services.demands.models import (
    WEBHOOK_SECRET,
    DeliveryState,
    DemandState,
    Department,
    FeeDemand,
    FeeDemandItem,
    KeyMode,
    WebhookDelivery,
)
from services.demands.schemas import (
    AttemptRead,
    DeliveryRead,
    DemandCreate,
    DemandRead,
    ItemRead,
)
from services.demands.settings import demand_settings
from services.payable import next_attempt_delay, order_over

logger = logging.getLogger(__name__)

REFERENCE_PREFIX = "demand:"
PHONE, ID_NUMBER = "phone", "id_number"  # the identity module's blind-index purposes


def utcnow() -> datetime:
    return datetime.now(UTC)


def demand_reference(demand_no: str) -> str:
    return f"{REFERENCE_PREFIX}{demand_no}"


def new_demand_no(now: datetime) -> str:
    return f"FD{now:%y%m%d}{secrets.token_hex(6).upper()}"


class DemandService:
    # ------------------------------------------------------------------ departments

    async def authenticate(self, authorization: str | None) -> tuple[Department, KeyMode]:
        """The department and mode a `Bearer gk_…` header names, or DEPARTMENT_KEY_INVALID."""
        scheme, _, text = (authorization or "").partition(" ")
        presented = keys.parse_key(text) if scheme.lower() == "bearer" else None
        stored = await repo.key_by_id(presented.key_id) if presented else None
        if (
            presented is None
            or stored is None
            or stored.revoked_at is not None
            or stored.mode != presented.mode
            or not keys.key_matches(presented, stored.secret_hash)
        ):
            raise KeyInvalid()
        await repo.touch_key(stored.id, utcnow())
        return stored.department, stored.mode

    async def create(self, department: Department, mode: KeyMode, body: DemandCreate) -> FeeDemand:
        """The same external_ref with the same content answers the demand already made (a
        department's retry is safe); with other content it is a conflict."""
        existing = await repo.demand_by_ref(department.id, mode.value, body.external_ref)
        if existing is not None:
            return await self._same_or_conflict(existing, body)
        if not body.payer.phone and not body.payer.id_number:
            raise PayerRequired()
        now = utcnow()
        data = personal_data()
        phone = normalize_phone(body.payer.phone) if body.payer.phone else None
        number = normalize_id_number(body.payer.id_number) if body.payer.id_number else None
        expires_at = body.expires_at or now + timedelta(days=demand_settings().default_expiry_days)
        try:
            async with unit_of_work():
                demand = await repo.insert_demand(
                    [{**item.model_dump(), "amount_fen": item.amount_fen} for item in body.items],
                    demand_no=new_demand_no(now),
                    department_id=department.id,
                    mode=mode,
                    external_ref=body.external_ref,
                    title=body.title,
                    amount_fen=body.amount_fen,
                    payer_phone_hash=data.index.digest(phone, PHONE) if phone else None,
                    payer_phone_masked=mask_phone(phone) if phone else None,
                    payer_id_hash=data.index.digest(number, ID_NUMBER) if number else None,
                    payer_id_masked=mask_id_number(number) if number else None,
                    expires_at=expires_at,
                )
                await self._tell_payer(demand, department)
                return demand
        except IntegrityError:  # the same reference, created concurrently
            raced = await repo.demand_by_ref(department.id, mode.value, body.external_ref)
            if raced is None:
                raise
            return await self._same_or_conflict(raced, body)

    async def _tell_payer(self, demand: FeeDemand, department: Department) -> None:
        """The resident the demand names, when they have an account here, gets a message with
        the payment link (the counter's page: it pays in WeChat, Alipay or any browser)."""
        hashes = [h for h in (demand.payer_phone_hash, demand.payer_id_hash) if h]
        citizen = await repo.citizen_named(hashes)
        if citizen is None:
            return
        link = runtime().settings.public_base_url.rstrip("/") + f"/pay/{demand.demand_no}"
        await emit(
            Event.FEE_DEMAND_ISSUED,
            citizen,
            {
                "department": department.name,
                "item": demand.title,
                "amount_fen": demand.amount_fen,
                "demand_no": demand.demand_no,
                "link": link,
            },
            channel=Channel.WEB,  # a text message: the link opens in any phone browser
            dedupe_key=f"demand:{demand.demand_no}:issued",
        )

    async def _same_or_conflict(self, demand: FeeDemand, body: DemandCreate) -> FeeDemand:
        items = [(i.name, i.quantity, i.unit_fen) for i in await repo.items_of(demand.id)]
        asked = [(i.name, i.quantity, i.unit_fen) for i in body.items]
        if demand.title != body.title or items != asked:
            raise DemandConflict(external_ref=body.external_ref)
        return demand

    async def owned(self, department: Department, mode: KeyMode, demand_no: str) -> FeeDemand:
        demand = await repo.demand_by_no(demand_no)
        if demand is None or demand.department_id != department.id or demand.mode != mode:
            raise DemandNotFound()
        return demand

    async def cancel(self, demand: FeeDemand) -> FeeDemand:
        if demand.state == DemandState.PAYING:
            raise DemandPaying()
        if demand.state == DemandState.OPEN and await repo.transition(
            demand.id, DemandState.OPEN, state=DemandState.CANCELLED
        ):
            demand.state = DemandState.CANCELLED
            return demand
        if demand.state == DemandState.CANCELLED:
            return demand
        raise NotPayable(state=demand.state.value)

    async def deliveries(self, demand: FeeDemand) -> list[DeliveryRead]:
        deliveries = await repo.deliveries_of(demand.id)
        attempts = await repo.attempts_of([d.id for d in deliveries])
        return [
            DeliveryRead(
                sequence=d.sequence,
                event=d.event,
                state=d.state,
                attempts=d.attempts,
                next_attempt_at=d.next_attempt_at if d.state == DeliveryState.PENDING else None,
                delivered_at=d.delivered_at,
                history=[
                    AttemptRead(at=a.at, status=a.status, error=a.error, duration_ms=a.duration_ms)
                    for a in attempts
                    if a.delivery_id == d.id
                ],
            )
            for d in deliveries
        ]

    async def read(self, demand: FeeDemand) -> DemandRead:
        if not isinstance(demand.department, Department):
            await demand.fetch_related("department")
        return DemandRead(
            demand_no=demand.demand_no,
            department=demand.department.code,
            department_name=demand.department.name,
            mode=demand.mode,
            external_ref=demand.external_ref,
            title=demand.title,
            amount_fen=demand.amount_fen,
            items=[
                ItemRead(
                    name=i.name, quantity=i.quantity, unit_fen=i.unit_fen, amount_fen=i.amount_fen
                )
                for i in await repo.items_of(demand.id)
            ],
            payer_phone_masked=demand.payer_phone_masked,
            payer_id_masked=demand.payer_id_masked,
            state=demand.state,
            expires_at=demand.expires_at,
            paid_at=demand.paid_at,
            refunded_fen=demand.refunded_fen,
            out_trade_no=demand.out_trade_no,
        )

    async def items(self, demand: FeeDemand) -> list[FeeDemandItem]:
        return await repo.items_of(demand.id)

    # ------------------------------------------------------------------ residents

    async def mine(self, citizen_id: int, params: PageParams) -> Page[DemandRead]:
        """Open demands naming my phone or ID number, and those I paid, newest first."""
        citizen = await Citizen.get_or_none(id=citizen_id)
        hashes = [h for h in (citizen.phone_hash, citizen.id_number_hash) if h] if citizen else []
        before_id = cursor_id(decode_cursor(params.cursor), "before_id")
        found = await repo.demands_of_payer(hashes, citizen_id, before_id, params.limit + 1)
        page = page_of(found, params.limit, lambda demand: {"before_id": demand.id})
        return Page[DemandRead](
            items=[await self.read(d) for d in page.items], next_cursor=page.next_cursor
        )

    async def find(self, demand_no: str) -> FeeDemand:
        """Anyone holding the number (a payment link, the counter's QR code) may see and pay the
        demand: a relative may pay for a resident, as at the counter. Payer details are masked."""
        demand = await repo.demand_by_no(demand_no)
        if demand is None:
            raise DemandNotFound()
        return demand

    def method_for(
        self,
        demand: FeeDemand,
        channel: Channel,
        provider: str | None = None,
        trade_type: TradeType | None = None,
    ) -> Method:
        """How this demand may be paid: a test demand only at the sandbox cashier, a live one
        never there."""
        if demand.mode == KeyMode.TEST:
            if providers.active().get(SandboxProvider.name) is None:
                raise TestModeOnly()
            return choose_method(channel, SandboxProvider.name, TradeType.CASHIER)
        chosen = choose_method(channel, provider, trade_type)
        if chosen.provider == SandboxProvider.name:
            raise GovError(Code.PAYMENT_PROVIDER_UNAVAILABLE, provider=chosen.provider)
        return chosen

    async def pay(
        self,
        request: ServiceRequest,
        demand_no: str,
        provider: str | None = None,
        trade_type: TradeType | None = None,
    ) -> tuple[FeeDemand, PaymentStart]:
        """A signed-in resident pays (in their channel's usual way unless they choose)."""
        citizen = request.require_citizen()
        demand = await self.payable(demand_no)
        method = self.method_for(demand, request.channel, provider, trade_type)
        return await self.open_order(
            demand, citizen.citizen_id, method, client_ip=request.client_ip
        )

    async def payable(self, demand_no: str) -> FeeDemand:
        """The demand, if it can still be paid: open, or paying with an order that may be the
        caller's own (one whose order is over is released first)."""
        demand = await self.find(demand_no)
        if demand.state == DemandState.OPEN and demand.expires_at <= utcnow():
            raise NotPayable(state=DemandState.EXPIRED.value)
        if demand.state == DemandState.PAYING and await self.release_if_over(demand):
            demand = await self.find(demand_no)
        if demand.state not in (DemandState.OPEN, DemandState.PAYING):
            raise NotPayable(state=demand.state.value)
        return demand

    async def open_order(
        self,
        demand: FeeDemand,
        citizen_id: int,
        method: Method,
        client_ip: str | None = None,
    ) -> tuple[FeeDemand, PaymentStart]:
        """Locks the demand for one order, in one transaction with the order's record; the
        platform is asked after the commit, and if it refuses, the demand is open again.
        `citizen_id` 0 is a payer at the counter who did not sign in."""
        intent = PaymentIntent(
            purpose=Purpose.FEE,
            reference=demand_reference(demand.demand_no),
            citizen_id=citizen_id,
            amount_fen=demand.amount_fen,
            description=f"{demand.department.name} {demand.title}"[:128],
            provider=method.provider,
            trade_type=method.trade_type,
            stands_for=method.stands_for,
            client_ip=client_ip,
        )
        async with unit_of_work():
            reservation = await reserve(intent)
            if demand.state == DemandState.PAYING:
                # Only the payer of the open order, the same way again, gets it back.
                if reservation.out_trade_no != demand.out_trade_no:
                    raise DemandPaying()
            elif not await repo.transition(
                demand.id,
                DemandState.OPEN,
                state=DemandState.PAYING,
                out_trade_no=reservation.out_trade_no,
            ):
                raise DemandPaying()
        start = await open_payment(reservation, lambda: self.release_if_over(demand))
        return await self.find(demand.demand_no), start

    async def release_if_over(self, demand: FeeDemand) -> bool:
        """A demand whose order can no longer be paid is open again."""
        if demand.state != DemandState.PAYING or not await order_over(demand.out_trade_no):
            return False
        released = await repo.transition(
            demand.id, DemandState.PAYING, state=DemandState.OPEN, out_trade_no=None
        )
        if released:
            logger.info("demand %s open again: its order is over", demand.demand_no)
        return released

    async def sweep(self, limit: int = 200) -> int:
        """Releases demands whose order is over and expires open demands past their date."""
        now = utcnow()
        changed = 0
        for demand in await repo.paying_demands(now - timedelta(seconds=30), limit):
            changed += await self.release_if_over(demand)
        for demand in await repo.expired_open_demands(now, limit):
            async with unit_of_work():
                if await repo.transition(demand.id, DemandState.OPEN, state=DemandState.EXPIRED):
                    demand.state = DemandState.EXPIRED
                    await self._tell(demand, "demand.expired", now)
                    changed += 1
        return changed

    # ------------------------------------------------------------------ fulfilment

    async def settle(self, order: PaymentOrder) -> bool:
        """The order was paid (inside the payments outbox transaction); False when the order
        was not opened for a demand."""
        demand = await self._demand_of(order)
        if demand is None:
            return False
        now = utcnow()
        if not await repo.transition(
            demand.id,
            DemandState.PAYING,
            state=DemandState.PAID,
            paid_at=order.paid_at or now,
            paid_by_citizen_id=order.citizen_id or None,  # 0: paid at the counter, anonymous
            out_trade_no=order.out_trade_no,
        ):
            raise RuntimeError(f"demand {demand.demand_no} is {demand.state}, not paying")
        demand.state, demand.paid_at = DemandState.PAID, order.paid_at or now
        await self._tell(demand, "demand.paid", now, out_trade_no=order.out_trade_no)
        return True

    async def refunded(self, order: PaymentOrder, refund: Refund) -> bool:
        demand = await self._demand_of(order)
        if demand is None:
            return False
        now = utcnow()
        total = demand.refunded_fen + refund.amount_fen
        state = DemandState.REFUNDED if total >= demand.amount_fen else demand.state
        await repo.transition(demand.id, demand.state, refunded_fen=total, state=state)
        demand.refunded_fen, demand.state = total, state
        await self._tell(
            demand,
            "demand.refunded",
            now,
            out_trade_no=order.out_trade_no,
            refund_fen=refund.amount_fen,
            out_refund_no=refund.out_refund_no,
        )
        return True

    async def _demand_of(self, order: PaymentOrder) -> FeeDemand | None:
        if not order.reference.startswith(REFERENCE_PREFIX):
            return None
        demand = await repo.demand_by_no(order.reference.removeprefix(REFERENCE_PREFIX))
        if demand is None:
            raise LookupError(f"no demand for order {order.out_trade_no}")
        return demand

    async def _tell(self, demand: FeeDemand, event: str, now: datetime, **extra: Any) -> None:
        from services.demands.tasks import deliver_webhooks  # tasks import this module

        payload = {
            "event": event,
            "demand_no": demand.demand_no,
            "external_ref": demand.external_ref,
            "mode": demand.mode.value,
            "state": demand.state.value,
            "amount_fen": demand.amount_fen,
            "refunded_fen": demand.refunded_fen,
            "paid_at": demand.paid_at.isoformat() if demand.paid_at else None,
            "occurred_at": now.isoformat(),
            **extra,
        }
        await repo.add_delivery(demand, event, payload, now)
        await jobs.enqueue(deliver_webhooks)  # sent after the commit

    # ------------------------------------------------------------------ webhooks

    async def deliver_due(self, now: datetime | None = None, limit: int = 100) -> int:
        """One attempt at every delivery that is due, in order per demand; how many arrived.
        The due list holds at most one delivery per demand, so they go out side by side
        (`GOVHUB_DEMANDS_WEBHOOK_CONCURRENCY` at a time) and a slow receiver holds up only its
        own."""
        moment = now or utcnow()
        gate = asyncio.Semaphore(demand_settings().webhook_concurrency)

        async def attempt(delivery: WebhookDelivery) -> bool:
            async with gate:
                return await self._attempt(delivery, moment)

        due = await repo.due_deliveries(moment, limit)
        return sum(await asyncio.gather(*(attempt(delivery) for delivery in due)))

    async def _attempt(self, delivery: WebhookDelivery, now: datetime) -> bool:
        settings = demand_settings()
        if not await repo.claim_delivery(
            delivery, now + timedelta(seconds=settings.webhook_timeout_seconds * 2 + 1)
        ):
            return False
        department = delivery.department
        body = orjson.dumps(delivery.payload)
        status: int | None = None
        error: str | None = None
        started = time.monotonic()
        if not department.webhook_url:
            error = "the department has no webhook URL"
        else:
            secret = open_text(department.webhook_secret, WEBHOOK_SECRET)
            headers = {
                "Content-Type": "application/json",
                "GovHub-Event": delivery.event,
                "GovHub-Delivery": f"{delivery.payload.get('event_id')}",
                keys.SIGNATURE_HEADER: keys.sign(secret, int(time.time()), body),
            }
            try:
                response = await runtime().http.post(
                    department.webhook_url,
                    content=body,
                    headers=headers,
                    timeout=settings.webhook_timeout_seconds,
                )
                status = response.status_code
                if not 200 <= status < 300:
                    error = f"answered HTTP {status}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"[:255]
        duration = int((time.monotonic() - started) * 1000)
        attempts = delivery.attempts + 1
        if error is None:
            await repo.record_attempt(
                delivery.id,
                now,
                status,
                None,
                duration,
                attempts=attempts,
                state=DeliveryState.DELIVERED,
                delivered_at=now,
                next_attempt_at=None,
            )
            return True
        give_up = now - delivery.created_at >= timedelta(hours=settings.webhook_retry_hours)
        wait = next_attempt_delay(
            attempts, settings.webhook_backoff_seconds, settings.webhook_backoff_max_seconds
        )
        await repo.record_attempt(
            delivery.id,
            now,
            status,
            error,
            duration,
            attempts=attempts,
            state=DeliveryState.DEAD if give_up else DeliveryState.PENDING,
            next_attempt_at=None if give_up else now + timedelta(seconds=wait),
        )
        (logger.error if give_up else logger.warning)(
            "webhook %s of %s to %s failed (attempt %d): %s",
            delivery.event,
            delivery.payload.get("demand_no"),
            department.code,
            attempts,
            error,
        )
        return False


@fulfils(Purpose.FEE)
class DemandFulfiller:
    """Purpose FEE in the payments outbox: demands settle here; other fee orders (the sandbox
    demo) have the ledger as their whole record."""

    async def paid(self, order: PaymentOrder) -> None:
        if not await demands.settle(order):
            logger.info("order %s (fee %s) paid", order.out_trade_no, order.reference)

    async def refunded(self, order: PaymentOrder, refund: Refund) -> None:
        if not await demands.refunded(order, refund):
            logger.info("order %s refunded %d fen", order.out_trade_no, refund.amount_fen)

    async def closed(self, order: PaymentOrder) -> None:
        demand = await demands._demand_of(order)
        if demand is not None:
            await demands.release_if_over(demand)

    async def references(self, term: str) -> list[str]:
        """A demand by its number or by the department's own."""
        return [demand_reference(no) for no in await repo.demand_nos_named(term.strip())]


demands = DemandService()
