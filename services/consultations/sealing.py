"""The purposes the resident's words in a case (title, question, answers, timeline texts) are
sealed for with the data key (`channels.identity.crypto.seal_text`), as application answers
are: a copy of the database alone reads none of them.

Each column has its own purpose, so a ciphertext moved into another column does not open.
"""

TITLE = "consultations.title"
TEXT = "consultations.text"
ANSWER = "consultations.answer"
EVENT_TEXT = "consultations.event_text"
