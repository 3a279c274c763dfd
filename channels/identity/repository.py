"""Every query of the identity tables (citizens, channel accounts, sessions, refresh tokens),
and the key rotation's walk over each table holding personal-data ciphertexts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.models import Model

from channels.identity.models import AuthSession, ChannelAccount, Citizen, RefreshToken
from gateway.models import AuditLog
from notify.models import Notification, OptOut, PushDevice, SubscribeConsent
from payments.models import PaymentOrder
from services.applications.models import Application, LibraryField, LibraryMaterial, StoredFile
from services.appointments.models import Appointment, AppointmentStatus, BookingBlock
from services.bills.models import BillPayment, BoundAccount, Receipt
from services.consultations.models import Case
from services.demands.models import FeeDemand
from services.queue.models import OPEN_STATUSES, QueueEvent, Ticket, TicketStatus
from services.ratings.models import Rating
from services.traffic.models import FinePayment

# Citizens and channel accounts


async def citizen_by_id(citizen_id: int) -> Citizen | None:
    return await Citizen.get_or_none(id=citizen_id)


async def citizens_by_ids(citizen_ids: Sequence[int]) -> list[Citizen]:
    return await Citizen.filter(id__in=list(citizen_ids))


async def citizen_by_phone_hash(candidates: Sequence[str]) -> Citizen | None:
    return await Citizen.filter(phone_hash__in=list(candidates)).first()


async def citizen_by_id_number_hash(candidates: Sequence[str]) -> Citizen | None:
    return await Citizen.filter(id_number_hash__in=list(candidates)).first()


async def create_citizen(**values: Any) -> Citizen:
    return await Citizen.create(**values)


async def save_citizen(citizen: Citizen, *fields: str) -> None:
    await citizen.save(update_fields=[*fields, "updated_at"])


async def channel_account(
    channel: str, app_id: str, external_ids: Sequence[str]
) -> ChannelAccount | None:
    return (
        await ChannelAccount.filter(
            channel=channel, app_id=app_id, external_id__in=list(external_ids)
        )
        .select_related("citizen")
        .first()
    )


async def account_with_unionid(unionid: str) -> ChannelAccount | None:
    return (
        await ChannelAccount.filter(unionid=unionid)
        .select_related("citizen")
        .order_by("id")
        .first()
    )


async def create_channel_account(citizen: Citizen, **values: Any) -> ChannelAccount:
    return await ChannelAccount.create(citizen=citizen, **values)


async def save_channel_account(account: ChannelAccount, *fields: str) -> None:
    await account.save(update_fields=list(fields))


async def external_id_in_app(citizen_id: int, app_id: str) -> str | None:
    """The citizen's id in one app (an openid, an Alipay user id); the newest if several."""
    account = (
        await ChannelAccount.filter(citizen_id=citizen_id, app_id=app_id).order_by("-id").first()
    )
    return None if account is None else account.external_id


async def channel_accounts_of(citizen_id: int) -> list[ChannelAccount]:
    return await ChannelAccount.filter(citizen_id=citizen_id).order_by("id")


async def delete_channel_account(citizen_id: int, account_id: int) -> int:
    return await ChannelAccount.filter(citizen_id=citizen_id, id=account_id).delete()


# Key rotation: every table holding data-key ciphertexts, identity's or not


async def iterate_sealed(
    model: type[Model], columns: Sequence[str], batch: int
) -> AsyncIterator[list[Model]]:
    """The table's rows holding a value in any of the columns, by primary key, a batch at a
    time."""
    pk = model._meta.pk_attr
    not_null: dict[str, Any] = {f"{column}__isnull": False for column in columns}
    holding = Q(join_type=Q.OR, **not_null)
    query = model.filter(holding)
    while rows := await query.order_by(pk).limit(batch):
        yield rows
        query = model.filter(holding, **{f"{pk}__gt": rows[-1].pk})


