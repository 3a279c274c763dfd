"""The catalogue's errors, each fixing one `Code` and naming what was not found."""

from __future__ import annotations

from gateway.codes import Code
from gateway.errors import GovError


class ItemNotFound(GovError):
    code = Code.CATALOG_ITEM_NOT_FOUND

    def __init__(self, item: str) -> None:
        super().__init__(item=item)


class ThemeNotFound(GovError):
    code = Code.CATALOG_THEME_NOT_FOUND

    def __init__(self, theme: str) -> None:
        super().__init__(theme=theme)


class LifeEventNotFound(GovError):
    code = Code.CATALOG_LIFE_EVENT_NOT_FOUND

    def __init__(self, life_event: str) -> None:
        super().__init__(life_event=life_event)


class TargetGroupNotFound(GovError):
    code = Code.CATALOG_TARGET_GROUP_NOT_FOUND

    def __init__(self, target_group: str) -> None:
        super().__init__(target_group=target_group)


class DepartmentNotFound(GovError):
    code = Code.CATALOG_DEPARTMENT_NOT_FOUND

    def __init__(self, department: str) -> None:
        super().__init__(department=department)


class RegionNotFound(GovError):
    code = Code.REGION_NOT_FOUND

    def __init__(self, region: str) -> None:
        super().__init__(region=region)


class NotImplementedInRegion(GovError):
    code = Code.CATALOG_NOT_IMPLEMENTED

    def __init__(self, item: str, region: str) -> None:
        super().__init__(item=item, region=region)


class PromiseExceedsLegal(GovError):
    code = Code.CATALOG_PROMISE_EXCEEDS_LEGAL

    def __init__(self, promised: int, legal: int) -> None:
        super().__init__(promised=promised, legal=legal)


class OutOfScope(GovError):
    code = Code.OUT_OF_SCOPE

    def __init__(self) -> None:
        super().__init__()
