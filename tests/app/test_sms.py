"""The SMS port: templates by code, the sandbox provider and its outbox."""

from __future__ import annotations

import pytest

from gateway.errors import GovError
from notify.outbox import outbox_entries
from notify.providers.sms import SMS_PROVIDERS, SandboxSmsProvider
from notify.service import send_sms
from notify.templates import render_sms


class TestTemplates:
    def test_login_code_is_filled(self) -> None:
        text = render_sms("login_code", {"code": "123456"})
        assert text == "【GovHub】您的验证码为123456，5分钟内有效，请勿泄露。"

    def test_unknown_template_and_missing_parameter_are_refused(self) -> None:
        with pytest.raises(GovError) as unknown:
            render_sms("no_such_template", {})
        assert unknown.value.code == "NOTIFY_TEMPLATE_UNKNOWN"
        with pytest.raises(GovError) as missing:
            render_sms("login_code", {})
        assert missing.value.code == "NOTIFY_PARAM_MISSING"


class TestSandboxOutbox:
    @pytest.mark.asyncio
    async def test_messages_are_kept_newest_first_with_the_phone_masked(self, db: None) -> None:
        assert isinstance(SMS_PROVIDERS["sandbox"](), SandboxSmsProvider)
        first = await send_sms("13812345678", "login_code", {"code": "111111"})
        await send_sms("13912345678", "login_code", {"code": "222222"})
        assert first.startswith("sandbox-")
        entries = await outbox_entries(10)
        assert [e.phone for e in entries] == ["139****5678", "138****5678"]
        assert "222222" in entries[0].text
        only = await outbox_entries(10, "13812345678")
        assert [e.text for e in only] == [render_sms("login_code", {"code": "111111"})]
