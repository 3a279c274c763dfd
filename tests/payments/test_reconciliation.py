"""Reconciliation: statements in the platforms' real file formats, matched against the ledger.

Each kind of break is found and nothing else; a day run again keeps its cases; staff resolve
them through the gateway with their permission; the platforms are faked at the HTTP boundary.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI

from gateway.codes import Code
from gateway.schemas import ServiceRequest, ServiceResult, StaffPrincipal
from payments import providers
from payments.models import PaymentOrder
from payments.providers.common import CHINA_TIME
from payments.providers.sandbox import PlatformKeys, SandboxProvider
from payments.reconciliation import service as reconciliation
from payments.reconciliation.formats import alipay, wechatpay
from payments.reconciliation.matching import LedgerEntry, match
from payments.reconciliation.models import (
    BreakKind,
    BreakStatus,
    ReconciliationBreak,
    RunState,
)
from payments.reconciliation.statements import LineKind, StatementInvalid, StatementLine
from payments.service import service, utcnow
from payments.states import Purpose, RefundState, TradeType
from tests.payments.conftest import open_order
from tests.payments.helpers import FakeAlipay, FakeWeChatPay
from tests.payments.statement_files import Trade, alipay_bill, wechat_bill

DAY = date(2026, 11, 24)
SECRET = "test-secret-key-for-the-suite-only-000000000000"  # as tests/conftest.py sets it
RECONCILE = frozenset({"payments.reconcile"})


class TestFormats:
    def test_wechat_all_bill_gives_payments_and_refunds_without_backquotes(self) -> None:
        bill = wechat_bill(
            DAY,
            [
                Trade("GH00000000000000000001", 1234, fee_fen=7),
                Trade("GH00000000000000000001", 234, "R1"),
            ],
        )
        payment, refund = wechatpay.parse(bill).lines
        assert (payment.kind, payment.out_trade_no, payment.amount_fen, payment.fee_fen) == (
            LineKind.PAYMENT,
            "GH00000000000000000001",
            1234,
            7,
        )
        assert payment.status == "SUCCESS"
        assert payment.occurred_at is not None
        assert payment.occurred_at.utcoffset() == timedelta(hours=8)
        assert (refund.kind, refund.out_refund_no, refund.amount_fen) == (
            LineKind.REFUND,
            "R1",
            234,
        )

    def test_wechat_bill_cut_short_is_refused(self) -> None:
        with pytest.raises(StatementInvalid, match="counts 3"):
            wechatpay.parse(wechat_bill(DAY, [Trade("GH01", 100)], count=3))
        with pytest.raises(StatementInvalid, match="summary"):
            wechatpay.parse(wechat_bill(DAY, [Trade("GH01", 100)]).rsplit(b"\r\n", 3)[0])

    def test_wechat_bill_with_nothing_that_day_has_no_lines(self) -> None:
        assert wechatpay.parse(wechat_bill(DAY, [])).lines == []

    def test_alipay_zip_of_gbk_files_gives_payments_and_refunds(self) -> None:
        bill = alipay_bill(
            DAY,
            [
                Trade("GH00000000000000000002", 5000, fee_fen=30),
                Trade("GH00000000000000000002", 1500, "RA1"),
            ],
        )
        payment, refund = alipay.parse(bill).lines
        assert (payment.kind, payment.amount_fen, payment.fee_fen, payment.status) == (
            LineKind.PAYMENT,
            5000,
            30,
            "交易",
        )
        assert payment.out_trade_no == "GH00000000000000000002"  # tab and spaces stripped
        assert (refund.kind, refund.out_refund_no, refund.amount_fen) == (
            LineKind.REFUND,
            "RA1",
            1500,
        )

    def test_alipay_totals_that_disagree_with_the_rows_are_refused(self) -> None:
        with pytest.raises(StatementInvalid, match="totals 2 trades"):
            alipay.parse(alipay_bill(DAY, [Trade("GH02", 100)], totals=(2, 0)))
        with pytest.raises(StatementInvalid, match="zip"):
            alipay.parse(b"not a zip")


def entry(no: str, fen: int, settled: bool = True, refund: str = "") -> LedgerEntry:
    kind = LineKind.REFUND if refund else LineKind.PAYMENT
    return LedgerEntry(kind, no, fen, "paid" if settled else "closed", settled, refund)


def line(no: str, fen: int, status: str = "SUCCESS", refund: str = "") -> StatementLine:
    return StatementLine(LineKind.REFUND if refund else LineKind.PAYMENT, no, fen, status, refund)


class TestMatching:
    def test_each_kind_of_break_is_found_and_nothing_else(self) -> None:
        ours = [
            entry("A", 100),  # matches
            entry("A", 40, refund="RA"),  # matches
            entry("B", 200),  # not on the statement
            entry("C", 300),  # another amount there
            entry("D", 400, settled=False),  # closed here, paid there
        ]
        theirs = [
            line("A", 100),
            line("A", 40, refund="RA"),
            line("C", 310),
            line("D", 400),
            line("E", 500),  # not in our ledger
            line("F", 600, status="REVOKED"),  # money did not move: no break
        ]
        breaks = match(theirs, ours, {e.key: e for e in ours})
        assert sorted((b.kind, b.out_trade_no) for b in breaks) == [
            (BreakKind.AMOUNT_DIFFERS, "C"),
            (BreakKind.MISSING_OURS, "E"),
            (BreakKind.MISSING_THEIRS, "B"),
            (BreakKind.STATE_DIFFERS, "D"),
        ]
        differs = next(b for b in breaks if b.kind is BreakKind.AMOUNT_DIFFERS)
        assert (differs.ours_fen, differs.theirs_fen) == (300, 310)

    def test_a_line_settled_on_the_day_before_by_our_clock_is_matched(self) -> None:
        yesterday = entry("G", 700)
        assert match([line("G", 700)], [], {yesterday.key: yesterday}) == []


async def paid_wechat_order(wechat: FakeWeChatPay, amount_fen: int) -> tuple[str, date]:
    start = await open_order(
        "wechatpay",
        TradeType.JSAPI,
        amount_fen=amount_fen,
        payer_id="oOA",
        reference=f"fee-{amount_fen}",
        purpose=Purpose.FEE,
    )
    wechat.pay(start.out_trade_no)
    await service.expire_due(utcnow() + timedelta(minutes=16))  # asks the platform, finds paid
    order = await PaymentOrder.get(out_trade_no=start.out_trade_no)
    assert order.paid_at is not None
    return start.out_trade_no, order.paid_at.astimezone(CHINA_TIME).date()


class TestWeChatPayDay:
    @pytest.mark.asyncio
    async def test_a_day_with_breaks_then_corrected_and_resolved(
        self, wechat: FakeWeChatPay, app: FastAPI
    ) -> None:
        matched, day = await paid_wechat_order(wechat, 1000)
        missing, _ = await paid_wechat_order(wechat, 2000)
        statement = [Trade(matched, 1000), Trade("GH99999999999999999999", 300)]
        wechat.statements[day.isoformat()] = wechat_bill(day, statement)

        (run,) = await reconciliation.reconcile(day, "wechatpay")
        assert run.state is RunState.BREAKS
        assert (run.statement_lines, run.ledger_entries, run.open_breaks) == (2, 2, 2)
        assert (run.their_payments_fen, run.our_payments_fen) == (1300, 3000)
        found = {b.kind: b for b in await ReconciliationBreak.filter(day=day)}
        assert set(found) == {BreakKind.MISSING_OURS, BreakKind.MISSING_THEIRS}
        assert found[BreakKind.MISSING_THEIRS].out_trade_no == missing

        # The platform's corrected file lists our order: that break clears, the other stays.
        statement.append(Trade(missing, 2000))
        wechat.statements[day.isoformat()] = wechat_bill(day, statement)
        (again,) = await reconciliation.reconcile(day, "wechatpay")
        assert again.id == run.id
        assert again.open_breaks == 1
        cleared = await ReconciliationBreak.get(id=found[BreakKind.MISSING_THEIRS].id)
        assert cleared.status is BreakStatus.CLEARED
        assert await ReconciliationBreak.filter(day=day).count() == 2  # no case duplicated

        refused = await as_staff(app, "breaks", {}, frozenset({"payments.refund"}))
        assert refused.code == Code.PERMISSION_DENIED

        page = await answer(app, "breaks", {"day": day.isoformat()})
        (open_break,) = page["items"]
        assert open_break["kind"] == "missing_ours"
        assert page["next_cursor"] is None
        resolved = await answer(
            app, "resolve", {"break_id": open_break["id"], "resolution": "外单，已退回付款人"}
        )
        assert resolved["status"] == "resolved"
        assert resolved["resolved_by"] == "cashier"
        twice = await as_staff(
            app, "resolve", {"break_id": open_break["id"], "resolution": "again"}
        )
        assert twice.code == Code.RECONCILIATION_BREAK_CLOSED
        runs = await answer(app, "runs", {"from": day.isoformat(), "to": day.isoformat()})
        assert [r["open_breaks"] for r in runs["runs"]] == [0]

    @pytest.mark.asyncio
    async def test_a_statement_that_cannot_be_had_fails_the_run_and_opens_no_case(
        self, wechat: FakeWeChatPay
    ) -> None:
        (run,) = await reconciliation.reconcile(DAY, "wechatpay")
        assert run.state is RunState.FAILED
        assert run.error
        assert "NO_STATEMENT_EXIST" in run.error
        assert await ReconciliationBreak.all().count() == 0


class TestAlipayDay:
    @pytest.mark.asyncio
    async def test_payment_and_refund_match_to_the_fen(self, alipay: FakeAlipay) -> None:
        start = await open_order(
            "alipay", TradeType.MINIPROGRAM, amount_fen=1234, payer_id="2088", purpose=Purpose.FEE
        )
        alipay.pay(start.out_trade_no)
        await service.expire_due(utcnow() + timedelta(minutes=16))
        await service.refund(start.out_trade_no, 234, "RA1", "overcharge")
        order = await PaymentOrder.get(out_trade_no=start.out_trade_no)
        assert order.paid_at is not None
        day = order.paid_at.astimezone(CHINA_TIME).date()
        trades = [Trade(start.out_trade_no, 1234, fee_fen=7), Trade(start.out_trade_no, 234, "RA1")]
        alipay.statements[day.isoformat()] = alipay_bill(day, trades)
        (run,) = await reconciliation.reconcile(day, "alipay")
        assert run.state is RunState.MATCHED, [
            (b.kind, b.out_trade_no, b.out_refund_no, b.their_state)
            for b in await ReconciliationBreak.all()
        ]
        assert (run.their_payments_fen, run.their_refunds_fen, run.their_fees_fen) == (1234, 234, 7)
        assert (run.our_payments_fen, run.our_refunds_fen) == (1234, 234)


async def as_staff(
    app: FastAPI, action: str, params: dict[str, Any], permissions: frozenset[str] = RECONCILE
) -> ServiceResult:
    principal = StaffPrincipal(1, "cashier", permissions, (), "session")
    request = ServiceRequest(
        "reconciliation", action, params, principal=principal, client_ip="10.0.0.2"
    )
    result: ServiceResult = await app.state.gateway.invoke(request)
    return result


async def answer(app: FastAPI, action: str, params: dict[str, Any]) -> dict[str, Any]:
    result = await as_staff(app, action, params)
    assert result.code == "OK", result.message
    data: dict[str, Any] = result.data
    return data


class TestSandboxDay:
    @pytest.mark.asyncio
    async def test_the_sandbox_keeps_its_trades_across_a_restart_and_reconciles_its_day(
        self, sandbox: SandboxProvider, app: FastAPI
    ) -> None:
        start = await open_order(amount_fen=5000, reference="fee-sbx", purpose=Purpose.FEE)
        await sandbox.settle(start.out_trade_no, succeed=True)
        await service.apply_payment_report(
            "sandbox", await sandbox.query(start.out_trade_no), "notify"
        )
        restarted = SandboxProvider("http://govhub.test", 300, PlatformKeys.generate())
        previous = providers.active().install(restarted)  # a new process: nothing in memory
        try:
            refund = await service.refund(start.out_trade_no, 1200, "RS1", "overpaid")
            assert refund.state == RefundState.SUCCEEDED
            order = await PaymentOrder.get(out_trade_no=start.out_trade_no)
            assert order.paid_at is not None
            day = order.paid_at.astimezone(CHINA_TIME).date()
            (run,) = await reconciliation.reconcile(day, "sandbox")
            assert run.state is RunState.MATCHED
            assert (run.statement_lines, run.their_payments_fen, run.their_refunds_fen) == (
                2,
                5000,
                1200,
            )
        finally:
            assert previous is not None
            providers.active().install(previous)
