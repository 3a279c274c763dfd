"""Setting departments up: creating one with its webhook, issuing and revoking API keys. Used
by `govhub demands …` and the demo seed."""

from __future__ import annotations

from datetime import UTC, datetime

from channels.identity.crypto import seal_text
from services import apikeys
from services.demands import keys
from services.demands.models import WEBHOOK_SECRET, Department, DepartmentKey, KeyMode


async def add_department(code: str, name: str, webhook_url: str | None) -> tuple[Department, str]:
    """The department and its webhook signing secret (shown once)."""
    secret = keys.new_webhook_secret()
    department = await Department.create(
        code=code,
        name=name,
        webhook_url=webhook_url,
        webhook_secret=seal_text(secret, WEBHOOK_SECRET),
    )
    return department, secret


async def set_webhook(department: Department, url: str | None) -> None:
    department.webhook_url = url
    await department.save(update_fields=["webhook_url"])


async def issue_key(department: Department, mode: KeyMode) -> str:
    issued = keys.issue_key(mode)
    await DepartmentKey.create(
        department=department, key_id=issued.key_id, secret_hash=issued.secret_hash, mode=mode
    )
    return issued.text


async def install_key(department: Department, text: str) -> None:
    """Stores a key given in full (the documented demo key)."""
    presented = keys.parse_key(text)
    assert presented is not None, "not a key"
    await DepartmentKey.get_or_create(
        key_id=presented.key_id,
        defaults={
            "department": department,
            "secret_hash": apikeys.secret_hash(presented.secret),
            "mode": presented.mode,
        },
    )


async def revoke_key(key_id: str) -> bool:
    return bool(
        await DepartmentKey.filter(key_id=key_id, revoked_at=None).update(
            revoked_at=datetime.now(UTC)
        )
    )
