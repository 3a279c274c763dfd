"""An application with a fee: approval asks for it (待缴费, the clock stopped), the resident pays
through payments on their channel, and the payments outbox moves the application on exactly
once, however often the platform's notification arrives; an order closed unpaid lets the
resident pay again, a refund is written on the timeline, and staff find the order by the
application number. Platforms are the sandbox cashier and the WeChat Pay fake."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from gateway.schemas import Channel
from notify.models import Notification
from payments.api import Purpose, fulfiller_for
from payments.models import PaymentOrder, Refund
from payments.providers.sandbox import SandboxProvider
from payments.service import service as payments
from payments.service import utcnow
from payments.states import OrderState
from services.applications.models import Application, ApplicationEvent, ApplicationForm
from services.applications.workflow import DEFAULT_WORKFLOW
from tests.applications.conftest import as_resident, as_staff, ok, resident
from tests.applications.test_applications import BIRTH_ANSWERS, submitted
from tests.as_resident import invoke_as_resident, refused
from tests.as_staff import invoke_as_staff
from tests.bills.conftest import cashier, fulfil, invoke
from tests.notify.helpers import make_resident
from tests.payments.conftest import wechat
from tests.payments.helpers import WECHAT_MP_APPID, FakeWeChatPay

__all__ = ["cashier", "wechat"]

ITEM = "GA011"  # 机动车驾驶证期满换证: 工本费 10 元, fully online
FEE = 1000
ANSWERS = {"applicant_name": "张三", "address": "厦门市思明区湖滨南路 1 号"}
COPIES = 20


async def department_of(no: str) -> int | None:
    return (await Application.get(application_no=no)).department_id


async def approve(app: FastAPI, no: str) -> dict[str, Any]:
    """The department accepts, reviews and approves the application; its view afterwards."""
    department = await department_of(no)
    view: dict[str, Any] = {}
    for move in ("accept", "review", "approve"):
        view = ok(await as_staff(app, "act", {"application_no": no, "move": move}, department))
    return view


async def approved(app: FastAPI, citizen: int) -> dict[str, Any]:
    """The resident's driving-licence renewal, submitted and approved."""
    return await approve(app, (await submitted(app, citizen, ITEM, ANSWERS))["application_no"])


async def pay(app: FastAPI, citizen: int, no: str, **extra: Any) -> dict[str, Any]:
    return ok(await as_resident(app, "pay", {"application_no": no, **extra}, citizen))


async def detail(app: FastAPI, citizen: int, no: str) -> dict[str, Any]:
    return ok(await as_resident(app, "detail", {"application_no": no}, citizen))


async def statuses(citizen: int) -> list[str]:
    rows = await Notification.filter(event="application_status_changed", citizen_id=citizen)
    return [str(row.params["status"]) for row in sorted(rows, key=lambda r: r.id)]


async def pay_moves(no: str) -> list[ApplicationEvent]:
    return await ApplicationEvent.filter(application__application_no=no, move="pay")


async def paid_at_the_cashier(
    app: FastAPI, client: httpx.AsyncClient, cashier: SandboxProvider, citizen: int, no: str
) -> str:
    out_trade_no: str = (await pay(app, citizen, no))["payment"]["out_trade_no"]
    headers, body = await cashier.settle(out_trade_no, succeed=True)
    answer = await client.post("/payments/notify/sandbox", content=body, headers=headers)
    assert answer.status_code in (200, 204), answer.text
    await fulfil()
    return out_trade_no


