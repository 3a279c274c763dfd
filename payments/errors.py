"""The payments module's errors, each fixing one code (messages in gateway/codes.py)."""

from __future__ import annotations

from gateway.codes import Code
from gateway.errors import GovError


class OrderNotFound(GovError):
    code = Code.PAYMENT_ORDER_NOT_FOUND


class StateConflict(GovError):
    code = Code.PAYMENT_STATE_CONFLICT


class AlreadyPaid(GovError):
    code = Code.PAYMENT_ALREADY_PAID


class AmountInvalid(GovError):
    code = Code.PAYMENT_AMOUNT_INVALID


class MethodUnsupported(GovError):
    code = Code.PAYMENT_METHOD_UNSUPPORTED


class PayerRequired(GovError):
    code = Code.PAYMENT_PAYER_REQUIRED


class ProviderUnavailable(GovError):
    code = Code.PAYMENT_PROVIDER_UNAVAILABLE


class ProviderRefused(GovError):
    code = Code.PAYMENT_PROVIDER_REFUSED


class RefundExceedsPaid(GovError):
    code = Code.REFUND_EXCEEDS_PAID


class RefundConflict(GovError):
    code = Code.REFUND_CONFLICT


class RefundNotFound(GovError):
    code = Code.REFUND_NOT_FOUND


class ReportRejected(Exception):
    """A verified platform report does not match our order (amount, app, merchant, unknown):
    nothing is changed and the platform is told to send it again."""
