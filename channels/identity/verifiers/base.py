"""The contract every real-name verification provider fits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the provider said: whether name and number belong together, and its reference."""

    matched: bool
    reference: str | None = None


class RealNameVerifier(Protocol):
    """Checks that a name and a resident ID number belong to the same person."""

    name: str

    async def verify(self, name: str, id_number: str) -> Verdict:
        """Asks the provider whether `name` is the holder of `id_number`.

        `id_number` has passed the GB 11643 check already. Returns a `Verdict`; raises only when
        the provider cannot be reached or answers something unexpected (then nothing changes).
        """
        ...
