"""Residents' identity: one citizen, many channel accounts, and the sessions they sign in with."""

from __future__ import annotations

from gateway.codes import Code
from gateway.errors import GovError
from gateway.schemas import Principal


async def authenticate(token: str) -> Principal:
    """Turns a bearer access token (resident or staff) into the principal it was issued to."""
    raise GovError(Code.TOKEN_INVALID)
