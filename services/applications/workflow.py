"""An item's workflow as data: its states and the moves the resident or staff may make.

Each catalogue item may carry its own workflow (a JSON object of the same shape); the default
below is the national pattern: submitted → accepted (受理) → in review (审核) → approved /
rejected → completed (办结), with supplement requested (补正) back to the resident and
withdrawal by the resident before a decision, or while the fee is due.

A fee is charged where the workflow has the system move `request_payment`: when an application
with a fee (fee_fen > 0) arrives in one of that move's source states, it moves on at once into
the move's target (待缴费), and the payments outbox makes the system move `pay` when the order
is paid. The default asks after approval (审核通过 → 待缴费 → 已缴费 → 办结); an item whose fee is
paid before review places `request_payment` after `submitted` in its own workflow instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Actor(StrEnum):
    RESIDENT = "resident"
    STAFF = "staff"
    SYSTEM = "system"  # moves made by GovHub itself: asking for the fee, recording the payment


REQUEST_PAYMENT = "request_payment"
PAY = "pay"


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

    def system_move(self, name: str) -> Move | None:
        found = self.moves.get(name)
        return found if found is not None and found.actor is Actor.SYSTEM else None

    @property
    def payment_due(self) -> str | None:
        """The state in which the resident is asked to pay, if this workflow charges fees."""
        charge = self.system_move(REQUEST_PAYMENT)
        return charge.target if charge is not None else None

    def name_of(self, state: str) -> str:
        return self.states.get(state, (state,))[0]

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
        "payment_due": ["待缴费", "Payment due"],
        "paid": ["已缴费", "Paid"],
        "rejected": ["不予受理/不予批准", "Rejected"],
        "completed": ["已办结", "Completed"],
        "withdrawn": ["已撤回", "Withdrawn"],
    },
    "moves": {
        "submit": {"from": ["draft"], "to": "submitted", "by": "resident"},
        "resubmit": {"from": ["supplement_requested"], "to": "submitted", "by": "resident"},
        "withdraw": {
            "from": [
                "draft",
                "submitted",
                "accepted",
                "in_review",
                "supplement_requested",
                "payment_due",
            ],
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
        "request_payment": {"from": ["approved"], "to": "payment_due", "by": "system"},
        "pay": {"from": ["payment_due"], "to": "paid", "by": "system"},
        "complete": {"from": ["approved", "paid"], "to": "completed", "by": "staff"},
    },
    "final": ["rejected", "completed", "withdrawn"],
    "clock_stops": ["draft", "supplement_requested", "payment_due"],
}

DEFAULT = Workflow.from_data(DEFAULT_WORKFLOW)
