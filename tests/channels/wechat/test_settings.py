"""Official accounts from the environment and from an accounts file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from channels.wechat.settings import reload_wechat_config, wechat_config
from config.settings import SettingsError

KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name in ("APP_ID", "SECRET", "TOKEN", "AES_KEY", "ACCOUNTS_FILE"):
        monkeypatch.delenv(f"GOVHUB_WECHAT_OA_{name}", raising=False)
    yield monkeypatch
    wechat_config.cache_clear()


class TestAccounts:
    def test_toml_file_adds_accounts(self, clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
        path = tmp_path / "accounts.toml"
        path.write_text(
            '[[accounts]]\napp_id = "wxaaa"\nsecret = "s"\ntoken = "t"\n'
            f'aes_key = "{KEY}"\nname = "12345 热线"\n'
        )
        clean_env.setenv("GOVHUB_WECHAT_OA_ACCOUNTS_FILE", str(path))
        account = reload_wechat_config().account("wxaaa")
        assert account is not None
        assert (account.token, account.aes_key, account.name) == ("t", KEY, "12345 热线")

    def test_default_account_needs_a_token(self, clean_env: pytest.MonkeyPatch) -> None:
        clean_env.setenv("GOVHUB_WECHAT_OA_APP_ID", "wxbbb")
        clean_env.setenv("GOVHUB_WECHAT_OA_SECRET", "s")
        assert reload_wechat_config().account("wxbbb") is None
        clean_env.setenv("GOVHUB_WECHAT_OA_TOKEN", "t")
        assert reload_wechat_config().account("wxbbb") is not None

    def test_token_can_come_from_a_file(
        self, clean_env: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        (tmp_path / "token").write_text("from-file\n")
        clean_env.setenv("GOVHUB_WECHAT_OA_APP_ID", "wxccc")
        clean_env.setenv("GOVHUB_WECHAT_OA_TOKEN_FILE", str(tmp_path / "token"))
        account = reload_wechat_config().account("wxccc")
        assert account is not None
        assert account.token == "from-file"

    @pytest.mark.parametrize(
        "content",
        [
            '[{"app_id": "wx1"}]',
            "not json",
            f'[{{"app_id": "wx1", "secret": "s", "token": "t", "aes_key": "{KEY[:-1]}"}}]',
        ],
    )
    def test_bad_file_stops_with_the_variable_named(
        self, clean_env: pytest.MonkeyPatch, tmp_path: Path, content: str
    ) -> None:
        path = tmp_path / "accounts.json"
        path.write_text(content)
        clean_env.setenv("GOVHUB_WECHAT_OA_ACCOUNTS_FILE", str(path))
        with pytest.raises(SettingsError):
            reload_wechat_config()