class TestApprovalAsksForTheFee:
    @pytest.mark.asyncio
    async def test_the_fee_is_shown_from_the_start_and_asked_once_approved(
        self, app: FastAPI, forms: None
    ) -> None:
        citizen = await resident()
        sent = await submitted(app, citizen, ITEM, ANSWERS)
        assert sent["fee"] == {
            "amount_fen": FEE,
            "state": "pending",
            "out_trade_no": None,
            "paid_at": None,
            "refunded_fen": 0,
        }
        assert "pay" not in sent["moves"]
        view = await approve(app, sent["application_no"])
        assert (view["state"], view["state_name"]) == ("payment_due", "待缴费")
        assert view["moves"] == []  # nothing for staff until the resident pays
        assert [(e["move"], e["actor_type"]) for e in view["timeline"][-2:]] == [
            ("approve", "staff"),
            ("request_payment", "system"),
        ]
        mine = await detail(app, citizen, view["application_no"])
        assert mine["fee"]["state"] == "due"
        assert sorted(mine["moves"]) == ["pay", "withdraw"]
        assert not mine["overdue"]
        # One message for the approval and the fee together: 待缴费, never 审核通过 alone.
        assert await statuses(citizen) == ["已提交", "已受理", "审核中", "待缴费"]
        public = ok(
            await as_resident(
                app,
                "progress",
                {"application_no": view["application_no"], "phone_last4": "7000"},
                citizen + 1,
            )
        )
        assert public["fee"] == {"amount_fen": FEE, "state": "due"}
        listed = ok(await as_resident(app, "mine", {}, citizen))["items"]
        assert listed[0]["fee"] == {"amount_fen": FEE, "state": "due"}

    @pytest.mark.asyncio
    async def test_an_item_may_ask_for_its_fee_before_review_and_the_wait_stops_the_clock(
        self, app: FastAPI, client: httpx.AsyncClient, forms: None, cashier: SandboxProvider
    ) -> None:
        pay_first = {
            **DEFAULT_WORKFLOW,
            "moves": {
                **DEFAULT_WORKFLOW["moves"],
                "request_payment": {"from": ["submitted"], "to": "payment_due", "by": "system"},
                "pay": {"from": ["payment_due"], "to": "paid", "by": "system"},
                "accept": {"from": ["paid"], "to": "accepted", "by": "staff"},
                "complete": {"from": ["approved"], "to": "completed", "by": "staff"},
            },
        }
        await ApplicationForm.filter(item_code=ITEM).update(workflow=pay_first)
        citizen = await resident()
        sent = await submitted(app, citizen, ITEM, ANSWERS)
        no = sent["application_no"]
        assert sent["state"] == "payment_due"
        due_before = (await Application.get(application_no=no)).due_at
        assert due_before is not None
        asked = await ApplicationEvent.get(application__application_no=no, move="request_payment")
        # The resident took two days to pay.
        await ApplicationEvent.filter(id=asked.id).update(at=asked.at - timedelta(days=2))
        await paid_at_the_cashier(app, client, cashier, citizen, no)
        row = await Application.get(application_no=no)
        assert row.state == "paid"
        assert row.due_at is not None
        assert timedelta(days=2) <= row.due_at - due_before < timedelta(days=2, minutes=1)
        accepted = ok(
            await as_staff(app, "act", {"application_no": no, "move": "accept"}, row.department_id)
        )
        assert accepted["state"] == "accepted"


