from tortoise import migrations
from tortoise.migrations import operations as ops
from payments.reconciliation.models import BreakKind, BreakStatus, RunState
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='ReconciliationBreak',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('provider', fields.CharField(max_length=16)),
                ('day', fields.DateField()),
                ('kind', fields.CharEnumField(description='MISSING_OURS: missing_ours\nMISSING_THEIRS: missing_theirs\nAMOUNT_DIFFERS: amount_differs\nSTATE_DIFFERS: state_differs', enum_type=BreakKind, max_length=16)),
                ('out_trade_no', fields.CharField(max_length=64)),
                ('out_refund_no', fields.CharField(default='', max_length=64)),
                ('ours_fen', fields.BigIntField(null=True)),
                ('theirs_fen', fields.BigIntField(null=True)),
                ('our_state', fields.CharField(default='', max_length=24)),
                ('their_state', fields.CharField(default='', max_length=24)),
                ('status', fields.CharEnumField(default=BreakStatus.OPEN, description='OPEN: open\nRESOLVED: resolved\nCLEARED: cleared', enum_type=BreakStatus, max_length=16)),
                ('resolution', fields.CharField(null=True, max_length=200)),
                ('resolved_by', fields.CharField(null=True, max_length=64)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'reconciliation_break', 'app': 'reconciliation', 'unique_together': (('provider', 'day', 'kind', 'out_trade_no', 'out_refund_no'),), 'indexes': [Index(fields=['status', 'day'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReconciliationRun',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('provider', fields.CharField(max_length=16)),
                ('day', fields.DateField()),
                ('state', fields.CharEnumField(description='MATCHED: matched\nBREAKS: breaks\nFAILED: failed', enum_type=RunState, max_length=16)),
                ('statement_lines', fields.IntField(default=0)),
                ('ledger_entries', fields.IntField(default=0)),
                ('their_payments_fen', fields.BigIntField(default=0)),
                ('their_refunds_fen', fields.BigIntField(default=0)),
                ('their_fees_fen', fields.BigIntField(default=0)),
                ('our_payments_fen', fields.BigIntField(default=0)),
                ('our_refunds_fen', fields.BigIntField(default=0)),
                ('open_breaks', fields.IntField(default=0)),
                ('error', fields.CharField(null=True, max_length=255)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('finished_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'reconciliation_run', 'app': 'reconciliation', 'unique_together': (('provider', 'day'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
