"""The registry of sealed columns, which key rotation walks (`channels.identity.keys`).

A module owning a table of ciphertexts under the data keys adds it here beside its model
(`SEALED_TABLES[Model] = (...)` in its models.py): the ORM imports every models module when it
starts, so the entry is in place wherever the database is open. This module imports nothing of
GovHub, so any models module may import it.
"""

from __future__ import annotations

from typing import NamedTuple

from tortoise.models import Model


class SealedColumn(NamedTuple):
    """A column of `DataCipher` ciphertexts, the purpose they were encrypted for, and the
    column of their lookup hashes (`BlindIndex` digests), if they have one."""

    column: str
    purpose: str
    hash_column: str | None = None


SealedColumns = tuple[SealedColumn, ...]

SEALED_TABLES: dict[type[Model], SealedColumns] = {}
