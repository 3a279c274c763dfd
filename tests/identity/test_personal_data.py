"""Phones, ID numbers and names at rest: encrypted, found by keyed hash, keys rotatable."""

from __future__ import annotations

import base64
import os

import httpx
import pytest
from tortoise import connections

from channels.identity import repository
from channels.identity.crypto import (
    BlindIndex,
    DataCipher,
    Key,
    PersonalData,
    UndecryptableError,
    configured_data_keys,
    configured_hash_keys,
    parse_keys,
    personal_data,
)
from channels.identity.keys import _rotate_rows, rotate_keys
from channels.identity.models import ChannelAccount, Citizen
from channels.identity.sealed import SEALED_TABLES
from channels.identity.service import IdentityService
from channels.wechat import repository as wechat_repository
from channels.wechat.models import SESSION_KEY_PURPOSE, MiniProgramSession
from config.settings import SettingsError
from tests.app.helpers import PHONE, app_login, call

ID_NUMBER = "11010519491231002X"
KEY = base64.b64encode(bytes(32)).decode()


async def raw_rows(table: str) -> str:
    """The table's rows exactly as the database holds them."""
    rows = await connections.get("default").execute_query_dict(f'SELECT * FROM "{table}"')
    return repr(rows)


async def verified_citizen(client: httpx.AsyncClient) -> dict[str, str]:
    tokens = await app_login(client)
    response = await call(
        client,
        "account",
        "verify-real-name",
        tokens["access_token"],
        {"name": "张三", "id_number": ID_NUMBER},
    )
    assert response.status_code == 200, response.text
    return tokens


def rotated_keys(data_key: Key | None = None) -> PersonalData:
    """New keys first, the configured ones kept after them for reading."""
    return PersonalData(
        DataCipher([data_key or Key("k2", os.urandom(32)), *configured_data_keys()]),
        BlindIndex([Key("h2", os.urandom(32)), *configured_hash_keys()]),
    )


class TestEncryptedAtRest:
    @pytest.mark.asyncio
    async def test_rows_hold_neither_phone_nor_id_number_nor_name(
        self, client: httpx.AsyncClient
    ) -> None:
        await verified_citizen(client)
        stored = await raw_rows("identity_citizen") + await raw_rows("identity_channel_account")
        for secret in (PHONE, PHONE[-8:], ID_NUMBER, ID_NUMBER[-8:], "张三"):
            assert secret not in stored
        citizen = await Citizen.get()
        assert citizen.phone_cipher is not None
        assert citizen.phone_cipher.startswith("sk:")
        assert personal_data().open(citizen.phone_cipher, "phone") == PHONE

    @pytest.mark.asyncio
    async def test_the_keyed_hash_finds_the_citizen(self, client: httpx.AsyncClient) -> None:
        await app_login(client)
        found = await repository.citizen_by_phone_hash(personal_data().lookup(PHONE, "phone"))
        assert found is not None
        other = await repository.citizen_by_phone_hash(
            personal_data().lookup("13900001111", "phone")
        )
        assert other is None

    def test_a_ciphertext_opens_only_for_its_purpose(self) -> None:
        data = personal_data()
        sealed = data.seal(PHONE, "phone")
        with pytest.raises(UndecryptableError):
            data.open(sealed.ciphertext, "id_number")
        assert data.seal(PHONE, "phone").ciphertext != sealed.ciphertext  # fresh nonce each time

    @pytest.mark.asyncio
    async def test_the_account_shows_personal_data_masked(self, client: httpx.AsyncClient) -> None:
        tokens = await verified_citizen(client)
        me = (await call(client, "account", "me", tokens["access_token"])).json()["data"]
        assert me["phone"] == "138****5678"
        assert me["id_number"] == "110***********002X"
        assert me["name"] == "张*"
        assert me["channel_accounts"][0]["external_id"] == "138****5678"


class TestKeyRotation:
    @pytest.mark.asyncio
    async def test_rotation_rewrites_every_row_and_old_rows_still_read(
        self, client: httpx.AsyncClient
    ) -> None:
        await verified_citizen(client)
        before = await Citizen.get()
        new = rotated_keys()

        # before rotation, the new key ring reads the old rows and finds them by hash
        reader = IdentityService(data=new)
        assert reader.phone_of(before) == PHONE
        assert await repository.citizen_by_phone_hash(new.lookup(PHONE, "phone")) is not None

        report = await rotate_keys(new, batch=1)
        assert (report.scanned, report.rewritten, report.unreadable) == (2, 2, 0)

        after = await Citizen.get()
        account = await ChannelAccount.get()
        for ciphertext in (after.phone_cipher, after.id_number_cipher, after.name_cipher):
            assert ciphertext is not None
            assert ciphertext.startswith("k2:")
        assert account.external_id_cipher is not None
        assert account.external_id_cipher.startswith("k2:")
        assert after.phone_hash == new.index.digest(PHONE, "phone") != before.phone_hash
        assert account.external_id == after.phone_hash
        assert reader.id_number_of(after) == ID_NUMBER
        with pytest.raises(UndecryptableError):
            personal_data().open(after.phone_cipher or "", "phone")  # the old key alone cannot

        again = await rotate_keys(new)
        assert again.rewritten == 0

    @pytest.mark.asyncio
    async def test_rows_under_a_dropped_key_are_reported_not_lost(
        self, client: httpx.AsyncClient
    ) -> None:
        await app_login(client)
        before = await raw_rows("identity_citizen") + await raw_rows("identity_channel_account")
        strangers = PersonalData(
            DataCipher([Key("k9", os.urandom(32))]), BlindIndex([Key("h9", os.urandom(32))])
        )
        report = await rotate_keys(strangers)
        assert (report.scanned, report.rewritten, report.unreadable) == (2, 0, 2)
        after = await raw_rows("identity_citizen") + await raw_rows("identity_channel_account")
        assert after == before


