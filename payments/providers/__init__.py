"""The payment providers: a plain registry of name → class, and the set configured in this process.

Adding a provider is adding a module with a class that satisfies `PaymentProvider` and one line
in `PROVIDERS`. Each configured provider owns one pooled `httpx.AsyncClient` for the life of the
process; `ProviderSet.install` lets a caller (tests, tools) put in a provider it built itself.
"""

from __future__ import annotations

from config.runtime import default_http_client, runtime
from gateway.codes import Code
from gateway.errors import GovError
from payments.providers.alipay import AlipayProvider
from payments.providers.base import PaymentProvider, ProviderClass, ProviderContext
from payments.providers.sandbox import SandboxProvider
from payments.providers.wechatpay import WeChatPayProvider
from payments.settings import payment_settings

PROVIDERS: dict[str, ProviderClass] = {
    WeChatPayProvider.name: WeChatPayProvider,
    AlipayProvider.name: AlipayProvider,
    SandboxProvider.name: SandboxProvider,
}

_EXTRA_KEY = "payments.providers"


class ProviderSet:
    """The providers that are on, by name."""

    def __init__(self, providers: dict[str, PaymentProvider]) -> None:
        self._providers = providers

    def get(self, name: str) -> PaymentProvider | None:
        return self._providers.get(name)

    def require(self, name: str) -> PaymentProvider:
        provider = self._providers.get(name)
        if provider is None:
            raise GovError(Code.PAYMENT_PROVIDER_UNAVAILABLE, provider=name)
        return provider

    def names(self) -> list[str]:
        return sorted(self._providers)

    def install(self, provider: PaymentProvider) -> PaymentProvider | None:
        """Puts `provider` in place of the one of the same name; returns the one replaced."""
        previous = self._providers.get(provider.name)
        self._providers[provider.name] = provider
        return previous

    def remove(self, name: str) -> PaymentProvider | None:
        return self._providers.pop(name, None)

    async def aclose(self) -> None:
        for provider in self._providers.values():
            await provider.aclose()


def build_providers(context: ProviderContext) -> ProviderSet:
    built: dict[str, PaymentProvider] = {}
    for name, cls in PROVIDERS.items():
        provider = cls.from_settings(context)
        if provider is not None:
            built[name] = provider
    return ProviderSet(built)


def active() -> ProviderSet:
    """The providers of this process, built from settings on first use."""
    rt = runtime()
    found = rt.extras.get(_EXTRA_KEY)
    if isinstance(found, ProviderSet):
        return found
    providers = build_providers(
        ProviderContext(rt.settings, payment_settings(), rt.store, default_http_client)
    )
    rt.extras[_EXTRA_KEY] = providers
    return providers


async def close_active() -> None:
    """Closes the providers' HTTP clients (at shutdown)."""
    try:
        rt = runtime()
    except RuntimeError:
        return
    found = rt.extras.pop(_EXTRA_KEY, None)
    if isinstance(found, ProviderSet):
        await found.aclose()


__all__ = ["PROVIDERS", "ProviderSet", "active", "build_providers", "close_active"]
