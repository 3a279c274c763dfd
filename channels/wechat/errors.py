"""Errors of the WeChat adapters, each fixing one `Code`."""

from __future__ import annotations

from gateway.codes import Code
from gateway.errors import GovError


class AccountUnknown(GovError):
    code = Code.WECHAT_ACCOUNT_UNKNOWN


class SignatureMissing(GovError):
    code = Code.WECHAT_SIGNATURE_MISSING


class SignatureInvalid(GovError):
    code = Code.WECHAT_SIGNATURE_INVALID


class MessageStale(GovError):
    code = Code.WECHAT_MESSAGE_STALE


class AppIdMismatch(GovError):
    code = Code.WECHAT_APPID_MISMATCH


class MessageMalformed(GovError):
    code = Code.WECHAT_MESSAGE_MALFORMED


class WeChatApiError(GovError):
    """WeChat answered a call with a non-zero errcode (or not at all)."""

    code = Code.WECHAT_API_ERROR

    def __init__(self, errcode: int | str, errmsg: str = "") -> None:
        super().__init__(errcode=errcode)
        self.errcode = errcode
        self.errmsg = errmsg


class CodeInvalid(GovError):
    code = Code.WECHAT_CODE_INVALID


class OAuthStateInvalid(GovError):
    code = Code.OAUTH_STATE_INVALID


class OAuthStateReused(GovError):
    code = Code.OAUTH_STATE_REUSED


class RedirectInvalid(GovError):
    code = Code.OAUTH_REDIRECT_INVALID