class TestPayingMovesItOnOnce:
    @pytest.mark.asyncio
    async def test_copies_of_the_sandbox_notification_at_once_move_it_once(
        self, app: FastAPI, client: httpx.AsyncClient, forms: None, cashier: SandboxProvider
    ) -> None:
        citizen = await resident()
        no = (await approved(app, citizen))["application_no"]
        started = await pay(app, citizen, no, amount_fen=FEE)
        assert started["amount_fen"] == FEE
        out_trade_no = started["payment"]["out_trade_no"]
        assert started["payment"]["pay"]["cashier_url"].endswith(out_trade_no)
        paying = await detail(app, citizen, no)
        assert (paying["fee"]["state"], paying["fee"]["out_trade_no"]) == ("paying", out_trade_no)
        again = await pay(app, citizen, no)  # the same tap again: the same order
        assert again["payment"]["out_trade_no"] == out_trade_no

        headers, body = await cashier.settle(out_trade_no, succeed=True)
        answers = await asyncio.gather(
            *(
                client.post("/payments/notify/sandbox", content=body, headers=headers)
                for _ in range(COPIES)
            )
        )
        assert {a.status_code for a in answers} <= {200, 204}
        await fulfil()
        await fulfil()
        order = await PaymentOrder.get(out_trade_no=out_trade_no)
        assert (order.purpose, order.state) == (Purpose.APPLICATION_FEE, OrderState.PAID)
        # The fulfiller told again (a replay) changes nothing either.
        await fulfiller_for(Purpose.APPLICATION_FEE).paid(order)

        paid = await detail(app, citizen, no)
        assert (paid["state"], paid["state_name"]) == ("paid", "已缴费")
        assert paid["fee"]["state"] == "paid"
        assert paid["fee"]["paid_at"] is not None
        assert paid["moves"] == []
        assert [(e.actor_type, e.reference) for e in await pay_moves(no)] == [
            ("system", out_trade_no)
        ]
        assert (await statuses(citizen))[-1:] == ["已缴费"]
        assert (await statuses(citizen)).count("已缴费") == 1
        assert await Notification.filter(event="payment_succeeded", citizen_id=citizen).count() == 1

        department = await department_of(no)
        review = ok(await as_staff(app, "review", {"application_no": no}, department))
        assert review["moves"] == ["complete"]
        assert review["fee"]["out_trade_no"] == out_trade_no
        done = ok(
            await as_staff(app, "act", {"application_no": no, "move": "complete"}, department)
        )
        assert done["state"] == "completed"
        refused = await as_resident(app, "pay", {"application_no": no}, citizen)
        assert refused.code == "APPLICATION_NOT_PAYABLE"

    @pytest.mark.asyncio
    async def test_a_wechat_pay_notification_sent_twice_at_once_moves_it_once(
        self, app: FastAPI, client: httpx.AsyncClient, forms: None, wechat: FakeWeChatPay
    ) -> None:
        citizen = await make_resident(
            [(Channel.WECHAT_MP, WECHAT_MP_APPID, "oMP_applicant_0001")], phone="13700137000"
        )
        no = (await approved(app, citizen))["application_no"]
        result = await invoke(
            app, "applications", "pay", {"application_no": no}, citizen, Channel.WECHAT_MP
        )
        assert result.ok, result
        start = result.data["payment"]
        assert (start["provider"], start["trade_type"]) == ("wechatpay", "miniprogram")
        assert wechat.trades[start["out_trade_no"]]["payer"] == {"openid": "oMP_applicant_0001"}
        assert wechat.trades[start["out_trade_no"]]["amount"]["total"] == FEE

        headers, body = wechat.notification(wechat.pay(start["out_trade_no"]))
        answers = await asyncio.gather(
            *(
                client.post("/payments/notify/wechatpay", content=body, headers=headers)
                for _ in "ab"
            )
        )
        assert [a.status_code for a in answers] == [204, 204]
        await fulfil()
        assert (await Application.get(application_no=no)).state == "paid"
        assert len(await pay_moves(no)) == 1
        assert (await statuses(citizen)).count("已缴费") == 1


