"""Settings: defaults that run the demo, secrets from files, errors that name the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import Settings, SettingsError, describe, load


def env(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name in list(Settings.model_fields):
        monkeypatch.delenv(f"GOVHUB_{name.upper()}", raising=False)
        monkeypatch.delenv(f"GOVHUB_{name.upper()}_FILE", raising=False)
    for key, value in values.items():
        monkeypatch.setenv(key, value)


class TestDefaults:
    def test_embedded_by_default(self, monkeypatch: pytest.MonkeyPatch) -> None:
        env(monkeypatch)
        settings: Settings = load(Settings)
        assert settings.database_url.startswith("sqlite://")
        assert settings.redis_url is None
        assert settings.embedded

    def test_empty_redis_url_means_embedded(self, monkeypatch: pytest.MonkeyPatch) -> None:
        env(monkeypatch, GOVHUB_REDIS_URL="")
        assert load(Settings).embedded


class TestErrors:
    @pytest.mark.parametrize(
        ("variable", "value"),
        [
            ("GOVHUB_DATABASE_URL", "mysql://x"),
            ("GOVHUB_REDIS_URL", "http://x"),
            ("GOVHUB_PORT", "eighty"),
            ("GOVHUB_LOG_LEVEL", "LOUD"),
        ],
    )
    def test_bad_value_names_the_variable(
        self, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
    ) -> None:
        env(monkeypatch, **{variable: value})
        with pytest.raises(SettingsError, match=variable):
            load(Settings)

    def test_production_refuses_the_development_key(self, monkeypatch: pytest.MonkeyPatch) -> None:
        env(monkeypatch, GOVHUB_ENV="production")
        with pytest.raises(SettingsError, match="GOVHUB_SECRET_KEY"):
            load(Settings).check_production()

    def test_unreadable_secret_file(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        env(monkeypatch, GOVHUB_SECRET_KEY_FILE=str(tmp_path / "missing"))
        with pytest.raises(SettingsError, match="GOVHUB_SECRET_KEY_FILE"):
            load(Settings)


class TestSecrets:
    def test_secret_read_from_file(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        secret = tmp_path / "key"
        secret.write_text("from-a-file-0123456789\n")
        env(monkeypatch, GOVHUB_SECRET_KEY_FILE=str(secret))
        assert load(Settings).secret_key.get_secret_value() == "from-a-file-0123456789"

    def test_describe_masks_secrets_and_passwords(self, monkeypatch: pytest.MonkeyPatch) -> None:
        env(
            monkeypatch,
            GOVHUB_SECRET_KEY="very-secret-value",
            GOVHUB_DATABASE_URL="postgres://gov:pa55word@db:5432/govhub",
        )
        shown = describe(load(Settings))
        assert shown["GOVHUB_SECRET_KEY"] == "********"
        assert shown["GOVHUB_DATABASE_URL"] == "postgres://****@db:5432/govhub"
        assert shown["GOVHUB_REDIS_URL"] == "(unset)"
        assert "pa55word" not in str(shown)
        assert "very-secret-value" not in str(shown)
