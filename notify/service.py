"""Sending notifications. Only SMS for now; the outbox with retries comes with the channels."""

from __future__ import annotations

import logging
import time
from functools import lru_cache

from config.settings import get_settings
from gateway.codes import Code
from gateway.errors import GovError
from gateway.masking import mask_phone
from notify.providers.sms import SMS_PROVIDERS, SmsProvider, SmsSendError
from notify.settings import sms_settings
from notify.templates import render_sms

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def sms_provider() -> SmsProvider:
    name = sms_settings().provider
    factory = SMS_PROVIDERS.get(name)
    if factory is None:
        raise RuntimeError(f"GOVHUB_SMS_PROVIDER: unknown provider {name!r}")
    if name == "sandbox" and get_settings().is_production:
        # the sandbox keeps codes readable in the database and sends nothing
        raise RuntimeError("GOVHUB_SMS_PROVIDER: the sandbox provider is refused in production")
    return factory()


async def send_sms(
    phone: str, template_code: str, params: dict[str, str], provider: SmsProvider | None = None
) -> str:
    """Sends one SMS now; times and logs the outcome once, whichever provider carries it."""
    render_sms(template_code, params)  # unknown template or missing parameter: fail before sending
    provider = provider or sms_provider()
    started = time.perf_counter()
    try:
        message_id = await provider.send(phone, template_code, params)
    except SmsSendError as exc:
        logger.warning(
            "sms %s to %s via %s failed: %s", template_code, mask_phone(phone), provider.name, exc
        )
        raise GovError(Code.SERVICE_UNAVAILABLE) from exc
    logger.info(
        "sms %s to %s via %s sent as %s in %.1f ms",
        template_code,
        mask_phone(phone),
        provider.name,
        message_id,
        (time.perf_counter() - started) * 1000,
    )
    return message_id
