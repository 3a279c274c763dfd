"""Mainland China mobile numbers."""

from __future__ import annotations

import re

from gateway.codes import Code
from gateway.errors import GovError

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s-]")


def normalize_phone(raw: str) -> str:
    """11 digits without country code or separators, or PHONE_INVALID."""
    phone = _SEPARATORS.sub("", raw)
    for prefix in ("+86", "0086"):
        phone = phone.removeprefix(prefix)
    if not _MOBILE.match(phone):
        raise GovError(Code.PHONE_INVALID)
    return phone
