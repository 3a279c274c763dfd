from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from payments.states import OrderState, Purpose, RefundState, TradeType
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='PaymentOrder',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('out_trade_no', fields.CharField(unique=True, max_length=32)),
                ('purpose', fields.CharEnumField(description='FEE: fee\nUTILITY_BILL: utility_bill\nFINE: fine', enum_type=Purpose, max_length=16)),
                ('reference', fields.CharField(max_length=64)),
                ('citizen_id', fields.BigIntField(db_index=True)),
                ('description', fields.CharField(max_length=128)),
                ('amount_fen', fields.BigIntField()),
                ('currency', fields.CharField(default='CNY', max_length=3)),
                ('provider', fields.CharField(max_length=16)),
                ('trade_type', fields.CharEnumField(description='JSAPI: jsapi\nMINIPROGRAM: miniprogram\nAPP: app\nWAP: wap\nCASHIER: cashier', enum_type=TradeType, max_length=16)),
                ('state', fields.CharEnumField(description='CREATED: created\nPAID: paid\nPARTIALLY_REFUNDED: partially_refunded\nREFUNDED: refunded\nCLOSED: closed\nPAID_AFTER_CLOSE: paid_after_close', enum_type=OrderState, max_length=24)),
                ('app_id', fields.CharField(max_length=64)),
                ('merchant_id', fields.CharField(max_length=64)),
                ('provider_trade_no', fields.CharField(null=True, max_length=64)),
                ('client_payload', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ('refund_reserved_fen', fields.BigIntField(default=0)),
                ('refunded_fen', fields.BigIntField(default=0)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('paid_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'payment_order', 'app': 'payments', 'indexes': [Index(fields=['state', 'expires_at']), Index(fields=['purpose', 'reference'])], 'pk_attr': 'id', 'table_description': 'One attempt to collect one amount for one business object through one provider.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PaymentEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order', fields.ForeignKeyField('payments.PaymentOrder', source_field='order_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharField(max_length=32)),
                ('from_state', fields.CharField(null=True, max_length=24)),
                ('to_state', fields.CharField(null=True, max_length=24)),
                ('amount_fen', fields.BigIntField(null=True)),
                ('source', fields.CharField(max_length=16)),
                ('detail', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'payment_event', 'app': 'payments', 'indexes': [Index(fields=['order_id'])], 'pk_attr': 'id', 'table_description': 'What happened to an order, written once and never changed.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Refund',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order', fields.ForeignKeyField('payments.PaymentOrder', source_field='order_id', db_constraint=True, to_field='id', related_name='refunds', on_delete=OnDelete.RESTRICT)),
                ('out_refund_no', fields.CharField(unique=True, max_length=64)),
                ('amount_fen', fields.BigIntField()),
                ('reason', fields.CharField(max_length=80)),
                ('state', fields.CharEnumField(db_index=True, description='PENDING: pending\nSUCCEEDED: succeeded\nFAILED: failed', enum_type=RefundState, max_length=16)),
                ('provider_refund_no', fields.CharField(null=True, max_length=64)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
                ('needs_attention', fields.BooleanField(default=False)),
                ('last_error', fields.CharField(null=True, max_length=255)),
                ('succeeded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'payment_refund', 'app': 'payments', 'pk_attr': 'id', 'table_description': 'A refund of part or all of a paid order, idempotent by `out_refund_no`.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PaymentOutbox',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=24)),
                ('order', fields.ForeignKeyField('payments.PaymentOrder', source_field='order_id', db_constraint=True, to_field='id', related_name='outbox', on_delete=OnDelete.RESTRICT)),
                ('refund', fields.ForeignKeyField('payments.Refund', source_field='refund_id', null=True, db_constraint=True, to_field='id', related_name='outbox', on_delete=OnDelete.RESTRICT)),
                ('done', fields.BooleanField(default=False)),
                ('dead', fields.BooleanField(default=False)),
                ('attempts', fields.IntField(default=0)),
                ('available_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('lease_token', fields.CharField(null=True, max_length=32)),
                ('lease_expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(null=True, max_length=255)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('done_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'payment_outbox', 'app': 'payments', 'indexes': [Index(fields=['done', 'dead', 'available_at'])], 'pk_attr': 'id', 'table_description': 'Something the business side (or payments itself) must act on, exactly once.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PaymentFulfilment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('entry', fields.OneToOneField('payments.PaymentOutbox', source_field='entry_id', db_constraint=True, to_field='id', related_name='fulfilment', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharField(max_length=24)),
                ('order_id_ref', fields.BigIntField(db_index=True)),
                ('fulfilled_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'payment_fulfilment', 'app': 'payments', 'pk_attr': 'id', 'table_description': 'Proof that an outbox entry was acted on: being unique per entry, it makes it happen once.'},
            bases=['Model'],
        ),
    ]
