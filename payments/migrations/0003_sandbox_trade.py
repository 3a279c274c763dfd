from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('payments', '0002_trade_types_native_h5_qr_page')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SandboxTrade',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('out_trade_no', fields.CharField(unique=True, max_length=32)),
                ('record', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('paid_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'payments_sandbox_trade', 'app': 'payments', 'pk_attr': 'id', 'table_description': "The sandbox platform's own book of a trade (its status, refunds, times), kept in the"},
            bases=['Model'],
        ),
    ]
