"""What the account actions take and answer. Personal data leaves only masked."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from channels.identity.tokens import TokenPair


class NoParams(BaseModel):
    pass


class ChannelAccountRead(BaseModel):
    id: int
    channel: str
    app_id: str
    external_id: str = Field(description="masked")
    linked_at: datetime
    last_sign_in_at: datetime | None


class CitizenRead(BaseModel):
    id: int
    level: str = Field(description="logged_in or real_name")
    phone: str | None = Field(description="masked")
    id_number: str | None = Field(description="masked")
    name: str | None = Field(description="masked")
    real_name_verified_at: datetime | None
    channel: str | None = Field(description="the channel of this sign-in")
    channel_accounts: list[ChannelAccountRead]


class UnlinkParams(BaseModel):
    account_id: int = Field(gt=0)


class VerifyRealNameParams(BaseModel):
    name: str = Field(min_length=1, max_length=50)
    id_number: str = Field(min_length=15, max_length=32)


class RealNameRead(BaseModel):
    level: str
    name: str = Field(description="masked")
    id_number: str = Field(description="masked")
    verified_at: datetime
    tokens_stale: bool = Field(
        description="true when the access token still carries the old level: refresh it"
    )
    tokens: TokenPair | None = Field(
        None,
        description="set when this sign-in joined the resident already holding the ID number: "
        "use these tokens from now on, the old ones are revoked",
    )


class BindPhoneRead(BaseModel):
    phone: str = Field(description="masked")
    merged: bool = Field(description="true when the phone joined this sign-in to its resident")
    tokens: TokenPair | None = Field(
        None, description="set when merged: use these tokens from now on, the old ones are revoked"
    )
