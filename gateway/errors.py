"""`GovError` and the one envelope every error is rendered as."""

from __future__ import annotations

from typing import Any

from gateway.codes import SPECS, Code


class GovError(Exception):
    """A failure we can explain to the resident: a stable code, an HTTP status, two languages.

    Subclasses fix `code`; parameters fill the message fields; `data` travels to the client.
    """

    code: Code = Code.INTERNAL_ERROR

    def __init__(
        self,
        code: Code | None = None,
        *,
        data: Any = None,
        headers: dict[str, str] | None = None,
        **params: Any,
    ) -> None:
        if code is not None:
            self.code = code
        self.params = params
        self.data = data
        self.headers = headers or {}
        super().__init__(f"{self.code}: {self.message('en')}")

    @property
    def status(self) -> int:
        return SPECS[self.code].status

    def message(self, locale: str) -> str:
        spec = SPECS[self.code]
        template = spec.en if locale.startswith("en") else spec.zh
        try:
            return template.format(**self.params)
        except (KeyError, IndexError):
            return template


def retry_later(code: Code, seconds: int) -> GovError:
    """An error the client may send again in `seconds`: said by the Retry-After header and, for
    the platforms that hide headers from a page (mini-program uploads), by `retry_after` in the
    data too."""
    return GovError(
        code,
        retry_after=seconds,
        data={"retry_after": seconds},
        headers={"Retry-After": str(seconds)},
    )


def pick_locale(accept_language: str | None, default: str = "zh-CN") -> str:
    """`en` or `zh-CN` from an Accept-Language header, honouring q-values."""
    if not accept_language:
        return default
    best, best_q = default, -1.0
    for part in accept_language.split(","):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        tag = tag.strip().lower()
        locale = "en" if tag.startswith("en") else "zh-CN" if tag.startswith("zh") else None
        if locale and weight > best_q:
            best, best_q = locale, weight
    return best


def envelope(code: str, message: str, data: Any, request_id: str) -> dict[str, Any]:
    return {"code": code, "message": message, "data": data, "request_id": request_id}


def error_body(error: GovError, locale: str, request_id: str) -> dict[str, Any]:
    return envelope(str(error.code), error.message(locale), error.data, request_id)
