from tortoise import migrations
from tortoise.migrations import operations as ops
from services.appointments.models import AppointmentStatus, DayKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('catalog', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='BookingBlock',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('citizen_id', fields.BigIntField(db_index=True)),
                ('until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('no_shows', fields.SmallIntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'appointments_booking_block', 'app': 'appointments', 'pk_attr': 'id', 'table_description': 'A resident may not book until `until`, after too many missed appointments.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CalendarDay',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('day', fields.DateField(unique=True)),
                ('kind', fields.CharEnumField(description='HOLIDAY: holiday\nWORKDAY: workday', enum_type=DayKind, max_length=16)),
                ('name', fields.CharField(max_length=32)),
            ],
            options={'table': 'appointments_calendar_day', 'app': 'appointments', 'pk_attr': 'id', 'table_description': 'A national public holiday or adjusted working day, overriding the usual weekday rule.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OpeningHours',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('hall', fields.ForeignKeyField('catalog.Hall', source_field='hall_id', db_constraint=True, to_field='id', related_name='opening_hours_rows', on_delete=OnDelete.CASCADE)),
                ('weekday', fields.SmallIntField()),
                ('opens_minute', fields.SmallIntField()),
                ('closes_minute', fields.SmallIntField()),
            ],
            options={'table': 'appointments_opening_hours', 'app': 'appointments', 'unique_together': (('hall', 'weekday', 'opens_minute'),), 'pk_attr': 'id', 'table_description': 'One opening session of a hall on a weekday (0 is Monday), in minutes after midnight.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Slot',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('hall', fields.ForeignKeyField('catalog.Hall', source_field='hall_id', db_constraint=True, to_field='id', related_name='slots', on_delete=OnDelete.CASCADE)),
                ('item', fields.ForeignKeyField('catalog.Item', source_field='item_id', db_constraint=True, to_field='id', related_name='slots', on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField()),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('capacity', fields.IntField()),
                ('booked', fields.IntField(default=0)),
            ],
            options={'table': 'appointments_slot', 'app': 'appointments', 'unique_together': (('hall', 'item', 'starts_at'),), 'indexes': [Index(fields=['hall_id', 'item_id', 'day'])], 'pk_attr': 'id', 'table_description': 'One bookable time of one item at one hall. `booked` never exceeds `capacity`.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Appointment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('citizen_id', fields.BigIntField(db_index=True)),
                ('slot', fields.ForeignKeyField('appointments.Slot', source_field='slot_id', db_constraint=True, to_field='id', related_name='appointments', on_delete=OnDelete.RESTRICT)),
                ('hall', fields.ForeignKeyField('catalog.Hall', source_field='hall_id', db_constraint=True, to_field='id', related_name='appointments', on_delete=OnDelete.RESTRICT)),
                ('item', fields.ForeignKeyField('catalog.Item', source_field='item_id', db_constraint=True, to_field='id', related_name='appointments', on_delete=OnDelete.RESTRICT)),
                ('day', fields.DateField()),
                ('active_day', fields.DateField(null=True)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=AppointmentStatus.BOOKED, description='BOOKED: booked\nCHECKED_IN: checked_in\nCANCELLED: cancelled\nNO_SHOW: no_show', enum_type=AppointmentStatus, max_length=16)),
                ('check_in_code', fields.CharField(unique=True, max_length=16)),
                ('channel', fields.CharField(max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('checked_in_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('no_show_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'appointments_appointment', 'app': 'appointments', 'unique_together': (('citizen_id', 'item', 'active_day'),), 'indexes': [Index(fields=['status', 'ends_at'])], 'pk_attr': 'id', 'table_description': "A resident's booking. `active_day` is the day while the booking counts (NULL once"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SlotRule',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('hall', fields.ForeignKeyField('catalog.Hall', source_field='hall_id', db_constraint=True, to_field='id', related_name='slot_rules', on_delete=OnDelete.CASCADE)),
                ('item', fields.ForeignKeyField('catalog.Item', source_field='item_id', db_constraint=True, to_field='id', related_name='slot_rules', on_delete=OnDelete.CASCADE)),
                ('slot_minutes', fields.SmallIntField(default=30)),
                ('capacity', fields.IntField()),
                ('active', fields.BooleanField(default=True)),
            ],
            options={'table': 'appointments_slot_rule', 'app': 'appointments', 'unique_together': (('hall', 'item'),), 'pk_attr': 'id', 'table_description': 'How a hall offers appointments for one item: slot length and places per slot.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Window',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('hall', fields.ForeignKeyField('catalog.Hall', source_field='hall_id', db_constraint=True, to_field='id', related_name='windows', on_delete=OnDelete.CASCADE)),
                ('code', fields.CharField(max_length=16)),
                ('name', fields.CharField(max_length=64)),
                ('active', fields.BooleanField(default=True)),
            ],
            options={'table': 'appointments_window', 'app': 'appointments', 'unique_together': (('hall', 'code'),), 'pk_attr': 'id', 'table_description': 'A service window (窗口) of a hall, handling the catalogue items linked to it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WindowItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('window', fields.ForeignKeyField('appointments.Window', source_field='window_id', db_constraint=True, to_field='id', related_name='item_links', on_delete=OnDelete.CASCADE)),
                ('item', fields.ForeignKeyField('catalog.Item', source_field='item_id', db_constraint=True, to_field='id', related_name='window_links', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'appointments_window_item', 'app': 'appointments', 'unique_together': (('window', 'item'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
