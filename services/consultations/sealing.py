"""The resident's words in a case (title, question, answers, timeline texts) are sealed with the
data key, as application answers are: a copy of the database alone reads none of them.

Each column has its own purpose, so a ciphertext moved into another column does not open.
"""

from __future__ import annotations

from channels.identity.crypto import personal_data

TITLE = "consultations.title"
TEXT = "consultations.text"
ANSWER = "consultations.answer"
EVENT_TEXT = "consultations.event_text"


def seal(text: str, purpose: str) -> str:
    return personal_data().cipher.encrypt(text, purpose)


def seal_optional(text: str | None, purpose: str) -> str | None:
    return None if text is None else seal(text, purpose)


def unseal(ciphertext: str, purpose: str) -> str:
    return personal_data().open(ciphertext, purpose)


def unseal_optional(ciphertext: str | None, purpose: str) -> str | None:
    return None if ciphertext is None else unseal(ciphertext, purpose)
