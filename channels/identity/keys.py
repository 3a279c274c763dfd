"""Key rotation: re-encrypt every ciphertext under the data keys with the current data key and
recompute lookup hashes with the current hash key, in every table listed in SEALED_TABLES.
Safe to stop and run again: done rows are skipped.

Order for operators: put the new key first in GOVHUB_DATA_KEYS (or GOVHUB_IDENTITY_HASH_KEYS),
keep the old one after it, restart, run `govhub identity rotate-keys`, then drop the old key.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from tortoise.models import Model

from channels.identity import repository
from channels.identity.crypto import PersonalData, UndecryptableError, personal_data
from channels.identity.models import ChannelAccount, Citizen
from channels.identity.sealed import SEALED_TABLES, SealedColumn, SealedColumns
from channels.identity.service import ID_NUMBER, NAME, PHONE
from config.database import unit_of_work

logger = logging.getLogger(__name__)

# identity's own tables; every other module registers its tables beside its models
SEALED_TABLES[Citizen] = (
    SealedColumn("phone_cipher", PHONE, "phone_hash"),
    SealedColumn("id_number_cipher", ID_NUMBER, "id_number_hash"),
    SealedColumn("name_cipher", NAME),
)
SEALED_TABLES[ChannelAccount] = (SealedColumn("external_id_cipher", PHONE, "external_id"),)


@dataclass
class RotationCounts:
    scanned: int = 0
    rewritten: int = 0
    unreadable: int = 0

    @property
    def unchanged(self) -> int:
        """Rows left as they were: already under the current keys, or written meanwhile."""
        return self.scanned - self.rewritten - self.unreadable

    def add(self, other: RotationCounts) -> None:
        self.scanned += other.scanned
        self.rewritten += other.rewritten
        self.unreadable += other.unreadable


@dataclass
class RotationReport(RotationCounts):
    """Totals over every sealed table, and the counts of each, by table name."""

    tables: dict[str, RotationCounts] = field(default_factory=dict)


def _reseal(row: Model, columns: SealedColumns, data: PersonalData) -> dict[str, str]:
    """The new values of the row's ciphertexts and hashes not yet under the current keys."""
    written: dict[str, str] = {}
    for sealed in columns:
        ciphertext: str | None = getattr(row, sealed.column)
        if not ciphertext:  # none, or a column's empty default (an application not yet filled)
            continue
        plaintext = data.open(ciphertext, sealed.purpose)
        if not data.cipher.is_current(ciphertext):
            written[sealed.column] = data.cipher.encrypt(plaintext, sealed.purpose)
        if sealed.hash_column is not None:
            digest = data.index.digest(plaintext, sealed.purpose)
            if getattr(row, sealed.hash_column) != digest:
                written[sealed.hash_column] = digest
    return written


async def _rotate_rows(
    rows: Sequence[Model], columns: SealedColumns, data: PersonalData
) -> RotationCounts:
    counts = RotationCounts(scanned=len(rows))
    async with unit_of_work():
        for row in rows:
            try:
                written = _reseal(row, columns, data)
            except UndecryptableError:
                logger.error("%s %s: a ciphertext does not open", type(row).__name__, row.pk)
                counts.unreadable += 1
                continue
            # a row written since it was read (a sign-in storing a new session key) keeps the
            # value its writer sealed
            read = {sealed.column: getattr(row, sealed.column) for sealed in columns}
            if written and await repository.update_if_unchanged(type(row), row.pk, read, written):
                counts.rewritten += 1
    return counts


async def rotate_keys(data: PersonalData | None = None, batch: int = 500) -> RotationReport:
    """Rewrites every row not yet under the current keys (the configured ones by default)."""
    data = data or personal_data()
    total = RotationReport()
    for model, columns in SEALED_TABLES.items():
        table = total.tables.setdefault(model._meta.db_table, RotationCounts())
        names = [sealed.column for sealed in columns]
        async for rows in repository.iterate_sealed(model, names, batch):
            table.add(await _rotate_rows(rows, columns, data))
        total.add(table)
    return total
