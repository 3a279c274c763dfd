"""The invocation endpoint and service discovery. Thin: everything else is in `Gateway.invoke`."""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from typing import Annotated, Any, TypeVar

import orjson
from fastapi import APIRouter, Depends, Path, Request
from prometheus_client import Counter
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from config.logging import request_id_var
from config.settings import Settings
from gateway.codes import SPECS, Code
from gateway.errors import GovError, retry_later
from gateway.http import JSONBytes, error_response, locale_of, ok
from gateway.schemas import Channel, CitizenPrincipal, ServiceRequest, StaffPrincipal
from gateway.service import Gateway

router = APIRouter(prefix="/api/v1", tags=["gateway"])
SHED = Counter("govhub_shed_total", "Invocations refused with SERVER_BUSY (too many at once)")


async def get_gateway(request: Request) -> Gateway:
    """Async on purpose: FastAPI runs a plain `def` dependency in a worker thread."""
    gateway: Gateway = request.app.state.gateway
    return gateway


GatewayDep = Annotated[Gateway, Depends(get_gateway)]
_CHANNELS = {c.value: c for c in Channel}


P = TypeVar("P", CitizenPrincipal, StaffPrincipal)


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header and header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


async def signed_in(request: Request, kind: type[P], wrong_kind: Code = Code.TOKEN_INVALID) -> P:
    """The principal of the request's Bearer token, for routes outside the invocation endpoint
    (sign-out, streams); LOGIN_REQUIRED without a token, `wrong_kind` when the token is of
    another kind of principal (a staff token where a resident's is needed, say)."""
    token = bearer_token(request)
    if token is None:
        raise GovError(Code.LOGIN_REQUIRED)
    principal = await request.app.state.gateway.authenticator(token)
    if not isinstance(principal, kind):
        raise GovError(wrong_kind)
    return principal


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def trusted_networks(text: str) -> tuple[Network, ...]:
    return tuple(
        ipaddress.ip_network(item.strip(), strict=False) for item in text.split(",") if item.strip()
    )


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    return _is_address(address) and any(
        ipaddress.ip_address(address) in network for network in networks
    )


def forwarded_client(peer: str, forwarded_for: str | None, networks: tuple[Network, ...]) -> str:
    """Walks X-Forwarded-For from the right, past our own proxies, to the first address they
    did not add themselves; a header from anyone but a trusted proxy is ignored (forgeable)."""
    if not forwarded_for or not networks or not _trusted(peer, networks):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            return hop if _is_address(hop) else peer
    return hops[0] if hops and _is_address(hops[0]) else peer


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def client_ip(request: Request) -> str:
    """The resident's address: the peer's, or behind a trusted proxy the one it forwarded."""
    peer = request.client.host if request.client else "-"
    settings: Settings | None = getattr(request.app.state, "settings", None)
    if settings is None or not settings.trusted_proxies:
        return peer
    return forwarded_client(
        peer, request.headers.get("x-forwarded-for"), trusted_networks(settings.trusted_proxies)
    )


_NAME_MAX = 64


class InvocationMiddleware:
    """Serves the invocation endpoint ahead of the framework's routing, and sheds load.

    Every request of every channel is a `POST /api/v1/services/{service}/{action}`, and the
    pipeline validates, authorizes and maps its own errors, so passing it through route
    matching, the exception middleware and the endpoint wrappers only cost time per request.
    The route stays registered for the OpenAPI document. Install it inside the request-id
    middleware (so refusals carry the id) and inside the server-error one (which still turns
    an unexpected exception into the INTERNAL_ERROR envelope).

    At most `max_in_flight` invocations run at once in this process. One more is answered
    SERVER_BUSY (503 with `Retry-After`) at once, and is neither run nor audited, instead of
    queueing behind them: its client gets a quick answer it can retry, and the ones admitted
    keep their latency rather than all of them slowing down together.
    """

    def __init__(self, app: ASGIApp, max_in_flight: int, retry_after: int = 1) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.retry_after = retry_after
        self.in_flight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        names = _invocation_names(scope) if scope["type"] == "http" else None
        if names is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        if self.in_flight >= self.max_in_flight:
            SHED.inc()
            busy = retry_later(Code.SERVER_BUSY, self.retry_after)
            await error_response(request, busy)(scope, receive, send)
            return
        self.in_flight += 1
        try:
            service, action = _path_name(names, "service"), _path_name(names, "action")
            response = await invoke(request, service, action)
        except GovError as error:
            response = error_response(request, error)
        finally:
            self.in_flight -= 1
        await response(scope, receive, send)


