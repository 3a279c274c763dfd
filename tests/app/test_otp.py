"""One-time codes: sending, limits per minute and per day, hashed storage, expiry, attempts."""

from __future__ import annotations

import httpx
import pytest

from channels.app.otp import DAILY_LIMIT, MAX_ATTEMPTS, OtpService
from config.runtime import Runtime
from gateway.errors import GovError
from tests.app.helpers import OTHER_PHONE, PHONE, FakeClock, latest_code, store_contents


class RecordingSms:
    """Stands in for the SMS port so a test holding a fake clock can read its codes."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, dict[str, str]]] = []

    async def __call__(self, phone: str, template: str, params: dict[str, str]) -> str:
        self.sent.append((phone, template, params))
        return f"test-{len(self.sent)}"

    @property
    def last_code(self) -> str:
        return self.sent[-1][2]["code"]


async def expect_code(awaitable: object, code: str) -> GovError:
    with pytest.raises(GovError) as caught:
        await awaitable  # type: ignore[misc]
    assert caught.value.code == code
    return caught.value


class TestSendingACode:
    @pytest.mark.asyncio
    async def test_the_code_goes_out_through_the_sandbox_sms(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post("/api/v1/auth/otp", json={"phone": "+86 138-1234-5678"})
        assert response.status_code == 200, response.text
        assert response.json()["data"] == {"expires_in": 300, "resend_after": 60}
        outbox = (await client.get("/dev/sms")).json()["data"]
        assert outbox[0]["phone"] == "138****5678"
        assert outbox[0]["template_code"] == "login_code"
        code = await latest_code(client)
        assert outbox[0]["text"] == f"【GovHub】您的验证码为{code}，5分钟内有效，请勿泄露。"

    @pytest.mark.asyncio
    @pytest.mark.parametrize("phone", ["12812345678", "1381234567", "138123456789", "abc"])
    async def test_a_malformed_phone_is_refused(
        self, client: httpx.AsyncClient, phone: str
    ) -> None:
        response = await client.post("/api/v1/auth/otp", json={"phone": phone})
        assert response.status_code == 422
        assert response.json()["code"] == "PHONE_INVALID"


class TestOneCodePerMinute:
    @pytest.mark.asyncio
    async def test_a_second_request_within_the_minute_waits(
        self, client: httpx.AsyncClient
    ) -> None:
        assert (await client.post("/api/v1/auth/otp", json={"phone": PHONE})).status_code == 200
        again = await client.post("/api/v1/auth/otp", json={"phone": PHONE})
        assert again.status_code == 429
        assert again.json()["code"] == "OTP_TOO_FREQUENT"
        retry_after = again.json()["data"]["retry_after"]
        assert 0 < retry_after <= 60
        assert again.headers["Retry-After"] == str(retry_after)
        other = await client.post("/api/v1/auth/otp", json={"phone": OTHER_PHONE})
        assert other.status_code == 200  # the limit is per phone

    @pytest.mark.asyncio
    async def test_after_a_minute_a_new_code_may_go(self, db: None, rt: Runtime) -> None:
        clock, sms = FakeClock(), RecordingSms()
        codes = OtpService(clock=clock, send=sms)
        await codes.request_code(PHONE)
        clock.advance(seconds=30)
        error = await expect_code(codes.request_code(PHONE), "OTP_TOO_FREQUENT")
        assert error.data == {"retry_after": 30}
        clock.advance(seconds=31)
        await codes.request_code(PHONE)
        assert len(sms.sent) == 2


class TestTenCodesADay:
    @pytest.mark.asyncio
    async def test_the_eleventh_code_of_the_day_is_refused(self, db: None, rt: Runtime) -> None:
        clock, sms = FakeClock(), RecordingSms()
        codes = OtpService(clock=clock, send=sms)
        for _ in range(DAILY_LIMIT):
            await codes.request_code(PHONE)
            clock.advance(seconds=61)
        await expect_code(codes.request_code(PHONE), "OTP_DAILY_LIMIT")
        assert len(sms.sent) == DAILY_LIMIT
        clock.advance(days=1)  # a new day in China time
        await codes.request_code(PHONE)
        assert len(sms.sent) == DAILY_LIMIT + 1


class TestCodesAreHashed:
    @pytest.mark.asyncio
    async def test_the_store_never_holds_the_code_or_the_phone(
        self, client: httpx.AsyncClient, rt: Runtime
    ) -> None:
        await client.post("/api/v1/auth/otp", json={"phone": PHONE})
        code = await latest_code(client)
        contents = await store_contents(rt)
        assert "otp:" in contents  # the code record is there...
        assert code not in contents  # ...but only as a keyed hash
        assert PHONE not in contents
        response = await client.post("/api/v1/auth/login", json={"phone": PHONE, "code": code})
        assert response.status_code == 200, response.text


class TestCodeExpiry:
    @pytest.mark.asyncio
    async def test_a_code_dies_after_five_minutes(self, db: None, rt: Runtime) -> None:
        clock, sms = FakeClock(), RecordingSms()
        codes = OtpService(clock=clock, send=sms)
        await codes.request_code(PHONE)
        first = sms.last_code
        await codes.request_code(OTHER_PHONE)
        second = sms.last_code
        clock.advance(seconds=299)
        assert await codes.verify(PHONE, first) == PHONE
        clock.advance(seconds=2)
        await expect_code(codes.verify(OTHER_PHONE, second), "OTP_EXPIRED")

    @pytest.mark.asyncio
    async def test_a_code_signs_in_once(self, client: httpx.AsyncClient) -> None:
        await client.post("/api/v1/auth/otp", json={"phone": PHONE})
        body = {"phone": PHONE, "code": await latest_code(client)}
        assert (await client.post("/api/v1/auth/login", json=body)).status_code == 200
        again = await client.post("/api/v1/auth/login", json=body)
        assert again.status_code == 401
        assert again.json()["code"] == "OTP_EXPIRED"


class TestCodeAttempts:
    @pytest.mark.asyncio
    async def test_five_wrong_codes_burn_the_code(self, client: httpx.AsyncClient) -> None:
        await client.post("/api/v1/auth/otp", json={"phone": PHONE})
        code = await latest_code(client)
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        for attempt in range(1, MAX_ATTEMPTS + 1):
            response = await client.post("/api/v1/auth/login", json={"phone": PHONE, "code": wrong})
            assert response.status_code == 401
            assert response.json()["code"] == "OTP_INVALID"
            assert response.json()["data"] == {"attempts_left": MAX_ATTEMPTS - attempt}
        right = await client.post("/api/v1/auth/login", json={"phone": PHONE, "code": code})
        assert right.status_code == 429
        assert right.json()["code"] == "OTP_TOO_MANY_ATTEMPTS"

    @pytest.mark.asyncio
    async def test_a_new_code_gets_new_attempts(self, db: None, rt: Runtime) -> None:
        clock, sms = FakeClock(), RecordingSms()
        codes = OtpService(clock=clock, send=sms)
        await codes.request_code(PHONE)
        wrong = "000000" if sms.last_code != "000000" else "111111"
        for _ in range(MAX_ATTEMPTS):
            await expect_code(codes.verify(PHONE, wrong), "OTP_INVALID")
        await expect_code(codes.verify(PHONE, sms.last_code), "OTP_TOO_MANY_ATTEMPTS")
        clock.advance(seconds=61)
        await codes.request_code(PHONE)
        assert await codes.verify(PHONE, sms.last_code) == PHONE
