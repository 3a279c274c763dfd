"""Personal data at rest: AES-256-GCM ciphertexts and keyed lookup hashes, both rotatable.

A ciphertext reads `<key id>:<base64url(nonce || ciphertext+tag)>`; the purpose ("phone",
"id_number", "name") is bound as associated data, so a phone ciphertext pasted into the ID
number column does not decrypt. Lookup hashes are HMAC-SHA256 over `purpose:value`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from channels.identity.settings import identity_settings
from config.settings import SettingsError, get_settings

DERIVED_KEY_ID = "sk"  # the key derived from GOVHUB_SECRET_KEY when none is configured
_NONCE_BYTES = 12
_DATA_KEY_PURPOSE, _HASH_KEY_PURPOSE = "data-key", "hash-key"


class UndecryptableError(ValueError):
    """The ciphertext names a key we no longer hold, or was altered."""


@dataclass(frozen=True, slots=True)
class Key:
    id: str
    secret: bytes


def derive_key(purpose: str) -> bytes:
    """A 32-byte key for one purpose, derived from GOVHUB_SECRET_KEY."""
    secret = get_settings().secret_key.get_secret_value().encode()
    return hmac.new(secret, f"govhub:{purpose}".encode(), hashlib.sha256).digest()


def _parse_entry(item: str, variable: str, derived_purpose: str) -> Key:
    if item == DERIVED_KEY_ID:
        return Key(DERIVED_KEY_ID, derive_key(derived_purpose))
    key_id, sep, encoded = item.partition(":")
    if key_id == DERIVED_KEY_ID:
        raise SettingsError(f"{variable}: the id {DERIVED_KEY_ID} is kept for the derived key")
    if not sep or not key_id.isalnum():
        raise SettingsError(f"{variable}: expected `id:base64key`, got an entry without id")
    try:
        secret = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise SettingsError(f"{variable}: key {key_id} is not valid base64") from None
    if len(secret) != 32:
        raise SettingsError(f"{variable}: key {key_id} must be 32 bytes, not {len(secret)}")
    return Key(key_id, secret)


def parse_keys(text: str, variable: str, derived_purpose: str) -> list[Key]:
    """Reads `id:base64key,...` (32-byte keys); the message names the variable on error.

    A bare `sk` entry stands for the key derived from the secret key, so a deployment that
    started without configured keys can move to its own: `new:<base64>,sk`, then rotate-keys.
    """
    keys = [
        _parse_entry(item, variable, derived_purpose)
        for item in (part.strip() for part in text.split(","))
        if item
    ]
    if not keys:
        raise SettingsError(f"{variable}: no key given")
    ids = [key.id for key in keys]
    if len(set(ids)) != len(ids):
        raise SettingsError(f"{variable}: a key id is listed twice")
    return keys


def new_key_text(key_id: str) -> str:
    """A fresh `id:base64key` entry, for operators rotating keys."""
    return f"{key_id}:{base64.b64encode(os.urandom(32)).decode()}"


class DataCipher:
    """AES-256-GCM with a key ring: the first key encrypts, every key decrypts."""

    def __init__(self, keys: Sequence[Key]) -> None:
        if not keys:
            raise ValueError("a cipher needs at least one key")
        self._current = keys[0]
        self._aead = {key.id: AESGCM(key.secret) for key in keys}

    @property
    def current_key_id(self) -> str:
        return self._current.id

    def encrypt(self, plaintext: str, purpose: str) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead[self._current.id].encrypt(nonce, plaintext.encode(), purpose.encode())
        return f"{self._current.id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, ciphertext: str, purpose: str) -> str:
        key_id, _, encoded = ciphertext.partition(":")
        aead = self._aead.get(key_id)
        if aead is None:
            raise UndecryptableError(f"no data key {key_id!r} configured")
        try:
            raw = base64.urlsafe_b64decode(encoded)
            plain = aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], purpose.encode())
        except (InvalidTag, binascii.Error, ValueError):
            raise UndecryptableError(f"ciphertext under key {key_id!r} does not open") from None
        return plain.decode()

    def is_current(self, ciphertext: str) -> bool:
        return ciphertext.partition(":")[0] == self._current.id


class BlindIndex:
    """Keyed hashes for lookups: the first key computes, all keys match during a rotation."""

    def __init__(self, keys: Sequence[Key]) -> None:
        if not keys:
            raise ValueError("a blind index needs at least one key")
        self._keys = list(keys)

    @staticmethod
    def _digest(key: Key, value: str, purpose: str) -> str:
        return hmac.new(key.secret, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()

    def digest(self, value: str, purpose: str) -> str:
        return self._digest(self._keys[0], value, purpose)

    def candidates(self, value: str, purpose: str) -> list[str]:
        return [self._digest(key, value, purpose) for key in self._keys]


@dataclass(frozen=True, slots=True)
class Sealed:
    ciphertext: str
    digest: str


@dataclass(frozen=True, slots=True)
class PersonalData:
    """Encrypts, decrypts and indexes residents' phones, ID numbers and names."""

    cipher: DataCipher
    index: BlindIndex

    def seal(self, value: str, purpose: str) -> Sealed:
        return Sealed(self.cipher.encrypt(value, purpose), self.index.digest(value, purpose))

    def open(self, ciphertext: str, purpose: str) -> str:
        return self.cipher.decrypt(ciphertext, purpose)

    def lookup(self, value: str, purpose: str) -> list[str]:
        return self.index.candidates(value, purpose)


def configured_data_keys() -> list[Key]:
    configured = get_settings().data_keys
    if configured is None or not configured.get_secret_value().strip():
        return [Key(DERIVED_KEY_ID, derive_key(_DATA_KEY_PURPOSE))]
    return parse_keys(configured.get_secret_value(), "GOVHUB_DATA_KEYS", _DATA_KEY_PURPOSE)


def configured_hash_keys() -> list[Key]:
    configured = identity_settings().hash_keys
    if configured is None or not configured.get_secret_value().strip():
        return [Key(DERIVED_KEY_ID, derive_key(_HASH_KEY_PURPOSE))]
    return parse_keys(configured.get_secret_value(), "GOVHUB_IDENTITY_HASH_KEYS", _HASH_KEY_PURPOSE)


@lru_cache(maxsize=1)
def personal_data() -> PersonalData:
    """The process-wide keys, from the settings."""
    return PersonalData(DataCipher(configured_data_keys()), BlindIndex(configured_hash_keys()))


def seal_text(text: str, purpose: str) -> str:
    """Text sealed with the current data key, for a column of `purpose`."""
    return personal_data().cipher.encrypt(text, purpose)


def open_text(ciphertext: str, purpose: str) -> str:
    return personal_data().open(ciphertext, purpose)


def seal_optional(text: str | None, purpose: str) -> str | None:
    return None if text is None else seal_text(text, purpose)


def open_optional(ciphertext: str | None, purpose: str) -> str | None:
    return None if ciphertext is None else open_text(ciphertext, purpose)
