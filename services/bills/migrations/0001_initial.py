from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from services.bills.models import BillPaymentState, BillState, WriteOffState
from services.bills.providers.base import UtilityKind
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='BillPayment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('citizen_id', fields.BigIntField(db_index=True)),
                ('channel', fields.CharField(max_length=16)),
                ('kind', fields.CharEnumField(description='WATER: water\nELECTRICITY: electricity\nGAS: gas', enum_type=UtilityKind, max_length=16)),
                ('company', fields.CharField(max_length=32)),
                ('account_no', fields.CharField(max_length=32)),
                ('holder_masked', fields.CharField(max_length=32)),
                ('amount_fen', fields.BigIntField()),
                ('out_trade_no', fields.CharField(null=True, unique=True, max_length=32)),
                ('state', fields.CharEnumField(default=BillPaymentState.OPEN, description='OPEN: open\nPAID: paid\nRELEASED: released', enum_type=BillPaymentState, max_length=16)),
                ('refunded_fen', fields.BigIntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('paid_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('released_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'bills_payment', 'app': 'bills', 'indexes': [Index(fields=['state', 'created_at'])], 'pk_attr': 'id', 'table_description': 'One payment order for some bills of one account, and what came of it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='BoundAccount',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('citizen_id', fields.BigIntField(db_index=True)),
                ('kind', fields.CharEnumField(description='WATER: water\nELECTRICITY: electricity\nGAS: gas', enum_type=UtilityKind, max_length=16)),
                ('company', fields.CharField(max_length=32)),
                ('account_no', fields.CharField(max_length=32)),
                ('alias', fields.CharField(null=True, max_length=20)),
                ('holder_masked', fields.CharField(max_length=32)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'bills_account', 'app': 'bills', 'unique_together': (('citizen_id', 'company', 'account_no'),), 'pk_attr': 'id', 'table_description': 'An account number at a utility company that a resident keeps for quick payment.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Receipt',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('receipt_no', fields.CharField(unique=True, max_length=32)),
                ('payment', fields.OneToOneField('bills.BillPayment', source_field='payment_id', db_constraint=True, to_field='id', related_name='receipt', on_delete=OnDelete.RESTRICT)),
                ('citizen_id', fields.BigIntField(db_index=True)),
                ('kind', fields.CharEnumField(description='WATER: water\nELECTRICITY: electricity\nGAS: gas', enum_type=UtilityKind, max_length=16)),
                ('company_name', fields.CharField(max_length=64)),
                ('account_masked', fields.CharField(max_length=32)),
                ('holder_masked', fields.CharField(max_length=32)),
                ('payer_masked', fields.CharField(max_length=32)),
                ('items', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('amount_fen', fields.BigIntField()),
                ('out_trade_no', fields.CharField(max_length=32)),
                ('confirmation_no', fields.CharField(max_length=64)),
                ('verification', fields.CharField(max_length=32)),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'bills_receipt', 'app': 'bills', 'pk_attr': 'id', 'table_description': 'The e-receipt of one written-off payment: issued once, never changed.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='UtilityBill',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='WATER: water\nELECTRICITY: electricity\nGAS: gas', enum_type=UtilityKind, max_length=16)),
                ('company', fields.CharField(max_length=32)),
                ('account_no', fields.CharField(max_length=32)),
                ('company_bill_id', fields.CharField(max_length=64)),
                ('period', fields.CharField(max_length=7)),
                ('amount_fen', fields.BigIntField()),
                ('due_date', fields.DateField()),
                ('state', fields.CharEnumField(default=BillState.UNPAID, description='UNPAID: unpaid\nPAYING: paying\nPAID: paid\nWRITTEN_OFF: written_off', enum_type=BillState, max_length=16)),
                ('payment', fields.ForeignKeyField('bills.BillPayment', source_field='payment_id', null=True, db_constraint=True, to_field='id', related_name='bills', on_delete=OnDelete.RESTRICT)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'bills_bill', 'app': 'bills', 'unique_together': (('company', 'company_bill_id'),), 'indexes': [Index(fields=['company', 'account_no'])], 'pk_attr': 'id', 'table_description': 'Our snapshot of one bill of a company, with the state of paying it here.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WriteOff',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('payment', fields.OneToOneField('bills.BillPayment', source_field='payment_id', db_constraint=True, to_field='id', related_name='write_off', on_delete=OnDelete.RESTRICT)),
                ('reference', fields.CharField(unique=True, max_length=64)),
                ('state', fields.CharEnumField(default=WriteOffState.PENDING, description='PENDING: pending\nDONE: done', enum_type=WriteOffState, max_length=16)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('needs_attention', fields.BooleanField(default=False)),
                ('last_error', fields.CharField(null=True, max_length=255)),
                ('confirmation_no', fields.CharField(null=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('done_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'bills_write_off', 'app': 'bills', 'indexes': [Index(fields=['state', 'next_attempt_at'])], 'pk_attr': 'id', 'table_description': "Settling a paid payment's bills at the company, retried until the company confirms."},
            bases=['Model'],
        ),
    ]
