"""Staff sign-in (argon2id passwords, lockout, audit) and staff administration."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone

from channels.identity.clock import Clock, utcnow
from channels.identity.models import AuthSession
from channels.identity.tokens import TokenPair, TokenService, tokens
from config.database import unit_of_work
from config.logging import request_id_var
from gateway.codes import Code
from gateway.errors import GovError
from gateway.schemas import Channel, StaffPrincipal, StaffScope
from services.staff import repository
from services.staff.errors import (
    StaffDisabled,
    StaffLocked,
    StaffLoginFailed,
    StaffPasswordTooShort,
    StaffRoleUnknown,
    StaffUsernameInvalid,
    StaffUsernameTaken,
)
from services.staff.models import Role, StaffAccount
from services.staff.passwords import (
    MIN_LENGTH,
    hash_password,
    needs_rehash,
    spend_verify_time,
    verify_password,
)
from services.staff.roles import BUILTIN_ROLES
from services.staff.schemas import RoleRead, ScopeRead, StaffRead

MAX_FAILURES = 5
LOCK_DURATION = timedelta(minutes=15)
_CHINA = timezone(timedelta(hours=8))


USERNAME = re.compile(r"[a-z0-9._-]{1,64}")


def normalize_username(username: str) -> str:
    return username.strip().lower()


def check_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise StaffPasswordTooShort(min_length=MIN_LENGTH)


async def role_named(code: str) -> Role:
    """A role by its code; the built-in ones are written first if the table lacks them."""
    await repository.ensure_roles(list(BUILTIN_ROLES.values()))
    found = await repository.role_by_code(code)
    if found is None:
        raise StaffRoleUnknown(role=code)
    return found


def locked_error(until: datetime) -> StaffLocked:
    return StaffLocked(
        until=until.astimezone(_CHINA).strftime("%Y-%m-%d %H:%M"),
        data={"locked_until": until.isoformat()},
    )


class StaffService:
    """`clock` is injectable so tests can let a lock run out without waiting."""

    def __init__(self, token_service: TokenService = tokens, clock: Clock = utcnow) -> None:
        self.tokens = token_service
        self.clock = clock

    # Sign-in

    async def login(self, username: str, password: str, client_ip: str = "-") -> TokenPair:
        """Checks the password and opens a session; every attempt leaves an audit row."""
        started = time.perf_counter()
        account = await repository.staff_by_username(normalize_username(username))
        try:
            pair = await self._check_and_start(account, password)
        except GovError as error:
            await self._audit(account, username, str(error.code), error.status, started, client_ip)
            raise
        await self._audit(account, username, "OK", 200, started, client_ip)
        return pair

    async def _check_and_start(self, account: StaffAccount | None, password: str) -> TokenPair:
        now = self.clock()
        if account is None:
            spend_verify_time(password)
            raise StaffLoginFailed()
        if account.locked_until is not None and account.locked_until > now:
            raise locked_error(account.locked_until)
        if not verify_password(account.password_hash, password):
            async with unit_of_work():
                locked_until = await repository.record_failure(
                    account.id, now, MAX_FAILURES, LOCK_DURATION
                )
            if locked_until is not None:
                raise locked_error(locked_until)
            raise StaffLoginFailed()
        if not account.active:
            raise StaffDisabled()
        rehash = hash_password(password) if needs_rehash(account.password_hash) else None
        await repository.record_success(account, now, rehash)
        return await self.tokens.start(await self.principal_of(account))

    async def _audit(
        self,
        account: StaffAccount | None,
        username: str,
        outcome: str,
        status: int,
        started: float,
        client_ip: str,
    ) -> None:
        await repository.write_audit(
            at=self.clock(),
            request_id=request_id_var.get(),
            channel=Channel.WEB.value,
            actor_type="staff",
            actor_id=None if account is None else account.id,
            service="staff",
            action="login",
            outcome=outcome,
            status=status,
            latency_ms=round((time.perf_counter() - started) * 1000, 3),
            client_ip=client_ip,
            params={"username": username[:64]},
        )

    @staticmethod
    async def principal_of(account: StaffAccount, session_id: str = "") -> StaffPrincipal:
        """Permissions are the union of the roles'; scopes are where the roles apply."""
        assignments = await repository.assignments_of(account.id)
        permissions = frozenset(p for a in assignments for p in a.role.permissions)
        scopes = tuple(
            dict.fromkeys(
                StaffScope(a.region_code, a.department_id, a.hall_id) for a in assignments
            )
        )
        return StaffPrincipal(account.id, account.username, permissions, scopes, session_id)

    async def load_principal(self, session: AuthSession) -> StaffPrincipal:
        """The staff member as they are now: a refresh picks up role changes and deactivation."""
        account = await repository.staff_by_id(session.subject_id)
        if account is None:
            raise GovError(Code.TOKEN_INVALID)
        if not account.active:
            raise StaffDisabled()
        return await self.principal_of(account, session.id)

    async def refresh(self, refresh_token: str) -> TokenPair:
        return await self.tokens.refresh(refresh_token, "staff", self.load_principal)

    async def sign_out(self, principal: StaffPrincipal) -> None:
        await self.tokens.revoke(principal.session_id)

    async def me(self, principal: StaffPrincipal) -> StaffRead:
        account = await repository.staff_by_id(principal.staff_id)
        if account is None:
            raise GovError(Code.TOKEN_INVALID)
        assignments = await repository.assignments_of(account.id)
        return StaffRead(
            id=account.id,
            username=account.username,
            display_name=account.display_name,
            roles=[
                RoleRead(
                    code=a.role.code,
                    name=a.role.name_zh,
                    scope=ScopeRead(
                        region_code=a.region_code, department_id=a.department_id, hall_id=a.hall_id
                    ),
                )
                for a in assignments
            ],
            permissions=sorted({p for a in assignments for p in a.role.permissions}),
        )

    # Administration

    async def create(
        self,
        username: str,
        password: str,
        role: str,
        *,
        display_name: str | None = None,
        region_code: str | None = None,
        department_id: int | None = None,
        hall_id: int | None = None,
    ) -> StaffAccount:
        """Creates a staff account holding one role in one scope (the built-in roles exist)."""
        username = normalize_username(username)
        if not USERNAME.fullmatch(username):
            raise StaffUsernameInvalid()
        check_password(password)
        async with unit_of_work():
            found_role = await role_named(role)
            if await repository.staff_by_username(username) is not None:
                raise StaffUsernameTaken(username=username)
            return await repository.create_staff(
                username,
                display_name or username,
                hash_password(password),
                found_role,
                region_code=region_code,
                department_id=department_id,
                hall_id=hall_id,
            )

    @staticmethod
    async def unlock(username: str) -> bool:
        return await repository.unlock(normalize_username(username)) == 1


staff_service = StaffService()
