"""The contract of a source of traffic violations (the traffic police's records).

A source finds a vehicle by its plate and the last 6 characters of its VIN, and answers nothing
about a vehicle whose VIN does not match: a wrong guess and an unknown plate look the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class ViolationRecord:
    record_id: str  # the source's id of the violation
    occurred_at: datetime
    place: str
    code: str  # the national violation code, e.g. 1625
    description: str
    points: int
    fine_fen: int
    decision_no: str | None  # penalty decision; None until the violation is processed
    decided_on: date | None


@dataclass(frozen=True, slots=True)
class VehicleRecord:
    plate: str
    violations: tuple[ViolationRecord, ...]


class SourceUnavailable(Exception):
    """The source cannot answer now."""


class ViolationSource(Protocol):
    name: str

    async def vehicle(self, plate: str, vin_last6: str) -> VehicleRecord | None:
        """The vehicle and its violations, or None when the plate is unknown or the VIN does
        not match (never saying which). Raises `SourceUnavailable`."""
        ...
