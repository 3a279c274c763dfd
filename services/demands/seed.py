"""Demo department with a documented test key and two fee demands for the demo resident."""

from __future__ import annotations

from collections.abc import Callable

from services.demands import admin, repository
from services.demands.models import KeyMode
from services.demands.schemas import DemandCreate, LineItem, PayerHint
from services.demands.service import demands

# Demo only, like the demo staff passwords: a test key reaches nothing but the sandbox.
DEMO_DEPARTMENT = ("demo-registry", "不动产登记中心（演示）")
DEMO_KEY = "gk_test_00000000de01_GovHub-demo-department-test-key-0001"
DEMO_PHONE = "13800138000"
DEMO_DEMANDS = (
    DemandCreate(
        external_ref="BDC-2026-0001",
        title="不动产登记费",
        items=[LineItem(name="登记费", unit_fen=8000), LineItem(name="证书工本费", unit_fen=1000)],
        payer=PayerHint(phone=DEMO_PHONE),
    ),
    DemandCreate(
        external_ref="BDC-2026-0002",
        title="档案查询复印费",
        items=[LineItem(name="复印", quantity=12, unit_fen=50)],
        payer=PayerHint(phone=DEMO_PHONE),
    ),
)


async def seed_demands(say: Callable[[str], object] = print) -> None:
    code, name = DEMO_DEPARTMENT
    department = await repository.department_by_code(code)
    if department is None:
        department, _ = await admin.add_department(code, name, None)
    await admin.install_key(department, DEMO_KEY)
    for demand in DEMO_DEMANDS:
        await demands.create(department, KeyMode.TEST, demand)
    say(f"demands: department {code}, test key {DEMO_KEY}, 2 demands for {DEMO_PHONE}")
