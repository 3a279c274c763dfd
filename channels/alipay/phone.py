"""The phone number an Alipay mini-program gets from `my.getPhoneNumber`.

The client receives `{"response": <AES ciphertext, base64>, "sign": ..., "sign_type": "RSA2",
"encrypt_type": "AES"}` and sends it here. The signature covers the response as a JSON string
(in its double quotes) and is checked against the Alipay key; the content is AES-CBC with a zero
IV under the app's content-encryption key and holds `{"code": "10000", "mobile": ...}`.
"""

from __future__ import annotations

import base64
import binascii

import orjson
from alipay import BaseAliPay
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from channels.alipay.client import SUCCESS
from channels.alipay.errors import AlipayPhoneInvalid

_ZERO_IV = bytes(16)


def open_phone_response(signer: BaseAliPay, aes_key: str, raw: str) -> str:
    """The verified mobile number inside a `my.getPhoneNumber` answer."""
    try:
        grant = orjson.loads(raw)
        response, signature = str(grant["response"]), str(grant["sign"])
        if not signer._verify(f'"{response}"', signature):
            raise AlipayPhoneInvalid()
        key = base64.b64decode(aes_key)
        decryptor = Cipher(algorithms.AES(key), modes.CBC(_ZERO_IV)).decryptor()
        padded = decryptor.update(base64.b64decode(response)) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        content = orjson.loads(unpadder.update(padded) + unpadder.finalize())
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, binascii.Error):
        raise AlipayPhoneInvalid() from None
    if str(content.get("code")) != SUCCESS or not content.get("mobile"):
        raise AlipayPhoneInvalid()
    return str(content["mobile"])
