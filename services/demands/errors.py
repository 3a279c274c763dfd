"""Errors of fee demands, each fixing one `Code`."""

from __future__ import annotations

from gateway.codes import Code
from gateway.errors import GovError


class KeyInvalid(GovError):
    code = Code.DEPARTMENT_KEY_INVALID


class DemandNotFound(GovError):
    code = Code.DEMAND_NOT_FOUND


class DemandConflict(GovError):
    code = Code.DEMAND_CONFLICT


class NotPayable(GovError):
    code = Code.DEMAND_NOT_PAYABLE


class DemandPaying(GovError):
    code = Code.DEMAND_PAYING


class TestModeOnly(GovError):
    code = Code.DEMAND_TEST_MODE


class PayerRequired(GovError):
    code = Code.DEMAND_PAYER_REQUIRED
