"""Applying online: forms prefilled from the materials library, a workflow defined as data,
moves by the resident and by the department's staff, each on the timeline and audited.

Fill once: when a department accepts an application, its shared materials go into the
resident's library, and every answer the resident gave is kept there too (sealed), so the next
form of any item asks only for what the library does not hold.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

import orjson
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from channels.identity.crypto import open_text, seal_text
from channels.identity.service import identity
from config.cache import Expiring
from config.database import unit_of_work
from gateway.paging import BEIJING
from gateway.schemas import Channel, StaffPrincipal
from notify.events import Event, emit
from services.applications import files
from services.applications import repository as repo
from services.applications.errors import (
    ApplicationNotFound,
    FileNotFound,
    FormInvalid,
    FormNotFound,
    MaterialsMissing,
    MoveNotAllowed,
    Paying,
    ReasonRequired,
)
from services.applications.models import (
    DATA_PURPOSE,
    FIELD_PURPOSE,
    Application,
    ApplicationForm,
    StoredFile,
)
from services.applications.schemas import (
    ApplicationList,
    ApplicationSummary,
    ApplicationView,
    AttachedMaterial,
    FeeRead,
    FeeState,
    FileRead,
    FormView,
    MaterialNeed,
    MonthlyProcessing,
    PublicFee,
    PublicProgress,
    TimelineEntry,
)
from services.applications.storage import storage
from services.applications.workflow import DEFAULT, PAY, REQUEST_PAYMENT, Actor, Move, Workflow
from services.appointments.service import working_deadline
from services.catalog.scope import department_covered
from services.payable import order_over

logger = logging.getLogger(__name__)

PAYABLE = frozenset({FeeState.DUE, FeeState.PAYING})


WORKFLOW_SECONDS = 300  # how long a form version's workflow is kept in the process


def utcnow() -> datetime:
    return datetime.now(UTC)


async def promised_date(submitted_at: datetime, days: int) -> datetime:
    """The end of the `days`-th working day after the day of submission (Beijing time), on the
    city's calendar: holidays and worked weekend days count as they do for the halls."""
    return await working_deadline(submitted_at, days, BEIJING)


def new_application_no(now: datetime) -> str:
    return f"SQ{now:%y%m%d}{secrets.token_hex(5).upper()}"


def workflow_of(form: ApplicationForm) -> Workflow:
    return Workflow.from_data(form.workflow) if form.workflow else DEFAULT


def seal(data: dict[str, Any]) -> str:
    return seal_text(orjson.dumps(data).decode(), DATA_PURPOSE)


def unseal(text: str) -> dict[str, Any]:
    if not text:
        return {}
    value: dict[str, Any] = orjson.loads(open_text(text, DATA_PURPOSE))
    return value


def schema_errors(schema: dict[str, Any], data: dict[str, Any]) -> list[str]:
    try:
        validator = Draft202012Validator(schema)
    except SchemaError as exc:  # a form definition error is ours, not the resident's
        raise RuntimeError(f"form schema invalid: {exc.message}") from exc
    return [
        f"{'.'.join(str(p) for p in error.path) or '-'}: {error.message}"
        for error in sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    ]


