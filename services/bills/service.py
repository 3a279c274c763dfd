"""Utility bills: bound accounts, arrears, paying through payments, write-off and e-receipts.

A bill in an open payment order is locked (`unpaid → paying`, one conditional update in the
transaction that opens the order), so the same bill is never in two live orders. The lock goes
when payments says the order is over (closed unpaid); payments has no close hook for business
services, so that is checked when the account is queried and by a periodic sweep. After
payment the fulfiller marks the bills paid and queues the write-off, which is retried with
backoff until the company confirms; the e-receipt is then issued exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from tortoise.exceptions import IntegrityError, OperationalError

from channels.identity.service import identity
from config import jobs
from config.database import unit_of_work
from config.runtime import runtime
from gateway.paging import Page, cursor_id, cursor_key, decode_cursor, key_of, page_of
from gateway.schemas import ServiceRequest
from notify.events import Event, emit
from payments.api import PaymentOrder, Purpose, Refund, fulfils, open_payment, reserve_payment
from services.bills import receipts
from services.bills import repository as repo
from services.bills.errors import (
    AccountAlreadyBound,
    AccountLimit,
    AccountNotFound,
    BillAlreadyPaid,
    BillNotFound,
    BillPaying,
    CompanyUnavailable,
    HolderMismatch,
    KindUnavailable,
    NothingToPay,
    ProofLocked,
    ReceiptNotFound,
    WriteOffNotFound,
)
from services.bills.models import (
    BillPayment,
    BillPaymentState,
    BillState,
    BoundAccount,
    UtilityBill,
    WriteOff,
    WriteOffState,
)
from services.bills.providers import COMPANIES, Companies
from services.bills.providers.base import (
    KIND_NAMES,
    AccountArrears,
    CompanyError,
    CompanyOutcome,
    HolderProof,
    UtilityKind,
    UtilityProvider,
    WriteOffRequest,
)
from services.bills.schemas import (
    AccountRead,
    AccountTarget,
    ArrearsRead,
    BillRead,
    BindParams,
    MyAccountsParams,
    PayParams,
    PayResult,
    ReceiptRead,
    ReceiptsParams,
    StuckWriteOffsParams,
    WriteOffRead,
)
from services.bills.settings import bills_settings
from services.payable import (
    Clock,
    RetryPolicy,
    attempt_due,
    count_failure,
    order_over,
    retry_now,
    utcnow,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")
REFERENCE_PREFIX = "bills:"
PROOF_ATTEMPTS = 5  # wrong proofs of one account a resident may give in an hour
PROOF_LOCK_SECONDS = 3600
SETTLED = frozenset({BillState.PAID, BillState.WRITTEN_OFF})


def mask_account(account_no: str) -> str:
    """`SW0010001` → `SW00***01`: recognisable on a receipt, not a usable number."""
    keep = max(2, len(account_no) // 4)
    return account_no[:keep] + "*" * (len(account_no) - 2 * keep) + account_no[-keep:]


def payment_reference(payment_id: int) -> str:
    return f"{REFERENCE_PREFIX}{payment_id}"


def payment_id_of(reference: str) -> int | None:
    number = reference.removeprefix(REFERENCE_PREFIX)
    return int(number) if reference.startswith(REFERENCE_PREFIX) and number.isdigit() else None


class BillsService:
    def __init__(self, companies: Companies = COMPANIES, clock: Clock = utcnow) -> None:
        self.companies = companies
        self.clock = clock

    # ------------------------------------------------------------------ companies

    def company(self, kind: UtilityKind) -> UtilityProvider:
        provider = self.companies.get(kind)
        if provider is None:
            raise KindUnavailable(kind=kind.value, kind_zh=KIND_NAMES[kind][0])
        return provider

    @staticmethod
    async def _ask(provider: UtilityProvider, call: Awaitable[T]) -> T:
        """A company's answer, or the resident-facing error for its refusal."""
        try:
            return await call
        except CompanyError as exc:
            if exc.outcome == CompanyOutcome.NO_ACCOUNT:
                raise AccountNotFound() from None
            logger.warning("%s could not answer: %s", provider.company, exc)
            raise CompanyUnavailable(company=provider.name_zh) from None

    async def _arrears_at(self, provider: UtilityProvider, account_no: str) -> AccountArrears:
        return await self._ask(provider, provider.arrears(account_no))

    # ------------------------------------------------------------------ accounts

    def _account_read(self, account: BoundAccount) -> AccountRead:
        provider = self.companies.get(account.kind)
        return AccountRead(
            id=account.id,
            kind=account.kind,
            company=account.company,
            company_name=provider.name_zh if provider else account.company,
            account_no=account.account_no,
            alias=account.alias,
            holder=account.holder_masked,
            bound_at=account.created_at,
        )

    async def bind(self, citizen_id: int, params: BindParams) -> AccountRead:
        """Binds an account number the company knows, once the resident shows it is theirs (the
        holder's full name or phone digits, checked by the company); its holder's masked name
        is kept. Five wrong proofs for one account lock it for this resident for an hour."""
        provider = self.company(params.kind)
        arrears = await self._arrears_at(provider, params.account_no)
        await self._check_holder(citizen_id, provider, arrears.account_no, params)
        limit = bills_settings().max_accounts
        if await repo.count_accounts(citizen_id) >= limit:
            raise AccountLimit(limit=limit)
        try:
            account = await repo.insert_account(
                citizen_id=citizen_id,
                kind=params.kind,
                company=provider.company,
                account_no=arrears.account_no,
                alias=params.alias,
                holder_masked=arrears.holder_masked,
            )
        except IntegrityError:
            raise AccountAlreadyBound() from None
        return self._account_read(account)

    async def _check_holder(
        self, citizen_id: int, provider: UtilityProvider, account_no: str, params: BindParams
    ) -> None:
        store = runtime().store
        key = f"bills:proof-failures:{citizen_id}:{provider.company}:{account_no}"
        failures = int(await store.get(key) or 0)
        if failures >= PROOF_ATTEMPTS:
            raise ProofLocked()
        proof = HolderProof(name=params.holder_name, phone_last4=params.phone_last4)
        if not await provider.holder_matches(account_no, proof):
            await store.incr(key, ttl=PROOF_LOCK_SECONDS)
            raise HolderMismatch()

    async def unbind(self, citizen_id: int, account_id: int) -> AccountRead:
        account = await repo.account_of(citizen_id, account_id)
        if account is None or not await repo.delete_account(citizen_id, account_id):
            raise AccountNotFound()
        return self._account_read(account)

    async def my_accounts(self, citizen_id: int, params: MyAccountsParams) -> Page[AccountRead]:
        """The resident's bound accounts in the order bound, a page at a time."""
        after_id = cursor_id(decode_cursor(params.cursor), "after_id")
        rows = await repo.accounts_of(citizen_id, after_id, params.limit + 1)
        page = page_of(rows, params.limit, lambda account: {"after_id": account.id})
        return Page[AccountRead].of(page, self._account_read)

    # ------------------------------------------------------------------ arrears

    async def _resolve(self, citizen_id: int, target: AccountTarget) -> tuple[UtilityProvider, str]:
        """The company and account number meant: one of the resident's bound accounts (another
        resident's is not found), or an account number given directly."""
        if target.account_id is not None:
            account = await repo.account_of(citizen_id, target.account_id)
            if account is None:
                raise AccountNotFound()
            return self.company(account.kind), account.account_no
        assert target.kind is not None
        assert target.account_no is not None
        return self.company(target.kind), target.account_no

    async def _current_bills(
        self, provider: UtilityProvider, account_no: str
    ) -> tuple[AccountArrears, list[UtilityBill]]:
        """The company's unpaid bills with our state of each; locks of closed orders released."""
        arrears = await self._arrears_at(provider, account_no)
        bills = await repo.upsert_bills(
            provider.kind, provider.company, arrears.account_no, arrears.bills
        )
        held = {b.payment_id for b in bills if b.state == BillState.PAYING and b.payment_id}
        released = [pid for pid in held if await self.release_if_over(pid)]
        if released:
            bills = await repo.bills_by_ids([b.id for b in bills])
        return arrears, bills

    def _bill_read(self, bill: UtilityBill, today_local: datetime) -> BillRead:
        return BillRead(
            bill_id=bill.company_bill_id,
            period=bill.period,
            amount_fen=bill.amount_fen,
            due_date=bill.due_date,
            overdue=bill.due_date < today_local.date(),
            state=bill.state,
        )

    async def arrears(self, citizen_id: int, target: AccountTarget) -> ArrearsRead:
        provider, account_no = await self._resolve(citizen_id, target)
        arrears, bills = await self._current_bills(provider, account_no)
        today = self.clock().astimezone(bills_settings().zone)
        return ArrearsRead(
            kind=provider.kind,
            company=provider.company,
            company_name=provider.name_zh,
            account_no=arrears.account_no,
            holder=arrears.holder_masked,
            bills=[self._bill_read(b, today) for b in bills],
            payable_fen=sum(b.amount_fen for b in bills if b.state == BillState.UNPAID),
        )

    # ------------------------------------------------------------------ pay

    @staticmethod
    async def _busy(bill: UtilityBill, citizen_id: int) -> BillPaying:
        """The refusal for a locked bill; its holder is told which order to finish paying."""
        holder = await repo.payment_by_id(bill.payment_id) if bill.payment_id else None
        resume = (
            {"out_trade_no": holder.out_trade_no}
            if holder is not None and holder.citizen_id == citizen_id
            else None
        )
        return BillPaying(bill_id=bill.company_bill_id, data=resume)

    @staticmethod
    async def _not_listed(company: str, bill_id: str) -> BillNotFound | BillAlreadyPaid:
        """A bill the company no longer lists: settled if we settled it, else unknown."""
        known = await repo.bill_by_company_id(company, bill_id)
        if known is not None and known.state in SETTLED:
            return BillAlreadyPaid(bill_id=bill_id)
        return BillNotFound(bill_id=bill_id)

    async def _choose(
        self,
        company: str,
        bills: list[UtilityBill],
        wanted: Sequence[str] | None,
        citizen_id: int,
    ) -> list[UtilityBill]:
        by_id = {b.company_bill_id: b for b in bills}
        if wanted is None:
            chosen = [b for b in bills if b.state == BillState.UNPAID]
            if not chosen:
                paying = [b for b in bills if b.state == BillState.PAYING]
                raise await self._busy(paying[0], citizen_id) if paying else NothingToPay()
            return chosen
        chosen = []
        for bill_id in dict.fromkeys(wanted):
            bill = by_id.get(bill_id)
            if bill is None:
                raise await self._not_listed(company, bill_id)
            if bill.state in SETTLED:
                raise BillAlreadyPaid(bill_id=bill_id)
            if bill.state == BillState.PAYING:
                raise await self._busy(bill, citizen_id)
            chosen.append(bill)
        return chosen

    async def pay(self, request: ServiceRequest, params: PayParams) -> PayResult:
        """Locks the chosen bills and records one payment order for them, in one transaction: a
        bill already locked by another order refuses the whole payment. The platform is asked
        for the client's parameters after the commit; if it refuses, the bills go back."""
        assert request.citizen is not None
        citizen_id = request.citizen.citizen_id
        provider, account_no = await self._resolve(citizen_id, params)
        arrears, bills = await self._current_bills(provider, account_no)
        chosen = await self._choose(provider.company, bills, params.bill_ids, citizen_id)
        amount_fen = sum(b.amount_fen for b in chosen)
        periods = "、".join(b.period for b in chosen)
        try:
            async with unit_of_work():
                payment = await repo.insert_payment(
                    citizen_id=citizen_id,
                    channel=request.channel.value,
                    kind=provider.kind,
                    company=provider.company,
                    account_no=arrears.account_no,
                    holder_masked=arrears.holder_masked,
                    amount_fen=amount_fen,
                )
                if await repo.lock_bills([b.id for b in chosen], payment.id) != len(chosen):
                    raise BillPaying(bill_id=chosen[0].company_bill_id)
                reservation = await reserve_payment(
                    request,
                    purpose=Purpose.UTILITY_BILL,
                    reference=payment_reference(payment.id),
                    amount_fen=amount_fen,
                    description=f"{KIND_NAMES[provider.kind][0]} {mask_account(account_no)} "
                    f"{periods}"[:128],
                    provider=params.provider,
                    trade_type=params.trade_type,
                )
                await repo.set_out_trade_no(payment.id, reservation.out_trade_no)
        except OperationalError:  # PostgreSQL broke a lock wait between two payments
            raise BillPaying(bill_id=chosen[0].company_bill_id) from None
        start = await open_payment(reservation, lambda: self.release_if_over(payment.id))
        return PayResult(
            payment_id=payment.id,
            amount_fen=amount_fen,
            bill_ids=[b.company_bill_id for b in chosen],
            payment=start,
        )

    # ------------------------------------------------------------------ releasing locks

    async def release_if_over(self, payment_id: int) -> bool:
        """Releases the payment's bills when its order can no longer be paid."""
        payment = await repo.payment_by_id(payment_id)
        if payment is None or payment.state != BillPaymentState.OPEN:
            return False
        if not await order_over(payment.out_trade_no):
            return False
        async with unit_of_work():
            if not await repo.transition_payment(
                payment.id,
                BillPaymentState.OPEN,
                BillPaymentState.RELEASED,
                released_at=self.clock(),
            ):
                return False
            await repo.move_bills(payment.id, BillState.PAYING, BillState.UNPAID)
        logger.info("bill payment %d released: its order is over", payment.id)
        return True

    async def release_over(self, limit: int = 200) -> int:
        """The sweep: every open payment whose order closed unpaid gives its bills back."""
        recent = self.clock() - timedelta(seconds=30)  # an order still being opened is not over
        released = 0
        for payment in await repo.open_payments(recent, limit):
            if await self.release_if_over(payment.id):
                released += 1
        return released

    # ------------------------------------------------------------------ fulfilment

    async def settle(self, order: PaymentOrder) -> None:
        """The order was paid (inside the payments outbox transaction): the bills are paid here
        and their write-off at the company is queued."""
        from services.bills.tasks import write_off as write_off_job  # tasks import this module

        payment_id = payment_id_of(order.reference)
        if payment_id is None:  # not opened by this service: the ledger is the whole record
            logger.warning("order %s names no bill payment: nothing to settle", order.out_trade_no)
            return
        payment = await repo.payment_by_id(payment_id)
        if payment is None:
            raise LookupError(f"no bill payment for order {order.out_trade_no}")
        now = self.clock()
        if not await repo.transition_payment(
            payment.id, BillPaymentState.OPEN, BillPaymentState.PAID, paid_at=order.paid_at or now
        ):
            raise RuntimeError(f"bill payment {payment.id} is {payment.state}, not open")
        await repo.move_bills(payment.id, BillState.PAYING, BillState.PAID)
        entry = await repo.insert_write_off(payment.id, order.out_trade_no, now)
        await jobs.enqueue(write_off_job, entry.id)

    async def record_refund(self, order: PaymentOrder, refund: Refund) -> None:
        """Money went back to the resident; the company settlement stays, so staff reconcile."""
        payment_id = payment_id_of(order.reference)
        if payment_id is not None:
            await repo.add_refunded(payment_id, refund.amount_fen)
        logger.warning(
            "bill payment %s refunded %d fen after payment: reconcile with the company",
            payment_id,
            refund.amount_fen,
        )

    # ------------------------------------------------------------------ write-off

    async def write_off_due(self, limit: int = 100) -> int:
        """The sweep: every write-off whose next attempt is due; how many completed."""
        return await attempt_due(
            WriteOff, WriteOffState.PENDING, self.clock(), limit, self.write_off
        )

    async def write_off(self, write_off_id: int) -> bool:
        """One attempt to settle a paid payment at the company; True when this call completed it
        (and issued the e-receipt)."""
        entry = await repo.write_off_by_id(write_off_id)
        if entry is None or entry.state != WriteOffState.PENDING:
            return False
        payment = await repo.payment_by_id(entry.payment_id)
        assert payment is not None
        bills = await repo.bills_of_payment(payment.id)
        request = WriteOffRequest(
            account_no=payment.account_no,
            bill_ids=tuple(b.company_bill_id for b in bills),
            amount_fen=payment.amount_fen,
            reference=entry.reference,
        )
        try:
            confirmation = await self.company(payment.kind).write_off(request)
        except (CompanyError, KindUnavailable) as exc:
            await self._write_off_failed(entry, exc)
            return False
        return await self._written_off(entry, payment, bills, confirmation.confirmation_no)

    async def stuck_write_offs(self, params: StuckWriteOffsParams) -> Page[WriteOffRead]:
        """Write-offs flagged for staff (refused by the company, or failing for long), oldest
        first, a page at a time."""
        after_id = cursor_id(decode_cursor(params.cursor), "after_id")
        rows = await repo.stuck_write_offs(after_id, params.limit + 1)
        page = page_of(rows, params.limit, lambda entry: {"after_id": entry.id})
        return Page[WriteOffRead].of(page, lambda e: self._write_off_read(e, e.payment))

    async def retry_write_off(self, write_off_id: int) -> WriteOffRead:
        """Staff try a write-off again now (services/payable.py `retry_now`)."""
        entry = await retry_now(WriteOff, write_off_id, self.write_off, WriteOffNotFound)
        payment = await repo.payment_by_id(entry.payment_id)
        assert payment is not None
        return self._write_off_read(entry, payment)

    @staticmethod
    def _write_off_read(entry: WriteOff, payment: BillPayment) -> WriteOffRead:
        return WriteOffRead(
            id=entry.id,
            payment_id=payment.id,
            kind=payment.kind.value,
            company=payment.company,
            account_no=payment.account_no,
            amount_fen=payment.amount_fen,
            reference=entry.reference,
            state=entry.state.value,
            attempts=entry.attempts,
            next_attempt_at=entry.next_attempt_at,
            needs_attention=entry.needs_attention,
            last_error=entry.last_error,
            confirmation_no=entry.confirmation_no,
            created_at=entry.created_at,
        )

    async def _write_off_failed(self, entry: WriteOff, exc: Exception) -> None:
        settings = bills_settings()
        policy = RetryPolicy(
            settings.write_off_backoff_seconds,
            settings.write_off_backoff_max_seconds,
            settings.write_off_attention_after,
        )
        retryable = not isinstance(exc, CompanyError) or exc.retryable
        await count_failure(entry, WriteOffState.PENDING, exc, retryable, policy, self.clock())

    async def _written_off(
        self, entry: WriteOff, payment: BillPayment, bills: list[UtilityBill], confirmation_no: str
    ) -> bool:
        now = self.clock().replace(microsecond=0)
        async with unit_of_work():
            if not await repo.complete_write_off(entry, confirmation_no, now):
                return False  # another attempt completed it
            await repo.move_bills(payment.id, BillState.PAID, BillState.WRITTEN_OFF)
            receipt = await self._issue_receipt(payment, bills, entry, confirmation_no, now)
            await emit(
                Event.BILL_WRITTEN_OFF,
                payment.citizen_id,
                {
                    "item": self._item_name(payment),
                    "amount_fen": payment.amount_fen,
                    "receipt_no": receipt.receipt_no,
                },
                channel=payment.channel,
                dedupe_key=f"bills:receipt:{receipt.receipt_no}",
            )
        return True

    def _item_name(self, payment: BillPayment) -> str:
        provider = self.companies.get(payment.kind)
        name = provider.name_zh if provider else payment.company
        return f"{KIND_NAMES[payment.kind][0]}（{name}）"

    async def _issue_receipt(
        self,
        payment: BillPayment,
        bills: list[UtilityBill],
        entry: WriteOff,
        confirmation_no: str,
        now: datetime,
    ) -> ReceiptRead:
        receipt_no = receipts.new_receipt_no(now)
        provider = self.companies.get(payment.kind)
        receipt = await repo.insert_receipt(
            receipt_no=receipt_no,
            payment_id=payment.id,
            citizen_id=payment.citizen_id,
            kind=payment.kind,
            company_name=provider.name_zh if provider else payment.company,
            account_masked=mask_account(payment.account_no),
            holder_masked=payment.holder_masked,
            payer_masked=await payer_label(payment.citizen_id),
            items=[
                {"bill_id": b.company_bill_id, "period": b.period, "amount_fen": b.amount_fen}
                for b in bills
            ],
            amount_fen=payment.amount_fen,
            out_trade_no=entry.reference,
            confirmation_no=confirmation_no,
            verification=receipts.verification_code(
                receipt_no, payment.amount_fen, entry.reference, confirmation_no, now
            ),
            issued_at=now,
        )
        return receipts.receipt_read(receipt)

    # ------------------------------------------------------------------ receipts

    async def my_receipts(self, citizen_id: int, params: ReceiptsParams) -> Page[ReceiptRead]:
        """The resident's e-receipts newest first, a page at a time."""
        before = cursor_key(decode_cursor(params.cursor), "before")
        rows = await repo.receipts_of(citizen_id, before, params.limit + 1)
        page = page_of(rows, params.limit, lambda r: {"before": key_of(r.issued_at, r.id)})
        return Page[ReceiptRead].of(page, receipts.receipt_read)

    async def receipt(self, citizen_id: int, receipt_no: str) -> ReceiptRead:
        """The resident's own receipt; another resident's is not found."""
        found = await repo.receipt_by_no(receipt_no)
        if found is None or found.citizen_id != citizen_id:
            raise ReceiptNotFound()
        return receipts.receipt_read(found)

    async def printable(self, receipt_no: str, code: str) -> str:
        """The printable page, for whoever holds the receipt number and its verification code."""
        found = await repo.receipt_by_no(receipt_no)
        if found is None or not receipts.is_genuine(found, code):
            raise ReceiptNotFound()
        return receipts.render_html(found)


async def payer_label(citizen_id: int) -> str:
    """The payer as a receipt shows them."""
    return (await identity.masked_labels([citizen_id])).get(citizen_id, "-")


bills = BillsService()


@fulfils(Purpose.UTILITY_BILL)
class BillFulfiller:
    """Payments' fulfiller for utility bills."""

    async def paid(self, order: PaymentOrder) -> None:
        await bills.settle(order)

    async def refunded(self, order: PaymentOrder, refund: Refund) -> None:
        await bills.record_refund(order, refund)

    async def closed(self, order: PaymentOrder) -> None:
        payment_id = payment_id_of(order.reference)
        if payment_id is not None:
            await bills.release_if_over(payment_id)

    async def references(self, term: str) -> list[str]:
        """Payments of a utility account number."""
        return [payment_reference(i) for i in await repo.payment_ids_of_account(term)]
