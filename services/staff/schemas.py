"""Staff sign-in bodies, the staff member's own view, and the administration of accounts."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from gateway.paging import PageParams


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


# ------------------------------------------------------------------------------ administration


class ScopeParams(BaseModel):
    """Where a role applies; nothing given means everywhere."""

    region_code: str | None = Field(None, min_length=6, max_length=12, pattern=r"^\d+$")
    department_id: int | None = Field(None, ge=1)
    hall_id: int | None = Field(None, ge=1)


class AccountsQuery(PageParams):
    q: str | None = Field(None, max_length=64, description="part of the user or display name")


class AccountCreate(ScopeParams):
    username: str = Field(min_length=1, max_length=64, description="letters, digits, . _ -")
    display_name: str = Field(min_length=1, max_length=100)
    password: str = Field(max_length=200, description="at least 10 characters")
    role_code: str = Field(min_length=1, max_length=32)


class StaffIdParams(BaseModel):
    staff_id: int = Field(ge=1)


class GrantParams(StaffIdParams, ScopeParams):
    role_code: str = Field(min_length=1, max_length=32)


class RevokeParams(StaffIdParams):
    assignment_id: int = Field(ge=1)


class ActiveParams(StaffIdParams):
    active: bool


class PasswordParams(StaffIdParams):
    password: str = Field(max_length=200, description="at least 10 characters")


class AssignmentRead(BaseModel):
    id: int
    role_code: str
    role_name: str
    scope: ScopeRead


class StaffAccountRead(BaseModel):
    id: int
    username: str
    display_name: str
    active: bool
    locked_until: datetime | None
    last_login_at: datetime | None
    created_at: datetime
    assignments: list[AssignmentRead]


class RoleDefinitionRead(BaseModel):
    code: str
    name_zh: str
    name_en: str
    permissions: list[str]
