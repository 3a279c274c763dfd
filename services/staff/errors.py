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


class StaffSetupError(GovError):
    """An administrator's request that cannot be done (unknown role, user name taken...), from
    the console or the command line alike."""


class StaffUsernameInvalid(StaffSetupError):
    code = Code.STAFF_USERNAME_INVALID


class StaffUsernameTaken(StaffSetupError):
    code = Code.STAFF_USERNAME_TAKEN


class StaffPasswordTooShort(StaffSetupError):
    code = Code.STAFF_PASSWORD_TOO_SHORT


class StaffRoleUnknown(StaffSetupError):
    code = Code.STAFF_ROLE_UNKNOWN


class StaffNotFound(StaffSetupError):
    code = Code.STAFF_NOT_FOUND


class StaffAssignmentNotFound(StaffSetupError):
    code = Code.STAFF_ASSIGNMENT_NOT_FOUND


class StaffOwnAccount(StaffSetupError):
    """An administrator may not lock themselves out: another one must do it."""

    code = Code.STAFF_OWN_ACCOUNT
