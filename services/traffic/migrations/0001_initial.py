from tortoise import migrations
from tortoise.migrations import operations as ops
from services.traffic.models import FineState
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='FinePayment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('citizen_id', fields.BigIntField(db_index=True)),
                ('channel', fields.CharField(max_length=16)),
                ('decision_no', fields.CharField(db_index=True, max_length=32)),
                ('plate', fields.CharField(max_length=16)),
                ('violation_code', fields.CharField(max_length=8)),
                ('fine_fen', fields.BigIntField()),
                ('overdue_days', fields.IntField()),
                ('surcharge_fen', fields.BigIntField()),
                ('amount_fen', fields.BigIntField()),
                ('out_trade_no', fields.CharField(null=True, unique=True, max_length=32)),
                ('state', fields.CharEnumField(default=FineState.OPEN, description='OPEN: open\nPAID: paid\nRELEASED: released\nREFUNDED: refunded', enum_type=FineState, max_length=16)),
                ('lock_key', fields.CharField(null=True, unique=True, max_length=32)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('paid_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('released_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'traffic_fine_payment', 'app': 'traffic', 'indexes': [Index(fields=['state', 'created_at'])], 'pk_attr': 'id', 'table_description': 'One order for one penalty decision, its amount frozen when the order was opened.'},
            bases=['Model'],
        ),
    ]
