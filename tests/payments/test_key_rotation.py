"""Platform key rotation without downtime: during the window a notification signed with the
previous key is accepted beside the new one; once the window has closed it is refused. Platform
certificates overlap the same way while the platform renews them; an expired one is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from payments.providers.alipay import AlipayProvider
from payments.providers.base import NotificationRejected
from payments.providers.wechatpay import WeChatPayProvider
from tests.payments.helpers import PUBLIC_KEY_ID, FakeAlipay, FakeWeChatPay, KeyPair
from tests.payments.test_wechatpay import self_signed_certificate

NEW_KEY_ID = "PUB_KEY_ID_0119000001092026"


def window(**delta: float) -> datetime:
    return datetime.now(UTC) + timedelta(**delta)


class TestWeChatPay:
    def rotating(self, fake: FakeWeChatPay, until: datetime, new: KeyPair) -> WeChatPayProvider:
        """The provider configured with the new key and, until `until`, the previous one."""
        return fake.provider(
            public_key=new.public_pem,
            public_key_id=NEW_KEY_ID,
            previous_public_key=fake.platform.public_pem,
            previous_public_key_id=PUBLIC_KEY_ID,
            previous_key_until=until,
        )

    @pytest.mark.asyncio
    async def test_old_key_accepted_in_the_window_and_refused_after(self) -> None:
        fake, new = FakeWeChatPay(), KeyPair.generate()
        resource = {"out_trade_no": "GH1", "trade_state": "SUCCESS", "amount": {"total": 1}}
        headers, body = fake.notification(resource)  # signed with the previous key
        lower = {k.lower(): v for k, v in headers.items()}

        during = self.rotating(fake, window(hours=1), new)
        assert (await during.verify_notification(lower, body)).payment is not None
        after = self.rotating(fake, window(seconds=-1), new)
        with pytest.raises(NotificationRejected):
            await after.verify_notification(lower, body)

        fake.platform, fake.serial = new, NEW_KEY_ID  # the platform now signs with the new key
        headers, body = fake.notification(resource)
        fresh = {k.lower(): v for k, v in headers.items()}
        assert (await after.verify_notification(fresh, body)).payment is not None
        for provider in (during, after):
            await provider.aclose()


class TestWeChatPayCertificates:
    @pytest.mark.asyncio
    async def test_old_and_new_certificates_overlap_and_an_expired_one_is_refused(
        self, tmp_path: Path
    ) -> None:
        fake, new, gone = FakeWeChatPay(), KeyPair.generate(), KeyPair.generate()
        certificates = {0x1001: (fake.platform, 365), 0x1002: (new, 365), 0x1003: (gone, -1)}
        for serial, (key, days) in certificates.items():
            (tmp_path / f"{serial:X}.pem").write_text(self_signed_certificate(key, serial, days))
        provider = fake.provider(public_key=None, public_key_id=None, cert_dir=str(tmp_path))
        resource = {"out_trade_no": "GH3", "trade_state": "SUCCESS", "amount": {"total": 1}}
        fake.down = True  # an unknown serial must not be fetched here: the folder is the truth
        try:
            for serial, (key, days) in certificates.items():
                fake.platform, fake.serial = key, f"{serial:X}"
                headers, body = fake.notification(resource)
                lower = {k.lower(): v for k, v in headers.items()}
                if days > 0:
                    assert (await provider.verify_notification(lower, body)).payment is not None
                else:
                    with pytest.raises(NotificationRejected):
                        await provider.verify_notification(lower, body)
        finally:
            await provider.aclose()


class TestAlipay:
    @pytest.mark.asyncio
    async def test_old_key_accepted_in_the_window_and_refused_after(self) -> None:
        fake, new = FakeAlipay(), KeyPair.generate()
        headers, body = fake.notification("GH2", "12.34")  # signed with the previous key

        def rotating(until: datetime) -> AlipayProvider:
            return fake.provider(
                alipay_public_key=new.public_pem,
                previous_alipay_public_key=fake.alipay.public_pem,
                previous_key_until=until,
            )

        during, after = rotating(window(hours=1)), rotating(window(seconds=-1))
        assert (await during.verify_notification(headers, body)).payment is not None
        with pytest.raises(NotificationRejected):
            await after.verify_notification(headers, body)
        _, signed_new = fake.notification("GH2", "12.34", signer=new)
        assert (await after.verify_notification(headers, signed_new)).payment is not None
        for provider in (during, after):
            await provider.aclose()
