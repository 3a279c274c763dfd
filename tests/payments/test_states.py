"""The transition table, and every provider's status table, walked entry by entry."""

from __future__ import annotations

import pytest

import services.registry  # noqa: F401  (the capabilities register their fulfillers on import)
from payments.api import registered_purposes
from payments.providers import PROVIDERS
from payments.providers import alipay as alipay_module
from payments.providers import sandbox as sandbox_module
from payments.providers import wechatpay as wechatpay_module
from payments.states import (
    TRANSITIONS,
    OrderState,
    PaymentOutcome,
    Purpose,
    RefundOutcome,
    RefundState,
    TransitionRefused,
    Trigger,
    advance,
    refund_trigger,
)


class TestTransitionTable:
    @pytest.mark.parametrize(("move", "target"), list(TRANSITIONS.items()))
    def test_every_listed_move_is_allowed(self, move, target) -> None:
        state, trigger = move
        assert advance(state, trigger) is target

    def test_every_unlisted_move_is_refused(self) -> None:
        for state in [*OrderState, *RefundState]:
            for trigger in Trigger:
                if (state, trigger) in TRANSITIONS:
                    continue
                with pytest.raises(TransitionRefused):
                    advance(state, trigger)

    def test_paid_orders_cannot_close_and_closed_ones_record_late_money(self) -> None:
        with pytest.raises(TransitionRefused):
            advance(OrderState.PAID, Trigger.CLOSE)
        assert advance(OrderState.CLOSED, Trigger.PAY) is OrderState.PAID_AFTER_CLOSE
        with pytest.raises(TransitionRefused):
            advance(OrderState.PAID_AFTER_CLOSE, Trigger.REFUND_PART)

    def test_a_refund_reaching_the_paid_amount_is_full(self) -> None:
        assert refund_trigger(400, 600, 1000) is Trigger.REFUND_ALL
        assert refund_trigger(399, 600, 1000) is Trigger.REFUND_PART


class TestProviderStatusTables:
    @pytest.mark.parametrize(
        ("table", "expected"),
        [
            (
                wechatpay_module.TRADE_STATES,
                {
                    "SUCCESS": PaymentOutcome.PAID,
                    "REFUND": PaymentOutcome.PAID,
                    "NOTPAY": PaymentOutcome.PENDING,
                    "USERPAYING": PaymentOutcome.PENDING,
                    "CLOSED": PaymentOutcome.CLOSED,
                    "REVOKED": PaymentOutcome.CLOSED,
                    "PAYERROR": PaymentOutcome.FAILED,
                },
            ),
            (
                wechatpay_module.REFUND_STATES,
                {
                    "SUCCESS": RefundOutcome.SUCCEEDED,
                    "PROCESSING": RefundOutcome.PROCESSING,
                    "CLOSED": RefundOutcome.FAILED,
                    "ABNORMAL": RefundOutcome.FAILED,
                },
            ),
            (
                alipay_module.TRADE_STATUSES,
                {
                    "WAIT_BUYER_PAY": PaymentOutcome.PENDING,
                    "TRADE_SUCCESS": PaymentOutcome.PAID,
                    "TRADE_FINISHED": PaymentOutcome.PAID,
                    "TRADE_CLOSED": PaymentOutcome.CLOSED,
                },
            ),
            (
                alipay_module.REFUND_RESULTS,
                {
                    "10000": RefundOutcome.SUCCEEDED,
                    "40004": RefundOutcome.FAILED,
                },
            ),
            (
                sandbox_module.TRADE_STATUSES,
                {
                    "NOTPAY": PaymentOutcome.PENDING,
                    "SUCCESS": PaymentOutcome.PAID,
                    "PAYERROR": PaymentOutcome.FAILED,
                    "CLOSED": PaymentOutcome.CLOSED,
                },
            ),
            (
                sandbox_module.REFUND_STATUSES,
                {
                    "SUCCESS": RefundOutcome.SUCCEEDED,
                    "PROCESSING": RefundOutcome.PROCESSING,
                    "FAILED": RefundOutcome.FAILED,
                },
            ),
        ],
    )
    def test_each_vendor_code_maps_as_documented(self, table, expected) -> None:
        assert table == expected

    def test_only_paid_codes_can_move_an_order(self) -> None:
        for table in (
            wechatpay_module.TRADE_STATES,
            alipay_module.TRADE_STATUSES,
            sandbox_module.TRADE_STATUSES,
        ):
            paid = {code for code, outcome in table.items() if outcome is PaymentOutcome.PAID}
            assert paid <= {"SUCCESS", "REFUND", "TRADE_SUCCESS", "TRADE_FINISHED"}


class TestRegistries:
    def test_every_provider_is_registered_under_its_name(self) -> None:
        assert {name: cls.name for name, cls in PROVIDERS.items()} == {
            "wechatpay": "wechatpay",
            "alipay": "alipay",
            "sandbox": "sandbox",
        }

    def test_every_purpose_has_a_fulfiller(self) -> None:
        assert registered_purposes() == set(Purpose)