_INVOCATION_PATH = re.compile(r"/api/v1/services/(?P<service>[^/]+)/(?P<action>[^/]+)")


def _invocation_names(scope: Scope) -> dict[str, Any] | None:
    """The path names of an invocation (matched as the route would), None for anything else."""
    if scope["method"] != "POST":
        return None
    path: str = scope["path"]
    root = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    match = _INVOCATION_PATH.fullmatch(path)
    return None if match is None else match.groupdict()


def _path_name(names: dict[str, Any], name: str) -> str:
    value: str = names[name]
    if len(value) > _NAME_MAX:
        raise GovError(
            Code.VALIDATION_FAILED,
            data=[
                {
                    "field": f"path.{name}",
                    "message": f"String should have at most {_NAME_MAX} characters",
                    "type": "string_too_long",
                }
            ],
        )
    return value


async def invoke(
    request: Request,
    service: Annotated[str, Path(max_length=_NAME_MAX)],
    action: Annotated[str, Path(max_length=_NAME_MAX)],
) -> Response:
    """Send the action's params as a JSON object; see `GET /api/v1/services` for the schemas.

    Headers: `Authorization: Bearer <access token>` for signed-in residents and staff,
    `Idempotency-Key` to make a retry safe, `Accept-Language` (`zh-CN` or `en`),
    `X-Channel` for anonymous callers (`web`, `app`, `wechat_oa`, …).
    """
    gateway: Gateway = request.app.state.gateway
    body = await request.body()
    params = _parse_params(body)
    service_request = ServiceRequest(
        service=service,
        action=action,
        params=params,
        channel=_CHANNELS.get(request.headers.get("x-channel", ""), Channel.WEB),
        credentials=bearer_token(request),
        idempotency_key=request.headers.get("idempotency-key"),
        request_id=request_id_var.get(),
        locale=locale_of(request),
        client_ip=client_ip(request),
    )
    result = await gateway.invoke(service_request)
    content = orjson.dumps(
        {
            "code": result.code,
            "message": result.message,
            "data": result.data,
            "request_id": service_request.request_id,
        }
    )
    headers = dict(result.headers)
    if result.replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONBytes(content, status_code=result.status, headers=headers)


# Answered by `InvocationMiddleware`; the route describes it in the OpenAPI document.
router.add_api_route(
    "/services/{service}/{action}",
    invoke,
    methods=["POST"],
    summary="Invoke one action of one service",
    response_class=JSONBytes,
    responses={
        200: {"description": "`{code: OK, message, data, request_id}`"},
        503: {"description": "`SERVER_BUSY`: too many requests at once; retry after `Retry-After`"},
    },
)


def _parse_params(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    try:
        params = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise GovError(Code.BAD_REQUEST, reason="body is not valid JSON") from None
    if not isinstance(params, dict):
        raise GovError(Code.BAD_REQUEST, reason="body must be a JSON object")
    return params


@router.get("/services", summary="Every service, its actions and their JSON schemas")
async def list_services(gateway: GatewayDep) -> Response:
    return ok(gateway.registry.describe())


@router.get("/errors", summary="Every error code with its HTTP status and messages")
async def list_errors() -> Response:
    return ok(
        [
            {
                "code": code.value,
                "status": spec.status,
                "message": {"zh-CN": spec.zh, "en": spec.en},
            }
            for code, spec in SPECS.items()
        ]
    )
