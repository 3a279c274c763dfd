from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='AuditLog',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('request_id', fields.CharField(db_index=True, max_length=64)),
                ('channel', fields.CharField(max_length=16)),
                ('actor_type', fields.CharField(max_length=16)),
                ('actor_id', fields.BigIntField(null=True, db_index=True)),
                ('service', fields.CharField(max_length=64)),
                ('action', fields.CharField(max_length=64)),
                ('outcome', fields.CharField(max_length=64)),
                ('status', fields.IntField()),
                ('latency_ms', fields.FloatField()),
                ('client_ip', fields.CharField(max_length=64)),
                ('params', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'audit_log', 'app': 'gateway', 'pk_attr': 'id', 'table_description': 'Who did what through which channel, how it ended and how long it took. Append-only.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='IdempotencyRecord',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('scope', fields.CharField(max_length=200)),
                ('key', fields.CharField(max_length=200)),
                ('fingerprint', fields.CharField(max_length=64)),
                ('completed', fields.BooleanField(default=False)),
                ('status', fields.IntField(null=True)),
                ('code', fields.CharField(null=True, max_length=64)),
                ('body', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'idempotency_record', 'app': 'gateway', 'unique_together': (('scope', 'key'),), 'pk_attr': 'id', 'table_description': 'The first answer given for an `Idempotency-Key`, replayed for the same request body.'},
            bases=['Model'],
        ),
    ]
