"""Joining two citizen records proven to be one person (the same verified phone or ID number).

Every row of every capability that names a citizen moves to the kept citizen in one
transaction; where a uniqueness per citizen would break (the same utility account bound by
both, the same consent, an open number in the same queue), the kept citizen's row stays and the
absorbed one's is dropped or closed. The absorbed citizen's sessions are revoked after commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from channels.identity import repository
from channels.identity.models import Citizen
from channels.identity.tokens import TokenService, tokens
from config.database import unit_of_work

MERGE_REASON = "citizen_merged"


@dataclass(frozen=True, slots=True)
class MergeOutcome:
    kept_id: int
    absorbed_id: int
    moved: dict[str, int]


def contradicts(first: Citizen, second: Citizen) -> bool:
    """True when the two records hold different verified values of the same kind: two people."""
    return any(
        a is not None and b is not None and a != b
        for a, b in (
            (first.phone_hash, second.phone_hash),
            (first.id_number_hash, second.id_number_hash),
        )
    )


async def merge_citizens(
    kept: Citizen, absorbed: Citizen, reason: str, token_service: TokenService = tokens
) -> MergeOutcome:
    """Moves everything of `absorbed` to `kept`, carries over the phone and real-name state
    `kept` lacks, deletes `absorbed`, audits both ids and ends `absorbed`'s sessions."""
    async with unit_of_work():
        await repository.lock_citizen(kept.id)
        await repository.lock_citizen(absorbed.id)
        moved = await repository.move_citizen_rows(absorbed.id, kept.id)
        carried = repository.carry_personal_data(absorbed, kept)
        await repository.delete_citizen(absorbed.id)  # frees its unique phone / ID hashes
        if carried:
            await repository.save_citizen(kept, *carried)
        sessions = await repository.live_sessions_of("citizen", absorbed.id)
        await repository.audit_merge(kept.id, absorbed.id, reason, moved)
    for session_id in sessions:
        await token_service.revoke(session_id, reason=MERGE_REASON)
    return MergeOutcome(kept.id, absorbed.id, moved)
