"""Demo accounts of the sandbox companies: several months of arrears each, masked holders.

Documented in docs/bills-and-traffic.md. `write_off_failures` makes the company answer "busy"
to that many write-off attempts per payment before it succeeds, to show the retries.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from services.bills.providers.base import CompanyBill, UtilityKind


@dataclass(frozen=True, slots=True)
class DemoAccount:
    account_no: str
    holder_masked: str
    bills: tuple[CompanyBill, ...]
    write_off_failures: int = 0
    holder_name: str = ""  # what the company knows, asked as proof when binding
    holder_phone: str = ""


def _months(
    account_no: str, amounts_fen: tuple[int, ...], first: tuple[int, int]
) -> tuple[CompanyBill, ...]:
    year, month = first
    bills = []
    for amount in amounts_fen:
        period = f"{year:04d}-{month:02d}"
        due_year, due_month = (year + 1, 1) if month == 12 else (year, month + 1)
        bills.append(
            CompanyBill(
                f"{account_no}-{year:04d}{month:02d}", period, amount, date(due_year, due_month, 20)
            )
        )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(bills)


DEMO_ACCOUNTS: dict[UtilityKind, dict[str, DemoAccount]] = {
    UtilityKind.WATER: {
        a.account_no: a
        for a in (
            DemoAccount("SW0010001", "张*明", _months("SW0010001", (4230, 3980, 5120), (2025, 1))),
            DemoAccount("SW0010002", "李*", _months("SW0010002", (2650, 2870), (2025, 2))),
            DemoAccount(
                "SW0010003",
                "王*芳",
                _months("SW0010003", (3310, 3090, 2960, 3550), (2024, 12)),
                write_off_failures=2,
            ),
            DemoAccount("SW0010004", "赵*", ()),
        )
    },
    UtilityKind.ELECTRICITY: {
        a.account_no: a
        for a in (
            DemoAccount(
                "SE0020001", "张*明", _months("SE0020001", (15680, 21340, 18760), (2025, 1))
            ),
            DemoAccount(
                "SE0020002",
                "陈*华",
                _months("SE0020002", (9870, 11230), (2025, 2)),
                write_off_failures=3,
            ),
        )
    },
    UtilityKind.GAS: {
        a.account_no: a
        for a in (
            DemoAccount("SG0030001", "张*明", _months("SG0030001", (6820, 7450), (2025, 1))),
            DemoAccount("SG0030002", "刘*", _months("SG0030002", (5530,), (2025, 3))),
        )
    },
}

# The holders' full names and phones, as the companies know them (demo values).
HOLDERS: dict[str, tuple[str, str]] = {
    "张*明": ("张晓明", "13800138000"),
    "李*": ("李娜", "13800138001"),
    "王*芳": ("王丽芳", "13800138002"),
    "赵*": ("赵刚", "13800138003"),
    "陈*华": ("陈建华", "13800138004"),
    "刘*": ("刘洋", "13800138005"),
}
for _accounts in DEMO_ACCOUNTS.values():
    for _no, _account in list(_accounts.items()):
        _name, _phone = HOLDERS[_account.holder_masked]
        _accounts[_no] = replace(_account, holder_name=_name, holder_phone=_phone)
