"""Daily statements for reconciliation, downloaded from fake WeChat Pay and Alipay servers.

WeChat Pay signs the answer that names the file and its SHA-1 but not the file itself, so a
file that does not match the signed digest is refused. Alipay hands out a short-lived link.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from payments import providers
from payments.providers.base import ProviderError
from tests.payments.helpers import FakeAlipay, FakeWeChatPay

DAY = date(2026, 11, 24)
WECHAT_BILL = (
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,"
    "交易状态,付款银行,货币种类,应结订单总金额,代金券金额\r\n"
    "`2026-11-24 10:00:01,`wx0000000000000oa1,`1900000109,`0,`,`4200000001,"
    "`GH261124aaaaaaaaaaaaaaaaaaaaaa,`oOA_1,`JSAPI,`SUCCESS,`OTHERS,`CNY,`12.34,`0.00\r\n"
    "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n"
    "`1,`12.34,`0.00,`0.00,`0.07000,`12.34,`0.00\r\n"
).encode()


def alipay_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("20881234_20261124_业务明细.csv", "#支付宝业务明细查询\r\n".encode("gbk"))
    return buffer.getvalue()


class TestWeChatPay:
    @pytest.mark.asyncio
    async def test_the_days_file_is_returned_as_the_platform_delivers_it(
        self, wechat: FakeWeChatPay
    ) -> None:
        wechat.statements[DAY.isoformat()] = WECHAT_BILL
        provider = providers.active().require("wechatpay")
        assert await provider.download_statement(DAY) == WECHAT_BILL
        assert wechat.calls[-2:] == ["GET /v3/bill/tradebill", "GET /v3/billdownload/file"]

    @pytest.mark.asyncio
    async def test_a_file_that_does_not_match_the_signed_digest_is_refused(
        self, wechat: FakeWeChatPay
    ) -> None:
        wechat.statements[DAY.isoformat()] = WECHAT_BILL
        wechat.statement_digest = "0" * 40
        provider = providers.active().require("wechatpay")
        with pytest.raises(ProviderError, match="digest"):
            await provider.download_statement(DAY)

    @pytest.mark.asyncio
    async def test_a_day_without_a_statement_is_a_final_refusal(
        self, wechat: FakeWeChatPay
    ) -> None:
        provider = providers.active().require("wechatpay")
        with pytest.raises(ProviderError) as refused:
            await provider.download_statement(DAY)
        assert refused.value.code == "NO_STATEMENT_EXIST"
        assert not refused.value.retryable


class TestAlipay:
    @pytest.mark.asyncio
    async def test_the_days_zip_is_fetched_from_the_link_alipay_signs(
        self, alipay: FakeAlipay
    ) -> None:
        archive = alipay_zip()
        alipay.statements[DAY.isoformat()] = archive
        provider = providers.active().require("alipay")
        downloaded = await provider.download_statement(DAY)
        assert downloaded == archive
        assert zipfile.ZipFile(io.BytesIO(downloaded)).namelist()
        assert alipay.calls[-1] == "alipay.data.dataservice.bill.downloadurl.query"

    @pytest.mark.asyncio
    async def test_a_day_without_a_statement_is_refused(self, alipay: FakeAlipay) -> None:
        provider = providers.active().require("alipay")
        with pytest.raises(ProviderError) as refused:
            await provider.download_statement(DAY)
        assert refused.value.code == "isp.bill_not_exist"
