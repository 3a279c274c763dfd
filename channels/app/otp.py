"""One-time sign-in codes sent by SMS, kept in the store as keyed hashes only.

Limits per phone: one code a minute, ten a day (China time), five tries per code, five minutes
of life. Store keys carry a keyed hash of the phone, never the number.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import orjson
from pydantic import BaseModel

from channels.identity.clock import Clock, utcnow
from channels.identity.crypto import derive_key
from channels.identity.phones import normalize_phone
from config.runtime import runtime
from config.store import Store
from gateway.codes import Code
from gateway.errors import GovError, retry_later
from notify.service import send_sms

CODE_LIFETIME = 300
RESEND_INTERVAL = 60
DAILY_LIMIT = 10
MAX_ATTEMPTS = 5
LOGIN_TEMPLATE = "login_code"
_CHINA = timezone(timedelta(hours=8))
_RECORD_TTL = CODE_LIFETIME + 3600  # outlives the code, so a late try says "expired"

SendSms = Callable[[str, str, dict[str, str]], Awaitable[str]]


class OtpSent(BaseModel):
    expires_in: int
    resend_after: int


@dataclass(frozen=True, slots=True)
class _Keys:
    code: str
    tries: str
    sent: str
    day: str


class OtpService:
    """Issues and checks codes. `clock` and `send` are injectable, so tests need not wait."""

    def __init__(self, clock: Clock = utcnow, send: SendSms = send_sms) -> None:
        self.clock = clock
        self.send = send

    @property
    def store(self) -> Store:
        return runtime().store

    @staticmethod
    def _digest(*parts: str) -> str:
        message = "\x1f".join(parts).encode()
        return hmac.new(derive_key("otp"), message, hashlib.sha256).hexdigest()

    def _keys(self, phone: str, now: datetime) -> _Keys:
        ref = self._digest("phone", phone)[:32]
        return _Keys(
            code=f"otp:{ref}:code",
            tries=f"otp:{ref}:tries",
            sent=f"otp:{ref}:sent",
            day=f"otp:{ref}:day:{now.astimezone(_CHINA):%Y%m%d}",
        )

    async def request_code(self, raw_phone: str) -> OtpSent:
        """Sends a new code by SMS, within the per-minute and per-day limits of the phone."""
        phone = normalize_phone(raw_phone)
        now = self.clock()
        keys = self._keys(phone, now)
        await self._throttle(keys, now.timestamp())
        code = f"{secrets.randbelow(10**6):06d}"
        nonce = secrets.token_hex(8)
        record = {
            "d": self._digest(phone, code, nonce),
            "n": nonce,
            "exp": now.timestamp() + CODE_LIFETIME,
        }
        await self.store.set(keys.code, orjson.dumps(record).decode(), ttl=_RECORD_TTL)
        await self.store.delete(keys.tries)
        await self.send(phone, LOGIN_TEMPLATE, {"code": code})
        return OtpSent(expires_in=CODE_LIFETIME, resend_after=RESEND_INTERVAL)

    async def _throttle(self, keys: _Keys, now: float) -> None:
        if not await self.store.set_if_absent(keys.sent, str(now), ttl=RESEND_INTERVAL):
            last = await self.store.get(keys.sent)
            wait = 0 if last is None else math.ceil(float(last) + RESEND_INTERVAL - now)
            if wait > 0:
                raise retry_later(Code.OTP_TOO_FREQUENT, wait)
            await self.store.set(keys.sent, str(now), ttl=RESEND_INTERVAL)
        if await self.store.incr(keys.day, ttl=2 * 86400) > DAILY_LIMIT:
            raise GovError(Code.OTP_DAILY_LIMIT)

    async def verify(self, raw_phone: str, code: str) -> str:
        """Consumes the phone's code when `code` matches it; answers the normalized phone."""
        phone = normalize_phone(raw_phone)
        now = self.clock()
        keys = self._keys(phone, now)
        raw = await self.store.get(keys.code)
        if raw is None:
            raise GovError(Code.OTP_EXPIRED)
        record = orjson.loads(raw)
        if now.timestamp() >= record["exp"]:
            raise GovError(Code.OTP_EXPIRED)
        tries = await self.store.incr(keys.tries, ttl=_RECORD_TTL)
        if tries > MAX_ATTEMPTS:
            raise GovError(Code.OTP_TOO_MANY_ATTEMPTS)
        if not hmac.compare_digest(record["d"], self._digest(phone, code, record["n"])):
            raise GovError(Code.OTP_INVALID, data={"attempts_left": MAX_ATTEMPTS - tries})
        if not await self.store.set_if_absent(f"otp:used:{record['n']}", "1", ttl=_RECORD_TTL):
            raise GovError(Code.OTP_EXPIRED)  # the same code won a concurrent sign-in
        await self.store.delete(keys.code, keys.tries)
        return phone


otp = OtpService()
