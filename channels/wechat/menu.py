"""The city-services menu (`config/wechat_oa.py`) in WeChat's format, checked and published."""

from __future__ import annotations

from typing import Any

from channels.wechat.api import wechat_api
from channels.wechat.oauth import page_url
from channels.wechat.settings import OfficialAccount
from config.wechat_oa import CLICKS, HELP_CLICK, MENU, ClickButton, MenuGroup, ViewButton
from gateway.clients import RESIDENT, resident_pages_served

# WeChat's limits: 3 groups of at most 5 buttons; names in bytes of UTF-8.
MAX_GROUPS, MAX_BUTTONS, MAX_GROUP_NAME, MAX_BUTTON_NAME, MAX_KEY = 3, 5, 16, 60, 128
MENU_CREATE = "/cgi-bin/menu/create"


class MenuInvalid(ValueError):
    """The menu in config/ breaks one of WeChat's rules or names an unknown click."""


def _button(button: ViewButton | ClickButton, base_url: str, app_id: str) -> dict[str, str]:
    if len(button.name.encode()) > MAX_BUTTON_NAME:
        raise MenuInvalid(f"button name too long: {button.name}")
    if isinstance(button, ViewButton):
        if not button.path.startswith("/") or button.path.startswith("//"):
            raise MenuInvalid(f"{button.name}: a view button opens a path of this site")
        return {"type": "view", "name": button.name, "url": page_url(base_url, app_id, button.path)}
    if button.key != HELP_CLICK and button.key not in CLICKS:
        raise MenuInvalid(f"{button.name}: click key {button.key} is not in CLICKS")
    if len(button.key.encode()) > MAX_KEY:
        raise MenuInvalid(f"{button.name}: click key too long")
    return {"type": "click", "name": button.name, "key": button.key}


def _served(button: ViewButton | ClickButton) -> bool:
    """A view button of the resident pages is published only once they are served (built), so
    a follower never opens a page that is not there."""
    if isinstance(button, ViewButton) and button.path.startswith(f"{RESIDENT.prefix}/"):
        return resident_pages_served()
    return True


def _group(group: MenuGroup, base_url: str, app_id: str) -> dict[str, Any]:
    if len(group.name.encode()) > MAX_GROUP_NAME:
        raise MenuInvalid(f"group name too long: {group.name}")
    if not 1 <= len(group.buttons) <= MAX_BUTTONS:
        raise MenuInvalid(f"{group.name}: 1 to {MAX_BUTTONS} buttons")
    buttons = [_button(b, base_url, app_id) for b in group.buttons if _served(b)]
    return {"name": group.name, "sub_button": buttons}


def build_menu(
    account: OfficialAccount, base_url: str, menu: tuple[MenuGroup, ...] = MENU
) -> dict[str, Any]:
    if not 1 <= len(menu) <= MAX_GROUPS:
        raise MenuInvalid(f"1 to {MAX_GROUPS} groups")
    return {"button": [_group(group, base_url, account.app_id) for group in menu]}


async def push_menu(account: OfficialAccount, base_url: str) -> dict[str, Any]:
    """Publishes the menu to WeChat; the menu as sent."""
    menu = build_menu(account, base_url)
    await wechat_api().call(account.app, MENU_CREATE, menu)
    return menu
