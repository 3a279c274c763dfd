"""SMS providers: the kind the app sign-in sends its codes with. The registry and the contract
are those of every provider (`notify.providers`); this module names the SMS part of them."""

from __future__ import annotations

from notify.kinds import Kind
from notify.providers import PROVIDERS, ProviderFactory
from notify.providers.base import NotificationProvider
from notify.providers.sandbox import SandboxSmsProvider

SmsProvider = NotificationProvider
SMS_PROVIDERS: dict[str, ProviderFactory] = PROVIDERS[Kind.SMS]

__all__ = ["SMS_PROVIDERS", "SandboxSmsProvider", "SmsProvider"]