class ApplicationService:
    def __init__(self) -> None:
        self._workflows: Expiring[int, Workflow] = Expiring(WORKFLOW_SECONDS)

    def forget_cached(self) -> None:
        """Drops the cached workflows, so a form changed behind this process's back shows."""
        self._workflows.clear()

    # ------------------------------------------------------------------ forms and library

    async def form(self, citizen_id: int, item_code: str) -> FormView:
        form = await self._form(item_code)
        library = await repo.library_materials(citizen_id)
        today = utcnow().date()
        return FormView(
            item_code=form.item_code,
            title=form.title,
            version=form.version,
            form_schema=form.schema,
            materials=[
                MaterialNeed(
                    code=str(m["code"]),
                    name=str(m["name"]),
                    required=bool(m["required"]),
                    in_library=_usable(library.get(str(m["code"])), today),
                    valid_until=library[str(m["code"])].valid_until
                    if str(m["code"]) in library
                    else None,
                )
                for m in form.materials
            ],
            prefill=await self._prefill(citizen_id, form),
        )

    async def _form(self, item_code: str) -> ApplicationForm:
        form = await repo.current_form(item_code)
        if form is None:
            raise FormNotFound()
        return form

    async def _prefill(self, citizen_id: int, form: ApplicationForm) -> dict[str, Any]:
        properties = form.schema.get("properties", {})
        assert isinstance(properties, dict)
        fields = await repo.library_fields(citizen_id, list(properties))
        return {
            name: orjson.loads(open_text(row.value_cipher, FIELD_PURPOSE))
            for name, row in fields.items()
        }

    # ------------------------------------------------------------------ the resident

    async def start(
        self, citizen_id: int, item_code: str, phone: str | None, channel: Channel
    ) -> ApplicationView:
        """A draft with every answer and material the library holds already in place."""
        form = await self._form(item_code)
        now = utcnow()
        library = await repo.library_materials(citizen_id)
        handling = await repo.handling(form.item_code)
        async with unit_of_work():
            application = await repo.insert_application(
                application_no=new_application_no(now),
                citizen_id=citizen_id,
                channel=channel.value,
                form_id=form.id,
                item_code=form.item_code,
                item_name=form.title,
                department_id=handling.department_id,
                data_cipher=seal(await self._prefill(citizen_id, form)),
                phone_last4=(phone or "")[-4:],
                promised_days=handling.promised_days,
                fee_fen=handling.fee_fen,
            )
            for need in form.materials:
                entry = library.get(str(need["code"]))
                if _usable(entry, now.date()):
                    assert entry is not None
                    await repo.attach(application.id, entry.material_code, entry.file_id, True)
        return await self.view_own(citizen_id, application.application_no)

    async def save(self, citizen_id: int, no: str, data: dict[str, Any]) -> ApplicationView:
        application = await self.own(citizen_id, no)
        self._editable(application)
        merged = {**unseal(application.data_cipher), **data}
        await repo.update_application(application.id, data_cipher=seal(merged))
        return await self.view_own(citizen_id, no)

    async def attach(
        self, citizen_id: int, no: str, material_code: str, file_id: int
    ) -> ApplicationView:
        application = await self.own(citizen_id, no)
        self._editable(application)
        form = await repo.form_by_id(application.form_id)
        if material_code not in {str(m["code"]) for m in form.materials}:
            raise FormInvalid(detail=f"{material_code}: not a material of this item")
        stored = await repo.file_by_id(file_id)
        if stored is None or stored.citizen_id != citizen_id:
            raise FileNotFound()
        await repo.attach(application.id, material_code, file_id, False)
        return await self.view_own(citizen_id, no)

    async def submit(self, citizen_id: int, no: str) -> ApplicationView:
        """Checks the answers against the form's schema and the required materials, then
        submits (or resubmits after 补正) and starts or resumes the promised time."""
        application = await self.own(citizen_id, no)
        form = await repo.form_by_id(application.form_id)
        data = unseal(application.data_cipher)
        errors = schema_errors(form.schema, data)
        if errors:
            raise FormInvalid(detail="; ".join(errors[:5]), data={"errors": errors})
        attached = set(await repo.attached_codes(application.id))
        missing = [
            str(m["name"]) for m in form.materials if m["required"] and m["code"] not in attached
        ]
        if missing:
            raise MaterialsMissing(names="、".join(missing), data={"missing": missing})
        move = "resubmit" if application.state == "supplement_requested" else "submit"
        now = utcnow()
        changes: dict[str, Any] = {}
        if move == "submit":
            changes = {
                "submitted_at": now,
                "due_at": await promised_date(now, application.promised_days),
            }
        await self._move(application, move, Actor.RESIDENT, citizen_id, None, now, **changes)
        await repo.keep_fields(citizen_id, no, {k: _sealed_field(v) for k, v in data.items()}, now)
        return await self.view_own(citizen_id, no)

    async def withdraw(self, citizen_id: int, no: str) -> ApplicationView:
        """Before the decision, or while the fee is due and no payment is under way: an order
        still payable holds the application (APPLICATION_PAYING), so money never arrives for a
        withdrawn one."""
        application = await self.own(citizen_id, no)
        if await self.release_dead_order(application):
            raise Paying(data={"out_trade_no": application.out_trade_no})
        await self._move(application, "withdraw", Actor.RESIDENT, citizen_id, None, utcnow())
        return await self.view_own(citizen_id, no)

    async def release_dead_order(self, application: Application) -> bool:
        """Lets go of the unpaid order holding the application if it can no longer be paid;
        whether an order still holds it."""
        held = application.out_trade_no
        if not held or application.paid_at is not None:
            return False
        if await self.release_if_over(application, held):
            application.out_trade_no = None
            return False
        return True

    async def release_if_over(self, application: Application, out_trade_no: str) -> bool:
        """An unpaid application held by an order that can no longer be paid is free again."""
        if not await order_over(out_trade_no):
            return False
        released = await repo.release_order(application.id, out_trade_no)
        if released:
            logger.info(
                "application %s: order %s is over", application.application_no, out_trade_no
            )
        return released

    async def mine(self, citizen_id: int) -> ApplicationList:
        rows = await repo.applications_of(citizen_id)
        return ApplicationList(items=[await self.summary(a) for a in rows])

    async def view_own(self, citizen_id: int, no: str) -> ApplicationView:
        return await self._view(await self.own(citizen_id, no), Actor.RESIDENT)

    async def public_progress(self, no: str, phone_last4: str) -> PublicProgress:
        """Anyone with the number and the last four digits of the applicant's phone: the state
        only, never the answers nor the materials."""
        application = await repo.application_by_no(no)
        if (
            application is None
            or not application.phone_last4
            or not _same(application.phone_last4, phone_last4)
        ):
            raise ApplicationNotFound()
        workflow = await self.workflow(application)
        return PublicProgress(
            application_no=application.application_no,
            item_name=application.item_name,
            state=application.state,
            state_name=workflow.name_of(application.state),
            fee=public_fee(application, workflow),
        )

    async def own(self, citizen_id: int, no: str) -> Application:
        """The resident's own application; anyone else's is answered as not found."""
        application = await repo.application_by_no(no)
        if application is None or application.citizen_id != citizen_id:
            raise ApplicationNotFound()
        return application

    @staticmethod
    def _editable(application: Application) -> None:
        if application.state not in ("draft", "supplement_requested"):
            raise MoveNotAllowed(state=application.state, move="edit")

    # ------------------------------------------------------------------ files

    async def upload(self, citizen_id: int, content: bytes, name: str) -> FileRead:
        content_type = await files.check_upload(content)
        key = files.new_storage_key(content_type)
        await storage().put(key, content)
        stored = await repo.insert_file(
            citizen_id=citizen_id,
            storage_key=key,
            content_type=content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            original_name=name[:128],
        )
        return FileRead(
            file_id=stored.id,
            content_type=content_type,
            size=stored.size,
            link=files.signed_link(stored.id),
        )

    async def open_file(self, file_id: int) -> tuple[StoredFile, bytes]:
        stored = await repo.file_by_id(file_id)
        if stored is None:
            raise FileNotFound()
        try:
            return stored, await storage().get(stored.storage_key)
        except FileNotFoundError:
            logger.warning("file %s: no object under %s", stored.id, stored.storage_key)
            raise FileNotFound() from None

    # ------------------------------------------------------------------ staff

    async def inbox(
        self, staff: StaffPrincipal, state: str | None, overdue: bool, cursor: int, limit: int
    ) -> ApplicationList:
        departments = await repo.departments_covered(staff)
        rows = await repo.inbox(
            departments, state, utcnow() if overdue else None, cursor, limit + 1
        )
        more = len(rows) > limit
        rows = rows[:limit]
        applicants = await identity.masked_labels(a.citizen_id for a in rows)
        return ApplicationList(
            items=[
                (await self.summary(a)).model_copy(
                    update={"applicant": applicants.get(a.citizen_id, "-")}
                )
                for a in rows
            ],
            next_cursor=str(rows[-1].id) if more and rows else None,
        )

    async def view_as_staff(self, staff: StaffPrincipal, no: str) -> ApplicationView:
        """What the reviewer decides on; `moves` are the staff moves the workflow allows now."""
        application = await self._covered(staff, no)
        applicants = await identity.masked_labels([application.citizen_id])
        view = await self._view(application, Actor.STAFF)
        return view.model_copy(update={"applicant": applicants.get(application.citizen_id, "-")})

    async def act(
        self, staff: StaffPrincipal, no: str, move: str, reason: str | None
    ) -> ApplicationView:
        application = await self._covered(staff, no)
        if application.state == "draft":
            raise ApplicationNotFound()  # a draft is the resident's own until submitted
        now = utcnow()
        changes: dict[str, Any] = {}
        if move == "request_supplement":
            changes["supplement_reason"] = reason
        if move in ("approve", "reject"):
            changes["decided_at"] = now
        await self._move(application, move, Actor.STAFF, staff.staff_id, reason, now, **changes)
        if move == "accept":
            await self._keep_materials(application, now)
        return await self.view_as_staff(staff, no)

    async def _covered(self, staff: StaffPrincipal, no: str) -> Application:
        application = await repo.application_by_no(no)
        if application is None or not await department_covered(staff, application.department_id):
            raise ApplicationNotFound()  # out of scope looks the same as absent
        return application

    async def _keep_materials(self, application: Application, now: datetime) -> None:
        """Accepted: the shared materials become the resident's library entries."""
        for material in await repo.materials_of(application.id):
            if material.material_code.startswith("own:"):
                continue  # the item's own paper, not asked for by any other item
            await repo.keep_material(
                application.citizen_id,
                material.material_code,
                material.file_id,
                application.application_no,
                now,
            )

    # ------------------------------------------------------------------ moves and views

    async def _move(
        self,
        application: Application,
        name: str,
        actor: Actor,
        actor_id: int | None,
        reason: str | None,
        now: datetime,
        reference: str | None = None,
        **changes: Any,
    ) -> None:
        """One move of the workflow, on the timeline, and the resident told of the state it
        leads to. Arriving where the workflow asks for the fee, an application with one moves
        on at once (request_payment, by the system): one message, 待缴费."""
        workflow = await self.workflow(application)
        move = workflow.move(name)
        if move is None or move.actor is not actor or application.state not in move.sources:
            raise MoveNotAllowed(state=application.state, move=name)
        if move.needs_reason and not (reason and reason.strip()):
            raise ReasonRequired()
        async with unit_of_work():
            event_id = await self._step(
                application, workflow, move, actor_id, reason, now, reference, changes
            )
            charge = workflow.system_move(REQUEST_PAYMENT)
            if (
                charge is not None
                and application.state in charge.sources
                and application.fee_fen > 0
                and application.paid_at is None
            ):
                event_id = await self._step(application, workflow, charge, None, None, now)
            if application.state != "draft":
                await emit(
                    Event.APPLICATION_STATUS_CHANGED,
                    application.citizen_id,
                    {
                        "item": application.item_name,
                        "application_no": application.application_no,
                        "status": workflow.name_of(application.state),
                    },
                    channel=application.channel,
                    dedupe_key=f"application:{application.application_no}:{event_id}",
                )

    async def _step(
        self,
        application: Application,
        workflow: Workflow,
        move: Move,
        actor_id: int | None,
        reason: str | None,
        now: datetime,
        reference: str | None = None,
        changes: dict[str, Any] | None = None,
    ) -> int:
        """One conditional transition and its timeline entry; the event's id."""
        changes = dict(changes or {})
        resumed = await self._resumed_due(application, workflow, move, now)
        if resumed is not None:
            changes.setdefault("due_at", resumed)
        if not await repo.transition(
            application.id, application.state, application.out_trade_no, move.target, **changes
        ):
            raise MoveNotAllowed(state=application.state, move=move.name)
        event_id = await repo.add_event(
            application.id,
            move.name,
            application.state,
            move.target,
            move.actor.value,
            actor_id,
            reason,
            now,
            reference,
        )
        logger.info(
            "application %s: %s → %s (%s)",
            application.application_no,
            application.state,
            move.target,
            move.name,
        )
        application.state = move.target
        for field, value in changes.items():
            setattr(application, field, value)
        return event_id

    @staticmethod
    async def _resumed_due(
        application: Application, workflow: Workflow, move: Move, now: datetime
    ) -> datetime | None:
        """Leaving a state in which the clock stops (补正, 待缴费) before the decision, the
        promised date moves on by the time spent there. After the decision it stays: it was
        kept or missed already."""
        if (
            application.state not in workflow.clock_stops
            or move.target in workflow.clock_stops
            or application.due_at is None
            or application.decided_at is not None
        ):
            return None
        paused = await repo.entered_at(application.id, application.state)
        return application.due_at + (now - (paused or now))

    async def pay_move(
        self, application: Application, out_trade_no: str, paid_at: datetime
    ) -> None:
        """The system move `pay`: the order paid the application's fee (payments outbox)."""
        await self._move(
            application,
            PAY,
            Actor.SYSTEM,
            None,
            None,
            utcnow(),
            reference=out_trade_no,
            out_trade_no=out_trade_no,
            paid_at=paid_at,
        )

    async def note(
        self, application: Application, move: str, reason: str, reference: str, now: datetime
    ) -> None:
        """A timeline entry of the system that changes no state (a refund)."""
        await repo.add_event(
            application.id,
            move,
            application.state,
            application.state,
            Actor.SYSTEM.value,
            None,
            reason,
            now,
            reference,
        )

    async def workflow(self, application: Application) -> Workflow:
        """The workflow of the application's form version, kept for minutes: a version is never
        changed (a new one is a new row), and every view of an application needs it."""
        return await self._workflows.get(
            application.form_id,
            lambda: self._load_workflow(application.form_id),
        )

    @staticmethod
    async def _load_workflow(form_id: int) -> Workflow:
        return workflow_of(await repo.form_by_id(form_id))

    async def summary(self, application: Application) -> ApplicationSummary:
        workflow = await self.workflow(application)
        return ApplicationSummary(
            application_no=application.application_no,
            item_code=application.item_code,
            item_name=application.item_name,
            state=application.state,
            state_name=workflow.name_of(application.state),
            submitted_at=application.submitted_at,
            due_at=application.due_at,
            overdue=_overdue(application, workflow),
            fee=public_fee(application, workflow),
        )

    async def _view(self, application: Application, actor: Actor) -> ApplicationView:
        form = await repo.form_by_id(application.form_id)
        workflow = workflow_of(form)
        names = {str(m["code"]): str(m["name"]) for m in form.materials}
        attached = await repo.materials_of(application.id)
        codes = {m.material_code for m in attached}
        moves = workflow.moves_from(application.state, actor)
        if actor is Actor.RESIDENT and application.state in ("draft", "supplement_requested"):
            moves = ["save", "attach", *moves]
        if actor is Actor.RESIDENT and fee_state(application, workflow) in PAYABLE:
            moves = [*moves, PAY]
        return ApplicationView(
            application_no=application.application_no,
            item_code=application.item_code,
            item_name=application.item_name,
            state=application.state,
            state_name=workflow.name_of(application.state),
            data=unseal(application.data_cipher),
            field_titles=_field_titles(form.schema),
            materials=[
                AttachedMaterial(
                    code=m.material_code,
                    name=names.get(m.material_code, m.material_code),
                    from_library=m.from_library,
                    link=files.signed_link(m.file_id),
                )
                for m in attached
            ],
            missing=[
                str(m["name"]) for m in form.materials if m["required"] and m["code"] not in codes
            ],
            moves=moves,
            submitted_at=application.submitted_at,
            due_at=application.due_at,
            overdue=_overdue(application, workflow),
            supplement_reason=application.supplement_reason
            if application.state == "supplement_requested"
            else None,
            fee=fee_read(application, workflow),
            timeline=[
                TimelineEntry(
                    move=e.move,
                    from_state=e.from_state,
                    to_state=e.to_state,
                    actor_type=e.actor_type,
                    reason=e.reason,
                    reference=e.reference,
                    at=e.at,
                )
                for e in await repo.events_of(application.id)
            ],
        )


