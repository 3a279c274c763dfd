from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='ApplicationForm',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('item_code', fields.CharField(max_length=32)),
                ('version', fields.IntField()),
                ('title', fields.CharField(max_length=64)),
                ('schema', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('materials', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('workflow', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'applications_form', 'app': 'applications', 'unique_together': (('item_code', 'version'),), 'pk_attr': 'id', 'table_description': "One version of an item's online form: a JSON Schema of its fields (their names are the"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Application',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('application_no', fields.CharField(unique=True, max_length=24)),
                ('citizen_id', fields.BigIntField(db_index=True)),
                ('channel', fields.CharField(max_length=16)),
                ('form', fields.ForeignKeyField('applications.ApplicationForm', source_field='form_id', db_constraint=True, to_field='id', related_name='applications', on_delete=OnDelete.RESTRICT)),
                ('item_code', fields.CharField(max_length=32)),
                ('item_name', fields.CharField(max_length=64)),
                ('department_id', fields.IntField(null=True, db_index=True)),
                ('state', fields.CharField(default='draft', max_length=24)),
                ('data_cipher', fields.TextField(default='', unique=False)),
                ('phone_last4', fields.CharField(default='', max_length=4)),
                ('promised_days', fields.IntField()),
                ('submitted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('due_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('supplement_reason', fields.CharField(null=True, max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'applications_application', 'app': 'applications', 'indexes': [Index(fields=['department_id', 'state'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApplicationEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('application', fields.ForeignKeyField('applications.Application', source_field='application_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('move', fields.CharField(max_length=32)),
                ('from_state', fields.CharField(max_length=24)),
                ('to_state', fields.CharField(max_length=24)),
                ('actor_type', fields.CharField(max_length=16)),
                ('actor_id', fields.BigIntField(null=True)),
                ('reason', fields.CharField(null=True, max_length=500)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'applications_event', 'app': 'applications', 'pk_attr': 'id', 'table_description': 'The timeline: every move, who made it and why, never changed.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LibraryField',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('citizen_id', fields.BigIntField()),
                ('name', fields.CharField(max_length=64)),
                ('value_cipher', fields.TextField(unique=False)),
                ('source_application_no', fields.CharField(max_length=24)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'applications_library_field', 'app': 'applications', 'unique_together': (('citizen_id', 'name'),), 'pk_attr': 'id', 'table_description': 'A form answer the resident gave (sealed), offered to every later form with the field.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StoredFile',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('citizen_id', fields.BigIntField(db_index=True)),
                ('storage_key', fields.CharField(unique=True, max_length=128)),
                ('content_type', fields.CharField(max_length=64)),
                ('size', fields.IntField()),
                ('sha256', fields.CharField(max_length=64)),
                ('original_name', fields.CharField(default='', max_length=128)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'applications_file', 'app': 'applications', 'pk_attr': 'id', 'table_description': 'An uploaded file: checked by content, kept in the storage under `storage_key`.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApplicationMaterial',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('application', fields.ForeignKeyField('applications.Application', source_field='application_id', db_constraint=True, to_field='id', related_name='materials', on_delete=OnDelete.CASCADE)),
                ('material_code', fields.CharField(max_length=32)),
                ('file', fields.ForeignKeyField('applications.StoredFile', source_field='file_id', db_constraint=True, to_field='id', related_name='uses', on_delete=OnDelete.RESTRICT)),
                ('from_library', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'applications_material', 'app': 'applications', 'unique_together': (('application_id', 'material_code'),), 'pk_attr': 'id', 'table_description': 'One material of an application: an upload, or an entry of the library reused.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LibraryMaterial',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('citizen_id', fields.BigIntField()),
                ('material_code', fields.CharField(max_length=32)),
                ('file', fields.ForeignKeyField('applications.StoredFile', source_field='file_id', db_constraint=True, to_field='id', related_name='library_entries', on_delete=OnDelete.RESTRICT)),
                ('source_application_no', fields.CharField(max_length=24)),
                ('valid_until', fields.DateField(null=True)),
                ('accepted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'applications_library_material', 'app': 'applications', 'unique_together': (('citizen_id', 'material_code'),), 'pk_attr': 'id', 'table_description': 'A material a department accepted: the resident never uploads it again while valid.'},
            bases=['Model'],
        ),
    ]
