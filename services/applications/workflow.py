"""An item's workflow as data: its states and the moves the resident or staff may make.

Each catalogue item may carry its own workflow (a JSON object of the same shape); the default
below is the national pattern: submitted → accepted (受理) → in review (审核) → approved /
rejected → completed (办结), with supplement requested (补正) back to the resident and
withdrawal by the resident before a decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Actor(StrEnum):
    RESIDENT = "resident"
    STAFF = "staff"


@dataclass(frozen=True, slots=True)
class Move:
    name: str
    sources: frozenset[str]
    target: str
    actor: Actor
    needs_reason: bool = False


@dataclass(frozen=True, slots=True)
class Workflow:
    states: dict[str, tuple[str, str]]  # state → (zh, en)
    moves: dict[str, Move]
    final: frozenset[str]
    clock_stops: frozenset[str]  # states in which the promised time does not run (补正)

    def move(self, name: str) -> Move | None:
        return self.moves.get(name)

    def moves_from(self, state: str, actor: Actor) -> list[str]:
        return [m.name for m in self.moves.values() if state in m.sources and m.actor is actor]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Workflow:
        return cls(
            states={k: (v[0], v[1]) for k, v in data["states"].items()},
            moves={
                name: Move(
                    name,
                    frozenset(spec["from"]),
                    spec["to"],
                    Actor(spec["by"]),
                    bool(spec.get("reason", False)),
                )
                for name, spec in data["moves"].items()
            },
            final=frozenset(data["final"]),
            clock_stops=frozenset(data.get("clock_stops", [])),
        )


DEFAULT_WORKFLOW: dict[str, Any] = {
    "states": {
        "draft": ["草稿", "Draft"],
        "submitted": ["已提交", "Submitted"],
        "accepted": ["已受理", "Accepted"],
        "in_review": ["审核中", "In review"],
        "supplement_requested": ["待补正", "Supplement requested"],
        "approved": ["审核通过", "Approved"],
        "rejected": ["不予受理/不予批准", "Rejected"],
        "completed": ["已办结", "Completed"],
        "withdrawn": ["已撤回", "Withdrawn"],
    },
    "moves": {
        "submit": {"from": ["draft"], "to": "submitted", "by": "resident"},
        "resubmit": {"from": ["supplement_requested"], "to": "submitted", "by": "resident"},
        "withdraw": {
            "from": ["draft", "submitted", "accepted", "in_review", "supplement_requested"],
            "to": "withdrawn",
            "by": "resident",
        },
        "accept": {"from": ["submitted"], "to": "accepted", "by": "staff"},
        "review": {"from": ["accepted"], "to": "in_review", "by": "staff"},
        "request_supplement": {
            "from": ["submitted", "accepted", "in_review"],
            "to": "supplement_requested",
            "by": "staff",
            "reason": True,
        },
        "approve": {"from": ["in_review"], "to": "approved", "by": "staff"},
        "reject": {
            "from": ["submitted", "accepted", "in_review"],
            "to": "rejected",
            "by": "staff",
            "reason": True,
        },
        "complete": {"from": ["approved"], "to": "completed", "by": "staff"},
    },
    "final": ["rejected", "completed", "withdrawn"],
    "clock_stops": ["draft", "supplement_requested"],
}

DEFAULT = Workflow.from_data(DEFAULT_WORKFLOW)
