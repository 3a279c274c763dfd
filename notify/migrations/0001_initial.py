from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='SandboxMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('phone_masked', fields.CharField(db_index=True, max_length=32)),
                ('template_code', fields.CharField(max_length=64)),
                ('text', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'notify_sandbox_message', 'app': 'notify', 'pk_attr': 'id', 'table_description': 'One SMS the sandbox provider pretended to send. The phone is kept masked only.'},
            bases=['Model'],
        ),
    ]
