"""Errors of utility bills, each fixing one `Code`."""

from __future__ import annotations

from gateway.codes import Code
from gateway.errors import GovError


class KindUnavailable(GovError):
    code = Code.BILL_KIND_UNAVAILABLE


class CompanyUnavailable(GovError):
    code = Code.BILL_COMPANY_UNAVAILABLE


class AccountNotFound(GovError):
    code = Code.BILL_ACCOUNT_NOT_FOUND


class HolderMismatch(GovError):
    code = Code.BILL_HOLDER_MISMATCH


class ProofLocked(GovError):
    code = Code.BILL_PROOF_LOCKED


class AccountAlreadyBound(GovError):
    code = Code.BILL_ACCOUNT_ALREADY_BOUND


class AccountLimit(GovError):
    code = Code.BILL_ACCOUNT_LIMIT


class BillNotFound(GovError):
    code = Code.BILL_NOT_FOUND


class NothingToPay(GovError):
    code = Code.BILL_NOTHING_TO_PAY


class BillPaying(GovError):
    code = Code.BILL_PAYING


class BillAlreadyPaid(GovError):
    code = Code.BILL_ALREADY_PAID


class ReceiptNotFound(GovError):
    code = Code.BILL_RECEIPT_NOT_FOUND


class WriteOffNotFound(GovError):
    code = Code.BILL_WRITE_OFF_NOT_FOUND
