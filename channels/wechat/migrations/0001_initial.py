from tortoise import migrations
from tortoise.migrations import operations as ops
from channels.wechat.models import MessageState
from orjson import loads
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='CallbackMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('app_id', fields.CharField(max_length=64)),
                ('dedupe_key', fields.CharField(max_length=160)),
                ('openid', fields.CharField(max_length=64)),
                ('kind', fields.CharField(max_length=32)),
                ('state', fields.CharEnumField(default=MessageState.PROCESSING, description='PROCESSING: processing\nREPLIED: replied\nDEFERRED: deferred\nDELIVERED: delivered\nFAILED: failed', enum_type=MessageState, max_length=16)),
                ('reply', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ('received_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'wechat_callback_message', 'app': 'wechat', 'unique_together': (('app_id', 'dedupe_key'),), 'pk_attr': 'id', 'table_description': 'One message or event pushed to an official account, stored once under its dedupe key'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MiniProgramSession',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('app_id', fields.CharField(max_length=64)),
                ('openid', fields.CharField(max_length=64)),
                ('unionid', fields.CharField(null=True, max_length=64)),
                ('session_key_sealed', fields.TextField(unique=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'wechat_mp_session', 'app': 'wechat', 'unique_together': (('app_id', 'openid'),), 'pk_attr': 'id', 'table_description': 'The latest code2Session key of a mini-program user, sealed with the data key, never sent'},
            bases=['Model'],
        ),
    ]
