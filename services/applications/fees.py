"""An application's fee (purpose APPLICATION_FEE): paid through payments once the workflow asks.

The resident pays in 待缴费: the order is reserved in the transaction that holds the application
for it (`out_trade_no`, set only while none is set), so one application is never in two open
orders, and opened at the platform after the commit. The payments outbox then calls the
fulfiller below: paid makes the system move `pay` (the timeline entry names the order),
closed unpaid lets the application go so the resident may pay again with a new order, a refund
is written on the timeline. Each hook checks the application first, so a repeated event changes
nothing twice.
"""

from __future__ import annotations

import logging

from tortoise.exceptions import OperationalError

from config.database import unit_of_work
from gateway.schemas import ServiceRequest
from payments.api import PaymentOrder, Purpose, Refund, fulfils, open_payment, reserve_payment
from payments.providers.common import fen_to_yuan
from services.applications import repository as repo
from services.applications.errors import FeeChanged, NotPayable, Paying
from services.applications.models import Application
from services.applications.schemas import PayParams, PayResult
from services.applications.service import applications, utcnow

logger = logging.getLogger(__name__)

REFERENCE_PREFIX = "application:"
REFUND = "refund"  # the timeline entry of a refund


def fee_reference(application_no: str) -> str:
    return f"{REFERENCE_PREFIX}{application_no}"


class ApplicationFees:
    async def pay(self, request: ServiceRequest, params: PayParams) -> PayResult:
        """The applicant pays the fee due, in their channel's usual way unless they choose. The
        same way again answers the open order; another way while it is open is refused."""
        citizen_id = request.require_citizen().citizen_id
        application = await applications.own(citizen_id, params.application_no)
        workflow = await applications.workflow(application)
        await applications.release_dead_order(application)
        if application.fee_fen <= 0 or application.state != workflow.payment_due:
            raise NotPayable(state=workflow.name_of(application.state))
        if params.amount_fen is not None and params.amount_fen != application.fee_fen:
            raise FeeChanged(
                amount_yuan=fen_to_yuan(application.fee_fen),
                data={"amount_fen": application.fee_fen},
            )
        try:
            async with unit_of_work():
                reservation = await reserve_payment(
                    request,
                    purpose=Purpose.APPLICATION_FEE,
                    reference=fee_reference(application.application_no),
                    amount_fen=application.fee_fen,
                    description=f"{application.item_name} {application.application_no}"[:128],
                    provider=params.provider,
                    trade_type=params.trade_type,
                )
                if application.out_trade_no is not None:
                    if reservation.out_trade_no != application.out_trade_no:
                        raise Paying(data={"out_trade_no": application.out_trade_no})
                elif not await repo.hold_for_order(
                    application.id, application.state, reservation.out_trade_no
                ):
                    raise Paying()
        except OperationalError:  # PostgreSQL broke a lock wait between two payments
            raise Paying() from None
        start = await open_payment(
            reservation,
            lambda: applications.release_if_over(application, reservation.out_trade_no),
        )
        return PayResult(
            application_no=application.application_no,
            amount_fen=application.fee_fen,
            payment=start,
        )

    async def application_of(self, order: PaymentOrder) -> Application | None:
        if not order.reference.startswith(REFERENCE_PREFIX):
            logger.warning("order %s names no application", order.out_trade_no)
            return None
        application = await repo.application_by_no(order.reference.removeprefix(REFERENCE_PREFIX))
        if application is None:
            raise LookupError(f"no application for order {order.out_trade_no}")
        return application

    async def settle(self, order: PaymentOrder) -> None:
        """The order was paid (in the payments outbox transaction): the application moves on.
        Paid by this order already: nothing. Paid by another, or no longer waiting for the fee:
        raised, so the entry is retried and then flagged for staff (the money goes back by a
        refund)."""
        application = await self.application_of(order)
        if application is None:
            return
        if application.paid_at is not None:
            if application.out_trade_no == order.out_trade_no:
                return
            raise RuntimeError(
                f"application {application.application_no} was paid by "
                f"{application.out_trade_no}, not {order.out_trade_no}"
            )
        await applications.pay_move(application, order.out_trade_no, order.paid_at or utcnow())

    async def record_refund(self, order: PaymentOrder, refund: Refund) -> None:
        """A refund went through: on the timeline (once per refund number) and in the fee."""
        application = await self.application_of(order)
        if application is None or await repo.event_exists(
            application.id, REFUND, refund.out_refund_no
        ):
            return
        await repo.add_refunded(application.id, refund.amount_fen)
        reason = f"退款 {fen_to_yuan(refund.amount_fen)} 元"
        await applications.note(application, REFUND, reason, refund.out_refund_no, utcnow())


fees = ApplicationFees()


@fulfils(Purpose.APPLICATION_FEE)
class ApplicationFeeFulfiller:
    """Payments' fulfiller for the fees of online applications."""

    async def paid(self, order: PaymentOrder) -> None:
        await fees.settle(order)

    async def refunded(self, order: PaymentOrder, refund: Refund) -> None:
        await fees.record_refund(order, refund)

    async def closed(self, order: PaymentOrder) -> None:
        application = await fees.application_of(order)
        if application is not None:
            await applications.release_if_over(application, order.out_trade_no)

    async def references(self, term: str) -> list[str]:
        """The order of an application by its number (办件编号)."""
        return [fee_reference(no) for no in await repo.fee_application_nos(term.strip().upper())]
