"""Reading the CSV of a statement by its column names, which both platforms say to rely on
rather than on column positions."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from datetime import datetime

from payments.providers.common import CHINA_TIME
from payments.reconciliation.statements import StatementInvalid


def normalise_header(name: str) -> str:
    """A column name with full-width brackets and spaces made plain: 金额（元） → 金额(元)."""
    return re.sub(r"\s+", "", name.replace("（", "(").replace("）", ")").lstrip("\ufeff"))


def rows(lines: Iterable[str]) -> list[list[str]]:
    return [row for row in csv.reader(lines) if any(cell.strip() for cell in row)]


def record(header: list[str], row: list[str], clean: str = "") -> dict[str, str]:
    """One row as a mapping by normalised column name, each value stripped of `clean`
    characters and white space."""
    if len(row) < len(header):
        raise StatementInvalid(f"a row has {len(row)} fields where the header has {len(header)}")
    return {
        name: value.strip().lstrip(clean).strip() for name, value in zip(header, row, strict=False)
    }


def first(fields: Mapping[str, str], *names: str) -> str:
    """The first of `names` the row has (formats differ between the platform's versions)."""
    for name in names:
        if name in fields:
            return fields[name]
    raise StatementInvalid(f"no column among {', '.join(names)}")


def china_datetime(text: str) -> datetime | None:
    text = text.strip()
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA_TIME)
    except ValueError:
        raise StatementInvalid(f"not a time: {text!r}") from None
