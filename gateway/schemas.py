"""What crosses the gateway: who is asking, from where, for what; and what comes back."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any

from gateway.codes import Code
from gateway.errors import GovError


class Channel(StrEnum):
    WECHAT_OA = "wechat_oa"  # official account: callback messages and city-services H5 pages
    WECHAT_MP = "wechat_mp"  # WeChat mini-program
    ALIPAY_MP = "alipay_mp"  # Alipay mini-program
    APP = "app"
    WEB = "web"  # browsers and hall kiosks


ALL_CHANNELS: frozenset[Channel] = frozenset(Channel)


class IdentityLevel(IntEnum):
    """How sure we are who the resident is; each action declares the least it needs."""

    ANONYMOUS = 0
    LOGGED_IN = 1
    REAL_NAME = 2


@dataclass(frozen=True, slots=True)
class CitizenPrincipal:
    citizen_id: int
    level: IdentityLevel
    session_id: str
    channel: Channel | None = None


@dataclass(frozen=True, slots=True)
class StaffScope:
    """Where a staff member may act; None in a field means everywhere under the other fields."""

    region_code: str | None = None
    department_id: int | None = None
    hall_id: int | None = None


@dataclass(frozen=True, slots=True)
class StaffPrincipal:
    staff_id: int
    username: str
    permissions: frozenset[str]
    scopes: tuple[StaffScope, ...]
    session_id: str

    def has(self, permission: str) -> bool:
        return permission in self.permissions or "*" in self.permissions


Principal = CitizenPrincipal | StaffPrincipal


@dataclass(slots=True)
class ServiceRequest:
    """One call of one action, the same whichever channel it came through."""

    service: str
    action: str
    params: dict[str, Any]
    channel: Channel = Channel.WEB
    credentials: str | None = None  # bearer token as received; the pipeline authenticates it
    principal: Principal | None = None
    idempotency_key: str | None = None
    request_id: str = "-"
    locale: str = "zh-CN"
    client_ip: str = "-"

    @property
    def citizen(self) -> CitizenPrincipal | None:
        return self.principal if isinstance(self.principal, CitizenPrincipal) else None

    @property
    def staff(self) -> StaffPrincipal | None:
        return self.principal if isinstance(self.principal, StaffPrincipal) else None

    def require_citizen(self) -> CitizenPrincipal:
        """The signed-in resident; the gateway lets only them reach LOGGED_IN actions."""
        if self.citizen is None:
            raise GovError(Code.LOGIN_REQUIRED)
        return self.citizen

    def require_staff(self) -> StaffPrincipal:
        """The signed-in staff member; the gateway lets only them reach permission actions."""
        if self.staff is None:
            raise GovError(Code.STAFF_ONLY)
        return self.staff


@dataclass(slots=True)
class ServiceResult:
    """What an action answered, or the error it ended with (`code` is "OK" on success)."""

    data: Any
    code: str = "OK"
    message: str = "OK"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    replayed: bool = False

    @property
    def ok(self) -> bool:
        return self.code == "OK"
