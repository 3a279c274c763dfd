"""Message templates by code. SMS vendors hold the same text registered under the same code."""

from __future__ import annotations

import string
from dataclasses import dataclass

from gateway.codes import Code
from gateway.errors import GovError


@dataclass(frozen=True, slots=True)
class SmsTemplate:
    code: str
    text: str

    @property
    def params(self) -> frozenset[str]:
        return frozenset(
            name for _, name, _, _ in string.Formatter().parse(self.text) if name is not None
        )


SMS_TEMPLATES: dict[str, SmsTemplate] = {
    template.code: template
    for template in (
        SmsTemplate("login_code", "【GovHub】您的验证码为{code}，5分钟内有效，请勿泄露。"),
    )
}


def render_sms(template_code: str, params: dict[str, str]) -> str:
    """The text a resident reads; refuses unknown templates and missing parameters."""
    template = SMS_TEMPLATES.get(template_code)
    if template is None:
        raise GovError(Code.NOTIFY_TEMPLATE_UNKNOWN, template=template_code)
    missing = sorted(template.params - params.keys())
    if missing:
        raise GovError(Code.NOTIFY_PARAM_MISSING, template=template_code, param=missing[0])
    return template.text.format(**params)
