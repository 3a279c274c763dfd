"""Small helpers every provider shares: money formats, China time, freshness, answers."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

import orjson

from payments.providers.base import Acknowledgement, NotificationRejected

CHINA_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")


def fen_to_yuan(amount_fen: int) -> str:
    """1234 → "12.34", the format Alipay wants."""
    return f"{amount_fen // 100}.{amount_fen % 100:02d}"


def yuan_to_fen(text: str) -> int:
    """ "12.34" → 1234; anything with more than two decimals or not a number is refused."""
    try:
        value = Decimal(text)
    except (InvalidOperation, TypeError):
        raise ValueError(f"not an amount: {text!r}") from None
    fen = value * 100
    if fen != fen.to_integral_value() or fen < 0:
        raise ValueError(f"not an amount in fen: {text!r}")
    return int(fen)


def still_accepted(until: datetime | None, now: datetime | None = None) -> bool:
    """Whether a previous platform key is still accepted: during a rotation the old and the new
    key both verify until the window closes at `until`."""
    if until is None:
        return False
    moment = now or datetime.now(UTC)
    limit = until if until.tzinfo else until.replace(tzinfo=UTC)
    return moment < limit


def china_time(moment: datetime) -> datetime:
    return moment.astimezone(CHINA_TIME)


def check_fresh(timestamp: str, max_skew: int, now: float | None = None) -> None:
    """Refuses a signed timestamp further than `max_skew` seconds from our clock (replays)."""
    try:
        signed_at = int(timestamp)
    except ValueError:
        raise NotificationRejected("timestamp is not a number") from None
    current = time.time() if now is None else now
    if abs(current - signed_at) > max_skew:
        raise NotificationRejected(f"timestamp {signed_at} is {int(current - signed_at)} s off")


def json_acknowledgement(accepted: bool, reason: str) -> Acknowledgement:
    """WeChat Pay v3 style: 204 when taken, otherwise a 4xx with `{"code": "FAIL"}`."""
    if accepted:
        return Acknowledgement(status=204)
    return Acknowledgement(
        status=400,
        body=orjson.dumps({"code": "FAIL", "message": reason or "rejected"}),
        media_type="application/json",
    )


def form_acknowledgement(accepted: bool) -> Acknowledgement:
    """Alipay style: the plain text `success` when taken, anything else asks again."""
    if accepted:
        return Acknowledgement(status=200, body=b"success", media_type="text/plain")
    return Acknowledgement(status=400, body=b"fail", media_type="text/plain")
