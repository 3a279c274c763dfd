"""Every query of fee demands, departments, keys and webhook deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Min
from tortoise.transactions import in_transaction

from channels.identity.models import Citizen
from config.database import equal_to
from services.demands.models import (
    DeliveryState,
    DemandState,
    Department,
    DepartmentKey,
    FeeDemand,
    FeeDemandItem,
    WebhookAttempt,
    WebhookDelivery,
)


async def department_by_code(code: str) -> Department | None:
    return await Department.get_or_none(code=code)


async def key_by_id(key_id: str) -> DepartmentKey | None:
    return await DepartmentKey.get_or_none(key_id=key_id).select_related("department")


async def touch_key(key_pk: int, now: datetime) -> None:
    await DepartmentKey.filter(id=key_pk).update(last_used_at=now)


async def demand_by_ref(department_id: int, mode: str, external_ref: str) -> FeeDemand | None:
    return await FeeDemand.get_or_none(
        department_id=department_id, mode=mode, external_ref=external_ref
    )


async def demand_by_no(demand_no: str) -> FeeDemand | None:
    return await FeeDemand.get_or_none(demand_no=demand_no).select_related("department")


async def insert_demand(items: list[dict[str, Any]], **values: Any) -> FeeDemand:
    demand = await FeeDemand.create(**values)
    await FeeDemandItem.bulk_create([FeeDemandItem(demand_id=demand.id, **item) for item in items])
    return demand


async def citizen_named(hashes: list[str]) -> int | None:
    """The citizen whose verified phone or ID number has one of these hashes."""
    if not hashes:
        return None
    found = await Citizen.filter(Q(phone_hash__in=hashes) | Q(id_number_hash__in=hashes)).first()
    return int(found.id) if found else None


async def items_of(demand_id: int) -> list[FeeDemandItem]:
    return await FeeDemandItem.filter(demand_id=demand_id).order_by("id")


async def demands_of_payer(
    hashes: list[str], paid_by: int, before_id: int | None, limit: int
) -> list[FeeDemand]:
    """Open demands naming the resident, and the ones they paid, newest first (before
    `before_id`)."""
    named = Q(payer_phone_hash__in=hashes) | Q(payer_id_hash__in=hashes) if hashes else Q(id=0)
    query = FeeDemand.filter(
        (named & Q(state__in=[DemandState.OPEN, DemandState.PAYING]))
        | Q(paid_by_citizen_id=paid_by)
    )
    if before_id is not None:
        query = query.filter(id__lt=before_id)
    return await query.order_by("-id").limit(limit).select_related("department")


async def transition(demand_id: int, from_state: DemandState, **changes: Any) -> bool:
    return bool(await FeeDemand.filter(id=demand_id, state=from_state).update(**changes))


async def paying_demands(created_before: datetime, limit: int) -> list[FeeDemand]:
    return await FeeDemand.filter(state=DemandState.PAYING, updated_at__lt=created_before).limit(
        limit
    )


async def expired_open_demands(now: datetime, limit: int) -> list[FeeDemand]:
    return (
        await FeeDemand.filter(state=DemandState.OPEN, expires_at__lte=now)
        .order_by("expires_at")
        .limit(limit)
        .select_related("department")
    )


# -------------------------------------------------------------------------------- webhooks


async def add_delivery(
    demand: FeeDemand, event: str, payload: dict[str, Any], now: datetime
) -> int:
    """Appends the demand's next event (inside the transaction that caused it)."""
    sequence = await WebhookDelivery.filter(demand_id=demand.id).count() + 1
    delivery = await WebhookDelivery.create(
        department_id=demand.department_id,
        demand_id=demand.id,
        sequence=sequence,
        event=event,
        payload={**payload, "event_id": f"{demand.demand_no}-{sequence}", "sequence": sequence},
        next_attempt_at=now,
        created_at=now,
    )
    delivery_id: int = delivery.id
    return delivery_id


async def due_deliveries(now: datetime, limit: int) -> list[WebhookDelivery]:
    """Pending deliveries due now that have no earlier pending event of the same demand: a
    demand's events reach the department in order, whatever the retries."""
    due = (
        await WebhookDelivery.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .limit(limit)
        .select_related("department")
    )
    if not due:
        return []
    first_pending = dict(
        await WebhookDelivery.filter(
            demand_id__in={delivery.demand_id for delivery in due}, state=DeliveryState.PENDING
        )
        .group_by("demand_id")
        .annotate(first=Min("sequence"))
        .values_list("demand_id", "first")
    )
    return [d for d in due if first_pending.get(d.demand_id) == d.sequence]


async def claim_delivery(delivery: WebhookDelivery, lease_until: datetime) -> bool:
    """Takes the delivery for one attempt; False when another worker took it first."""
    return bool(
        await WebhookDelivery.filter(
            id=delivery.id,
            state=DeliveryState.PENDING,
            attempts=delivery.attempts,
            next_attempt_at=delivery.next_attempt_at,
        ).update(next_attempt_at=lease_until)
    )


async def record_attempt(
    delivery_id: int,
    at: datetime,
    status: int | None,
    error: str | None,
    duration_ms: int,
    **changes: Any,
) -> None:
    async with in_transaction():
        await WebhookAttempt.create(
            delivery_id=delivery_id, at=at, status=status, error=error, duration_ms=duration_ms
        )
        await WebhookDelivery.filter(id=delivery_id).update(
            last_status=status, last_error=error, **changes
        )


async def deliveries_of(demand_id: int) -> list[WebhookDelivery]:
    return await WebhookDelivery.filter(demand_id=demand_id).order_by("sequence")


async def attempts_of(delivery_ids: list[int]) -> list[WebhookAttempt]:
    return await WebhookAttempt.filter(delivery_id__in=delivery_ids).order_by("id")


async def demand_nos_named(term: str, limit: int = 200) -> list[str]:
    """Demands numbered `term`, by us or by their department (a staff search)."""
    named = equal_to(FeeDemand, term, "demand_no", "external_ref")
    if named is None:
        return []
    rows = await FeeDemand.filter(named).order_by("-id").limit(limit)
    return [row.demand_no for row in rows]
