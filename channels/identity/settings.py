"""Settings of residents' identity (`GOVHUB_IDENTITY_*`).

Personal data uses two kinds of keys, both rotated with `govhub identity rotate-keys`:
- `GOVHUB_DATA_KEYS` (top-level settings): AES-256-GCM keys that encrypt phones, ID numbers,
  names and WeChat mini-program session keys. The first encrypts, all decrypt.
- `GOVHUB_IDENTITY_HASH_KEYS`: HMAC-SHA256 keys of the lookup hashes ("find the resident with
  this phone" without decrypting every row), same `id:base64key,...` form. The first computes
  new hashes; every listed key still matches in lookups, so a new key can be put first and the
  old one kept second until `rotate-keys` has recomputed every row, then removed.
Either unset derives one key (id `sk`) from `GOVHUB_SECRET_KEY`: fine for development. In
production set both explicitly, so that changing the secret key, which signs tokens, leaves
personal data readable. To leave the derived key, list it by its bare id after the new key
(`GOVHUB_DATA_KEYS=k1:<base64>,sk`), run `govhub identity rotate-keys`, then drop `sk`.
`govhub identity new-key ID` prints a fresh key.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from config.settings import BlockSettings, load


class IdentitySettings(BlockSettings):
    model_config = SettingsConfigDict(
        env_prefix="GOVHUB_IDENTITY_", env_file=".env", extra="ignore"
    )

    hash_keys: SecretStr | None = Field(
        None,
        description=(
            "comma-separated `id:base64key` HMAC keys of phone / ID number lookup hashes; the "
            "first computes, all match. Unset derives one from the secret key"
        ),
    )
    real_name_verifier: str = Field(
        "sandbox", description="real-name verification provider (channels/identity/verifiers)"
    )


@lru_cache(maxsize=1)
def identity_settings() -> IdentitySettings:
    settings: IdentitySettings = load(IdentitySettings)
    return settings
