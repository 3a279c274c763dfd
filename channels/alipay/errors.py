"""Errors of the Alipay adapter, each fixing one `Code`."""

from __future__ import annotations

from gateway.codes import Code
from gateway.errors import GovError


class AlipayApiError(GovError):
    """Alipay refused the call, or could not be reached."""

    code = Code.ALIPAY_API_ERROR

    def __init__(self, code: str, sub_code: str = "") -> None:
        super().__init__(alipay_code=code)
        self.alipay_code = code
        self.sub_code = sub_code


class AlipaySignatureInvalid(GovError):
    code = Code.ALIPAY_SIGNATURE_INVALID


class AlipayCodeInvalid(GovError):
    code = Code.ALIPAY_CODE_INVALID


class AlipayPhoneInvalid(GovError):
    """The phone response of my.getPhoneNumber does not verify or open."""

    code = Code.ALIPAY_PHONE_INVALID