class TestOneOrderAtATime:
    @pytest.mark.asyncio
    async def test_taps_at_once_share_one_open_order(
        self, app: FastAPI, forms: None, cashier: SandboxProvider
    ) -> None:
        citizen = await resident()
        no = (await approved(app, citizen))["application_no"]
        results = await asyncio.gather(
            *(as_resident(app, "pay", {"application_no": no}, citizen) for _ in range(4))
        )
        assert {r.code for r in results} <= {"OK", "APPLICATION_PAYING"}
        started = {r.data["payment"]["out_trade_no"] for r in results if r.ok}
        assert len(started) == 1
        held = (await Application.get(application_no=no)).out_trade_no
        assert started == {held}
        live = await PaymentOrder.filter(
            reference=f"application:{no}", state=OrderState.CREATED
        ).count()
        assert live == 1

    @pytest.mark.asyncio
    async def test_an_order_closed_unpaid_lets_the_resident_pay_again(
        self, app: FastAPI, client: httpx.AsyncClient, forms: None, cashier: SandboxProvider
    ) -> None:
        citizen = await resident()
        no = (await approved(app, citizen))["application_no"]
        first = (await pay(app, citizen, no))["payment"]["out_trade_no"]
        assert await payments.expire_due(utcnow() + timedelta(minutes=30)) == 1
        await fulfil()  # the outbox tells the application the order closed
        waiting = await detail(app, citizen, no)
        assert (waiting["state"], waiting["fee"]["state"]) == ("payment_due", "due")
        assert waiting["fee"]["out_trade_no"] is None
        second = await paid_at_the_cashier(app, client, cashier, citizen, no)
        assert second != first
        row = await Application.get(application_no=no)
        assert (row.state, row.out_trade_no) == ("paid", second)

    @pytest.mark.asyncio
    async def test_the_resident_may_withdraw_while_the_fee_is_due_but_not_while_paying(
        self, app: FastAPI, client: httpx.AsyncClient, forms: None, cashier: SandboxProvider
    ) -> None:
        citizen = await resident()
        no = (await approved(app, citizen))["application_no"]
        assert "withdraw" in (await detail(app, citizen, no))["moves"]
        first = (await pay(app, citizen, no))["payment"]["out_trade_no"]
        paying = await as_resident(app, "withdraw", {"application_no": no}, citizen)
        assert refused(paying) == "APPLICATION_PAYING"
        assert paying.data == {"out_trade_no": first}
        order = await PaymentOrder.get(out_trade_no=first)
        await payments.expire_order(order)  # closed unpaid; the outbox has not told it yet
        gone = ok(await as_resident(app, "withdraw", {"application_no": no}, citizen))
        assert (gone["state"], gone["fee"]["out_trade_no"]) == ("withdrawn", None)
        again = await as_resident(app, "pay", {"application_no": no}, citizen)
        assert refused(again) == "APPLICATION_NOT_PAYABLE"
        await fulfil()
        assert (await Application.get(application_no=no)).state == "withdrawn"

    @pytest.mark.asyncio
    async def test_a_closed_order_not_yet_told_is_let_go_when_the_resident_pays(
        self, app: FastAPI, forms: None, cashier: SandboxProvider
    ) -> None:
        citizen = await resident()
        no = (await approved(app, citizen))["application_no"]
        first = (await pay(app, citizen, no))["payment"]["out_trade_no"]
        order = await PaymentOrder.get(out_trade_no=first)
        await payments.expire_order(order)  # closed; the outbox has not told anyone yet
        second = (await pay(app, citizen, no))["payment"]["out_trade_no"]
        assert second != first
        assert (await Application.get(application_no=no)).out_trade_no == second
        await fulfil()  # the late "closed" of the first order lets nothing go
        assert (await Application.get(application_no=no)).out_trade_no == second

    @pytest.mark.asyncio
    async def test_money_for_a_closed_order_comes_late_and_goes_back_untouched(
        self, app: FastAPI, client: httpx.AsyncClient, forms: None, wechat: FakeWeChatPay
    ) -> None:
        citizen = await make_resident(
            [(Channel.WECHAT_MP, WECHAT_MP_APPID, "oMP_applicant_0002")], phone="13700137000"
        )
        no = (await approved(app, citizen))["application_no"]

        async def pay_in_the_mini_program() -> str:
            params = {"application_no": no}
            result = await invoke(app, "applications", "pay", params, citizen, Channel.WECHAT_MP)
            assert result.ok, result
            out_trade_no: str = result.data["payment"]["out_trade_no"]
            return out_trade_no

        first = await pay_in_the_mini_program()
        assert await payments.expire_due(utcnow() + timedelta(minutes=30)) == 1
        await fulfil()
        second = await pay_in_the_mini_program()
        headers, body = wechat.notification(wechat.pay(second))
        assert (
            await client.post("/payments/notify/wechatpay", content=body, headers=headers)
        ).status_code == 204
        await fulfil()
        wechat.refund_status = "SUCCESS"
        headers, body = wechat.notification(wechat.pay(first))  # the first order paid anyway
        assert (
            await client.post("/payments/notify/wechatpay", content=body, headers=headers)
        ).status_code == 204
        await fulfil()
        late = await PaymentOrder.get(out_trade_no=first)
        assert late.state in (OrderState.PAID_AFTER_CLOSE, OrderState.REFUNDED)
        assert await Refund.exists(out_refund_no=f"LATE{first}")
        row = await Application.get(application_no=no)
        assert (row.state, row.out_trade_no) == ("paid", second)
        assert [e.reference for e in await pay_moves(no)] == [second]


