"""Department API keys and webhook signatures.

A key reads `gk_<mode>_<key_id>_<secret>`: the mode and id say which department and whether it
may move real money before any lookup, and only a SHA-256 of the secret is stored, so a leaked
database gives no working key. Webhooks carry `GovHub-Signature: t=<unix time>,v1=<hex>`, an
HMAC-SHA256 under the department's webhook secret over `<t>.<body>`, so a receiver can check both
who sent it and that it is not an old message replayed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass

from services.apikeys import new_key_id, new_secret, secret_hash, secret_matches
from services.demands.models import KeyMode

KEY_PATTERN = re.compile(r"^gk_(test|live)_([0-9a-f]{12})_([A-Za-z0-9_-]{32,64})$")
SIGNATURE_HEADER = "GovHub-Signature"


@dataclass(frozen=True, slots=True)
class IssuedKey:
    text: str  # shown once
    key_id: str
    secret_hash: str
    mode: KeyMode


@dataclass(frozen=True, slots=True)
class PresentedKey:
    key_id: str
    secret: str
    mode: KeyMode


def issue_key(mode: KeyMode) -> IssuedKey:
    key_id, secret = new_key_id(), new_secret()
    return IssuedKey(f"gk_{mode.value}_{key_id}_{secret}", key_id, secret_hash(secret), mode)


def parse_key(text: str) -> PresentedKey | None:
    found = KEY_PATTERN.match(text.strip())
    if found is None:
        return None
    return PresentedKey(found[2], found[3], KeyMode(found[1]))


def key_matches(presented: PresentedKey, stored_hash: str) -> bool:
    return secret_matches(presented.secret, stored_hash)


def new_webhook_secret() -> str:
    return "whsec_" + new_secret()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance: int = 300) -> bool:
    """What a receiver does (documented for departments, used by the tests)."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(
        sign(secret, timestamp, body), f"t={timestamp},v1={parts.get('v1', '')}"
    )
