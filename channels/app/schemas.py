"""Bodies of the app sign-in routes."""

from __future__ import annotations

from pydantic import BaseModel, Field


class OtpRequest(BaseModel):
    phone: str = Field(max_length=32, examples=["13812345678"])


class LoginRequest(BaseModel):
    phone: str = Field(max_length=32, examples=["13812345678"])
    code: str = Field(pattern=r"^\d{6}$", examples=["123456"])


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=200)
