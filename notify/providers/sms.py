"""SMS providers: the contract, the registry and the sandbox.

A vendor is a new module with a class that fits `SmsProvider`, added to `SMS_PROVIDERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from gateway.masking import mask_phone
from notify import repository
from notify.templates import render_sms


class SmsSendError(RuntimeError):
    """The provider refused or could not be reached; the message was not sent."""


class SmsProvider(Protocol):
    """Sends one templated SMS through one vendor."""

    name: str

    async def send(self, phone: str, template_code: str, params: dict[str, str]) -> str:
        """Sends the template `template_code` filled with `params` to a mainland mobile number.

        `phone` is 11 digits, already checked. Returns the vendor's message id. Raises
        `SmsSendError` when the vendor refused the message or could not be reached.
        """
        ...


class SandboxSmsProvider:
    """Sends nothing: records the text in `SandboxMessage` for `govhub notify outbox`."""

    name = "sandbox"

    async def send(self, phone: str, template_code: str, params: dict[str, str]) -> str:
        text = render_sms(template_code, params)
        message_id = await repository.record_sandbox_message(mask_phone(phone), template_code, text)
        return f"sandbox-{message_id}"


SMS_PROVIDERS: dict[str, Callable[[], SmsProvider]] = {
    "sandbox": SandboxSmsProvider,
}
