"""The city-services official account as data: text keywords, menu clicks and the menu itself.

A keyword or a click names a gateway action; the word after a keyword fills one parameter
(`水费 1234567` → `bills.arrears {"kind": "water", "account_no": "1234567"}`). View buttons open
H5 pages of this site through WeChat OAuth, so the page knows the resident.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class ActionRoute:
    service: str
    action: str
    param: str | None = None  # the text after the keyword goes into this parameter
    fixed: dict[str, Any] = field(default_factory=dict)  # parameters always sent
    usage_zh: str = ""
    usage_en: str = ""


@dataclass(frozen=True, slots=True)
class ViewButton:
    name: str
    path: str  # a page of this site, opened through OAuth


@dataclass(frozen=True, slots=True)
class ClickButton:
    name: str
    key: str  # a key of CLICKS, or HELP_CLICK


@dataclass(frozen=True, slots=True)
class MenuGroup:
    name: str
    buttons: tuple[ViewButton | ClickButton, ...]


def _arrears(kind: str, word: str, name_en: str) -> ActionRoute:
    return ActionRoute(
        "bills",
        "arrears",
        param="account_no",
        fixed={"kind": kind},
        usage_zh=f"{word} <户号>：查询{word}欠费",
        usage_en=f"{word} <account no.>: unpaid {name_en} bills",
    )


KEYWORDS: dict[str, ActionRoute] = {
    "水费": _arrears("water", "水费", "water"),
    "电费": _arrears("electricity", "电费", "electricity"),
    "燃气费": _arrears("gas", "燃气费", "gas"),
    "排队": ActionRoute(
        "queue",
        "my-numbers",
        usage_zh="排队：查看我的排队号",
        usage_en="排队: my queue number",
    ),
    "预约": ActionRoute(
        "appointments",
        "mine",
        usage_zh="预约：查看我的预约",
        usage_en="预约: my appointments",
    ),
    "办事": ActionRoute(
        "catalog",
        "search",
        param="q",
        usage_zh="办事 <关键词>：搜索办事指南",
        usage_en="办事 <keywords>: search the service guide",
    ),
}

# Every click and keyword names an action the gateway offers on the official account
# (tests/channels/wechat/test_menu.py walks them all). View buttons open resident pages and join
# the menu only with the pages they open.
CLICKS: dict[str, ActionRoute] = {
    "MY_QUEUE": KEYWORDS["排队"],
    "MY_APPOINTMENTS": KEYWORDS["预约"],
    "LIFE_EVENTS": ActionRoute("catalog", "life-events"),
    "MY_BILLS": ActionRoute("bills", "my-accounts"),
    "MY_RECEIPTS": ActionRoute("bills", "receipts"),
    "MY_FINES": ActionRoute("traffic", "my-payments"),
    "MY_ACCOUNT": ActionRoute("account", "me"),
}
HELP_CLICK = "HELP"  # answers the help reply listing what works

MENU: tuple[MenuGroup, ...] = (
    MenuGroup(
        "办事服务",
        (
            ViewButton("城市服务", "/h5/pages/index/index"),
            ClickButton("人生事件", "LIFE_EVENTS"),
            ClickButton("我的预约", "MY_APPOINTMENTS"),
            ClickButton("我的排队", "MY_QUEUE"),
        ),
    ),
    MenuGroup(
        "生活缴费",
        (
            ViewButton("水电气缴费", "/h5/pages/bills/index"),
            ClickButton("我的账单", "MY_BILLS"),
            ClickButton("缴费记录", "MY_RECEIPTS"),
            ClickButton("交通罚款", "MY_FINES"),
        ),
    ),
    MenuGroup(
        "我的",
        (
            ViewButton("个人中心", "/h5/pages/me/index"),
            ClickButton("我的账号", "MY_ACCOUNT"),
            ClickButton("使用帮助", HELP_CLICK),
        ),
    ),
)
