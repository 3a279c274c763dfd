"""The sandbox: sends nothing, records each message in `SandboxMessage` so developers can read
it (`govhub notify outbox`, `GET /dev/notify`, `GET /dev/sms`). Refused in production."""

from __future__ import annotations

from notify import repository
from notify.kinds import Kind
from notify.providers.base import Outcome, OutgoingMessage, SendResult

# The sandbox accepts everything; the table is here so every provider has one.
RESULTS: dict[str, Outcome] = {"recorded": Outcome.SENT}


class SandboxProvider:
    name = "sandbox"

    def __init__(self, kind: Kind) -> None:
        self.kind = kind

    async def try_send(self, message: OutgoingMessage) -> SendResult:
        rendered = message.rendered
        text = rendered.sms_text() if self.kind == Kind.SMS else rendered.text
        record_id = await repository.record_sandbox_message(
            self.kind.value, message.recipient.masked, rendered.template.event.value, text
        )
        return SendResult(RESULTS["recorded"], "recorded", f"sandbox-{record_id}")


class SandboxSmsProvider(SandboxProvider):
    """The sandbox for SMS, which the app sign-in uses by default."""

    def __init__(self) -> None:
        super().__init__(Kind.SMS)
