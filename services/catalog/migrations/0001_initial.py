from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from services.catalog.models import MaterialForm, OnlineLevel, RegionLevel
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Item',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=64)),
                ('summary', fields.TextField(default='', unique=False)),
                ('keywords', fields.CharField(default='', max_length=200)),
                ('department_type', fields.CharField(db_index=True, max_length=32)),
                ('online_level', fields.CharEnumField(description='FULLY_ONLINE: fully_online\nONE_VISIT: one_visit\nCOUNTER: counter', enum_type=OnlineLevel, max_length=16)),
                ('legal_days', fields.IntField()),
                ('promised_days', fields.IntField()),
                ('fee_fen', fields.IntField(default=0)),
                ('channels', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('conditions', fields.TextField(default='', unique=False)),
                ('legal_basis', fields.TextField(default='', unique=False)),
                ('steps', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('faqs', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('active', fields.BooleanField(default=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'catalog_item', 'app': 'catalog', 'pk_attr': 'id', 'table_description': 'A standard item: one code and one definition across the province. Money in fen.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LifeEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=32)),
                ('name_en', fields.CharField(default='', max_length=64)),
                ('sort', fields.IntField(default=0)),
            ],
            options={'table': 'catalog_life_event', 'app': 'catalog', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ItemLifeEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('item', fields.ForeignKeyField('catalog.Item', source_field='item_id', db_constraint=True, to_field='id', related_name='life_event_links', on_delete=OnDelete.CASCADE)),
                ('life_event', fields.ForeignKeyField('catalog.LifeEvent', source_field='life_event_id', db_constraint=True, to_field='id', related_name='item_links', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'catalog_item_life_event', 'app': 'catalog', 'unique_together': (('item', 'life_event'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Material',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=64)),
                ('description', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'catalog_material', 'app': 'catalog', 'pk_attr': 'id', 'table_description': 'A material several items ask for, so a resident provides it once.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ItemMaterial',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('item', fields.ForeignKeyField('catalog.Item', source_field='item_id', db_constraint=True, to_field='id', related_name='materials', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('name', fields.CharField(max_length=100)),
                ('material', fields.ForeignKeyField('catalog.Material', source_field='material_id', null=True, db_constraint=True, to_field='id', related_name='uses', on_delete=OnDelete.RESTRICT)),
                ('required', fields.BooleanField(default=True)),
                ('form', fields.CharEnumField(description='ORIGINAL: original\nCOPY: copy\nORIGINAL_AND_COPY: original_and_copy\nELECTRONIC: electronic', enum_type=MaterialForm, max_length=24)),
                ('copies', fields.IntField(default=1)),
                ('note', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'catalog_item_material', 'app': 'catalog', 'unique_together': (('item', 'position'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Region',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=12)),
                ('name', fields.CharField(max_length=64)),
                ('level', fields.CharEnumField(description='PROVINCE: province\nCITY: city\nDISTRICT: district\nSTREET: street\nCOMMUNITY: community', enum_type=RegionLevel, max_length=16)),
                ('parent', fields.ForeignKeyField('catalog.Region', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.RESTRICT)),
                ('path', fields.CharField(db_index=True, max_length=128)),
            ],
            options={'table': 'catalog_region', 'app': 'catalog', 'pk_attr': 'id', 'table_description': 'Administrative regions (GB/T 2260 codes) with their ancestry path.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Department',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=64)),
                ('department_type', fields.CharField(db_index=True, max_length=32)),
                ('region', fields.ForeignKeyField('catalog.Region', source_field='region_id', db_constraint=True, to_field='id', related_name='departments', on_delete=OnDelete.RESTRICT)),
                ('phone', fields.CharField(default='', max_length=32)),
            ],
            options={'table': 'catalog_department', 'app': 'catalog', 'pk_attr': 'id', 'table_description': 'Government departments, each belonging to one region.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Hall',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=64)),
                ('region', fields.ForeignKeyField('catalog.Region', source_field='region_id', db_constraint=True, to_field='id', related_name='halls', on_delete=OnDelete.RESTRICT)),
                ('address', fields.CharField(max_length=200)),
                ('opening_hours', fields.CharField(default='', max_length=200)),
                ('phone', fields.CharField(default='', max_length=32)),
                ('latitude', fields.FloatField(null=True)),
                ('longitude', fields.FloatField(null=True)),
            ],
            options={'table': 'catalog_hall', 'app': 'catalog', 'pk_attr': 'id', 'table_description': 'Service halls (行政服务中心) where items are handled in person.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Implementation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('item', fields.ForeignKeyField('catalog.Item', source_field='item_id', db_constraint=True, to_field='id', related_name='implementations', on_delete=OnDelete.CASCADE)),
                ('region', fields.ForeignKeyField('catalog.Region', source_field='region_id', db_constraint=True, to_field='id', related_name='implementations', on_delete=OnDelete.RESTRICT)),
                ('department', fields.ForeignKeyField('catalog.Department', source_field='department_id', db_constraint=True, to_field='id', related_name='implementations', on_delete=OnDelete.RESTRICT)),
                ('fee_fen', fields.IntField(null=True)),
                ('legal_days', fields.IntField(null=True)),
                ('promised_days', fields.IntField(null=True)),
                ('online_level', fields.CharEnumField(null=True, description='FULLY_ONLINE: fully_online\nONE_VISIT: one_visit\nCOUNTER: counter', enum_type=OnlineLevel, max_length=16)),
                ('notes', fields.TextField(default='', unique=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'catalog_implementation', 'app': 'catalog', 'unique_together': (('item', 'region'),), 'pk_attr': 'id', 'table_description': 'How one region offers an item, unset local values fall back to the standard item.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ImplementationHall',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('implementation', fields.ForeignKeyField('catalog.Implementation', source_field='implementation_id', db_constraint=True, to_field='id', related_name='hall_links', on_delete=OnDelete.CASCADE)),
                ('hall', fields.ForeignKeyField('catalog.Hall', source_field='hall_id', db_constraint=True, to_field='id', related_name='implementation_links', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'catalog_implementation_hall', 'app': 'catalog', 'unique_together': (('implementation', 'hall'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TargetGroup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=32)),
                ('name_en', fields.CharField(default='', max_length=64)),
                ('fast_lane', fields.BooleanField(default=False)),
                ('sort', fields.IntField(default=0)),
            ],
            options={'table': 'catalog_target_group', 'app': 'catalog', 'pk_attr': 'id', 'table_description': 'Who an item serves. `fast_lane` groups are served first at halls.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ItemTargetGroup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('item', fields.ForeignKeyField('catalog.Item', source_field='item_id', db_constraint=True, to_field='id', related_name='target_group_links', on_delete=OnDelete.CASCADE)),
                ('target_group', fields.ForeignKeyField('catalog.TargetGroup', source_field='target_group_id', db_constraint=True, to_field='id', related_name='item_links', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'catalog_item_target_group', 'app': 'catalog', 'unique_together': (('item', 'target_group'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Theme',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=32)),
                ('name_en', fields.CharField(default='', max_length=64)),
                ('sort', fields.IntField(default=0)),
            ],
            options={'table': 'catalog_theme', 'app': 'catalog', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ItemTheme',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('item', fields.ForeignKeyField('catalog.Item', source_field='item_id', db_constraint=True, to_field='id', related_name='theme_links', on_delete=OnDelete.CASCADE)),
                ('theme', fields.ForeignKeyField('catalog.Theme', source_field='theme_id', db_constraint=True, to_field='id', related_name='item_links', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'catalog_item_theme', 'app': 'catalog', 'unique_together': (('item', 'theme'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
