"""The five national grades (政务服务“好差评”) and the fixed reasons a resident may pick for each.

A level of 1 to 5 names a grade: 5 非常满意 … 1 非常不满意. The two lowest are 差评: each opens
a rectification case. Reasons are codes, so statistics and clients share one vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Grade(StrEnum):
    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"
    VERY_DISSATISFIED = "very_dissatisfied"


GRADE_OF_LEVEL: dict[int, Grade] = {
    5: Grade.VERY_SATISFIED,
    4: Grade.SATISFIED,
    3: Grade.BASICALLY_SATISFIED,
    2: Grade.DISSATISFIED,
    1: Grade.VERY_DISSATISFIED,
}
GRADE_NAMES: dict[Grade, tuple[str, str]] = {
    Grade.VERY_SATISFIED: ("非常满意", "Very satisfied"),
    Grade.SATISFIED: ("满意", "Satisfied"),
    Grade.BASICALLY_SATISFIED: ("基本满意", "Basically satisfied"),
    Grade.DISSATISFIED: ("不满意", "Dissatisfied"),
    Grade.VERY_DISSATISFIED: ("非常不满意", "Very dissatisfied"),
}
SATISFIED_LEVELS = frozenset({3, 4, 5})  # counted as satisfied in the satisfaction rate
CASE_LEVELS = frozenset({1, 2})  # 差评: a rectification case opens


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    name: str
    name_en: str


_GOOD = (
    Reason("attitude_good", "服务态度好", "Friendly service"),
    Reason("efficient", "办事效率高", "Handled quickly"),
    Reason("told_at_once", "一次性告知清楚", "Told everything at once"),
    Reason("simple_process", "流程简便", "Simple process"),
    Reason("no_extra_trips", "少跑腿", "No extra trips"),
)
_MIXED = (
    Reason("efficient", "办事效率高", "Handled quickly"),
    Reason("attitude_good", "服务态度好", "Friendly service"),
    Reason("long_wait", "等候时间较长", "Waited long"),
    Reason("guidance_unclear", "指引不够清楚", "Guidance could be clearer"),
)
_BAD = (
    Reason("attitude_poor", "服务态度差", "Unfriendly service"),
    Reason("slow", "办理时间长", "Took too long"),
    Reason("long_wait", "等候时间长", "Waited too long"),
    Reason("not_told_at_once", "未一次性告知", "Not told everything at once"),
    Reason("extra_trips", "多次跑动", "Had to come back several times"),
    Reason("complex_process", "流程繁琐", "Complicated process"),
    Reason("extra_materials", "要求额外材料", "Asked for extra papers"),
    Reason("not_done", "事项未办成", "The matter was not done"),
)
REASONS: dict[Grade, tuple[Reason, ...]] = {
    Grade.VERY_SATISFIED: _GOOD,
    Grade.SATISFIED: _GOOD,
    Grade.BASICALLY_SATISFIED: _MIXED,
    Grade.DISSATISFIED: _BAD,
    Grade.VERY_DISSATISFIED: _BAD,
}


def grade_of(level: int) -> Grade:
    return GRADE_OF_LEVEL[level]


def reasons_of(level: int) -> dict[str, Reason]:
    return {reason.code: reason for reason in REASONS[grade_of(level)]}