class TestSessionKeyRotation:
    """WeChat mini-program session keys are sealed with the data keys and rotate with them."""

    @pytest.mark.asyncio
    async def test_session_keys_open_with_the_new_key_alone(self, db: None) -> None:
        k2 = Key("k2", os.urandom(32))
        new = rotated_keys(k2)
        old_sealed = personal_data().cipher.encrypt("old-session-key", SESSION_KEY_PURPOSE)
        new_sealed = new.cipher.encrypt("new-session-key", SESSION_KEY_PURPOSE)
        await wechat_repository.save_mini_program_session("wx-mp", "o-old", None, old_sealed)
        await wechat_repository.save_mini_program_session("wx-mp", "o-new", "u-1", new_sealed)
        untouched = await MiniProgramSession.get(openid="o-new")

        report = await rotate_keys(new, batch=1)
        sessions = report.tables["wechat_mp_session"]
        assert (sessions.scanned, sessions.rewritten, sessions.unchanged) == (2, 1, 1)
        assert sessions.unreadable == 0
        assert (report.scanned, report.rewritten, report.unchanged) == (2, 1, 1)
        assert report.tables["identity_citizen"].scanned == 0

        only_new = DataCipher([k2])  # the old key dropped from the configuration
        rotated = await MiniProgramSession.get(openid="o-old")
        assert rotated.session_key_sealed.startswith("k2:")
        assert only_new.decrypt(rotated.session_key_sealed, SESSION_KEY_PURPOSE) == (
            "old-session-key"
        )
        kept = await MiniProgramSession.get(openid="o-new")
        assert kept.session_key_sealed == untouched.session_key_sealed == new_sealed
        assert kept.updated_at == untouched.updated_at
        assert only_new.decrypt(kept.session_key_sealed, SESSION_KEY_PURPOSE) == "new-session-key"

        again = await rotate_keys(new)
        assert (again.rewritten, again.tables["wechat_mp_session"].unchanged) == (0, 2)

    @pytest.mark.asyncio
    async def test_a_session_key_stored_meanwhile_is_kept(self, db: None) -> None:
        new = rotated_keys()
        stale = personal_data().cipher.encrypt("stale-session-key", SESSION_KEY_PURPOSE)
        await wechat_repository.save_mini_program_session("wx-mp", "o-1", None, stale)
        rows = await MiniProgramSession.all()
        fresh = new.cipher.encrypt("fresh-session-key", SESSION_KEY_PURPOSE)
        await wechat_repository.save_mini_program_session("wx-mp", "o-1", None, fresh)

        counts = await _rotate_rows(rows, SEALED_TABLES[MiniProgramSession], new)
        assert (counts.scanned, counts.rewritten, counts.unchanged) == (1, 0, 1)
        row = await MiniProgramSession.get(openid="o-1")
        assert new.open(row.session_key_sealed, SESSION_KEY_PURPOSE) == "fresh-session-key"


class TestKeySettings:
    def test_keys_are_parsed_in_order(self) -> None:
        one, two = os.urandom(32), os.urandom(32)
        text = f"new:{base64.b64encode(one).decode()}, old:{base64.b64encode(two).decode()}"
        keys = parse_keys(text, "GOVHUB_DATA_KEYS", "data-key")
        assert keys == [Key("new", one), Key("old", two)]

    def test_the_derived_key_is_named_by_its_bare_id(self) -> None:
        keys = parse_keys(f"k1:{KEY},sk", "GOVHUB_DATA_KEYS", "data-key")
        assert keys[1] == configured_data_keys()[0]  # the key the settings derive when unset

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "nokey",
            "a:not-base64!",
            f"a:{base64.b64encode(b'short').decode()}",
            f"a:{KEY},a:{KEY}",
            f"sk:{KEY}",
            "sk,sk",
        ],
    )
    def test_bad_keys_name_the_variable(self, text: str) -> None:
        with pytest.raises(SettingsError, match="GOVHUB_DATA_KEYS"):
            parse_keys(text, "GOVHUB_DATA_KEYS", "data-key")
