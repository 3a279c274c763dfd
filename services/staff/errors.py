"""Errors of staff sign-in and administration."""

from __future__ import annotations

from gateway.codes import Code
from gateway.errors import GovError


class StaffLoginFailed(GovError):
    """Wrong user name or password: which of the two is never said."""

    code = Code.STAFF_LOGIN_FAILED


class StaffLocked(GovError):
    code = Code.STAFF_LOCKED


class StaffDisabled(GovError):
    code = Code.STAFF_DISABLED


class StaffSetupError(ValueError):
    """An administrator's request that cannot be done (unknown role, user name taken...)."""
