from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='DeveloperKey',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key_id', fields.CharField(unique=True, max_length=16)),
                ('secret_hash', fields.CharField(max_length=64)),
                ('developer_name', fields.CharField(max_length=64)),
                ('organisation', fields.CharField(max_length=128)),
                ('contact_email', fields.CharField(max_length=254)),
                ('rate_limit_per_minute', fields.IntField(default=60)),
                ('issued_by', fields.BigIntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'opendata_developer_key', 'app': 'opendata', 'pk_attr': 'id', 'table_description': "A developer's key: `od_<key_id>_<secret>`, of which only the secret's hash is kept."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='KeyUsage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('developer_key', fields.ForeignKeyField('opendata.DeveloperKey', source_field='developer_key_id', db_constraint=True, to_field='id', related_name='usage', on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField()),
                ('dataset', fields.CharField(max_length=32)),
                ('requests', fields.BigIntField(default=0)),
                ('rows', fields.BigIntField(default=0)),
            ],
            options={'table': 'opendata_key_usage', 'app': 'opendata', 'unique_together': (('developer_key_id', 'day', 'dataset'),), 'pk_attr': 'id', 'table_description': 'Requests and rows served to one key on one day (Asia/Shanghai) from one dataset.'},
            bases=['Model'],
        ),
    ]
