from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from services.demands.models import DeliveryState, DemandState, KeyMode
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Department',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=64)),
                ('webhook_url', fields.CharField(null=True, max_length=255)),
                ('webhook_secret', fields.CharField(max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'demands_department', 'app': 'demands', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DepartmentKey',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('department', fields.ForeignKeyField('demands.Department', source_field='department_id', db_constraint=True, to_field='id', related_name='keys', on_delete=OnDelete.CASCADE)),
                ('key_id', fields.CharField(unique=True, max_length=16)),
                ('secret_hash', fields.CharField(max_length=64)),
                ('mode', fields.CharEnumField(description='TEST: test\nLIVE: live', enum_type=KeyMode, max_length=8)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'demands_department_key', 'app': 'demands', 'pk_attr': 'id', 'table_description': "An API key: `gk_<mode>_<key_id>_<secret>`, of which only the secret's hash is kept."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FeeDemand',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('demand_no', fields.CharField(unique=True, max_length=24)),
                ('department', fields.ForeignKeyField('demands.Department', source_field='department_id', db_constraint=True, to_field='id', related_name='demands', on_delete=OnDelete.RESTRICT)),
                ('mode', fields.CharEnumField(description='TEST: test\nLIVE: live', enum_type=KeyMode, max_length=8)),
                ('external_ref', fields.CharField(max_length=64)),
                ('title', fields.CharField(max_length=64)),
                ('amount_fen', fields.BigIntField()),
                ('payer_phone_hash', fields.CharField(null=True, db_index=True, max_length=64)),
                ('payer_phone_masked', fields.CharField(null=True, max_length=16)),
                ('payer_id_hash', fields.CharField(null=True, db_index=True, max_length=64)),
                ('payer_id_masked', fields.CharField(null=True, max_length=24)),
                ('state', fields.CharEnumField(default=DemandState.OPEN, description='OPEN: open\nPAYING: paying\nPAID: paid\nREFUNDED: refunded\nCANCELLED: cancelled\nEXPIRED: expired', enum_type=DemandState, max_length=16)),
                ('out_trade_no', fields.CharField(null=True, max_length=32)),
                ('paid_by_citizen_id', fields.BigIntField(null=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('paid_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('refunded_fen', fields.BigIntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'demands_fee_demand', 'app': 'demands', 'unique_together': (('department_id', 'mode', 'external_ref'),), 'indexes': [Index(fields=['state', 'expires_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FeeDemandItem',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('demand', fields.ForeignKeyField('demands.FeeDemand', source_field='demand_id', db_constraint=True, to_field='id', related_name='items', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=64)),
                ('quantity', fields.IntField()),
                ('unit_fen', fields.BigIntField()),
                ('amount_fen', fields.BigIntField()),
            ],
            options={'table': 'demands_fee_demand_item', 'app': 'demands', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookDelivery',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('department', fields.ForeignKeyField('demands.Department', source_field='department_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.RESTRICT)),
                ('demand', fields.ForeignKeyField('demands.FeeDemand', source_field='demand_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.RESTRICT)),
                ('sequence', fields.IntField()),
                ('event', fields.CharField(max_length=32)),
                ('payload', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('state', fields.CharEnumField(default=DeliveryState.PENDING, description='PENDING: pending\nDELIVERED: delivered\nDEAD: dead', enum_type=DeliveryState, max_length=16)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_status', fields.IntField(null=True)),
                ('last_error', fields.CharField(null=True, max_length=255)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'demands_webhook_delivery', 'app': 'demands', 'unique_together': (('demand_id', 'sequence'),), 'indexes': [Index(fields=['state', 'next_attempt_at'])], 'pk_attr': 'id', 'table_description': 'One event for the department, delivered in `sequence` order per demand.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WebhookAttempt',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('delivery', fields.ForeignKeyField('demands.WebhookDelivery', source_field='delivery_id', db_constraint=True, to_field='id', related_name='attempt_log', on_delete=OnDelete.CASCADE)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status', fields.IntField(null=True)),
                ('error', fields.CharField(null=True, max_length=255)),
                ('duration_ms', fields.IntField()),
            ],
            options={'table': 'demands_webhook_attempt', 'app': 'demands', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
