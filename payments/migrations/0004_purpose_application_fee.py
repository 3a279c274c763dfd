from tortoise import migrations
from tortoise.migrations import operations as ops
from payments.states import Purpose
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('payments', '0003_sandbox_trade')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='PaymentOrder',
            name='purpose',
            field=fields.CharEnumField(description='FEE: fee\nUTILITY_BILL: utility_bill\nFINE: fine\nAPPLICATION_FEE: application_fee', enum_type=Purpose, max_length=16),
        ),
    ]
