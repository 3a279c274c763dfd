"""Access tokens (JWT, 15 minutes) and refresh tokens (opaque, 30 days, rotated on every use).

An access token carries everything the gateway needs (subject, identity level or staff
permissions and scopes, session id), so authenticating costs one store read: whether its
session was revoked in the last 15 minutes. A refresh token is stored as its SHA-256 and
replaced at each use; presenting a replaced one again means it leaked, so the whole session
(the token family) is revoked.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, Literal, NoReturn

import jwt
from pydantic import BaseModel

from channels.identity import repository
from channels.identity.clock import Clock, utcnow
from channels.identity.models import AuthSession
from config.database import unit_of_work
from config.runtime import runtime
from config.settings import get_settings
from gateway.codes import Code
from gateway.errors import GovError
from gateway.schemas import Channel, CitizenPrincipal, IdentityLevel, Principal, StaffPrincipal
from gateway.schemas import StaffScope as Scope

ACCESS_LIFETIME = timedelta(minutes=15)
REFRESH_LIFETIME = timedelta(days=30)
_ISSUER = "govhub"
_ALGORITHM = "HS256"
_REVOKED_PREFIX = "auth:revoked:"

SubjectType = Literal["citizen", "staff"]
# Builds the principal anew at refresh time, so level and permissions follow the database.
PrincipalLoader = Callable[[AuthSession], Awaitable[Principal]]


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"


def subject_of(principal: Principal) -> tuple[SubjectType, int]:
    if isinstance(principal, StaffPrincipal):
        return "staff", principal.staff_id
    return "citizen", principal.citizen_id


def _hash_refresh(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _signing_key() -> str:
    return get_settings().secret_key.get_secret_value()


# Access tokens


def _claims(principal: Principal) -> dict[str, Any]:
    if isinstance(principal, StaffPrincipal):
        return {
            "st": "staff",
            "sub": str(principal.staff_id),
            "usr": principal.username,
            "perms": sorted(principal.permissions),
            "scp": [[s.region_code, s.department_id, s.hall_id] for s in principal.scopes],
        }
    return {
        "st": "citizen",
        "sub": str(principal.citizen_id),
        "lvl": int(principal.level),
        "ch": None if principal.channel is None else principal.channel.value,
    }


def encode_access_token(principal: Principal, now: datetime) -> str:
    claims = {
        **_claims(principal),
        "iss": _ISSUER,
        "typ": "access",
        "sid": principal.session_id,
        "iat": int(now.timestamp()),
        "exp": int((now + ACCESS_LIFETIME).timestamp()),
    }
    return jwt.encode(claims, _signing_key(), algorithm=_ALGORITHM)


def _principal(claims: dict[str, Any]) -> Principal:
    session_id = str(claims["sid"])
    if claims["st"] == "staff":
        return StaffPrincipal(
            staff_id=int(claims["sub"]),
            username=str(claims["usr"]),
            permissions=frozenset(str(p) for p in claims["perms"]),
            scopes=tuple(Scope(region, dept, hall) for region, dept, hall in claims["scp"]),
            session_id=session_id,
        )
    if claims["st"] == "citizen":
        return CitizenPrincipal(
            citizen_id=int(claims["sub"]),
            level=IdentityLevel(int(claims["lvl"])),
            session_id=session_id,
            channel=None if claims["ch"] is None else Channel(claims["ch"]),
        )
    raise ValueError("unknown subject type")


def decode_access_token(token: str, now: float | None = None) -> Principal:
    """The principal a token was issued to; TOKEN_EXPIRED or TOKEN_INVALID otherwise. `now`
    (a POSIX time) is for tests."""
    try:
        principal, expires_at = _verified(token, _signing_key())
    except jwt.ExpiredSignatureError:
        raise GovError(Code.TOKEN_EXPIRED) from None
    except (jwt.InvalidTokenError, KeyError, TypeError, ValueError):
        raise GovError(Code.TOKEN_INVALID) from None
    if expires_at <= (time.time() if now is None else now):
        raise GovError(Code.TOKEN_EXPIRED)
    return principal


@functools.lru_cache(maxsize=8192)
def _verified(token: str, key: str) -> tuple[Principal, int]:
    """A token's signature and claims, checked once per process and key: a client sends the
    same access token with every call until it expires, so later calls only compare the
    expiry. A token that fails raises, and failures are not remembered."""
    claims = jwt.decode(
        token,
        key,
        algorithms=[_ALGORITHM],
        issuer=_ISSUER,
        options={"require": ["exp", "iat", "sub", "sid", "st", "typ"]},
    )
    if claims["typ"] != "access":
        raise ValueError("not an access token")
    return _principal(claims), int(claims["exp"])


async def authenticate_access_token(token: str) -> Principal:
    principal = decode_access_token(token)
    if await runtime().store.get(_REVOKED_PREFIX + principal.session_id) is not None:
        raise GovError(Code.TOKEN_REVOKED)
    return principal


# Sessions


class TokenService:
    """Starts, refreshes and ends sessions. `clock` is injectable for tests."""

    def __init__(self, clock: Clock = utcnow) -> None:
        self.clock = clock

    async def start(self, principal: Principal, channel: Channel | None = None) -> TokenPair:
        """Opens a session for a principal (its `session_id` is replaced) and issues tokens."""
        subject_type, subject_id = subject_of(principal)
        session_id = uuid.uuid4().hex
        async with unit_of_work():
            await repository.create_session(
                session_id, subject_type, subject_id, None if channel is None else channel.value
            )
            return await self._issue(dataclasses.replace(principal, session_id=session_id))

    async def refresh(
        self, refresh_token: str, subject_type: SubjectType, load: PrincipalLoader
    ) -> TokenPair:
        """Replaces a refresh token with a new pair; a replayed one revokes its whole family."""
        found = await repository.refresh_token_by_hash(_hash_refresh(refresh_token))
        if found is None or found.session.subject_type != subject_type:
            raise GovError(Code.TOKEN_INVALID)
        session = found.session
        if session.revoked_at is not None:
            raise GovError(Code.TOKEN_REVOKED)
        now = self.clock()
        if found.used_at is not None:
            await self._reused(session.id)
        if found.expires_at <= now:
            raise GovError(Code.TOKEN_EXPIRED)
        principal = await load(session)
        async with unit_of_work():
            claimed = await repository.mark_refresh_token_used(found.id, now)
            if claimed:
                pair = await self._issue(dataclasses.replace(principal, session_id=session.id))
        if not claimed:  # a concurrent request used it first
            await self._reused(session.id)
        return pair

    async def _reused(self, session_id: str) -> NoReturn:
        await self.revoke(session_id, reason="refresh_reused")
        raise GovError(Code.REFRESH_TOKEN_REUSED)

    async def revoke(self, session_id: str, reason: str = "logout") -> None:
        """Ends a session: its refresh tokens at once, its access tokens at the next request."""
        await repository.revoke_session(session_id, self.clock(), reason)
        await runtime().store.set(
            _REVOKED_PREFIX + session_id, reason, ttl=ACCESS_LIFETIME.total_seconds() + 5
        )

    async def _issue(self, principal: Principal) -> TokenPair:
        now = self.clock()
        refresh_token = secrets.token_urlsafe(32)
        await repository.create_refresh_token(
            principal.session_id, _hash_refresh(refresh_token), now + REFRESH_LIFETIME
        )
        return TokenPair(
            access_token=encode_access_token(principal, now),
            refresh_token=refresh_token,
            expires_in=int(ACCESS_LIFETIME.total_seconds()),
        )


tokens = TokenService()
