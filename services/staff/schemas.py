"""Staff sign-in bodies and the staff member's own view."""

from __future__ import annotations

from pydantic import BaseModel, Field


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=200)


class NoParams(BaseModel):
    pass


class ScopeRead(BaseModel):
    region_code: str | None
    department_id: int | None
    hall_id: int | None


class RoleRead(BaseModel):
    code: str
    name: str
    scope: ScopeRead


class StaffRead(BaseModel):
    id: int
    username: str
    display_name: str
    roles: list[RoleRead]
    permissions: list[str]
