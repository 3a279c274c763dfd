"""The city-services official account as data: text keywords, menu clicks and the menu itself.

A keyword or a click names a gateway action; the word after a keyword fills one parameter
(`水费 1234567` → `bills.utility-query {"account_no": "1234567"}`). Actions not offered yet
answer "coming soon" instead of failing. View buttons open H5 pages of this site through
WeChat OAuth, so the page knows the resident.
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


KEYWORDS: dict[str, ActionRoute] = {
    "水费": ActionRoute(
        "bills",
        "utility-query",
        param="account_no",
        fixed={"kind": "water"},
        usage_zh="水费 <户号>：查询水费账单",
        usage_en="水费 <account no.>: water bill",
    ),
    "电费": ActionRoute(
        "bills",
        "utility-query",
        param="account_no",
        fixed={"kind": "electricity"},
        usage_zh="电费 <户号>：查询电费账单",
        usage_en="电费 <account no.>: electricity bill",
    ),
    "办件": ActionRoute(
        "applications",
        "progress",
        param="application_no",
        usage_zh="办件 <编号>：查询办件进度",
        usage_en="办件 <number>: application progress",
    ),
    "排队": ActionRoute(
        "queue",
        "my-numbers",
        usage_zh="排队：查看我的排队号",
        usage_en="排队: my queue number",
    ),
    "办事": ActionRoute(
        "catalog",
        "search",
        param="q",
        usage_zh="办事 <关键词>：搜索办事指南",
        usage_en="办事 <keywords>: search the service guide",
    ),
}

CLICKS: dict[str, ActionRoute] = {
    "MY_QUEUE": KEYWORDS["排队"],
    "MY_APPLICATIONS": ActionRoute("applications", "mine"),
    "MY_BILLS": ActionRoute("bills", "mine"),
}
HELP_CLICK = "HELP"  # answers the help reply listing what works

MENU: tuple[MenuGroup, ...] = (
    MenuGroup(
        "办事服务",
        (
            ViewButton("办事指南", "/h5/catalog"),
            ViewButton("预约办事", "/h5/appointments"),
            ClickButton("我的排队", "MY_QUEUE"),
        ),
    ),
    MenuGroup(
        "生活缴费",
        (
            ViewButton("水电气缴费", "/h5/bills"),
            ClickButton("我的账单", "MY_BILLS"),
            ViewButton("交通违法", "/h5/traffic"),
        ),
    ),
    MenuGroup(
        "我的",
        (
            ClickButton("我的办件", "MY_APPLICATIONS"),
            ViewButton("咨询投诉", "/h5/feedback"),
            ClickButton("使用帮助", HELP_CLICK),
        ),
    ),
)
