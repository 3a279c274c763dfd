from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('wechat', '0001_initial')]

    initial = False

    operations = [
        ops.AddField(
            model_name='CallbackMessage',
            name='delivery_attempts',
            field=fields.IntField(default=0),
        ),
    ]
