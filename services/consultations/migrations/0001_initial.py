from tortoise import migrations
from tortoise.migrations import operations as ops
from services.consultations.models import CaseKind, CaseState, ContactPreference
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Case',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('case_no', fields.CharField(unique=True, max_length=24)),
                ('citizen_id', fields.BigIntField(db_index=True)),
                ('channel', fields.CharField(max_length=16)),
                ('kind', fields.CharEnumField(description='CONSULTATION: consultation\nCOMPLAINT: complaint\nSUGGESTION: suggestion', enum_type=CaseKind, max_length=16)),
                ('state', fields.CharEnumField(default=CaseState.SUBMITTED, description='SUBMITTED: submitted\nANSWERED: answered\nREOPENED: reopened\nCLOSED: closed\nWITHDRAWN: withdrawn', enum_type=CaseState, max_length=16)),
                ('department_id', fields.IntField()),
                ('item_code', fields.CharField(null=True, max_length=32)),
                ('title', fields.CharField(max_length=100)),
                ('text', fields.TextField(unique=False)),
                ('contact', fields.CharEnumField(default=ContactPreference.MESSAGE, description='MESSAGE: message\nPHONE: phone\nNONE: none', enum_type=ContactPreference, max_length=16)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('answer', fields.TextField(null=True, unique=False)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reopened_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'consultations_case', 'app': 'consultations', 'indexes': [Index(fields=['department_id', 'state', 'due_at'])], 'pk_attr': 'id', 'table_description': "One resident's consultation, complaint or suggestion (诉求工单)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CaseEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('case', fields.ForeignKeyField('consultations.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('move', fields.CharField(max_length=16)),
                ('from_state', fields.CharField(max_length=16)),
                ('to_state', fields.CharField(max_length=16)),
                ('actor_type', fields.CharField(max_length=16)),
                ('actor_id', fields.BigIntField(null=True)),
                ('department_id', fields.IntField()),
                ('text', fields.TextField(null=True, unique=False)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'consultations_event', 'app': 'consultations', 'pk_attr': 'id', 'table_description': 'The timeline: every step, who took it, with its text (answer, reason), never changed.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FaqEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('case', fields.OneToOneField('consultations.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='faq', on_delete=OnDelete.CASCADE)),
                ('department_id', fields.IntField(db_index=True)),
                ('item_code', fields.CharField(null=True, db_index=True, max_length=32)),
                ('question', fields.CharField(max_length=200)),
                ('answer', fields.TextField(unique=False)),
                ('published_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'consultations_faq', 'app': 'consultations', 'pk_attr': 'id', 'table_description': 'A question and answer published from an answered consultation, as staff worded them for'},
            bases=['Model'],
        ),
    ]
