"""Masks phone and ID numbers wherever they might leak: audit rows, logs, screens."""

from __future__ import annotations

import re
from typing import Any

_ID_NUMBER = re.compile(r"(?<!\d)(\d{3})\d{11}(\d{3}[\dXx])(?!\d)")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
SENSITIVE_KEYS = frozenset(
    {
        "phone",
        "mobile",
        "id_number",
        "id_card",
        "password",
        "code",
        "otp",
        "token",
        "refresh_token",
        "access_token",
        "secret",
        "session_key",
    }
)
_SECRET_KEYS = frozenset(
    {"password", "code", "otp", "token", "refresh_token", "access_token", "secret", "session_key"}
)


def mask_id_number(value: str) -> str:
    """`110105199001011234` → `110***********1234`."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_phone(value: str) -> str:
    """`13812345678` → `138****5678`."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_text(text: str) -> str:
    """Masks every ID or phone number found inside free text."""
    text = _ID_NUMBER.sub(lambda m: m.group(1) + "*" * 11 + m.group(2)[-4:], text)
    return _PHONE.sub(lambda m: m.group(1) + "****" + m.group(2), text)


def mask_value(key: str, value: Any) -> Any:
    if isinstance(value, dict):
        return {k: mask_value(k, v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_value(key, v) for v in value]
    if not isinstance(value, str):
        return value
    lowered = key.lower()
    if lowered in _SECRET_KEYS:
        return "***"
    if lowered in SENSITIVE_KEYS:
        return mask_id_number(value) if "id" in lowered else mask_phone(value)
    return mask_text(value)


def mask_params(params: dict[str, Any]) -> dict[str, Any]:
    return {k: mask_value(k, v) for k, v in params.items()}
