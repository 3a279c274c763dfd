"""App sign-in: a phone number proven by a one-time code becomes a citizen session."""

from __future__ import annotations

from channels.app.otp import OtpService, otp
from channels.identity.service import IdentityService, identity
from channels.identity.tokens import TokenPair
from gateway.schemas import Channel

APP_ID = "govhub-app"  # the mobile app is one app; its accounts are keyed by phone


class AppSignIn:
    def __init__(self, codes: OtpService = otp, residents: IdentityService = identity) -> None:
        self.codes = codes
        self.residents = residents

    async def login(self, phone: str, code: str) -> TokenPair:
        verified = await self.codes.verify(phone, code)
        return await self.residents.sign_in_channel_account(
            Channel.APP, APP_ID, verified, phone=verified
        )


app_sign_in = AppSignIn()
