"""The OpenAPI document: every action as its own operation beside the generic invocation route.

All actions are served by the one route `POST /api/v1/services/{service}/{action}`; the document
adds `POST /api/v1/services/<service>/<action>` for each, with its params as the request body,
its result inside the envelope as the 200 answer, the error envelope as every other answer, and
its identity level, permission and error codes in the description and in `x-govhub-*` fields.
Typed clients are generated from it (`make api-types`).

`python -m gateway.openapi` prints the document.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any

import orjson
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import TypeAdapter

from gateway.codes import SPECS
from gateway.registry import Action, Service

REF = "#/components/schemas/{model}"
ERROR_ENVELOPE = "ErrorEnvelope"
ERROR_REF = REF.format(model=ERROR_ENVELOPE)
IDENTITY_WORDS = {
    "anonymous": "anyone, signed in or not",
    "logged_in": "a signed-in resident",
    "real_name": "a signed-in resident with verified real name",
}


def install(app: FastAPI, services: Callable[[], Iterable[Service]]) -> None:
    """Replaces the app's OpenAPI builder; `services` is called once, when the document is
    first asked for (the service list is imported late, as the lifespan does)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document(app, list(services()))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def document(app: FastAPI, services: list[Service]) -> dict[str, Any]:
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    components = schema.setdefault("components", {})
    models: dict[str, Any] = components.setdefault("schemas", {})
    actions = [action for service in services for action in service.actions.values()]
    refs, definitions = TypeAdapter.json_schemas(
        [
            inp
            for action in actions
            for inp in (
                (f"{action.service}.{action.name}", "validation", TypeAdapter(action.params)),
                (f"{action.service}.{action.name}", "serialization", action.result),
            )
        ],
        ref_template=REF,
    )
    for name, model in definitions.get("$defs", {}).items():
        if name in models and models[name] != model:
            raise ValueError(f"two schemas are named {name}")
        models[name] = model
    models[ERROR_ENVELOPE] = error_envelope()
    components.setdefault("securitySchemes", {})["bearer"] = {
        "type": "http",
        "scheme": "bearer",
        "description": "the access token of a resident's or staff member's sign-in",
    }
    titles = {service.code: service for service in services}
    for action in actions:
        path = f"/api/v1/services/{action.service}/{action.name}"
        schema["paths"][path] = {
            "post": operation(
                action,
                titles[action.service],
                refs[(f"{action.service}.{action.name}", "validation")],
                refs[(f"{action.service}.{action.name}", "serialization")],
            )
        }
    return schema


def operation(
    action: Action, service: Service, params: dict[str, Any], result: dict[str, Any]
) -> dict[str, Any]:
    identity = action.identity.name.lower()
    caller = (
        f"staff holding `{action.permission}`"
        if action.permission
        else IDENTITY_WORDS.get(identity, identity)
    )
    errors = [str(code) for code in action.error_codes()]
    lines = [
        action.summary_zh,
        "",
        f"Caller: {caller}.",
        "Send `Idempotency-Key` to make a retry safe." if action.mutates else "Reads only.",
        "Errors: " + ", ".join(f"`{code}`" for code in errors) + ".",
    ]
    headers = [
        header("Accept-Language", "`zh-CN` (default) or `en`: the language of `message`"),
        header("X-Channel", "the channel of an anonymous caller: web, app, wechat_oa, …"),
    ]
    if action.mutates:
        headers.append(header("Idempotency-Key", "the same key and body replay the first answer"))
    op: dict[str, Any] = {
        "tags": [f"{service.code} · {service.title_zh}"],
        "operationId": f"{action.service}.{action.name}",
        "summary": action.summary_en,
        "description": "\n".join(lines),
        "parameters": headers,
        "requestBody": {
            "required": bool(params.get("required"))
            or any(f.is_required() for f in action.params.model_fields.values()),
            "content": {"application/json": {"schema": params}},
        },
        "responses": {
            "200": {
                "description": "`code` is `OK`; `data` is the result",
                "content": {"application/json": {"schema": success_envelope(result)}},
            },
            "default": {
                "description": "an error: " + ", ".join(errors),
                "content": {
                    "application/json": {"schema": {"$ref": REF.format(model=ERROR_ENVELOPE)}}
                },
            },
        },
        "x-govhub-identity": "staff" if action.permission else identity,
        "x-govhub-permission": action.permission,
        "x-govhub-mutates": action.mutates,
        "x-govhub-channels": sorted(c.value for c in action.channels),
        "x-govhub-errors": errors,
    }
    if action.permission or action.identity:
        op["security"] = [{"bearer": []}]
    return op


def header(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "header",
        "required": False,
        "description": description,
        "schema": {"type": "string"},
    }


def success_envelope(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["code", "message", "data", "request_id"],
        "properties": {
            "code": {"type": "string", "const": "OK"},
            "message": {"type": "string"},
            "data": result,
            "request_id": {"type": "string"},
        },
    }


def error_envelope() -> dict[str, Any]:
    return {
        "type": "object",
        "title": ERROR_ENVELOPE,
        "description": "Every error; `GET /api/v1/errors` lists the codes with their messages.",
        "required": ["code", "message", "data", "request_id"],
        "properties": {
            "code": {"type": "string", "enum": [str(code) for code in SPECS]},
            "message": {"type": "string", "description": "in the language of Accept-Language"},
            "data": {"description": "details, e.g. the invalid fields of VALIDATION_FAILED"},
            "request_id": {"type": "string"},
        },
    }


def main() -> None:
    """Prints the document of the app as configured (no database or network is touched)."""
    from config.settings import get_settings
    from gateway.app import create_app

    # Development routes would make the document depend on the machine it is printed on.
    app = create_app(get_settings().model_copy(update={"dev_endpoints": False}))
    sys.stdout.buffer.write(orjson.dumps(app.openapi(), option=orjson.OPT_INDENT_2))
    sys.stdout.buffer.write(b"\n")


if __name__ == "__main__":
    main()
