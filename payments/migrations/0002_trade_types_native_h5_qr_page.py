from tortoise import migrations
from tortoise.migrations import operations as ops
from payments.states import TradeType
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('payments', '0001_initial')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='PaymentOrder',
            name='trade_type',
            field=fields.CharEnumField(description='JSAPI: jsapi\nMINIPROGRAM: miniprogram\nAPP: app\nWAP: wap\nNATIVE: native\nH5: h5\nQR: qr\nPAGE: page\nCASHIER: cashier', enum_type=TradeType, max_length=16),
        ),
    ]
