"""`Gateway.invoke`: the one pipeline every channel's request goes through.

authenticate → authorize → rate-limit → de-duplicate (Idempotency-Key) → validate → call →
audit → map errors. Channel adapters build a `ServiceRequest`; they never call services directly.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson
from prometheus_client import Counter, Histogram
from pydantic import ValidationError
from tortoise.exceptions import IntegrityError, OperationalError

from config.database import before_commit
from config.settings import get_settings
from config.store import LockNotAcquired, Store, WindowHit
from gateway.audit import AuditSink, CarriedAudit, audit_row, carrying
from gateway.codes import Code
from gateway.errors import GovError, retry_later
from gateway.masking import mask_params
from gateway.models import IdempotencyRecord
from gateway.registry import Action, Registry
from gateway.schemas import (
    CitizenPrincipal,
    IdentityLevel,
    Principal,
    ServiceRequest,
    ServiceResult,
    StaffPrincipal,
)

logger = logging.getLogger(__name__)

Authenticator = Callable[[str], Awaitable[Principal]]

UNKNOWN = "(unknown)"
INVOCATIONS = Counter(
    "govhub_invocations_total", "Service invocations", ["service", "action", "channel", "code"]
)
LATENCY = Histogram(
    "govhub_invocation_seconds",
    "Service invocation latency",
    ["service", "action"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)


@lru_cache(maxsize=4096)
def _invocations(service: str, action: str, channel: str, code: str) -> Counter:
    """The labelled counter, looked up once: `labels()` takes a lock and builds a key per call."""
    return INVOCATIONS.labels(service, action, channel, code)


@lru_cache(maxsize=1024)
def _latency(service: str, action: str) -> Histogram:
    return LATENCY.labels(service, action)


async def _no_authenticator(token: str) -> Principal:
    raise GovError(Code.TOKEN_INVALID)


def validation_details(exc: ValidationError) -> list[dict[str, Any]]:
    return [
        {"field": ".".join(str(p) for p in err["loc"]), "message": err["msg"], "type": err["type"]}
        for err in exc.errors(include_url=False, include_context=False, include_input=False)
    ]


class Gateway:
    def __init__(
        self,
        registry: Registry,
        store: Store,
        *,
        authenticator: Authenticator = _no_authenticator,
        audit: AuditSink | None = None,
        rate_limit_per_ip: int = 600,
    ) -> None:
        self.registry = registry
        self.store = store
        self.authenticator = authenticator
        self.audit = audit or AuditSink()
        self.rate_limit_per_ip = rate_limit_per_ip

    async def invoke(self, request: ServiceRequest) -> ServiceResult:
        started = time.perf_counter()
        action = self.registry.find(request.service, request.action)
        carried = None
        if action is not None and (action.mutates or action.staff_only):
            carried = CarriedAudit(
                lambda: audit_row(
                    **self._audit_entry(request, "OK", 200, time.perf_counter() - started)
                )
            )
        try:
            if action is None:
                raise self._unknown(request)
            with carrying(carried):
                result = await self._run(action, request)
        except GovError as error:
            result = error_result(error, request.locale)
        except Exception as exc:
            result = error_result(self._unexpected(request, exc), request.locale)
        elapsed = time.perf_counter() - started
        await self._audit(request, action, result, elapsed, carried)
        return result

    @staticmethod
    def _unexpected(request: ServiceRequest, exc: Exception) -> GovError:
        """SERVER_BUSY for a wait that ran out under load (a store lock, SQLite's write lock, a
        PostgreSQL lock or deadlock): nothing was done, and the same request sent again in a
        moment succeeds. Anything else is a fault of ours."""
        if contended(exc):
            logger.warning("action %s.%s: %s", request.service, request.action, exc)
            return retry_later(Code.SERVER_BUSY, CONTENDED_RETRY_AFTER)
        logger.exception("action %s.%s failed", request.service, request.action)
        return GovError(Code.INTERNAL_ERROR)

    def _unknown(self, request: ServiceRequest) -> GovError:
        if not self.registry.has_service(request.service):
            return GovError(Code.UNKNOWN_SERVICE, service=request.service)
        return GovError(Code.UNKNOWN_ACTION, service=request.service, action=request.action)

    async def _run(self, action: Action, request: ServiceRequest) -> ServiceResult:
        if request.credentials and request.principal is None:
            request.principal = await self.authenticator(request.credentials)
        principal = request.principal
        if isinstance(principal, CitizenPrincipal) and principal.channel is not None:
            request.channel = principal.channel  # the session knows its channel; a header may lie
        self._authorize(action, request)
        await self._rate_limit(action, request)
        if request.idempotency_key:
            return await self._run_once(action, request)
        return await self._call(action, request)

    async def _call(self, action: Action, request: ServiceRequest) -> ServiceResult:
        try:
            params = action.params.model_validate(request.params)
        except ValidationError as exc:
            raise GovError(Code.VALIDATION_FAILED, data=validation_details(exc)) from None
        data = await action.handler(request, params)
        return ServiceResult(data=action.result.dump_python(data, mode="json"))

    @staticmethod
    def _authorize(action: Action, request: ServiceRequest) -> None:
        if request.channel not in action.channels:
            raise GovError(Code.CHANNEL_NOT_ALLOWED, channel=request.channel.value)
        principal = request.principal
        if action.permission is not None:
            if not isinstance(principal, StaffPrincipal):
                raise GovError(Code.STAFF_ONLY if principal else Code.LOGIN_REQUIRED)
            if not principal.has(action.permission):
                raise GovError(Code.PERMISSION_DENIED)
            return
        if action.identity == IdentityLevel.ANONYMOUS:
            return
        if not isinstance(principal, CitizenPrincipal):
            raise GovError(Code.LOGIN_REQUIRED)
        if principal.level < action.identity:
            raise GovError(Code.REAL_NAME_REQUIRED)

    async def _rate_limit(self, action: Action, request: ServiceRequest) -> None:
        """Counts the call in every window that applies, in one store round trip."""
        hits = [WindowHit(f"rl:ip:{request.client_ip}", self.rate_limit_per_ip, 60)]
        limit = action.rate_limit
        if limit is not None:
            name = f"{action.service}.{action.name}"
            hits.append(WindowHit(f"rl:{name}:ip:{request.client_ip}", limit.limit, limit.window))
            if request.principal is not None:
                who = actor_key(request.principal)
                hits.append(WindowHit(f"rl:{name}:who:{who}", limit.limit, limit.window))
        await enforce_rate_limits(self.store, hits)

    async def _run_once(self, action: Action, request: ServiceRequest) -> ServiceResult:
        """Runs the action once per key; the same key and body replay the first answer."""
        assert request.idempotency_key is not None
        who = actor_key(request.principal) if request.principal else f"ip:{request.client_ip}"
        scope = f"{action.service}.{action.name}:{who}"
        fingerprint = hashlib.sha256(
            orjson.dumps(request.params, option=orjson.OPT_SORT_KEYS)
        ).hexdigest()
        now = datetime.now(UTC)
        try:
            record = await IdempotencyRecord.create(
                scope=scope, key=request.idempotency_key, fingerprint=fingerprint, claimed_at=now
            )
        except IntegrityError:
            existing = await IdempotencyRecord.get(scope=scope, key=request.idempotency_key)
            record_or_result = await self._existing(existing, fingerprint, request, now)
            if isinstance(record_or_result, ServiceResult):
                return record_or_result
            record = record_or_result

        async def mark_applied() -> None:
            await IdempotencyRecord.filter(id=record.id).update(applied=True)

        try:
            with before_commit(mark_applied):
                result = await self._call(action, request)
        except GovError as error:
            if error.status >= 500:
                await self._release(record)
                raise
            await self._complete(record, error.status, str(error.code), error.data)
            raise
        except BaseException:
            await self._release(record)  # nothing committed: the client may try again
            raise
        await self._complete(record, result.status, result.code, result.data)
        return result

    async def _existing(
        self,
        existing: IdempotencyRecord,
        fingerprint: str,
        request: ServiceRequest,
        now: datetime,
    ) -> IdempotencyRecord | ServiceResult:
        """The replayed answer, or the claim taken over from a request that died without
        committing anything; a refusal otherwise."""
        settings = get_settings()
        if (now - existing.created_at).total_seconds() > settings.idempotency_ttl:
            await existing.delete()  # expired: the key is new again
            fresh: IdempotencyRecord = await IdempotencyRecord.create(
                scope=existing.scope, key=existing.key, fingerprint=fingerprint, claimed_at=now
            )
            return fresh
        if existing.fingerprint != fingerprint:
            raise GovError(Code.IDEMPOTENCY_CONFLICT)
        if existing.completed:
            return ServiceResult(
                data=existing.body,
                code=existing.code or "OK",
                status=existing.status or 200,
                message="OK"
                if existing.code in (None, "OK")
                else GovError(Code(existing.code)).message(request.locale),
                replayed=True,
            )
        claimed = existing.claimed_at or existing.created_at
        if (now - claimed).total_seconds() < settings.idempotency_takeover_seconds:
            raise GovError(Code.IDEMPOTENCY_IN_PROGRESS)
        if existing.applied:
            raise GovError(Code.IDEMPOTENCY_ANSWER_LOST)
        taken = await IdempotencyRecord.filter(
            id=existing.id, completed=False, applied=False, claimed_at=existing.claimed_at
        ).update(claimed_at=now)
        if not taken:
            raise GovError(Code.IDEMPOTENCY_IN_PROGRESS)  # another retry took it first
        logger.warning("idempotency key %s taken over from a request that died", existing.key)
        return existing

    @staticmethod
    async def _release(record: IdempotencyRecord) -> None:
        """Gives the key back after a failure, unless the action's work had committed: then the
        claim stays, and a retry is told the answer was lost rather than running twice."""
        await IdempotencyRecord.filter(id=record.id, applied=False, completed=False).delete()

    @staticmethod
    async def _complete(record: IdempotencyRecord, status: int, code: str, data: Any) -> None:
        record.completed, record.status, record.code, record.body = True, status, code, data
        await record.save(update_fields=["completed", "status", "code", "body"])

    async def _audit(
        self,
        request: ServiceRequest,
        action: Action | None,
        result: ServiceResult,
        elapsed: float,
        carried: CarriedAudit | None = None,
    ) -> None:
        if action is None:  # names from the URL: never let them grow the label set
            _invocations(UNKNOWN, UNKNOWN, request.channel.value, result.code).inc()
            return
        _invocations(request.service, request.action, request.channel.value, result.code).inc()
        _latency(request.service, request.action).observe(elapsed)
        if carried is not None and carried.stored and result.code == "OK":
            return  # committed with the action's own write
        try:
            await self.audit.write(
                immediate=action.mutates or action.staff_only,
                **self._audit_entry(request, result.code, result.status, elapsed),
            )
        except Exception:
            logger.exception("audit row for %s.%s not written", request.service, request.action)

    @staticmethod
    def _audit_entry(
        request: ServiceRequest, outcome: str, status: int, elapsed: float
    ) -> dict[str, Any]:
        principal = request.principal
        actor_type, actor_id = (
            ("staff", principal.staff_id)
            if isinstance(principal, StaffPrincipal)
            else ("citizen", principal.citizen_id)
            if isinstance(principal, CitizenPrincipal)
            else ("anonymous", None)
        )
        return {
            "request_id": request.request_id,
            "channel": request.channel.value,
            "actor_type": actor_type,
            "actor_id": actor_id,
            "service": request.service,
            "action": request.action,
            "outcome": outcome,
            "status": status,
            "latency_ms": round(elapsed * 1000, 3),
            "client_ip": request.client_ip,
            "params": mask_params(request.params) if request.params else None,
        }


CONTENDED_RETRY_AFTER = 1  # seconds
# What the database says when a lock wait ran out (SQLite, PostgreSQL's lock_timeout) or it broke
# a deadlock: the transaction was rolled back whole.
_CONTENTION = ("database is locked", "deadlock detected", "due to lock timeout")


def contended(exc: BaseException) -> bool:
    if isinstance(exc, LockNotAcquired):
        return True
    return isinstance(exc, OperationalError) and any(text in str(exc) for text in _CONTENTION)


async def enforce_rate_limits(
    store: Store, hits: list[WindowHit], code: Code = Code.RATE_LIMITED
) -> None:
    """Counts one hit in every window (one store round trip); past any limit, `code` with
    `Retry-After` (the longest wait among the windows refused). Routes beside the gateway
    (open data) limit their callers with it too."""
    refused = [w for w in await store.hit_windows(hits) if not w.allowed]
    if refused:
        retry_after = max(w.retry_after for w in refused)
        raise retry_later(code, retry_after)


def error_result(error: GovError, locale: str) -> ServiceResult:
    return ServiceResult(
        data=error.data,
        code=str(error.code),
        message=error.message(locale),
        status=error.status,
        headers=error.headers,
    )


def actor_key(principal: Principal) -> str:
    if isinstance(principal, StaffPrincipal):
        return f"staff:{principal.staff_id}"
    return f"citizen:{principal.citizen_id}"
