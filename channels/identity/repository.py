"""Every query of the identity tables (citizens, channel accounts, sessions, refresh tokens),
and the key rotation's walk over each table holding personal-data ciphertexts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.models import Model

from channels.identity.models import AuthSession, ChannelAccount, Citizen, RefreshToken

# Citizens and channel accounts


async def citizen_by_id(citizen_id: int) -> Citizen | None:
    return await Citizen.get_or_none(id=citizen_id)


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
