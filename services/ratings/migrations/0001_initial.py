from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from services.ratings.models import AppealState, CaseOutcome, CaseState
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Rating',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('rating_no', fields.CharField(unique=True, max_length=24)),
                ('kind', fields.CharField(max_length=16)),
                ('reference', fields.CharField(max_length=32)),
                ('citizen_id', fields.BigIntField(db_index=True)),
                ('channel', fields.CharField(max_length=16)),
                ('level', fields.SmallIntField()),
                ('reasons', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('comment', fields.CharField(null=True, max_length=500)),
                ('item_code', fields.CharField(max_length=32)),
                ('item_name', fields.CharField(max_length=64)),
                ('department_id', fields.IntField(null=True)),
                ('hall_id', fields.IntField(null=True)),
                ('handled_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('rated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('month', fields.CharField(max_length=7)),
                ('excluded', fields.BooleanField(default=False)),
            ],
            options={'table': 'ratings_rating', 'app': 'ratings', 'unique_together': (('kind', 'reference'),), 'indexes': [Index(fields=['month', 'department_id']), Index(fields=['month', 'item_code'])], 'pk_attr': 'id', 'table_description': "One resident's rating of one handled matter, given once on any channel."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RatingAppeal',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('rating', fields.OneToOneField('ratings.Rating', source_field='rating_id', db_constraint=True, to_field='id', related_name='appeal', on_delete=OnDelete.CASCADE)),
                ('department_id', fields.IntField(null=True)),
                ('reason', fields.CharField(max_length=500)),
                ('filed_by', fields.BigIntField()),
                ('filed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('state', fields.CharEnumField(default=AppealState.PENDING, description='PENDING: pending\nUPHELD: upheld\nREJECTED: rejected', enum_type=AppealState, max_length=16)),
                ('reviewed_by', fields.BigIntField(null=True)),
                ('reviewed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('review_note', fields.CharField(null=True, max_length=500)),
            ],
            options={'table': 'ratings_appeal', 'app': 'ratings', 'indexes': [Index(fields=['state', 'id'])], 'pk_attr': 'id', 'table_description': "A department's appeal (申诉) against a rating it holds wrong, reviewed by the supervisor."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RectificationCase',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('rating', fields.OneToOneField('ratings.Rating', source_field='rating_id', db_constraint=True, to_field='id', related_name='case', on_delete=OnDelete.CASCADE)),
                ('department_id', fields.IntField(null=True)),
                ('item_code', fields.CharField(max_length=32)),
                ('month', fields.CharField(max_length=7)),
                ('state', fields.CharEnumField(default=CaseState.OPEN, description='OPEN: open\nCALLED_BACK: called_back\nCLOSED: closed', enum_type=CaseState, max_length=16)),
                ('opened_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('due_on', fields.DateField()),
                ('callback_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('callback_staff_id', fields.BigIntField(null=True)),
                ('callback_staff', fields.CharField(null=True, max_length=64)),
                ('resident_said', fields.CharField(null=True, max_length=500)),
                ('resident_satisfied', fields.BooleanField(null=True)),
                ('outcome', fields.CharEnumField(null=True, description='RECTIFIED: rectified\nEXPLAINED: explained\nUNFOUNDED: unfounded\nWITHDRAWN: withdrawn', enum_type=CaseOutcome, max_length=16)),
                ('outcome_note', fields.CharField(null=True, max_length=500)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_by', fields.BigIntField(null=True)),
                ('on_time', fields.BooleanField(null=True)),
            ],
            options={'table': 'ratings_case', 'app': 'ratings', 'indexes': [Index(fields=['department_id', 'state']), Index(fields=['state', 'due_on'])], 'pk_attr': 'id', 'table_description': 'The rectification (整改) a 差评 opens: the department calls the resident back and records'},
            bases=['Model'],
        ),
    ]
