"""Staff passwords: argon2id hashes (argon2-cffi defaults, parameters stored in the hash)."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
_hasher = PasswordHasher()  # argon2id


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def _decoy_hash() -> str:
    return hash_password("decoy password for unknown user names")


def spend_verify_time(password: str) -> None:
    """Verifies against a decoy, so an unknown user name costs as long as a wrong password."""
    verify_password(_decoy_hash(), password)
