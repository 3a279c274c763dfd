from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from services.queue.models import FastLaneGroup, Lane, TicketStatus
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('appointments', '0001_initial'), ('catalog', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Queue',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('hall', fields.ForeignKeyField('catalog.Hall', source_field='hall_id', db_constraint=True, to_field='id', related_name='queues', on_delete=OnDelete.CASCADE)),
                ('code', fields.CharField(max_length=4)),
                ('name', fields.CharField(max_length=64)),
                ('name_en', fields.CharField(default='', max_length=64)),
                ('default_service_seconds', fields.IntField(default=300)),
                ('active', fields.BooleanField(default=True)),
            ],
            options={'table': 'queue_queue', 'app': 'queue', 'unique_together': (('hall', 'code'),), 'pk_attr': 'id', 'table_description': 'One business category of a hall, whose numbers carry `code` as prefix (A023).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='QueueItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('queue', fields.ForeignKeyField('queue.Queue', source_field='queue_id', db_constraint=True, to_field='id', related_name='item_links', on_delete=OnDelete.CASCADE)),
                ('item', fields.ForeignKeyField('catalog.Item', source_field='item_id', db_constraint=True, to_field='id', related_name='queue_links', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'queue_queue_item', 'app': 'queue', 'unique_together': (('queue', 'item'),), 'pk_attr': 'id', 'table_description': 'An item handled in a queue. A window serves the queues sharing an item with it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Ticket',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('queue', fields.ForeignKeyField('queue.Queue', source_field='queue_id', db_constraint=True, to_field='id', related_name='tickets', on_delete=OnDelete.RESTRICT)),
                ('day', fields.DateField()),
                ('number', fields.IntField()),
                ('label', fields.CharField(max_length=12)),
                ('citizen_id', fields.BigIntField(null=True, db_index=True)),
                ('active_citizen_id', fields.BigIntField(null=True)),
                ('channel', fields.CharField(max_length=16)),
                ('lane', fields.IntEnumField(default=Lane.REGULAR, description='APPOINTMENT: 0\nFAST: 1\nREGULAR: 2', enum_type=Lane, generated=False)),
                ('fast_lane_group', fields.CharEnumField(null=True, description='ELDERLY: elderly\nDISABLED: disabled\nPREGNANT: pregnant\nMILITARY: military', enum_type=FastLaneGroup, max_length=16)),
                ('appointment', fields.ForeignKeyField('appointments.Appointment', source_field='appointment_id', null=True, db_constraint=True, to_field='id', related_name='tickets', on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharEnumField(default=TicketStatus.WAITING, description='WAITING: waiting\nCALLED: called\nDONE: done\nSKIPPED: skipped\nCANCELLED: cancelled\nTRANSFERRED: transferred', enum_type=TicketStatus, max_length=16)),
                ('queued_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('taken_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('called_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('window', fields.ForeignKeyField('appointments.Window', source_field='window_id', null=True, db_constraint=True, to_field='id', related_name='tickets', on_delete=OnDelete.RESTRICT)),
                ('staff_id', fields.BigIntField(null=True)),
                ('recalls', fields.SmallIntField(default=0)),
                ('near_notified', fields.BooleanField(default=False)),
                ('transferred_to_id', fields.BigIntField(null=True)),
            ],
            options={'table': 'queue_ticket', 'app': 'queue', 'unique_together': (('queue', 'day', 'number'), ('queue', 'day', 'active_citizen_id')), 'indexes': [Index(fields=['queue_id', 'day', 'status', 'lane', 'queued_at'])], 'pk_attr': 'id', 'table_description': 'A queue number. `active_citizen_id` is set while the number is open, so a resident'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='QueueEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=32)),
                ('citizen_id', fields.BigIntField()),
                ('ticket', fields.ForeignKeyField('queue.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('payload', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('consumed_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'queue_event', 'app': 'queue', 'pk_attr': 'id', 'table_description': 'Outbox of resident-facing queue events, written in the transaction that caused them.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TicketLog',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ticket', fields.ForeignKeyField('queue.Ticket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='log', on_delete=OnDelete.CASCADE)),
                ('action', fields.CharField(max_length=16)),
                ('staff_id', fields.BigIntField(null=True)),
                ('window_id', fields.IntField(null=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('detail', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'queue_ticket_log', 'app': 'queue', 'pk_attr': 'id', 'table_description': 'What happened to a ticket, by whom, at which window. Append-only.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WindowSession',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('window', fields.ForeignKeyField('appointments.Window', source_field='window_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('staff_id', fields.BigIntField(db_index=True)),
                ('open_window_id', fields.IntField(null=True, unique=True)),
                ('open_staff_id', fields.BigIntField(null=True, unique=True)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ended_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'queue_window_session', 'app': 'queue', 'pk_attr': 'id', 'table_description': 'A clerk signed in at a window. The `open_*` columns are set only while it lasts, so a'},
            bases=['Model'],
        ),
    ]
