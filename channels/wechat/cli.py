"""`govhub wechat …`: publishing the city-services menu of the official accounts."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

import typer

from channels.wechat.settings import OfficialAccount, wechat_config
from config.settings import get_settings

app = typer.Typer(help="WeChat official accounts.", no_args_is_help=True)
menu_app = typer.Typer(help="The city-services menu defined in config/wechat_oa.py.")
app.add_typer(menu_app, name="menu")

AppIdOption = Annotated[
    str | None, typer.Option("--app-id", help="one account (default: every configured one)")
]


def _accounts(app_id: str | None) -> list[OfficialAccount]:
    accounts = wechat_config().accounts
    if app_id is not None:
        if app_id not in accounts:
            typer.secho(f"official account {app_id} is not configured", fg="red", err=True)
            raise typer.Exit(2)
        return [accounts[app_id]]
    if not accounts:
        typer.secho("no official account is configured (GOVHUB_WECHAT_OA_*)", fg="red", err=True)
        raise typer.Exit(2)
    return list(accounts.values())


@menu_app.command("show")
def show(app_id: AppIdOption = None) -> None:
    """Prints the menu as it would be sent to WeChat."""
    from channels.wechat.menu import build_menu

    for account in _accounts(app_id):
        menu = build_menu(account, get_settings().public_base_url)
        typer.echo(json.dumps(menu, ensure_ascii=False, indent=2))


@menu_app.command("push")
def push(app_id: AppIdOption = None) -> None:
    """Publishes the menu to WeChat (residents see it within minutes)."""
    from channels.wechat.errors import WeChatApiError
    from channels.wechat.menu import push_menu
    from config.runtime import started

    settings = get_settings()
    accounts = _accounts(app_id)

    async def run() -> int:
        failures = 0
        async with started(settings, with_db=False, with_broker=False):
            for account in accounts:
                try:
                    await push_menu(account, settings.public_base_url)
                    typer.secho(f"{account.app_id}: menu published", fg="green")
                except WeChatApiError as exc:
                    failures += 1
                    typer.secho(f"{account.app_id}: {exc.message('en')}", fg="red", err=True)
        return failures

    if asyncio.run(run()):
        raise typer.Exit(1)


@app.command("purge-messages")
def purge_messages(
    days: Annotated[int, typer.Option(min=1, help="keep messages of the last DAYS days")] = 7,
) -> None:
    """Deletes old callback de-duplication rows now (the scheduler does it nightly)."""
    from datetime import UTC, datetime, timedelta

    from channels.wechat import repository
    from config.runtime import started

    async def run() -> int:
        async with started(get_settings(), with_broker=False):
            return await repository.purge_messages(datetime.now(UTC) - timedelta(days=days))

    typer.echo(f"{asyncio.run(run())} messages deleted")
