"""Every provider, by kind and by the name a setting chooses it with. A new provider is a new
module and one line here.

Which name is used for each kind: `GOVHUB_NOTIFY_WECHAT_OA_PROVIDER`, `…_WECHAT_MP_PROVIDER`,
`…_ALIPAY_MP_PROVIDER`, `…_PUSH_PROVIDER` and `GOVHUB_SMS_PROVIDER`; `sandbox` by default.
"""

from __future__ import annotations

from collections.abc import Callable

from config.settings import get_settings
from notify.kinds import Kind
from notify.providers.alipay_subscribe import AlipaySubscribeProvider
from notify.providers.aliyun_sms import AliyunSmsProvider
from notify.providers.app_push import WebhookPushProvider
from notify.providers.base import NotificationProvider
from notify.providers.sandbox import SandboxProvider, SandboxSmsProvider
from notify.providers.tencent_sms import TencentSmsProvider
from notify.providers.wechat_subscribe import WeChatSubscribeProvider
from notify.providers.wechat_template import WeChatTemplateProvider
from notify.settings import notify_settings, sms_settings

ProviderFactory = Callable[[], NotificationProvider]


def _sandbox(kind: Kind) -> ProviderFactory:
    return lambda: SandboxProvider(kind)


PROVIDERS: dict[Kind, dict[str, ProviderFactory]] = {
    Kind.WECHAT_OA: {
        "sandbox": _sandbox(Kind.WECHAT_OA),
        "wechat": WeChatTemplateProvider.from_settings,
    },
    Kind.WECHAT_MP: {
        "sandbox": _sandbox(Kind.WECHAT_MP),
        "wechat": WeChatSubscribeProvider.from_settings,
    },
    Kind.ALIPAY_MP: {
        "sandbox": _sandbox(Kind.ALIPAY_MP),
        "alipay": AlipaySubscribeProvider.from_settings,
    },
    Kind.PUSH: {"sandbox": _sandbox(Kind.PUSH), "webhook": WebhookPushProvider.from_settings},
    Kind.SMS: {
        "sandbox": SandboxSmsProvider,
        "aliyun": AliyunSmsProvider.from_settings,
        "tencent": TencentSmsProvider.from_settings,
    },
}


class ProviderUnavailable(RuntimeError):
    """The configured provider of a kind is unknown, refused or lacks its settings."""


def configured_name(kind: Kind) -> str:
    settings = notify_settings()
    return {
        Kind.WECHAT_OA: settings.wechat_oa_provider,
        Kind.WECHAT_MP: settings.wechat_mp_provider,
        Kind.ALIPAY_MP: settings.alipay_mp_provider,
        Kind.PUSH: settings.push_provider,
        Kind.SMS: sms_settings().provider,
    }[kind]


def configured_provider(kind: Kind) -> NotificationProvider:
    """The provider the settings choose for `kind`; the sandbox is refused in production, where
    it would swallow messages residents wait for."""
    name = configured_name(kind)
    factory = PROVIDERS[kind].get(name)
    if factory is None:
        raise ProviderUnavailable(f"{kind.value}: unknown provider {name!r}")
    if name == "sandbox" and get_settings().is_production:
        raise ProviderUnavailable(f"{kind.value}: the sandbox provider is refused in production")
    try:
        return factory()
    except Exception as exc:  # missing credentials, an unconfigured platform
        raise ProviderUnavailable(f"{kind.value}: {name}: {exc}") from exc
