"""Templates: every event has one, values fill every platform's fields, errors are clear."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from gateway.errors import GovError
from notify.templates import (
    TEMPLATES,
    Event,
    PlatformTemplate,
    assert_templates,
    check_templates,
    render,
    render_sms,
    template_for,
)
from tests.notify.conftest import Configure

PAID = {"item": "不动产登记费", "amount_fen": 8005, "order_no": "P20310303001"}


class TestStartupCheck:
    def test_every_event_has_a_template_and_every_field_its_value(self) -> None:
        assert check_templates() == []
        assert set(TEMPLATES) == set(Event)
        assert_templates()

    def test_a_missing_template_or_an_unknown_value_stops_the_start(self) -> None:
        broken = dict(TEMPLATES)
        del broken[Event.QUEUE_CALLED]
        paid = broken[Event.PAYMENT_SUCCEEDED]
        assert paid.wechat_oa is not None
        broken[Event.PAYMENT_SUCCEEDED] = replace(
            paid, wechat_oa=PlatformTemplate("x", {"thing9": "{payer_name}"})
        )
        problems = check_templates(broken)
        assert "event queue_called has no template" in problems
        assert "template payment_succeeded uses unknown value payer_name" in problems
        with pytest.raises(RuntimeError, match="queue_called"):
            assert_templates(broken)


class TestRendering:
    def test_amounts_travel_in_fen_and_show_in_yuan(self) -> None:
        rendered = render("payment_succeeded", PAID)
        assert rendered.text == "您已成功缴纳不动产登记费80.05元，订单号P20310303001。"
        assert rendered.text_en.startswith("You paid 80.05 yuan")
        template = rendered.template
        assert template.wechat_oa is not None
        assert template.wechat_mp is not None
        assert rendered.fields(template.wechat_oa) == {
            "thing1": "不动产登记费",
            "amount2": "80.05元",
            "character_string3": "P20310303001",
        }
        assert rendered.page(template.wechat_mp) == "pages/payments/detail?order=P20310303001"
        assert rendered.sms_params() == [
            ("item", "不动产登记费"),
            ("amount_yuan", "80.05"),
            ("order_no", "P20310303001"),
        ]

    def test_the_login_code_sms_carries_the_sign_name(self) -> None:
        text = render_sms("login_code", {"code": "123456"})
        assert text == "【GovHub】您的验证码为123456，5分钟内有效，请勿泄露。"

    def test_long_values_are_cut_to_what_wechat_takes(self) -> None:
        rendered = render("payment_succeeded", PAID | {"item": "一" * 30})
        assert rendered.template.wechat_oa is not None
        thing = rendered.fields(rendered.template.wechat_oa)["thing1"]
        assert len(thing) == 20
        assert thing.endswith("…")

    def test_an_unknown_template_or_a_missing_value_is_a_clear_error(self) -> None:
        with pytest.raises(GovError) as unknown:
            render("no_such_event", {})
        assert unknown.value.code == "NOTIFY_TEMPLATE_UNKNOWN"
        assert "no_such_event" in unknown.value.message("en")
        with pytest.raises(GovError) as missing:
            render("payment_succeeded", {"item": "x", "order_no": "1"})
        assert missing.value.code == "NOTIFY_PARAM_MISSING"
        assert missing.value.params == {"template": "payment_succeeded", "param": "amount_fen"}


class TestDeploymentTemplateIds:
    def test_a_deployment_file_replaces_the_platform_ids(
        self, tmp_path: Path, configure: Configure
    ) -> None:
        ids = tmp_path / "ids.json"
        ids.write_text(
            json.dumps({"payment_succeeded": {"wechat_oa": "OA-REAL-ID", "aliyun": "SMS_9"}})
        )
        configure(notify_template_ids_file=str(ids))
        template = template_for("payment_succeeded")
        assert template.wechat_oa is not None
        assert template.wechat_oa.template_id == "OA-REAL-ID"
        assert template.sms.aliyun_code == "SMS_9"
        assert template.sms.tencent_id == TEMPLATES[Event.PAYMENT_SUCCEEDED].sms.tencent_id
        assert template_for("queue_called") == TEMPLATES[Event.QUEUE_CALLED]
