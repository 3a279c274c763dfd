"""Every block of settings GovHub reads, listed by hand, for `govhub check` and the README.

`python -m config.reference` prints the Markdown table of every `GOVHUB_*` variable.
"""

from __future__ import annotations

import importlib

from pydantic import SecretStr

from config.settings import BlockSettings

BLOCKS: list[str] = [
    "config.settings:Settings",
    "channels.identity.settings:IdentitySettings",
    "channels.wechat.settings:WeChatSettings",
    "channels.wechat.settings:OfficialAccountSettings",
    "channels.wechat.settings:MiniProgramSettings",
    "channels.alipay.settings:AlipaySettings",
    "payments.settings:PaymentSettings",
    "payments.settings:WeChatPaySettings",
    "notify.settings:NotifySettings",
    "notify.settings:SmsSettings",
    "notify.settings:AliyunSmsSettings",
    "notify.settings:TencentSmsSettings",
    "notify.settings:PushSettings",
    "services.appointments.settings:AppointmentSettings",
    "services.queue.settings:QueueSettings",
    "services.bills.settings:BillsSettings",
    "services.traffic.settings:TrafficSettings",
    "services.demands.settings:DemandSettings",
    "services.applications.settings:ApplicationSettings",
    "services.ratings.settings:RatingSettings",
    "services.consultations.settings:ConsultationSettings",
]


def blocks() -> list[type[BlockSettings]]:
    found: list[type[BlockSettings]] = []
    for entry in BLOCKS:
        module, name = entry.split(":")
        found.append(getattr(importlib.import_module(module), name))
    return found


def variables() -> list[tuple[str, str, str]]:
    """(variable, default, description) for every setting of every block."""
    rows: list[tuple[str, str, str]] = []
    for block in blocks():
        prefix = str(block.model_config.get("env_prefix", ""))
        for name, field in block.model_fields.items():
            default = field.get_default(call_default_factory=True)
            if isinstance(default, SecretStr) or field.annotation is SecretStr:
                shown = "(secret)" if default else "unset"
            elif default is None or default == "":
                shown = "unset"
            else:
                shown = f"`{default}`"
            rows.append((f"{prefix}{name.upper()}", shown, field.description or ""))
    return rows


def markdown_table() -> str:
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    lines += [f"| `{name}` | {default} | {text} |" for name, default, text in variables()]
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())  # noqa: T201
