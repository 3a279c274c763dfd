"""Platform objects for the payments tests: keys made here, and fake WeChat Pay / Alipay servers
that check our signatures and sign their answers, spoken to through `httpx.MockTransport`."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import SecretStr

from channels.alipay.settings import AlipaySettings
from payments.providers.alipay import AlipayProvider
from payments.providers.wechatpay import WeChatPayProvider
from payments.settings import WeChatPaySettings

NOTIFY_BASE = "http://govhub.test/payments/notify"


# Native and H5 answer a URL rather than a prepay id: path → (answer key, URL prefix).
URL_PAYMENTS = {
    "/v3/pay/transactions/native": ("code_url", "weixin://wxpay/bizpayurl?pr="),
    "/v3/pay/transactions/h5": (
        "h5_url",
        "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=",
    ),
}


@dataclass
class KeyPair:
    private: rsa.RSAPrivateKey

    @classmethod
    def generate(cls) -> KeyPair:
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=2048))

    @property
    def private_pem(self) -> str:
        return self.private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()

    @property
    def public_pem(self) -> str:
        return (
            self.private.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )

    def sign(self, message: str) -> str:
        signature = self.private.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(signature).decode()

    def verify(self, message: str, signature: str) -> bool:
        try:
            self.private.public_key().verify(
                base64.b64decode(signature), message.encode(), padding.PKCS1v15(), hashes.SHA256()
            )
        except Exception:
            return False
        return True


# ------------------------------------------------------------------------------------ WeChat Pay

WECHAT_MCHID = "1900000109"
WECHAT_APPID = "wx0000000000000oa1"
WECHAT_MP_APPID = "wx00000000000000mp"
WECHAT_APP_APPID = "wx0000000000000app"
PUBLIC_KEY_ID = "PUB_KEY_ID_0119000001092024"


@dataclass
class FakeWeChatPay:
    """WeChat Pay API v3 as far as GovHub uses it. Checks every request's signature."""

    merchant: KeyPair = field(default_factory=KeyPair.generate)
    platform: KeyPair = field(default_factory=KeyPair.generate)
    apiv3_key: str = field(default_factory=lambda: secrets.token_hex(16))
    trades: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    refund_status: str = "PROCESSING"
    serial: str = PUBLIC_KEY_ID  # the platform key its answers and notifications name
    down: bool = False  # unreachable: every call fails to connect
    # Runs while a prepay request is being answered: what the caller holds at that moment.
    on_prepay: Callable[[dict[str, Any]], Awaitable[None]] | None = None
    statements: dict[str, bytes] = field(default_factory=dict)  # bill_date → the day's file
    statement_digest: str | None = None  # what the bill answer claims, when not the file's own

    def settings(self, **overrides: Any) -> WeChatPaySettings:
        values: dict[str, Any] = {
            "mchid": WECHAT_MCHID,
            "appid": WECHAT_APPID,
            "mp_appid": WECHAT_MP_APPID,
            "app_appid": WECHAT_APP_APPID,
            "merchant_serial_no": "3775B6A45ACD588826D15E583A95F5DD00000001",
            "private_key": SecretStr(self.merchant.private_pem),
            "apiv3_key": SecretStr(self.apiv3_key),
            "public_key": self.platform.public_pem,
            "public_key_id": PUBLIC_KEY_ID,
            "api_base": "https://wechatpay.test",
        }
        values.update(overrides)
        return WeChatPaySettings(**values)

    def provider(self, **overrides: Any) -> WeChatPayProvider:
        client = httpx.AsyncClient(transport=httpx.MockTransport(self.handle))
        return WeChatPayProvider(self.settings(**overrides), client, f"{NOTIFY_BASE}/wechatpay")

    # -- the server

    def _authorized(self, request: httpx.Request) -> bool:
        header = request.headers.get("authorization", "")
        scheme, _, rest = header.partition(" ")
        parts = dict(p.split("=", 1) for p in rest.split(","))
        values = {k: v.strip('"') for k, v in parts.items()}
        path = request.url.raw_path.decode()
        message = (
            f"{request.method}\n{path}\n{values['timestamp']}\n{values['nonce_str']}\n"
            f"{request.content.decode()}\n"
        )
        return (
            scheme == "WECHATPAY2-SHA256-RSA2048"
            and values["mchid"] == WECHAT_MCHID
            and self.merchant.verify(message, values["signature"])
        )

    def signed_headers(self, body: str, timestamp: int | None = None) -> dict[str, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = secrets.token_hex(16)
        return {
            "Wechatpay-Timestamp": stamp,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Signature": self.platform.sign(f"{stamp}\n{nonce}\n{body}\n"),
            "Wechatpay-Serial": self.serial,
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        }

    def _answer(self, status: int, data: dict[str, Any] | None = None) -> httpx.Response:
        body = json.dumps(data) if data is not None else ""
        headers = self.signed_headers(body)
        if data is not None:
            headers["Content-Type"] = "application/json"
        return httpx.Response(status, content=body.encode(), headers=headers)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if self.down:
            raise httpx.ConnectError("platform down", request=request)
        self.calls.append(f"{request.method} {path}")
        if not self._authorized(request):
            return self._answer(401, {"code": "SIGN_ERROR", "message": "bad signature"})
        payload = json.loads(request.content) if request.content else {}
        if path in URL_PAYMENTS:
            if path.endswith("/h5") and "payer_client_ip" not in payload.get("scene_info", {}):
                return self._answer(400, {"code": "PARAM_ERROR", "message": "scene_info"})
            self.trades[payload["out_trade_no"]] = {
                "appid": payload["appid"],
                "mchid": payload["mchid"],
                "out_trade_no": payload["out_trade_no"],
                "trade_state": "NOTPAY",
                "amount": {"total": payload["amount"]["total"], "currency": "CNY"},
            }
            token = secrets.token_hex(8)
            key, url = URL_PAYMENTS[path]
            return self._answer(200, {key: url + token})
        if path in ("/v3/pay/transactions/jsapi", "/v3/pay/transactions/app"):
            if self.on_prepay is not None:
                await self.on_prepay(payload)
            prepay_id = "wx" + secrets.token_hex(14)
            self.trades[payload["out_trade_no"]] = {
                "appid": payload["appid"],
                "mchid": payload["mchid"],
                "out_trade_no": payload["out_trade_no"],
                "trade_state": "NOTPAY",
                "amount": {"total": payload["amount"]["total"], "currency": "CNY"},
                "payer": payload.get("payer"),
            }
            return self._answer(200, {"prepay_id": prepay_id})
        if path.startswith("/v3/pay/transactions/out-trade-no/"):
            out_trade_no = path.split("/")[5]
            trade = self.trades.get(out_trade_no)
            if trade is None:
                return self._answer(404, {"code": "ORDER_NOT_EXIST", "message": "no such order"})
            if path.endswith("/close"):
                if trade["trade_state"] == "SUCCESS":
                    return self._answer(400, {"code": "ORDERPAID", "message": "paid"})
                trade["trade_state"] = "CLOSED"
                return self._answer(204)
            return self._answer(200, trade)
        if path == "/v3/bill/tradebill":
            day = request.url.params["bill_date"]
            if day not in self.statements:
                return self._answer(400, {"code": "NO_STATEMENT_EXIST", "message": "no bill"})
            digest = self.statement_digest or hashlib.sha1(self.statements[day]).hexdigest()
            return self._answer(
                200,
                {
                    "hash_type": "SHA1",
                    "hash_value": digest,
                    "download_url": f"https://wechatpay.test/v3/billdownload/file?token={day}",
                },
            )
        if path == "/v3/billdownload/file":  # the file itself: no signature on the answer
            return httpx.Response(200, content=self.statements[request.url.params["token"]])
        if path == "/v3/refund/domestic/refunds":
            refund = self.refunds.setdefault(
                payload["out_refund_no"],
                {
                    "refund_id": "50" + secrets.token_hex(10),
                    "out_refund_no": payload["out_refund_no"],
                    "out_trade_no": payload["out_trade_no"],
                    "status": self.refund_status,
                    "amount": {
                        "refund": payload["amount"]["refund"],
                        "total": payload["amount"]["total"],
                    },
                },
            )
            return self._answer(200, refund)
        return self._answer(404, {"code": "NOT_FOUND", "message": path})

    # -- what the platform sends us

    def pay(self, out_trade_no: str) -> dict[str, Any]:
        trade = self.trades[out_trade_no]
        trade.update(
            trade_state="SUCCESS",
            transaction_id="42000" + secrets.token_hex(12),
            success_time=datetime.now(UTC).isoformat(timespec="seconds"),
            trade_type="JSAPI",
        )
        return dict(trade)

    def encrypt(self, resource: dict[str, Any]) -> dict[str, str]:
        nonce = secrets.token_hex(6)
        sealed = AESGCM(self.apiv3_key.encode()).encrypt(
            nonce.encode(), json.dumps(resource).encode(), b"transaction"
        )
        return {
            "original_type": "transaction",
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": base64.b64encode(sealed).decode(),
            "associated_data": "transaction",
            "nonce": nonce,
        }

    def notification(
        self,
        resource: dict[str, Any],
        event_type: str = "TRANSACTION.SUCCESS",
        timestamp: int | None = None,
        signer: KeyPair | None = None,
    ) -> tuple[dict[str, str], bytes]:
        body = json.dumps(
            {
                "id": secrets.token_hex(16),
                "create_time": datetime.now(UTC).isoformat(timespec="seconds"),
                "resource_type": "encrypt-resource",
                "event_type": event_type,
                "summary": "支付成功",
                "resource": self.encrypt(resource),
            }
        )
        headers = self.signed_headers(body, timestamp)
        if signer is not None:
            stamp, nonce = headers["Wechatpay-Timestamp"], headers["Wechatpay-Nonce"]
            headers["Wechatpay-Signature"] = signer.sign(f"{stamp}\n{nonce}\n{body}\n")
        headers["Content-Type"] = "application/json"
        return headers, body.encode()


# ------------------------------------------------------------------------------------ Alipay

ALIPAY_APP_ID = "2021000000000001"
ALIPAY_SELLER_ID = "2088000000000001"


def alipay_sign_content(params: dict[str, str]) -> str:
    return "&".join(f"{k}={params[k]}" for k in sorted(params))


@dataclass
class FakeAlipay:
    """The Alipay gateway as far as GovHub uses it. Checks every request's RSA2 signature."""

    app: KeyPair = field(default_factory=KeyPair.generate)
    alipay: KeyPair = field(default_factory=KeyPair.generate)
    trades: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, str] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    statements: dict[str, bytes] = field(default_factory=dict)  # bill_date → the day's zip

    def settings(self, **overrides: Any) -> AlipaySettings:
        values: dict[str, Any] = {
            "app_id": ALIPAY_APP_ID,
            "seller_id": ALIPAY_SELLER_ID,
            "app_private_key": SecretStr(self.app.private_pem),
            "alipay_public_key": self.alipay.public_pem,
            "gateway": "https://alipay.test/gateway.do",
        }
        values.update(overrides)
        return AlipaySettings(**values)

    def provider(self, **overrides: Any) -> AlipayProvider:
        client = httpx.AsyncClient(transport=httpx.MockTransport(self.handle))
        return AlipayProvider(self.settings(**overrides), client, f"{NOTIFY_BASE}/alipay")

    def verify_request(self, params: dict[str, str]) -> bool:
        signature = params.pop("sign", "")
        return self.app.verify(alipay_sign_content(params), signature)

    def _answer(self, method: str, content: dict[str, Any]) -> httpx.Response:
        key = method.replace(".", "_") + "_response"
        inner = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
        raw = f'{{"{key}":{inner},"sign":"{self.alipay.sign(inner)}"}}'
        return httpx.Response(200, content=raw.encode(), headers={"Content-Type": "text/html"})

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/downloadBillFile.resource":  # a short-lived link, unsigned
            return httpx.Response(200, content=self.statements[request.url.params["day"]])
        params = dict(parse_qsl(request.content.decode()))
        method = params.get("method", "")
        self.calls.append(method)
        if not self.verify_request(dict(params)) or params.get("app_id") != ALIPAY_APP_ID:
            raw = (
                '{"error_response":{"code":"40002","msg":"Invalid Arguments",'
                '"sub_code":"isv.invalid-signature"}}'
            )
            return httpx.Response(200, content=raw.encode())
        biz = json.loads(params.get("biz_content", "{}"))
        handler: Callable[[dict[str, Any]], dict[str, Any]] = getattr(
            self, "_" + method.replace(".", "_")
        )
        return self._answer(method, handler(biz))

    def _alipay_data_dataservice_bill_downloadurl_query(
        self, biz: dict[str, Any]
    ) -> dict[str, Any]:
        day = biz["bill_date"]
        if biz.get("bill_type") != "trade" or day not in self.statements:
            return {"code": "40004", "msg": "Business Failed", "sub_code": "isp.bill_not_exist"}
        return {
            "code": "10000",
            "msg": "Success",
            "bill_download_url": f"https://dwbillcenter.alipay.test/downloadBillFile.resource?day={day}",
        }

    def _alipay_trade_create(self, biz: dict[str, Any]) -> dict[str, Any]:
        trade_no = "2024" + secrets.token_hex(12)
        self.trades[biz["out_trade_no"]] = {
            "trade_no": trade_no,
            "total_amount": biz["total_amount"],
            "trade_status": "WAIT_BUYER_PAY",
        }
        return {
            "code": "10000",
            "msg": "Success",
            "trade_no": trade_no,
            "out_trade_no": biz["out_trade_no"],
        }

    def _alipay_trade_precreate(self, biz: dict[str, Any]) -> dict[str, Any]:
        self._alipay_trade_create(biz)
        return {
            "code": "10000",
            "msg": "Success",
            "out_trade_no": biz["out_trade_no"],
            "qr_code": "https://qr.alipay.com/bax0" + secrets.token_hex(8),
        }

    def _alipay_trade_query(self, biz: dict[str, Any]) -> dict[str, Any]:
        trade = self.trades.get(biz["out_trade_no"])
        if trade is None:
            return {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_NOT_EXIST"}
        return {"code": "10000", "msg": "Success", "out_trade_no": biz["out_trade_no"], **trade}

    def _alipay_trade_close(self, biz: dict[str, Any]) -> dict[str, Any]:
        trade = self.trades.get(biz["out_trade_no"])
        if trade is None:
            return {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_NOT_EXIST"}
        trade["trade_status"] = "TRADE_CLOSED"
        return {"code": "10000", "msg": "Success"}

    def _alipay_trade_refund(self, biz: dict[str, Any]) -> dict[str, Any]:
        trade = self.trades.get(biz["out_trade_no"])
        if trade is None or trade["trade_status"] != "TRADE_SUCCESS":
            return {"code": "40004", "msg": "Business Failed", "sub_code": "ACQ.TRADE_STATUS_ERROR"}
        self.refunds.setdefault(biz["out_request_no"], biz["refund_amount"])
        return {
            "code": "10000",
            "msg": "Success",
            "trade_no": trade["trade_no"],
            "refund_fee": biz["refund_amount"],
            "fund_change": "Y",
        }

    def pay(self, out_trade_no: str, total_amount: str | None = None) -> None:
        trade = self.trades.setdefault(
            out_trade_no, {"trade_no": "2024" + secrets.token_hex(12), "total_amount": total_amount}
        )
        trade["trade_status"] = "TRADE_SUCCESS"

    def notification(
        self, out_trade_no: str, total_amount: str, signer: KeyPair | None = None, **extra: str
    ) -> tuple[dict[str, str], bytes]:
        trade = self.trades.get(out_trade_no, {})
        params = {
            "notify_time": "2024-05-01 12:00:00",
            "notify_type": "trade_status_sync",
            "notify_id": secrets.token_hex(16),
            "app_id": ALIPAY_APP_ID,
            "charset": "utf-8",
            "version": "1.0",
            "trade_no": trade.get("trade_no", "2024000"),
            "out_trade_no": out_trade_no,
            "seller_id": ALIPAY_SELLER_ID,
            "buyer_id": "2088102177846880",
            "total_amount": total_amount,
            "receipt_amount": total_amount,
            "trade_status": "TRADE_SUCCESS",
            "gmt_payment": "2024-05-01 11:59:58",
            "subject": "缴费",
            **extra,
        }
        params["sign"] = (signer or self.alipay).sign(alipay_sign_content(params))
        params["sign_type"] = "RSA2"
        return {"Content-Type": "application/x-www-form-urlencoded"}, urlencode(params).encode()


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))
