"""Citizens, their channel accounts, and the sign-in sessions of residents and staff.

Phones, ID numbers and names are kept only as ciphertexts (`*_cipher`, see crypto.py) and
keyed hashes (`*_hash`) used to find a row by value.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from gateway.schemas import IdentityLevel


class Citizen(Model):
    """One resident, whichever channels they come through."""

    id = fields.BigIntField(primary_key=True)
    level = fields.IntEnumField(IdentityLevel, default=IdentityLevel.LOGGED_IN)
    phone_cipher = fields.CharField(max_length=200, null=True)
    phone_hash = fields.CharField(max_length=64, null=True, unique=True)
    id_number_cipher = fields.CharField(max_length=200, null=True)
    id_number_hash = fields.CharField(max_length=64, null=True, unique=True)
    name_cipher = fields.CharField(max_length=300, null=True)
    real_name_verified_at = fields.DatetimeField(null=True)
    real_name_provider = fields.CharField(max_length=32, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    accounts: fields.ReverseRelation[ChannelAccount]

    class Meta:
        table = "identity_citizen"


class ChannelAccount(Model):
    """How a citizen is known on one channel and app: openid, Alipay user id or phone.

    Where the external id is a phone (the app channel), `external_id` holds its lookup hash and
    `external_id_cipher` the encrypted number.
    """

    id = fields.BigIntField(primary_key=True)
    citizen: fields.ForeignKeyRelation[Citizen] = fields.ForeignKeyField(
        "identity.Citizen", related_name="accounts", on_delete=fields.CASCADE
    )
    channel = fields.CharField(max_length=16)
    app_id = fields.CharField(max_length=64)
    external_id = fields.CharField(max_length=128)
    external_id_cipher = fields.CharField(max_length=200, null=True)
    unionid = fields.CharField(max_length=128, null=True, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_sign_in_at = fields.DatetimeField(null=True)

    citizen_id: int

    class Meta:
        table = "identity_channel_account"
        unique_together = (("channel", "app_id", "external_id"),)


class AuthSession(Model):
    """One sign-in: the family of refresh tokens rotated from it. Revoking it ends them all."""

    id = fields.CharField(max_length=32, primary_key=True)
    subject_type = fields.CharField(max_length=8)  # citizen or staff
    subject_id = fields.BigIntField()
    channel = fields.CharField(max_length=16, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)
    revoked_reason = fields.CharField(max_length=32, null=True)

    class Meta:
        table = "identity_auth_session"
        indexes = (("subject_type", "subject_id"),)


class RefreshToken(Model):
    """One refresh token of a session, kept as its SHA-256, used once, then replaced."""

    id = fields.BigIntField(primary_key=True)
    session: fields.ForeignKeyRelation[AuthSession] = fields.ForeignKeyField(
        "identity.AuthSession", related_name="refresh_tokens", on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    session_id: str

    class Meta:
        table = "identity_refresh_token"
