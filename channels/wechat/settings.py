"""WeChat settings: the platform (`GOVHUB_WECHAT_*`), official accounts (`GOVHUB_WECHAT_OA_*`)
and the mini-program (`GOVHUB_WECHAT_MP_*`).

Several official accounts can serve the city: the default one comes from the variables, others
from a JSON or TOML file (`GOVHUB_WECHAT_OA_ACCOUNTS_FILE`) holding a list of accounts. An
account without a token is not configured, so its callback answers 404 instead of trusting
anything.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, SecretStr, ValidationError
from pydantic_settings import SettingsConfigDict

from config.settings import BlockSettings, SettingsError, load


class WeChatSettings(BlockSettings):
    model_config = SettingsConfigDict(env_prefix="GOVHUB_WECHAT_", env_file=".env", extra="ignore")

    api_base: str = Field(
        "https://api.weixin.qq.com", description="WeChat API base (a local fake in sandboxes)"
    )
    open_base: str = Field(
        "https://open.weixin.qq.com", description="where residents authorize the H5 pages"
    )
    callback_max_skew: int = Field(
        300, ge=10, description="seconds a callback's timestamp may differ from our clock"
    )
    reply_budget: float = Field(
        4.5, gt=0, le=4.8, description="seconds to answer a callback before replying later"
    )


class OfficialAccountSettings(BlockSettings):
    model_config = SettingsConfigDict(
        env_prefix="GOVHUB_WECHAT_OA_", env_file=".env", extra="ignore"
    )

    app_id: str | None = Field(None, description="AppId of the default official account")
    secret: SecretStr | None = Field(None, description="AppSecret of the default account")
    token: SecretStr | None = Field(None, description="callback Token of the default account")
    aes_key: SecretStr | None = Field(
        None, description="EncodingAESKey (43 characters) for compatible and safe modes"
    )
    accounts_file: Path | None = Field(
        None, description="JSON or TOML file listing further accounts (app_id, secret, token…)"
    )
    oauth_scope: str = Field(
        "snsapi_base", description="snsapi_base (silent) or snsapi_userinfo for the H5 pages"
    )


class MiniProgramSettings(BlockSettings):
    model_config = SettingsConfigDict(
        env_prefix="GOVHUB_WECHAT_MP_", env_file=".env", extra="ignore"
    )

    app_id: str | None = Field(None, description="AppId of the WeChat mini-program")
    secret: SecretStr | None = Field(None, description="AppSecret of the WeChat mini-program")


class _AccountEntry(BaseModel):
    app_id: str = Field(min_length=1, max_length=64)
    secret: SecretStr
    token: SecretStr
    aes_key: SecretStr | None = None
    name: str = ""


@dataclass(frozen=True, slots=True)
class WeChatApp:
    """Credentials of one WeChat application (official account or mini-program)."""

    app_id: str
    secret: str


@dataclass(frozen=True, slots=True)
class OfficialAccount:
    app_id: str
    secret: str
    token: str
    aes_key: str | None = None
    name: str = ""

    @property
    def app(self) -> WeChatApp:
        return WeChatApp(self.app_id, self.secret)


@dataclass(frozen=True, slots=True)
class WeChatConfig:
    platform: WeChatSettings
    accounts: dict[str, OfficialAccount]
    oauth_scope: str
    mini_program: WeChatApp | None

    def account(self, app_id: str) -> OfficialAccount | None:
        return self.accounts.get(app_id)


def _secret(value: SecretStr | None) -> str:
    return "" if value is None else value.get_secret_value()


def _read_accounts_file(path: Path) -> list[OfficialAccount]:
    try:
        text = path.read_text(encoding="utf-8")
        raw: Any = tomllib.loads(text).get("accounts", []) if path.suffix == ".toml" else None
        if raw is None:
            raw = json.loads(text)
        entries = [_AccountEntry.model_validate(item) for item in raw]
    except (OSError, ValueError, ValidationError) as exc:
        raise SettingsError(f"GOVHUB_WECHAT_OA_ACCOUNTS_FILE: {path}: {exc}") from exc
    return [
        OfficialAccount(
            e.app_id, _secret(e.secret), _secret(e.token), _secret(e.aes_key) or None, e.name
        )
        for e in entries
    ]


def _accounts(block: OfficialAccountSettings) -> dict[str, OfficialAccount]:
    accounts: list[OfficialAccount] = []
    if block.app_id and _secret(block.token):
        accounts.append(
            OfficialAccount(
                block.app_id,
                _secret(block.secret),
                _secret(block.token),
                _secret(block.aes_key) or None,
            )
        )
    if block.accounts_file is not None:
        accounts.extend(_read_accounts_file(block.accounts_file))
    for account in accounts:
        if account.aes_key is not None and len(account.aes_key) != 43:
            raise SettingsError(
                f"GOVHUB_WECHAT_OA_AES_KEY ({account.app_id}): must be 43 characters"
            )
    return {a.app_id: a for a in accounts}


@lru_cache(maxsize=1)
def wechat_config() -> WeChatConfig:
    """Read once per process; `reload_wechat_config()` reads the environment again."""
    oa: OfficialAccountSettings = load(OfficialAccountSettings)
    mp: MiniProgramSettings = load(MiniProgramSettings)
    if oa.oauth_scope not in ("snsapi_base", "snsapi_userinfo"):
        raise SettingsError("GOVHUB_WECHAT_OA_OAUTH_SCOPE: snsapi_base or snsapi_userinfo")
    return WeChatConfig(
        platform=load(WeChatSettings),
        accounts=_accounts(oa),
        oauth_scope=oa.oauth_scope,
        mini_program=WeChatApp(mp.app_id, _secret(mp.secret))
        if mp.app_id and _secret(mp.secret)
        else None,
    )


def reload_wechat_config() -> WeChatConfig:
    wechat_config.cache_clear()
    return wechat_config()
