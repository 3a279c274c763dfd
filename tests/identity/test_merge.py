"""One resident whatever the order of sign-ins: a phone bound by SMS code or a verified ID
number joins two citizen records, moving every row that names the absorbed one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from tortoise import Tortoise

from channels.app.otp import otp
from channels.app.service import APP_ID
from channels.identity.merge import merge_citizens
from channels.identity.models import ChannelAccount, Citizen
from channels.identity.repository import PLAIN_CITIZEN_REFERENCES, UNIQUE_CITIZEN_REFERENCES
from channels.identity.service import sign_in_channel_account
from gateway.models import AuditLog
from gateway.schemas import Channel
from notify.models import Notification, OptOut, PushDevice, SubscribeConsent
from payments.models import PaymentOrder
from payments.states import OrderState, Purpose, TradeType
from services.appointments.models import Appointment, BookingBlock
from services.bills.models import BoundAccount
from services.bills.providers.base import UtilityKind
from services.queue.models import Ticket
from tests.app.helpers import OTHER_PHONE, PHONE, app_login, call, latest_code
from tests.identity.test_channel_accounts import citizen_of

ID_NUMBER = "11010519491231002X"
OTHER_ID_NUMBER = "110105194912310011"


async def verify(
    client: httpx.AsyncClient, token: str, channel: str, id_number: str = ID_NUMBER
) -> httpx.Response:
    return await call(
        client,
        "account",
        "verify-real-name",
        token,
        {"name": "张三", "id_number": id_number},
        channel=channel,
    )


async def bind_phone(
    client: httpx.AsyncClient, token: str, channel: str, phone: str = PHONE
) -> httpx.Response:
    # the app sign-in just sent this phone a code: let the next one go without waiting a minute
    await otp.store.delete(otp._keys(phone, otp.clock()).sent)
    sent = await call(client, "account", "request-phone-code", token, {"phone": phone}, channel)
    assert sent.status_code == 200, sent.text
    code = await latest_code(client, phone)
    return await call(
        client, "account", "bind-phone", token, {"phone": phone, "code": code}, channel
    )


async def refused(client: httpx.AsyncClient, token: str, channel: str) -> bool:
    response = await call(client, "account", "me", token, channel=channel)
    return response.status_code == 401 and response.json()["code"] == "TOKEN_REVOKED"


class TestAppFirstThenMiniProgram:
    @pytest.mark.asyncio
    async def test_binding_the_apps_phone_joins_the_app_resident(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await app_login(client)
        mp = await sign_in_channel_account(Channel.WECHAT_MP, "wxmp", "openid-mp")
        assert citizen_of(mp) != citizen_of(app)

        response = await bind_phone(client, mp.access_token, "wechat_mp")
        assert response.status_code == 200, response.text
        data = response.json()["data"]
        assert data["merged"] is True
        assert citizen_of(data["tokens"]) == citizen_of(app)
        assert await Citizen.all().count() == 1
        assert await ChannelAccount.filter(citizen_id=citizen_of(app)).count() == 2
        assert await refused(client, mp.access_token, "wechat_mp")
        me = await call(
            client, "account", "me", data["tokens"]["access_token"], channel="wechat_mp"
        )
        assert me.status_code == 200, me.text

    @pytest.mark.asyncio
    async def test_verifying_the_apps_id_number_joins_the_app_resident(
        self, client: httpx.AsyncClient
    ) -> None:
        app = await app_login(client)
        assert (await verify(client, app["access_token"], "app")).status_code == 200
        mp = await sign_in_channel_account(Channel.WECHAT_MP, "wxmp", "openid-mp")
        response = await verify(client, mp.access_token, "wechat_mp")
        assert response.status_code == 200, response.text
        assert citizen_of(response.json()["data"]["tokens"]) == citizen_of(app)
        assert await Citizen.all().count() == 1
        assert await refused(client, mp.access_token, "wechat_mp")


class TestPlatformPhoneOnALaterSignIn:
    @pytest.mark.asyncio
    async def test_a_known_mini_program_account_with_the_apps_phone_joins_it(
        self, client: httpx.AsyncClient
    ) -> None:
        first = await sign_in_channel_account(Channel.WECHAT_MP, "wxmp", "openid-mp")
        app = await app_login(client)
        later = await sign_in_channel_account(Channel.WECHAT_MP, "wxmp", "openid-mp", phone=PHONE)
        assert citizen_of(later) == citizen_of(app)
        assert await Citizen.all().count() == 1
        assert await refused(client, first.access_token, "wechat_mp")


class TestMiniProgramFirstThenApp:
    @pytest.mark.asyncio
    async def test_the_app_citizen_verifying_the_same_id_joins_the_mini_program_one(
        self, client: httpx.AsyncClient
    ) -> None:
        mp = await sign_in_channel_account(Channel.WECHAT_MP, "wxmp", "openid-mp")
        assert (await verify(client, mp.access_token, "wechat_mp")).status_code == 200
        app = await app_login(client)
        assert citizen_of(app) != citizen_of(mp)

        response = await verify(client, app["access_token"], "app")
        assert response.status_code == 200, response.text
        kept = citizen_of(response.json()["data"]["tokens"])
        assert kept == citizen_of(mp)
        citizen = await Citizen.get(id=kept)
        assert citizen.phone_hash is not None  # the app's phone came along
        assert await refused(client, app["access_token"], "app")
        # the app now signs in to the joined resident
        again = await sign_in_channel_account(Channel.APP, APP_ID, PHONE, phone=PHONE)
        assert citizen_of(again) == kept
        audit = await AuditLog.get(action="merge-citizens")
        assert audit.params == {
            "kept_id": kept,
            "absorbed_id": citizen_of(app),
            "moved": audit.params["moved"] if audit.params else None,
        }


class TestAlipayThenApp:
    @pytest.mark.asyncio
    async def test_an_alipay_resident_binding_the_apps_phone_joins_it(
        self, client: httpx.AsyncClient
    ) -> None:
        alipay = await sign_in_channel_account(Channel.ALIPAY_MP, "2021000", "2088000000000001")
        app = await app_login(client)
        response = await bind_phone(client, alipay.access_token, "alipay_mp")
        assert response.status_code == 200, response.text
        assert citizen_of(response.json()["data"]["tokens"]) == citizen_of(app)
        assert await Citizen.all().count() == 1


class TestDifferentPeopleStayApart:
    @pytest.mark.asyncio
    async def test_different_id_numbers_refuse_the_phone(self, client: httpx.AsyncClient) -> None:
        app = await app_login(client)
        assert (await verify(client, app["access_token"], "app")).status_code == 200
        mp = await sign_in_channel_account(Channel.WECHAT_MP, "wxmp", "openid-mp")
        verified = await verify(client, mp.access_token, "wechat_mp", OTHER_ID_NUMBER)
        assert verified.status_code == 200, verified.text
        response = await bind_phone(client, mp.access_token, "wechat_mp")
        assert response.status_code == 409
        assert response.json()["code"] == "PHONE_TAKEN"
        assert await Citizen.all().count() == 2

    @pytest.mark.asyncio
    async def test_different_phones_refuse_the_id_number(self, client: httpx.AsyncClient) -> None:
        first = await app_login(client)
        assert (await verify(client, first["access_token"], "app")).status_code == 200
        second = await app_login(client, OTHER_PHONE)
        response = await verify(client, second["access_token"], "app")
        assert response.status_code == 409
        assert response.json()["code"] == "ID_NUMBER_TAKEN"
        assert await Citizen.all().count() == 2

    @pytest.mark.asyncio
    async def test_a_second_phone_is_refused(self, client: httpx.AsyncClient) -> None:
        app = await app_login(client)
        response = await bind_phone(client, app["access_token"], "app", OTHER_PHONE)
        assert response.status_code == 409
        assert response.json()["code"] == "PHONE_ALREADY_BOUND"


class TestTheMergeMovesEveryRow:
    def test_every_citizen_column_is_covered(self, app: object) -> None:
        covered = {(m, c) for m, c in PLAIN_CITIZEN_REFERENCES} | {
            (m, "citizen_id") for m, _ in UNIQUE_CITIZEN_REFERENCES
        }
        covered.add((Appointment, "citizen_id"))
        naming = {
            (model, name if name.endswith("_id") else f"{name}_id")
            for tortoise_app in Tortoise.apps.values()
            for model in tortoise_app.values()
            for name in model._meta.fields_map
            if name.endswith("citizen_id") or name == "citizen"
        }
        naming -= {(Ticket, "active_citizen_id")}  # moved with the ticket's own citizen
        assert naming - covered == set()

    @pytest.mark.asyncio
    async def test_rows_move_and_duplicates_keep_one(self, db: None) -> None:
        kept = await Citizen.create()
        absorbed = await Citizen.create()
        now = datetime.now(UTC)
        await ChannelAccount.create(
            citizen=absorbed, channel="wechat_mp", app_id="wxmp", external_id="o-1"
        )
        for citizen in (kept, absorbed):
            await BoundAccount.create(
                citizen_id=citizen.id,
                kind=UtilityKind.WATER,
                company="water-co",
                account_no="1001",
                holder_masked="张*",
            )
            await SubscribeConsent.create(
                citizen_id=citizen.id, channel="wechat_mp", event="queue_called", remaining=1
            )
            await OptOut.create(citizen_id=citizen.id, category="marketing")
        await BoundAccount.create(
            citizen_id=absorbed.id,
            kind=UtilityKind.GAS,
            company="gas-co",
            account_no="2002",
            holder_masked="张*",
        )
        await BookingBlock.create(citizen_id=absorbed.id, until=now, no_shows=3)
        await PushDevice.create(
            citizen_id=absorbed.id, token="device-1", platform="ios", registered_at=now
        )
        await Notification.create(
            event="queue_called",
            citizen_id=absorbed.id,
            dedupe_key="n-1",
            status="queued",
            next_attempt_at=now,
        )
        await PaymentOrder.create(
            out_trade_no="T-1",
            purpose=Purpose.FEE,
            reference="fee-1",
            citizen_id=absorbed.id,
            description="fee",
            amount_fen=100,
            provider="sandbox",
            trade_type=TradeType.APP,
            state=OrderState.CREATED,
            app_id="a",
            merchant_id="m",
            expires_at=now + timedelta(minutes=15),
        )

        await merge_citizens(kept, absorbed, "test")

        assert not await Citizen.filter(id=absorbed.id).exists()
        for model in (
            ChannelAccount,
            BookingBlock,
            PushDevice,
            Notification,
            PaymentOrder,
            BoundAccount,
            SubscribeConsent,
            OptOut,
        ):
            assert await model.filter(citizen_id=absorbed.id).count() == 0, model
            assert await model.filter(citizen_id=kept.id).count() >= 1, model
        assert await BoundAccount.filter(citizen_id=kept.id).count() == 2
        assert await SubscribeConsent.filter(citizen_id=kept.id).count() == 1
        assert await OptOut.filter(citizen_id=kept.id).count() == 1
