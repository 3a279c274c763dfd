"""Verifying and opening official-account callbacks, and sealing replies (plain, compatible and
safe modes).

Signatures are sha1 over the sorted `[token, timestamp, nonce(, Encrypt)]`; safe mode is
AES-256-CBC with the EncodingAESKey, the plaintext ending in the AppId it was sealed for.
wechatpy supplies the signer and the cipher; the XML is parsed by `channels.wechat.xml`.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException
from wechatpy.utils import WeChatSigner

from channels.wechat.errors import (
    AppIdMismatch,
    MessageMalformed,
    MessageStale,
    SignatureInvalid,
    SignatureMissing,
)
from channels.wechat.messages import InboundMessage
from channels.wechat.settings import OfficialAccount
from channels.wechat.xml import parse_flat_xml


@dataclass(frozen=True, slots=True)
class CallbackQuery:
    """The query string WeChat adds to every callback."""

    signature: str = ""
    timestamp: str = ""
    nonce: str = ""
    echostr: str = ""
    encrypt_type: str = ""
    msg_signature: str = ""

    @classmethod
    def of(cls, query: Mapping[str, str]) -> CallbackQuery:
        names = ("signature", "timestamp", "nonce", "echostr", "encrypt_type", "msg_signature")
        return cls(**{name: query.get(name, "") for name in names})

    @property
    def sealed(self) -> bool:
        return self.encrypt_type.lower() == "aes"


@dataclass(frozen=True, slots=True)
class OpenedMessage:
    message: InboundMessage
    sealed: bool  # answer sealed too


def sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return str(signer.signature)


def _require_signature(expected: str, given: str) -> None:
    if not hmac.compare_digest(expected.encode(), given.encode()):
        raise SignatureInvalid()


@lru_cache(maxsize=64)
def _crypto(token: str, aes_key: str, app_id: str) -> WeChatCrypto:
    return WeChatCrypto(token, aes_key, app_id)


def _cipher(account: OfficialAccount) -> WeChatCrypto:
    if not account.aes_key:
        raise MessageMalformed(reason="safe mode is not configured for this account")
    return _crypto(account.token, account.aes_key, account.app_id)


def _decrypt(account: OfficialAccount, ciphertext: str) -> str:
    try:
        return str(PrpCrypto(_cipher(account).key).decrypt(ciphertext, account.app_id))
    except InvalidAppIdException:
        raise AppIdMismatch() from None
    except MessageMalformed:
        raise
    except Exception:  # bad base64, padding, length or text: all mean a body we cannot open
        raise MessageMalformed(reason="cannot decrypt") from None


def verify_url(account: OfficialAccount, query: CallbackQuery) -> str:
    """The URL check: answers `echostr` (decrypted when WeChat sealed it)."""
    if not (query.timestamp and query.nonce and query.echostr):
        raise SignatureMissing()
    if query.msg_signature:
        expected = sign(account.token, query.timestamp, query.nonce, query.echostr)
        _require_signature(expected, query.msg_signature)
        return _decrypt(account, query.echostr)
    if not query.signature:
        raise SignatureMissing()
    _require_signature(sign(account.token, query.timestamp, query.nonce), query.signature)
    return query.echostr


def open_message(
    account: OfficialAccount,
    query: CallbackQuery,
    body: bytes,
    *,
    max_skew: int,
    now: float | None = None,
) -> OpenedMessage:
    """Checks signature(s) and freshness, decrypts a sealed body, and parses the message."""
    if not (query.signature and query.timestamp and query.nonce):
        raise SignatureMissing()
    _require_signature(sign(account.token, query.timestamp, query.nonce), query.signature)
    try:
        sent_at = int(query.timestamp)
    except ValueError:
        raise MessageStale() from None
    if abs((time.time() if now is None else now) - sent_at) > max_skew:
        raise MessageStale()
    envelope = parse_flat_xml(body)
    if query.sealed:
        return OpenedMessage(InboundMessage.from_fields(_unseal(account, query, envelope)), True)
    if query.encrypt_type not in ("", "raw"):
        raise MessageMalformed(reason="unknown encrypt_type")
    return OpenedMessage(InboundMessage.from_fields(envelope), False)


def _unseal(
    account: OfficialAccount, query: CallbackQuery, envelope: dict[str, str]
) -> dict[str, str]:
    return parse_flat_xml(_decrypt_envelope(account, query, envelope))


def _decrypt_envelope(
    account: OfficialAccount, query: CallbackQuery, envelope: dict[str, str]
) -> str:
    ciphertext = envelope.get("Encrypt", "")
    if not query.msg_signature:
        raise SignatureMissing()
    if not ciphertext:
        raise MessageMalformed(reason="no Encrypt element")
    expected = sign(account.token, query.timestamp, query.nonce, ciphertext)
    _require_signature(expected, query.msg_signature)
    return _decrypt(account, ciphertext)


def open_sealed(account: OfficialAccount, query: CallbackQuery, body: bytes) -> str:
    """Decrypts a safe-mode body after checking `msg_signature`: the plaintext XML as sent."""
    return _decrypt_envelope(account, query, parse_flat_xml(body))


def seal_reply(account: OfficialAccount, xml: str, nonce: str, timestamp: str) -> str:
    """The passive reply sealed as WeChat expects in safe mode."""
    return str(_cipher(account).encrypt_message(xml, nonce, timestamp))
