"""Shortcuts for the queue tests: take numbers, act at a window, make residents."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import FastAPI

from channels.identity.crypto import personal_data
from channels.identity.id_numbers import check_digit
from channels.identity.models import Citizen
from gateway.schemas import IdentityLevel, StaffPrincipal
from tests.appointments.factories import citizen, invoke, ok


async def take(app: FastAPI, citizen_id: int, queue_id: int) -> Any:
    return ok(await invoke(app, "queue", "take", {"queue_id": queue_id}, citizen(citizen_id)))


async def at_window(
    app: FastAPI, clerk: StaffPrincipal, action: str, params: dict[str, Any] | None = None
) -> Any:
    return ok(await invoke(app, "queue", action, params or {}, clerk))


def id_number(born: date) -> str:
    first17 = f"350205{born:%Y%m%d}123"
    return first17 + check_digit(first17)


async def verified_citizen(born: date) -> Citizen:
    """A real-name verified resident born on `born` (the ID number kept encrypted)."""
    sealed = personal_data().seal(id_number(born), "id_number")
    return await Citizen.create(
        level=IdentityLevel.REAL_NAME,
        id_number_cipher=sealed.ciphertext,
        id_number_hash=sealed.digest,
    )
