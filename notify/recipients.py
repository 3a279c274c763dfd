"""Where a resident can be reached for each kind, looked up when a message is sent (so no
address is copied into the outbox): their channel accounts and phone come from identity, push
devices from notify's own table."""

from __future__ import annotations

from channels.identity import repository as identity_repository
from channels.identity.service import identity
from notify import repository
from notify.kinds import Kind
from notify.providers.base import Recipient


async def resolve(citizen_id: int | None, kind: Kind) -> Recipient | None:
    """The resident's address for `kind`, or None when they have none."""
    if citizen_id is None:
        return None
    if kind == Kind.SMS:
        return await _phone(citizen_id)
    if kind == Kind.PUSH:
        device = await repository.latest_device(citizen_id)
        return None if device is None else Recipient(kind, device.token, locale=device.locale)
    return await _channel_account(citizen_id, kind)


async def _phone(citizen_id: int) -> Recipient | None:
    citizen = await identity_repository.citizen_by_id(citizen_id)
    phone = None if citizen is None else identity.phone_of(citizen)
    return None if phone is None else Recipient(Kind.SMS, phone)


async def _channel_account(citizen_id: int, kind: Kind) -> Recipient | None:
    """The account on the platform of `kind` the resident signed in with most recently."""
    accounts = [
        a
        for a in await identity_repository.channel_accounts_of(citizen_id)
        if a.channel == kind.value
    ]
    if not accounts:
        return None
    latest = max(accounts, key=lambda a: (a.last_sign_in_at is not None, a.last_sign_in_at, a.id))
    return Recipient(kind, latest.external_id, app_id=latest.app_id)
