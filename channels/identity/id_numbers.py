"""Resident identity card numbers (GB 11643-1999): format, birth date and check digit."""

from __future__ import annotations

import re
from datetime import date

from gateway.codes import Code
from gateway.errors import GovError

_FORMAT = re.compile(r"^[1-9]\d{16}[\dX]$")
_WEIGHTS = tuple(2 ** (17 - i) % 11 for i in range(17))
_CHECK_CHARS = "10X98765432"  # indexed by (weighted sum mod 11)


def check_digit(first17: str) -> str:
    """The 18th character GB 11643 prescribes for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def _has_valid_birth_date(number: str) -> bool:
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


def is_valid_id_number(number: str) -> bool:
    return (
        bool(_FORMAT.match(number))
        and _has_valid_birth_date(number)
        and check_digit(number[:17]) == number[17]
    )


def normalize_id_number(raw: str) -> str:
    """The number in canonical form (upper-case X), or ID_NUMBER_INVALID."""
    number = raw.strip().replace(" ", "").upper()
    if not is_valid_id_number(number):
        raise GovError(Code.ID_NUMBER_INVALID)
    return number
