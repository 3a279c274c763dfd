"""Fee demands from departments: the API with per-department keys, residents paying on any
channel, and signed webhooks that reach a receiver in order per demand even after an hour down.

The department's receiver is faked at the HTTP boundary (respx); payments go through the
sandbox provider's cashier and the payments outbox, as in `make run`.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI

from notify.models import Notification
from payments import providers
from payments.models import PaymentOrder
from payments.providers.sandbox import SandboxProvider
from payments.service import service as payments
from services.demands import admin
from services.demands.models import DeliveryState, DemandState, FeeDemand, WebhookDelivery
from services.demands.service import demands, utcnow
from tests.bills.conftest import fulfil, invoke
from tests.demands.helpers import Receiver, create, demand_body, pay_at_cashier, resident


class TestDepartmentApi:
    @pytest.mark.asyncio
    async def test_create_is_idempotent_by_reference_and_masks_the_payer(
        self, client: httpx.AsyncClient, department: tuple[str, str, Receiver]
    ) -> None:
        test_key, _, _ = department
        first = await create(client, test_key, demand_body())
        assert first.status_code == 200, first.text
        data = first.json()["data"]
        assert data["amount_fen"] == 9000
        assert data["state"] == "open"
        assert data["mode"] == "test"
        assert data["payer_phone_masked"] == "139****9000"
        again = await create(client, test_key, demand_body())
        assert again.json()["data"]["demand_no"] == data["demand_no"]
        other = await create(client, test_key, demand_body(unit_fen=9999))
        assert other.status_code == 409
        assert other.json()["code"] == "DEMAND_CONFLICT"
        assert await FeeDemand.all().count() == 1

    @pytest.mark.asyncio
    async def test_a_bad_or_revoked_key_is_refused_and_modes_do_not_mix(
        self, client: httpx.AsyncClient, department: tuple[str, str, Receiver]
    ) -> None:
        test_key, live_key, _ = department
        for key in ("gk_test_nonsense", test_key[:-1] + ("A" if test_key[-1] != "A" else "B")):
            refused = await create(client, key, demand_body())
            assert refused.status_code == 401
            assert refused.json()["code"] == "DEPARTMENT_KEY_INVALID"
            assert refused.json()["message"]
        made = (await create(client, test_key, demand_body())).json()["data"]
        seen_live = await client.get(
            f"/api/v1/departments/demands/{made['demand_no']}",
            headers={"Authorization": f"Bearer {live_key}"},
        )
        assert seen_live.status_code == 404  # a live key never sees test demands
        await admin.revoke_key(test_key.split("_")[2])
        assert (await create(client, test_key, demand_body("BDC-2"))).status_code == 401

    @pytest.mark.asyncio
    async def test_a_demand_names_its_payer(
        self, client: httpx.AsyncClient, department: tuple[str, str, Receiver]
    ) -> None:
        test_key, _, _ = department
        refused = await create(client, test_key, {**demand_body(), "payer": {}})
        assert refused.json()["code"] == "DEMAND_PAYER_REQUIRED"
        bad_phone = await create(client, test_key, {**demand_body(), "payer": {"phone": "123"}})
        assert bad_phone.json()["code"] == "PHONE_INVALID"


class TestPaymentLink:
    @pytest.mark.asyncio
    async def test_a_resident_with_an_account_is_sent_the_payment_link(
        self, client: httpx.AsyncClient, department: tuple[str, str, Receiver]
    ) -> None:
        test_key, _, _ = department
        nobody = await create(client, test_key, demand_body("BDC-N"))  # no account yet: no one
        assert nobody.status_code == 200
        assert await Notification.filter(event="fee_demand_issued").count() == 0
        citizen = await resident()
        made = (await create(client, test_key, demand_body("BDC-L1"))).json()["data"]
        await create(client, test_key, demand_body("BDC-L1"))  # the department's retry
        (message,) = await Notification.filter(event="fee_demand_issued", citizen_id=citizen)
        assert message.channel == "web"  # a text message to the phone the demand names
        link = str(message.params["link"])
        assert link.endswith(f"/pay/{made['demand_no']}")
        page = await client.get(
            urlsplit(link).path, headers={"User-Agent": "Mozilla/5.0"}, follow_redirects=True
        )
        assert page.status_code == 200  # the link leads to a page that works: the cashier
        assert "沙箱收银台" in page.text


class TestMine:
    @pytest.mark.asyncio
    async def test_my_demands_page_newest_first(
        self, app: FastAPI, client: httpx.AsyncClient, department: tuple[str, str, Receiver]
    ) -> None:
        test_key = department[0]
        made = [
            (await create(client, test_key, demand_body(f"BDC-P{n}"))).json()["data"]["demand_no"]
            for n in range(3)
        ]
        citizen = await resident()
        first = (await invoke(app, "demands", "mine", {"limit": 2}, citizen)).data
        assert [d["demand_no"] for d in first["items"]] == made[::-1][:2]
        assert first["next_cursor"]
        rest = await invoke(
            app, "demands", "mine", {"limit": 2, "cursor": first["next_cursor"]}, citizen
        )
        assert [d["demand_no"] for d in rest.data["items"]] == made[:1]
        assert rest.data["next_cursor"] is None
        bad = await invoke(app, "demands", "mine", {"cursor": "not-a-cursor"}, citizen)
        assert bad.code == "CURSOR_INVALID"


class TestPaying:
    @pytest.mark.asyncio
    async def test_the_resident_finds_pays_and_the_department_hears_it_signed(
        self, app: FastAPI, client: httpx.AsyncClient, department: tuple[str, str, Receiver]
    ) -> None:
        test_key, _, receiver = department
        made = (await create(client, test_key, demand_body())).json()["data"]
        citizen = await resident()
        mine = await invoke(app, "demands", "mine", {}, citizen)
        assert [d["demand_no"] for d in mine.data["items"]] == [made["demand_no"]]
        assert (await invoke(app, "demands", "mine", {}, citizen + 1)).data["items"] == []

        out_trade_no = await pay_at_cashier(app, client, made["demand_no"], citizen)
        await demands.deliver_due()
        demand = await FeeDemand.get(demand_no=made["demand_no"])
        assert demand.state == DemandState.PAID
        assert demand.paid_by_citizen_id == citizen
        (event,) = receiver.received
        assert event["event"] == "demand.paid"
        assert event["external_ref"] == "BDC-1"
        assert event["out_trade_no"] == out_trade_no
        assert event["amount_fen"] == 9000
        again = await invoke(app, "demands", "pay", {"demand_no": made["demand_no"]}, citizen)
        assert again.code == "DEMAND_NOT_PAYABLE"

    @pytest.mark.asyncio
    async def test_a_test_key_never_reaches_a_live_provider(
        self, app: FastAPI, client: httpx.AsyncClient, department: tuple[str, str, Receiver]
    ) -> None:
        test_key, live_key, _ = department
        test = (await create(client, test_key, demand_body())).json()["data"]
        citizen = await resident()
        asked = {"demand_no": test["demand_no"], "provider": "wechatpay", "trade_type": "jsapi"}
        result = await invoke(app, "demands", "pay", asked, citizen)
        assert result.ok, result.message
        order = await PaymentOrder.get(out_trade_no=result.data["payment"]["out_trade_no"])
        assert order.provider == "sandbox"

        live = (await create(client, live_key, demand_body("BDC-L"))).json()["data"]
        refused = await invoke(app, "demands", "pay", {"demand_no": live["demand_no"]}, citizen)
        assert refused.code == "PAYMENT_PROVIDER_UNAVAILABLE"  # only the sandbox is on here

        sandbox = providers.active().remove(SandboxProvider.name)
        try:
            other = (await create(client, test_key, demand_body("BDC-3"))).json()["data"]
            off = await invoke(app, "demands", "pay", {"demand_no": other["demand_no"]}, citizen)
            assert off.code == "DEMAND_TEST_MODE"
        finally:
            assert sandbox is not None
            providers.active().install(sandbox)


class TestWebhooks:
    @pytest.mark.asyncio
    async def test_a_receiver_down_for_an_hour_gets_every_event_later_in_order(
        self, app: FastAPI, client: httpx.AsyncClient, department: tuple[str, str, Receiver]
    ) -> None:
        test_key, _, receiver = department
        made = (await create(client, test_key, demand_body())).json()["data"]
        citizen = await resident()
        receiver.up = False
        out_trade_no = await pay_at_cashier(app, client, made["demand_no"], citizen)
        await payments.refund(out_trade_no, 9000, "R-1", "registration withdrawn")
        await fulfil()
        start = utcnow()
        for minute in range(0, 61, 5):  # the sweep runs every minute; an hour of failures
            await demands.deliver_due(start + timedelta(minutes=minute, seconds=1))
        assert receiver.received == []
        first, second = await WebhookDelivery.filter().order_by("sequence")
        assert first.attempts >= 3
        assert second.attempts == 0  # never sent before the first arrived: order per demand

        receiver.up = True
        back = start + timedelta(hours=2)
        await demands.deliver_due(back)
        await demands.deliver_due(back + timedelta(seconds=1))
        assert [e["event"] for e in receiver.received] == ["demand.paid", "demand.refunded"]
        assert [e["sequence"] for e in receiver.received] == [1, 2]
        assert receiver.received[1]["state"] == "refunded"

        history = await client.get(
            f"/api/v1/departments/demands/{made['demand_no']}/webhooks",
            headers={"Authorization": f"Bearer {test_key}"},
        )
        paid = history.json()["data"][0]
        assert paid["state"] == "delivered"
        assert [a["status"] for a in paid["history"]][-1] == 200
        assert {a["status"] for a in paid["history"][:-1]} == {503}

    @pytest.mark.asyncio
    async def test_a_webhook_is_given_up_only_after_the_retry_window(
        self, app: FastAPI, client: httpx.AsyncClient, department: tuple[str, str, Receiver]
    ) -> None:
        test_key, _, receiver = department
        made = (await create(client, test_key, demand_body())).json()["data"]
        receiver.up = False
        await pay_at_cashier(app, client, made["demand_no"], await resident())
        start = utcnow()
        await demands.deliver_due(start + timedelta(hours=47))
        assert (await WebhookDelivery.get()).state == DeliveryState.PENDING
        await demands.deliver_due(start + timedelta(hours=73))
        assert (await WebhookDelivery.get()).state == DeliveryState.DEAD
