"""The sandbox traffic police: demo vehicles from `sandbox_data`, settlements kept in the store.

As far as GovHub can tell it behaves like the traffic police's system: it finds a vehicle by
plate and VIN tail, takes reports of paid fines idempotently by our reference (the decision then
shows as paid), refuses for good a report it cannot match, and is unavailable to the first
reports of a vehicle whose demo data says so (`report_failures`), so the retries are seen
working. Never on in production.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace

import orjson

from config.runtime import runtime
from config.store import Store
from services.traffic.providers.base import (
    FineSettlement,
    Refusal,
    SettlementConfirmation,
    SettlementRefused,
    SourceUnavailable,
    VehicleRecord,
    ViolationRecord,
)
from services.traffic.providers.sandbox_data import DEMO_VEHICLES

_KEEP_SECONDS = 365 * 24 * 3600


class SandboxTrafficPolice:
    name = "sandbox"

    def __init__(self, store: Store | None = None) -> None:
        self._store = store

    @property
    def store(self) -> Store:
        return self._store or runtime().store

    @staticmethod
    def _key(*parts: str) -> str:
        return ":".join(("traffic", "sandbox", *parts))

    async def vehicle(self, plate: str, vin_last6: str) -> VehicleRecord | None:
        found = DEMO_VEHICLES.get(plate)
        # Compared in constant time, and an unknown plate costs the same comparison.
        expected = found.vin[-6:] if found is not None else "\0" * 6
        if not hmac.compare_digest(expected.upper().encode(), vin_last6.upper().encode()):
            return None
        assert found is not None
        violations: list[ViolationRecord] = []
        for violation in found.violations:
            settled = (
                await self.settlement(violation.decision_no) if violation.decision_no else None
            )
            violations.append(violation if settled is None else replace(violation, paid=True))
        return VehicleRecord(found.plate, tuple(violations))

    async def settlement(self, decision_no: str) -> dict[str, object] | None:
        """What the source recorded when the decision was settled; None while it is unpaid."""
        reference = await self.store.get(self._key("decision", decision_no))
        if reference is None:
            return None
        raw = await self.store.get(self._key("settled", reference))
        return None if raw is None else dict(orjson.loads(raw))

    async def report_payment(self, settlement: FineSettlement) -> SettlementConfirmation:
        found = DEMO_VEHICLES.get(settlement.plate)
        decided = {v.decision_no: v for v in found.violations} if found is not None else {}
        violation = decided.get(settlement.decision_no)
        if found is None or violation is None:
            raise SettlementRefused(Refusal.NO_DECISION, settlement.decision_no)
        tries = await self.store.incr(self._key("tries", settlement.reference), ttl=_KEEP_SECONDS)
        if tries <= found.report_failures:
            raise SourceUnavailable(f"sandbox traffic police offline (report {tries})")
        fine, surcharge = settlement.fine_fen, settlement.surcharge_fen
        # The surcharge depends on the day it was priced, so only its bounds are checked.
        if (
            fine != violation.fine_fen
            or not 0 <= surcharge <= fine
            or settlement.amount_fen != fine + surcharge
        ):
            raise SettlementRefused(Refusal.AMOUNT_MISMATCH, settlement.decision_no)
        decision_key = self._key("decision", settlement.decision_no)
        if not await self.store.set_if_absent(decision_key, settlement.reference, _KEEP_SECONDS):
            if await self.store.get(decision_key) != settlement.reference:
                raise SettlementRefused(Refusal.ALREADY_SETTLED, settlement.decision_no)
        digest = hashlib.blake2b(settlement.reference.encode(), digest_size=8).hexdigest()
        record = {
            "decision_no": settlement.decision_no,
            "reference": settlement.reference,
            "amount_fen": settlement.amount_fen,
            "confirmation_no": f"SBXJJ{digest.upper()}",
            "paid_at": settlement.paid_at.isoformat(),
        }
        settled_key = self._key("settled", settlement.reference)
        await self.store.set_if_absent(settled_key, orjson.dumps(record).decode(), _KEEP_SECONDS)
        kept = await self.settlement(settlement.decision_no)
        assert kept is not None
        return SettlementConfirmation(str(kept["confirmation_no"]))
