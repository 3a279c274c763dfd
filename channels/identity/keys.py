"""Key rotation: re-encrypt every personal field with the current data key and recompute lookup
hashes with the current hash key. Safe to stop and run again: done rows are skipped.

Order for operators: put the new key first in GOVHUB_DATA_KEYS (or GOVHUB_IDENTITY_HASH_KEYS),
keep the old one after it, restart, run `govhub identity rotate-keys`, then drop the old key.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from tortoise.models import Model

from channels.identity import repository
from channels.identity.crypto import PersonalData, UndecryptableError, personal_data
from channels.identity.service import ID_NUMBER, NAME, PHONE
from config.database import unit_of_work

logger = logging.getLogger(__name__)

# (ciphertext column, lookup-hash column or None, purpose) for each table holding personal data
_CITIZEN_FIELDS = (
    ("phone_cipher", "phone_hash", PHONE),
    ("id_number_cipher", "id_number_hash", ID_NUMBER),
    ("name_cipher", None, NAME),
)
_ACCOUNT_FIELDS = (("external_id_cipher", "external_id", PHONE),)
Fields = tuple[tuple[str, str | None, str], ...]


@dataclass
class RotationReport:
    scanned: int = 0
    rewritten: int = 0
    unreadable: int = 0


def _reseal(row: Model, fields: Fields, data: PersonalData) -> list[str]:
    """Brings one row's ciphertexts and hashes to the current keys; the columns it changed."""
    changed: list[str] = []
    for cipher_column, hash_column, purpose in fields:
        ciphertext: str | None = getattr(row, cipher_column)
        if ciphertext is None:
            continue
        plaintext = data.open(ciphertext, purpose)
        if not data.cipher.is_current(ciphertext):
            setattr(row, cipher_column, data.cipher.encrypt(plaintext, purpose))
            changed.append(cipher_column)
        if hash_column is not None:
            digest = data.index.digest(plaintext, purpose)
            if getattr(row, hash_column) != digest:
                setattr(row, hash_column, digest)
                changed.append(hash_column)
    return changed


async def _rotate_rows(rows: list[Model], fields: Fields, data: PersonalData) -> RotationReport:
    report = RotationReport(scanned=len(rows))
    async with unit_of_work():
        for row in rows:
            try:
                changed = _reseal(row, fields, data)
            except UndecryptableError:
                logger.error("%s %s: personal data does not open", type(row).__name__, row.pk)
                report.unreadable += 1
                continue
            if changed:
                await row.save(update_fields=changed)
                report.rewritten += 1
    return report


async def rotate_keys(data: PersonalData | None = None, batch: int = 500) -> RotationReport:
    """Rewrites every row not yet under the current keys (the configured ones by default)."""
    data = data or personal_data()
    total = RotationReport()
    sources = (
        (repository.iterate_citizens(batch), _CITIZEN_FIELDS),
        (repository.iterate_ciphered_accounts(batch), _ACCOUNT_FIELDS),
    )
    for batches, fields in sources:
        async for rows in batches:
            report = await _rotate_rows(list(rows), fields, data)
            total.scanned += report.scanned
            total.rewritten += report.rewritten
            total.unreadable += report.unreadable
    return total