async def update_if_unchanged(
    model: type[Model], pk: Any, read: dict[str, Any], written: dict[str, Any]
) -> bool:
    """Writes the columns unless a column in `read` no longer holds the value read: a row
    written meanwhile keeps what its writer put there."""
    return bool(await model.filter(pk=pk, **read).update(**written))


# Sessions and refresh tokens


async def create_session(
    session_id: str, subject_type: str, subject_id: int, channel: str | None
) -> AuthSession:
    return await AuthSession.create(
        id=session_id, subject_type=subject_type, subject_id=subject_id, channel=channel
    )


async def revoke_session(session_id: str, at: datetime, reason: str) -> int:
    return await AuthSession.filter(id=session_id, revoked_at__isnull=True).update(
        revoked_at=at, revoked_reason=reason
    )


async def create_refresh_token(session_id: str, token_hash: str, expires_at: datetime) -> None:
    await RefreshToken.create(session_id=session_id, token_hash=token_hash, expires_at=expires_at)


async def refresh_token_by_hash(token_hash: str) -> RefreshToken | None:
    return await RefreshToken.filter(token_hash=token_hash).select_related("session").first()


async def mark_refresh_token_used(token_id: int, at: datetime) -> bool:
    """True when this call used the token; False when it had been used already."""
    updated = await RefreshToken.filter(id=token_id, used_at__isnull=True).update(used_at=at)
    return updated == 1


async def lock_citizen(citizen_id: int) -> Citizen | None:
    """The citizen row, locked until the enclosing transaction ends (PostgreSQL)."""
    return await Citizen.filter(id=citizen_id).select_for_update().first()


# Merging two citizens: every table naming a citizen, across capabilities

# Tables whose citizen column may simply be rewritten (no uniqueness includes it).
PLAIN_CITIZEN_REFERENCES: tuple[tuple[type[Model], str], ...] = (
    (ChannelAccount, "citizen_id"),
    (Application, "citizen_id"),
    (Case, "citizen_id"),
    (Rating, "citizen_id"),  # unique per matter, not per citizen
    (StoredFile, "citizen_id"),
    (FeeDemand, "paid_by_citizen_id"),
    (BookingBlock, "citizen_id"),
    (Ticket, "citizen_id"),
    (QueueEvent, "citizen_id"),
    (BillPayment, "citizen_id"),
    (Receipt, "citizen_id"),
    (FinePayment, "citizen_id"),
    (PaymentOrder, "citizen_id"),
    (Notification, "citizen_id"),
    (PushDevice, "citizen_id"),
)
# Tables unique per citizen and some other columns: the kept citizen's row wins.
UNIQUE_CITIZEN_REFERENCES: tuple[tuple[type[Model], tuple[str, ...]], ...] = (
    (BoundAccount, ("company", "account_no")),
    (SubscribeConsent, ("channel", "event")),
    (OptOut, ("category",)),
    (LibraryMaterial, ("material_code",)),
    (LibraryField, ("name",)),
)


async def _drop_duplicates(
    model: type[Model], columns: Sequence[str], absorbed_id: int, kept_id: int
) -> int:
    kept_keys = {tuple(row) for row in await model.filter(citizen_id=kept_id).values_list(*columns)}
    dropped = 0
    for row in await model.filter(citizen_id=absorbed_id):
        if tuple(getattr(row, c) for c in columns) in kept_keys:
            await row.delete()
            dropped += 1
    return dropped


async def _close_clashing_bookings(absorbed_id: int, kept_id: int, at: datetime) -> None:
    """One active booking per citizen, item and day: the absorbed one's duplicate is cancelled."""
    kept = set(
        await Appointment.filter(citizen_id=kept_id, active_day__isnull=False).values_list(
            "item_id", "active_day"
        )
    )
    for booking in await Appointment.filter(citizen_id=absorbed_id, active_day__isnull=False):
        if (booking.item_id, booking.active_day) in kept:
            booking.active_day, booking.status = None, AppointmentStatus.CANCELLED
            booking.cancelled_at = at
            await booking.save(update_fields=["active_day", "status", "cancelled_at"])