async def first_submitted_at() -> datetime | None:
    """When the first application was submitted: where monthly statistics start."""
    return await repo.first_submitted_at()


async def processing_by_month(since: datetime, until: datetime) -> list[MonthlyProcessing]:
    """Applications submitted in [since, until), counted by month of submission (Asia/Shanghai)
    and item, sorted by both. Only the counts leave this module (open data publishes them)."""
    rows = await repo.submitted_between(since, until)
    workflows = {f.id: workflow_of(f) for f in await repo.forms_by_id({a.form_id for a in rows})}
    groups: dict[tuple[str, str], list[Application]] = defaultdict(list)
    for application in rows:
        assert application.submitted_at is not None
        month = application.submitted_at.astimezone(BEIJING).strftime("%Y-%m")
        groups[month, application.item_code].append(application)
    result = []
    for (month, item_code), members in sorted(groups.items()):
        days = [
            (a.decided_at - a.submitted_at).total_seconds() / 86400
            for a in members
            if a.decided_at is not None and a.submitted_at is not None
        ]
        overdue = sum(
            a.decided_at > a.due_at
            if a.decided_at is not None and a.due_at is not None
            else a.decided_at is None and _overdue(a, workflows[a.form_id])
            for a in members
        )
        result.append(
            MonthlyProcessing(
                month=month,
                item_code=item_code,
                item_name=members[0].item_name,
                submitted=len(members),
                completed=len(days),
                overdue=overdue,
                average_days=round(sum(days) / len(days), 1) if days else None,
            )
        )
    return result


