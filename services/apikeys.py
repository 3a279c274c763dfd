"""API keys of outside callers (departments, open-data developers): a public id and a random
secret, of which only a SHA-256 is stored, so a leaked database gives no working key."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_key_id() -> str:
    """12 hex digits: says whose key it is before any secret is compared."""
    return secrets.token_hex(6)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(secret_hash(secret), stored_hash)