async def _close_clashing_tickets(absorbed_id: int, kept_id: int, at: datetime) -> None:
    """One open number per citizen, queue and day: the absorbed one's duplicate is cancelled."""
    kept = set(await Ticket.filter(active_citizen_id=kept_id).values_list("queue_id", "day"))
    for ticket in await Ticket.filter(active_citizen_id=absorbed_id):
        if (ticket.queue_id, ticket.day) in kept and ticket.status in OPEN_STATUSES:
            ticket.status, ticket.active_citizen_id = TicketStatus.CANCELLED, None
            ticket.finished_at = at
            await ticket.save(update_fields=["status", "active_citizen_id", "finished_at"])
    await Ticket.filter(active_citizen_id=absorbed_id).update(active_citizen_id=kept_id)


async def move_citizen_rows(absorbed_id: int, kept_id: int) -> dict[str, int]:
    """Rewrites every row naming `absorbed_id` to `kept_id`; answers the rows moved per table."""
    now = datetime.now(UTC)
    moved: dict[str, int] = {}
    for unique_model, columns in UNIQUE_CITIZEN_REFERENCES:
        await _drop_duplicates(unique_model, columns, absorbed_id, kept_id)
    await _close_clashing_bookings(absorbed_id, kept_id, now)
    await _close_clashing_tickets(absorbed_id, kept_id, now)
    every: list[tuple[type[Model], str]] = [
        *PLAIN_CITIZEN_REFERENCES,
        *((model, "citizen_id") for model, _ in UNIQUE_CITIZEN_REFERENCES),
        (Appointment, "citizen_id"),
    ]
    for referencing, column in every:
        model = referencing
        count = await model.filter(**{column: absorbed_id}).update(**{column: kept_id})
        moved[model._meta.db_table] = moved.get(model._meta.db_table, 0) + count
    return moved


def carry_personal_data(absorbed: Citizen, kept: Citizen) -> list[str]:
    """Copies onto `kept` the phone and real-name state only `absorbed` has; answers the
    columns changed."""
    changed: list[str] = []
    if kept.phone_hash is None and absorbed.phone_hash is not None:
        kept.phone_cipher, kept.phone_hash = absorbed.phone_cipher, absorbed.phone_hash
        changed += ["phone_cipher", "phone_hash"]
    if kept.id_number_hash is None and absorbed.id_number_hash is not None:
        kept.id_number_cipher, kept.id_number_hash = (
            absorbed.id_number_cipher,
            absorbed.id_number_hash,
        )
        kept.name_cipher = absorbed.name_cipher
        kept.real_name_verified_at = absorbed.real_name_verified_at
        kept.real_name_provider = absorbed.real_name_provider
        changed += [
            "id_number_cipher",
            "id_number_hash",
            "name_cipher",
            "real_name_verified_at",
            "real_name_provider",
        ]
    if absorbed.level > kept.level:
        kept.level = absorbed.level
        changed.append("level")
    return changed


async def delete_citizen(citizen_id: int) -> None:
    await Citizen.filter(id=citizen_id).delete()


async def live_sessions_of(subject_type: str, subject_id: int) -> list[str]:
    return [
        str(sid)
        for sid in await AuthSession.filter(
            subject_type=subject_type, subject_id=subject_id, revoked_at__isnull=True
        ).values_list("id", flat=True)
    ]


async def audit_merge(kept_id: int, absorbed_id: int, reason: str, moved: dict[str, int]) -> None:
    await AuditLog.create(
        at=datetime.now(UTC),
        request_id="",
        channel="",
        actor_type="system",
        actor_id=kept_id,
        service="account",
        action="merge-citizens",
        outcome=reason,
        status=200,
        latency_ms=0.0,
        client_ip="",
        params={"kept_id": kept_id, "absorbed_id": absorbed_id, "moved": moved},
    )
