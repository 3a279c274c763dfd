from tortoise import migrations
from tortoise.migrations import operations as ops
from gateway.schemas import IdentityLevel
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='AuthSession',
            fields=[
                ('id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=32)),
                ('subject_type', fields.CharField(max_length=8)),
                ('subject_id', fields.BigIntField()),
                ('channel', fields.CharField(null=True, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_reason', fields.CharField(null=True, max_length=32)),
            ],
            options={'table': 'identity_auth_session', 'app': 'identity', 'indexes': [Index(fields=['subject_type', 'subject_id'])], 'pk_attr': 'id', 'table_description': 'One sign-in: the family of refresh tokens rotated from it. Revoking it ends them all.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Citizen',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('level', fields.IntEnumField(default=IdentityLevel.LOGGED_IN, description='ANONYMOUS: 0\nLOGGED_IN: 1\nREAL_NAME: 2', enum_type=IdentityLevel, generated=False)),
                ('phone_cipher', fields.CharField(null=True, max_length=200)),
                ('phone_hash', fields.CharField(null=True, unique=True, max_length=64)),
                ('id_number_cipher', fields.CharField(null=True, max_length=200)),
                ('id_number_hash', fields.CharField(null=True, unique=True, max_length=64)),
                ('name_cipher', fields.CharField(null=True, max_length=300)),
                ('real_name_verified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('real_name_provider', fields.CharField(null=True, max_length=32)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'identity_citizen', 'app': 'identity', 'pk_attr': 'id', 'table_description': 'One resident, whichever channels they come through.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ChannelAccount',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('citizen', fields.ForeignKeyField('identity.Citizen', source_field='citizen_id', db_constraint=True, to_field='id', related_name='accounts', on_delete=OnDelete.CASCADE)),
                ('channel', fields.CharField(max_length=16)),
                ('app_id', fields.CharField(max_length=64)),
                ('external_id', fields.CharField(max_length=128)),
                ('external_id_cipher', fields.CharField(null=True, max_length=200)),
                ('unionid', fields.CharField(null=True, db_index=True, max_length=128)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_sign_in_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'identity_channel_account', 'app': 'identity', 'unique_together': (('channel', 'app_id', 'external_id'),), 'pk_attr': 'id', 'table_description': 'How a citizen is known on one channel and app: openid, Alipay user id or phone.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RefreshToken',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('session', fields.ForeignKeyField('identity.AuthSession', source_field='session_id', db_constraint=True, to_field='id', related_name='refresh_tokens', on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'identity_refresh_token', 'app': 'identity', 'pk_attr': 'id', 'table_description': 'One refresh token of a session, kept as its SHA-256, used once, then replaced.'},
            bases=['Model'],
        ),
    ]