class TestRefund:
    @pytest.mark.asyncio
    async def test_a_refund_is_written_on_the_timeline_once(
        self, app: FastAPI, client: httpx.AsyncClient, forms: None, cashier: SandboxProvider
    ) -> None:
        citizen = await resident()
        no = (await approved(app, citizen))["application_no"]
        out_trade_no = await paid_at_the_cashier(app, client, cashier, citizen, no)
        params = {
            "out_trade_no": out_trade_no,
            "amount_fen": FEE,
            "out_refund_no": "RAPP1",
            "reason": "重复缴费",
        }
        refund = await invoke_as_staff(
            app, "payments", "refund", params, frozenset({"payments.refund"})
        )
        assert refund.ok, refund
        await fulfil()
        order = await PaymentOrder.get(out_trade_no=out_trade_no)
        refund_row = await Refund.get(order_id=order.id)
        await fulfiller_for(Purpose.APPLICATION_FEE).refunded(order, refund_row)  # a replay
        view = await detail(app, citizen, no)
        assert view["state"] == "paid"  # what happens to the application is the department's
        assert (view["fee"]["state"], view["fee"]["refunded_fen"]) == ("refunded", FEE)
        entries = [e for e in view["timeline"] if e["move"] == "refund"]
        assert [(e["reason"], e["reference"], e["actor_type"]) for e in entries] == [
            ("退款 10.00 元", "RAPP1", "system")
        ]


class TestWhoMayPayWhat:
    @pytest.mark.asyncio
    async def test_refusals_have_their_own_codes_in_both_languages(
        self, app: FastAPI, forms: None, cashier: SandboxProvider
    ) -> None:
        citizen = await resident()
        early = (await submitted(app, citizen, ITEM, ANSWERS))["application_no"]
        refused = await as_resident(app, "pay", {"application_no": early}, citizen)
        assert (refused.code, refused.status) == ("APPLICATION_NOT_PAYABLE", 409)
        assert "已提交" in refused.message
        english = await invoke_as_resident(
            app, "applications", "pay", {"application_no": early}, citizen, locale="en"
        )
        assert english.code == "APPLICATION_NOT_PAYABLE"
        assert "nothing to pay" in english.message

        free = (await submitted(app, citizen, "WS002", BIRTH_ANSWERS))["application_no"]
        assert (await approve(app, free))["state"] == "approved"
        nothing = await as_resident(app, "pay", {"application_no": free}, citizen)
        assert nothing.code == "APPLICATION_NOT_PAYABLE"

        no = (await approved(app, citizen))["application_no"]
        wrong = await as_resident(app, "pay", {"application_no": no, "amount_fen": 999}, citizen)
        assert wrong.code == "APPLICATION_FEE_CHANGED"
        assert "10.00" in wrong.message
        assert wrong.data == {"amount_fen": FEE}
        assert await PaymentOrder.all().count() == 0

    @pytest.mark.asyncio
    async def test_another_resident_cannot_pay_or_see_it(
        self, app: FastAPI, forms: None, cashier: SandboxProvider
    ) -> None:
        citizen = await resident()
        no = (await approved(app, citizen))["application_no"]
        other = await resident("13600136000")
        theirs = await as_resident(app, "pay", {"application_no": no}, other)
        assert theirs.code == "APPLICATION_NOT_FOUND"
        assert await PaymentOrder.all().count() == 0


class TestStaffFindTheOrder:
    @pytest.mark.asyncio
    async def test_by_the_application_number(
        self, app: FastAPI, forms: None, cashier: SandboxProvider
    ) -> None:
        citizen = await resident()
        no = (await approved(app, citizen))["application_no"]
        out_trade_no = (await pay(app, citizen, no))["payment"]["out_trade_no"]
        staff = frozenset({"payments.refund"})
        for term in (no, no.lower()):
            found = await invoke_as_staff(app, "payments", "orders", {"account": term}, staff)
            assert found.ok, found
            assert [o["out_trade_no"] for o in found.data["items"]] == [out_trade_no]
        free = await invoke_as_staff(app, "payments", "orders", {"account": "SQ0000000000"}, staff)
        assert free.data["items"] == []