def _field_titles(schema: dict[str, Any]) -> dict[str, str]:
    properties = schema.get("properties", {})
    return {
        name: str(spec.get("title", name))
        for name, spec in (properties.items() if isinstance(properties, dict) else ())
        if isinstance(spec, dict)
    }


def _usable(entry: Any, today: date) -> bool:
    return entry is not None and (entry.valid_until is None or entry.valid_until >= today)


def _overdue(application: Application, workflow: Workflow) -> bool:
    if application.due_at is None or application.state in workflow.final:
        return False
    if application.state in workflow.clock_stops or application.decided_at is not None:
        return False
    return utcnow() > application.due_at


def fee_state(application: Application, workflow: Workflow) -> FeeState:
    if application.paid_at is not None:
        refunded = application.refunded_fen >= application.fee_fen
        return FeeState.REFUNDED if refunded else FeeState.PAID
    if workflow.payment_due is None or application.state in workflow.final:
        return FeeState.NOT_CHARGED
    if application.state == workflow.payment_due:
        return FeeState.PAYING if application.out_trade_no else FeeState.DUE
    return FeeState.PENDING


def public_fee(application: Application, workflow: Workflow) -> PublicFee | None:
    """The fee and how far its payment went, for anyone who may see the state."""
    if application.fee_fen <= 0:
        return None
    return PublicFee(amount_fen=application.fee_fen, state=fee_state(application, workflow))


def fee_read(application: Application, workflow: Workflow) -> FeeRead | None:
    """The fee with its order, for the applicant and the reviewing staff."""
    if application.fee_fen <= 0:
        return None
    return FeeRead(
        amount_fen=application.fee_fen,
        state=fee_state(application, workflow),
        out_trade_no=application.out_trade_no,
        paid_at=application.paid_at,
        refunded_fen=application.refunded_fen,
    )


def _same(a: str, b: str) -> bool:
    import hmac

    return hmac.compare_digest(a, b)


def _sealed_field(value: Any) -> str:
    return seal_text(orjson.dumps(value).decode(), FIELD_PURPOSE)


applications = ApplicationService()
