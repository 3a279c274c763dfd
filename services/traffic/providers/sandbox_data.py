"""Demo vehicles and violations of the sandbox traffic police (see docs/bills-and-traffic.md).

`report_failures` makes the source unavailable to that many reports of each payment of the
vehicle's fines before it confirms, to show the retries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from services.traffic.providers.base import ViolationRecord

_BEIJING = timezone(timedelta(hours=8))


@dataclass(frozen=True, slots=True)
class DemoVehicle:
    plate: str
    vin: str
    violations: tuple[ViolationRecord, ...]
    report_failures: int = 0


def _at(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=_BEIJING)


DEMO_VEHICLES: dict[str, DemoVehicle] = {
    v.plate: v
    for v in (
        DemoVehicle(
            "粤B12345",
            "LSVAM4187C2184512",
            (
                ViolationRecord(
                    "V440300001",
                    _at(2025, 3, 2, 8, 15),
                    "深圳市南山区深南大道与科苑路交叉口",
                    "1625",
                    "驾驶机动车违反道路交通信号灯通行",
                    6,
                    20000,
                    "440305100001234",
                    date(2025, 3, 10),
                ),
                ViolationRecord(
                    "V440300002",
                    _at(2025, 4, 18, 19, 40),
                    "深圳市福田区福华一路",
                    "1039",
                    "机动车违反规定停放、临时停车，妨碍其他车辆、行人通行",
                    0,
                    15000,
                    "440304100005678",
                    date(2025, 4, 25),
                ),
                ViolationRecord(
                    "V440300003",
                    _at(2025, 5, 6, 7, 55),
                    "深圳市宝安区宝安大道",
                    "1352",
                    "驾驶中型以上载客载货汽车、危险物品运输车辆以外的其他机动车"
                    "行驶超过规定时速10%未达20%",
                    3,
                    20000,
                    None,
                    None,
                ),
            ),
        ),
        DemoVehicle(
            "京A88888",
            "LFV2A21K6D3047788",
            (
                ViolationRecord(
                    "V110100001",
                    _at(2025, 2, 14, 17, 5),
                    "北京市朝阳区东三环北路",
                    "1345",
                    "驾驶机动车在高速公路、城市快速路以外的道路上不按规定车道行驶",
                    2,
                    10000,
                    "110105100004321",
                    date(2025, 2, 20),
                ),
            ),
            report_failures=2,
        ),
        DemoVehicle("沪C0A123", "LHGCR2650E8012345", ()),
    )
}
