from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('applications', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Application',
            name='fee_fen',
            field=fields.IntField(default=0),
        ),
        ops.AddField(
            model_name='Application',
            name='out_trade_no',
            field=fields.CharField(null=True, max_length=32),
        ),
        ops.AddField(
            model_name='Application',
            name='paid_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Application',
            name='refunded_fen',
            field=fields.IntField(default=0),
        ),
        ops.AddField(
            model_name='ApplicationEvent',
            name='reference',
            field=fields.CharField(null=True, max_length=64),
        ),
    ]
