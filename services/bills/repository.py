"""Every query of the bills tables. State changes are conditional updates that say whether this
caller made the change, which is how concurrent callers agree on one winner."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q

from config.database import equal_to
from services.bills.models import (
    BillPayment,
    BillPaymentState,
    BillState,
    BoundAccount,
    Receipt,
    UtilityBill,
    WriteOff,
    WriteOffState,
)
from services.bills.providers.base import CompanyBill, UtilityKind
from services.payable import needing_staff

# ------------------------------------------------------------------------------------ accounts


async def count_accounts(citizen_id: int) -> int:
    return await BoundAccount.filter(citizen_id=citizen_id).count()


async def insert_account(**values: Any) -> BoundAccount:
    return await BoundAccount.create(**values)


async def accounts_of(citizen_id: int, after_id: int | None, limit: int) -> list[BoundAccount]:
    """The resident's bound accounts in the order bound (by id), after `after_id`."""
    query = BoundAccount.filter(citizen_id=citizen_id)
    if after_id is not None:
        query = query.filter(id__gt=after_id)
    return await query.order_by("id").limit(limit)


async def account_of(citizen_id: int, account_id: int) -> BoundAccount | None:
    return await BoundAccount.get_or_none(id=account_id, citizen_id=citizen_id)


async def delete_account(citizen_id: int, account_id: int) -> int:
    return await BoundAccount.filter(id=account_id, citizen_id=citizen_id).delete()


# ------------------------------------------------------------------------------------ bills


async def upsert_bills(
    kind: UtilityKind, company: str, account_no: str, bills: Sequence[CompanyBill]
) -> list[UtilityBill]:
    """Our snapshots of the company's current bills, created where new; an unpaid snapshot takes
    the company's amount and due date."""
    ids = [bill.bill_id for bill in bills]
    known = {
        b.company_bill_id: b
        for b in await UtilityBill.filter(company=company, company_bill_id__in=ids)
    }
    for bill in bills:
        snapshot = known.get(bill.bill_id)
        if snapshot is None:
            known[bill.bill_id] = await _insert_bill(kind, company, account_no, bill)
        elif snapshot.state == BillState.UNPAID and (
            snapshot.amount_fen != bill.amount_fen or snapshot.due_date != bill.due_date
        ):
            await UtilityBill.filter(id=snapshot.id, state=BillState.UNPAID).update(
                amount_fen=bill.amount_fen, due_date=bill.due_date
            )
            snapshot.amount_fen, snapshot.due_date = bill.amount_fen, bill.due_date
    return [known[bill_id] for bill_id in ids]


async def _insert_bill(
    kind: UtilityKind, company: str, account_no: str, bill: CompanyBill
) -> UtilityBill:
    try:
        return await UtilityBill.create(
            kind=kind,
            company=company,
            account_no=account_no,
            company_bill_id=bill.bill_id,
            period=bill.period,
            amount_fen=bill.amount_fen,
            due_date=bill.due_date,
        )
    except IntegrityError:  # a concurrent query made it first
        return await UtilityBill.get(company=company, company_bill_id=bill.bill_id)


async def bill_by_company_id(company: str, company_bill_id: str) -> UtilityBill | None:
    return await UtilityBill.get_or_none(company=company, company_bill_id=company_bill_id)


async def bills_by_ids(ids: Sequence[int]) -> list[UtilityBill]:
    found = {b.id: b for b in await UtilityBill.filter(id__in=list(ids))}
    return [found[i] for i in ids if i in found]


async def bills_of_payment(payment_id: int) -> list[UtilityBill]:
    return await UtilityBill.filter(payment_id=payment_id).order_by("period", "id")


async def lock_bills(ids: Sequence[int], payment_id: int) -> int:
    """unpaid → paying for the given bills; how many this call locked."""
    return await UtilityBill.filter(id__in=list(ids), state=BillState.UNPAID).update(
        state=BillState.PAYING, payment_id=payment_id
    )


async def move_bills(payment_id: int, expected: BillState, new: BillState) -> int:
    return await UtilityBill.filter(payment_id=payment_id, state=expected).update(state=new)


# ------------------------------------------------------------------------------------ payments


async def insert_payment(**values: Any) -> BillPayment:
    return await BillPayment.create(**values)


async def set_out_trade_no(payment_id: int, out_trade_no: str) -> None:
    await BillPayment.filter(id=payment_id).update(out_trade_no=out_trade_no)


async def payment_by_id(payment_id: int) -> BillPayment | None:
    return await BillPayment.get_or_none(id=payment_id)


async def open_payments(created_before: datetime, limit: int) -> list[BillPayment]:
    return (
        await BillPayment.filter(state=BillPaymentState.OPEN, created_at__lt=created_before)
        .order_by("id")
        .limit(limit)
    )


async def transition_payment(
    payment_id: int, expected: BillPaymentState, new: BillPaymentState, **changes: Any
) -> bool:
    updated = await BillPayment.filter(id=payment_id, state=expected).update(state=new, **changes)
    return updated == 1


async def add_refunded(payment_id: int, amount_fen: int) -> None:
    await BillPayment.filter(id=payment_id).update(refunded_fen=F("refunded_fen") + amount_fen)


# ------------------------------------------------------------------------------------ write-offs


async def insert_write_off(payment_id: int, reference: str, due: datetime) -> WriteOff:
    return await WriteOff.create(payment_id=payment_id, reference=reference, next_attempt_at=due)


async def write_off_by_id(write_off_id: int) -> WriteOff | None:
    return await WriteOff.get_or_none(id=write_off_id)


async def stuck_write_offs(after_id: int | None, limit: int) -> list[WriteOff]:
    """Pending write-offs flagged for staff, oldest first after `after_id`, with their payment."""
    return await needing_staff(WriteOff, WriteOffState.PENDING, after_id, limit, "payment")


async def write_off_of(payment_id: int) -> WriteOff | None:
    return await WriteOff.get_or_none(payment_id=payment_id)


async def complete_write_off(write_off: WriteOff, confirmation_no: str, now: datetime) -> bool:
    updated = await WriteOff.filter(id=write_off.id, state=WriteOffState.PENDING).update(
        state=WriteOffState.DONE,
        attempts=F("attempts") + 1,
        confirmation_no=confirmation_no,
        done_at=now,
        next_attempt_at=None,
        needs_attention=False,
        last_error=None,
    )
    return updated == 1


# ------------------------------------------------------------------------------------ receipts


async def insert_receipt(**values: Any) -> Receipt:
    return await Receipt.create(**values)


async def receipt_by_no(receipt_no: str) -> Receipt | None:
    return await Receipt.get_or_none(receipt_no=receipt_no)


async def receipts_of(
    citizen_id: int, before: tuple[datetime, int] | None, limit: int
) -> list[Receipt]:
    """The resident's receipts newest first (then by id), before the key `before`."""
    query = Receipt.filter(citizen_id=citizen_id)
    if before is not None:
        issued_at, receipt_id = before
        query = query.filter(Q(issued_at__lt=issued_at) | Q(issued_at=issued_at, id__lt=receipt_id))
    return await query.order_by("-issued_at", "-id").limit(limit)


async def payment_ids_of_account(account_no: str, limit: int = 200) -> list[int]:
    """The latest payments of an account number, whichever company (a staff search)."""
    named = equal_to(BillPayment, account_no, "account_no")
    if named is None:
        return []
    rows = await BillPayment.filter(named).order_by("-id").limit(limit)
    return [row.id for row in rows]
