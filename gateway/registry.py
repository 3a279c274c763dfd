"""Services declare their actions here; the gateway learns of them only through a `Registry`.

A service module builds one `Service` and decorates its handlers:

    service = Service("catalog", "办事指南", "Service guide")

    @service.action(identity=IdentityLevel.ANONYMOUS, rate_limit=RateLimit(120))
    async def item(request: ServiceRequest, params: ItemParams) -> ItemRead: ...

Parameter and result models come from the handler's annotations. `services/registry.py` lists
every service explicitly; nothing is discovered by import magic.
"""

from __future__ import annotations

import typing
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter

from gateway.codes import Code
from gateway.schemas import ALL_CHANNELS, Channel, IdentityLevel, ServiceRequest

P = TypeVar("P", bound=BaseModel)
R = TypeVar("R")
Handler = Callable[[ServiceRequest, P], Awaitable[R]]


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most `limit` calls per `window` seconds, counted per resident and per client address."""

    limit: int
    window: int = 60


@dataclass(slots=True)
class Action:
    service: str
    name: str
    handler: Callable[[ServiceRequest, Any], Awaitable[Any]]
    params: type[BaseModel]
    result: TypeAdapter[Any]
    result_type: Any
    identity: IdentityLevel
    channels: frozenset[Channel]
    rate_limit: RateLimit | None
    permission: str | None
    summary_zh: str
    summary_en: str
    mutates: bool
    errors: tuple[Code, ...] = ()

    @property
    def staff_only(self) -> bool:
        return self.permission is not None

    def error_codes(self) -> tuple[Code, ...]:
        """The codes this action may answer: the pipeline's for its declaration, then its own."""
        codes = [Code.VALIDATION_FAILED, Code.RATE_LIMITED, Code.SERVER_BUSY]
        if self.channels != ALL_CHANNELS:
            codes.append(Code.CHANNEL_NOT_ALLOWED)
        if self.permission is not None or self.identity > IdentityLevel.ANONYMOUS:
            codes += [Code.LOGIN_REQUIRED, Code.TOKEN_INVALID, Code.TOKEN_EXPIRED]
        if self.permission is not None:
            codes += [Code.STAFF_ONLY, Code.PERMISSION_DENIED]
        if self.identity >= IdentityLevel.REAL_NAME and self.permission is None:
            codes.append(Code.REAL_NAME_REQUIRED)
        if self.mutates:
            codes += [Code.IDEMPOTENCY_CONFLICT, Code.IDEMPOTENCY_IN_PROGRESS]
        if "cursor" in self.params.model_fields:
            codes.append(Code.CURSOR_INVALID)
        return tuple(dict.fromkeys([*codes, *self.errors]))

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "summary": {"zh-CN": self.summary_zh, "en": self.summary_en},
            "identity": self.identity.name.lower(),
            "staff_permission": self.permission,
            "channels": sorted(c.value for c in self.channels),
            "rate_limit": None
            if self.rate_limit is None
            else {"limit": self.rate_limit.limit, "window_seconds": self.rate_limit.window},
            "mutates": self.mutates,
            "errors": [str(code) for code in self.error_codes()],
            "params_schema": self.params.model_json_schema(),
            "result_schema": self.result.json_schema(),
        }


@dataclass(slots=True)
class Service:
    code: str
    title_zh: str
    title_en: str
    actions: dict[str, Action] = field(default_factory=dict)

    def action(
        self,
        name: str | None = None,
        *,
        identity: IdentityLevel = IdentityLevel.ANONYMOUS,
        channels: Iterable[Channel] = ALL_CHANNELS,
        rate_limit: RateLimit | None = RateLimit(120),
        permission: str | None = None,
        summary_zh: str = "",
        summary_en: str = "",
        mutates: bool = False,
        errors: Iterable[Code] = (),
    ) -> Callable[[Handler[P, R]], Handler[P, R]]:
        """Declares a handler as an action.

        `permission` makes it a staff action (the staff member must hold it); otherwise
        `identity` is the least a resident needs. `mutates` marks actions that change state,
        for which clients should send an `Idempotency-Key`. `errors` are the business codes it
        may answer (the pipeline's own are added from the declaration).
        """

        def register(handler: Handler[P, R]) -> Handler[P, R]:
            hints = typing.get_type_hints(handler)
            params = next(v for k, v in hints.items() if k not in ("request", "return"))
            result_type = hints["return"]
            action_name = name or handler.__name__.replace("_", "-")
            doc = (handler.__doc__ or "").strip().splitlines()
            self.actions[action_name] = Action(
                service=self.code,
                name=action_name,
                handler=handler,
                params=params,
                result=TypeAdapter(result_type),
                result_type=result_type,
                identity=identity,
                channels=frozenset(channels),
                rate_limit=rate_limit,
                permission=permission,
                summary_zh=summary_zh or (doc[0] if doc else action_name),
                summary_en=summary_en or (doc[0] if doc else action_name),
                mutates=mutates,
                errors=tuple(errors),
            )
            return handler

        return register

    def describe(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": {"zh-CN": self.title_zh, "en": self.title_en},
            "actions": [a.describe() for a in self.actions.values()],
        }


class Registry:
    def __init__(self, services: Iterable[Service]) -> None:
        self.services: dict[str, Service] = {}
        for service in services:
            if service.code in self.services:
                raise ValueError(f"service {service.code} registered twice")
            self.services[service.code] = service

    def find(self, service: str, action: str) -> Action | None:
        found = self.services.get(service)
        return None if found is None else found.actions.get(action)

    def has_service(self, service: str) -> bool:
        return service in self.services

    def describe(self) -> list[dict[str, Any]]:
        return [s.describe() for s in self.services.values()]
