"""HTTP plumbing shared by every route: request ids, the error envelope, JSON responses."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from config.logging import request_id_var
from gateway.codes import Code
from gateway.errors import GovError, envelope, error_body, pick_locale
from gateway.service import validation_details

logger = logging.getLogger(__name__)
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


class JSONBytes(Response):
    media_type = "application/json"


def json_response(
    body: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return JSONBytes(orjson.dumps(body), status_code=status, headers=headers)


def locale_of(request: Request) -> str:
    return pick_locale(request.headers.get("accept-language"))


def error_response(request: Request, error: GovError) -> Response:
    return json_response(
        error_body(error, locale_of(request), request_id_var.get()),
        status=error.status,
        headers=error.headers,
    )


class RequestIdMiddleware:
    """Takes `X-Request-ID` from the caller (when sane) or makes one, and echoes it back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = next(
            (v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), None
        )
        # 32 random hex digits, as uuid4().hex but without building a UUID on every request
        request_id = (
            incoming if incoming and _VALID_REQUEST_ID.match(incoming) else os.urandom(16).hex()
        )
        token = request_id_var.set(request_id)
        header = (b"x-request-id", request_id.encode())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id_var.reset(token)


_HTTP_CODES = {404: Code.NOT_FOUND, 405: Code.METHOD_NOT_ALLOWED}


def install_error_handlers(app: FastAPI) -> None:
    async def on_gov_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, GovError)
        return error_response(request, exc)

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        code = _HTTP_CODES.get(exc.status_code)
        if code is None:
            error = GovError(Code.BAD_REQUEST, reason=str(exc.detail))
            body = error_body(error, locale_of(request), request_id_var.get())
            return json_response(body, status=exc.status_code, headers=exc.headers)
        return error_response(request, GovError(code))

    async def on_validation_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        details = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"], "type": e["type"]}
            for e in exc.errors()
        ]
        return error_response(request, GovError(Code.VALIDATION_FAILED, data=details))

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(request, GovError(Code.INTERNAL_ERROR))

    app.add_exception_handler(GovError, on_gov_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(Exception, on_unexpected)


def ok(data: Any) -> Response:
    """The success envelope, for routes outside the invocation endpoint."""
    return json_response(envelope("OK", "OK", data, request_id_var.get()))


__all__ = [
    "RequestIdMiddleware",
    "error_response",
    "install_error_handlers",
    "json_response",
    "ok",
    "validation_details",
]
