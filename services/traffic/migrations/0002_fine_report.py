from tortoise import migrations
from tortoise.migrations import operations as ops
from services.traffic.models import ReportState
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('traffic', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FineReport',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('payment', fields.OneToOneField('traffic.FinePayment', source_field='payment_id', db_constraint=True, to_field='id', related_name='report', on_delete=OnDelete.RESTRICT)),
                ('reference', fields.CharField(unique=True, max_length=64)),
                ('state', fields.CharEnumField(default=ReportState.PENDING, description='PENDING: pending\nCONFIRMED: confirmed', enum_type=ReportState, max_length=16)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('needs_attention', fields.BooleanField(default=False)),
                ('last_error', fields.CharField(null=True, max_length=255)),
                ('confirmation_no', fields.CharField(null=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('reported_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'traffic_fine_report', 'app': 'traffic', 'indexes': [Index(fields=['state', 'next_attempt_at'])], 'pk_attr': 'id', 'table_description': 'Telling the traffic police that a fine was paid here, retried until the source confirms.'},
            bases=['Model'],
        ),
    ]
