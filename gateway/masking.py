"""Masks phone and ID numbers wherever they might leak: audit rows, logs, screens."""

from __future__ import annotations

import re
from typing import Any

_ID_NUMBER = re.compile(r"(?<!\d)(\d{3})\d{11}(\d{3}[\dXx])(?!\d)")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
# `code` alone is left readable: in service params it names items, bills and cases.
_SECRET_KEYS = frozenset(
    {
        "password",
        "otp",
        "otp_code",
        "sms_code",
        "auth_code",
        "js_code",
        "phone_code",
        "token",
        "refresh_token",
        "access_token",
        "secret",
        "session_key",
    }
)
_NAME_KEYS = frozenset({"name", "real_name"})
_ID_KEYS = frozenset({"id_number", "id_card"})
_PHONE_KEYS = frozenset({"phone", "mobile"})


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


def mask_name(value: str) -> str:
    """`张三丰` → `张**`: enough for the resident to recognise, useless to anyone else."""
    return value[:1] + "*" * (len(value) - 1) if value else value


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
    if lowered in _NAME_KEYS:
        return mask_name(value)
    if lowered in _ID_KEYS:
        return mask_id_number(value)
    if lowered in _PHONE_KEYS:
        return mask_phone(value)
    return mask_text(value)


def mask_params(params: dict[str, Any]) -> dict[str, Any]:
    return {k: mask_value(k, v) for k, v in params.items()}
