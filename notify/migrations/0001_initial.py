from tortoise import migrations
from tortoise.migrations import operations as ops
from notify.models import AttemptOutcome, NotificationStatus
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.CharField(db_index=True, max_length=48)),
                ('citizen_id', fields.BigIntField(null=True, db_index=True)),
                ('channel', fields.CharField(null=True, max_length=16)),
                ('dedupe_key', fields.CharField(unique=True, max_length=255)),
                ('params', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('urgent', fields.BooleanField(default=False)),
                ('route', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('step', fields.SmallIntField(default=0)),
                ('status', fields.CharEnumField(db_index=True, description='QUEUED: queued\nSENT: sent\nDELIVERED: delivered\nFAILED: failed\nSUPPRESSED: suppressed', enum_type=NotificationStatus, max_length=16)),
                ('attempts', fields.SmallIntField(default=0)),
                ('total_attempts', fields.SmallIntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('lease_token', fields.CharField(null=True, max_length=32)),
                ('lease_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('consent_id', fields.BigIntField(null=True)),
                ('kind', fields.CharField(null=True, max_length=16)),
                ('provider', fields.CharField(null=True, max_length=32)),
                ('provider_message_id', fields.CharField(null=True, max_length=128)),
                ('recipient_masked', fields.CharField(null=True, max_length=64)),
                ('last_error', fields.CharField(null=True, max_length=255)),
                ('failure_reason', fields.CharField(null=True, max_length=255)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('failed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notify_notification', 'app': 'notify', 'indexes': [Index(fields=['status', 'next_attempt_at']), Index(fields=['provider', 'provider_message_id'])], 'pk_attr': 'id', 'table_description': 'One message to one resident, written in the transaction of the event that caused it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DeliveryAttempt',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('notification', fields.ForeignKeyField('notify.Notification', source_field='notification_id', db_constraint=True, to_field='id', related_name='attempts_made', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=16)),
                ('provider', fields.CharField(null=True, max_length=32)),
                ('outcome', fields.CharEnumField(description='SENT: sent\nRETRY: retry\nPERMANENT: permanent\nSKIPPED: skipped', enum_type=AttemptOutcome, max_length=16)),
                ('code', fields.CharField(null=True, max_length=64)),
                ('detail', fields.CharField(null=True, max_length=255)),
                ('duration_ms', fields.IntField(default=0)),
                ('attempted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notify_delivery_attempt', 'app': 'notify', 'pk_attr': 'id', 'table_description': 'One try of one provider (or one step skipped), with what came of it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OptOut',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('citizen_id', fields.BigIntField(db_index=True)),
                ('category', fields.CharField(max_length=24)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'notify_opt_out', 'app': 'notify', 'unique_together': (('citizen_id', 'category'),), 'pk_attr': 'id', 'table_description': 'A resident does not want messages of one category.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PushDevice',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('citizen_id', fields.BigIntField(db_index=True)),
                ('token', fields.CharField(unique=True, max_length=255)),
                ('platform', fields.CharField(max_length=16)),
                ('locale', fields.CharField(default='zh-CN', max_length=8)),
                ('registered_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notify_push_device', 'app': 'notify', 'pk_attr': 'id', 'table_description': 'An app installation that registered for push. The newest one gets the messages.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SandboxMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(db_index=True, max_length=16)),
                ('recipient_masked', fields.CharField(db_index=True, max_length=64)),
                ('template_code', fields.CharField(max_length=64)),
                ('text', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'notify_sandbox_message', 'app': 'notify', 'pk_attr': 'id', 'table_description': 'A message the sandbox provider pretended to send. The recipient is kept masked only.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SubscribeConsent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('citizen_id', fields.BigIntField(db_index=True)),
                ('channel', fields.CharField(max_length=16)),
                ('event', fields.CharField(max_length=48)),
                ('remaining', fields.IntField(null=True, default=0)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'notify_subscribe_consent', 'app': 'notify', 'unique_together': (('citizen_id', 'channel', 'event'),), 'pk_attr': 'id', 'table_description': 'Subscribe messages a resident accepted in a mini-program, per template.'},
            bases=['Model'],
        ),
    ]
