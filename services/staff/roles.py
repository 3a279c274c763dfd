"""The built-in roles and their permissions. `govhub seed` and `govhub staff create` write them
to the role table; an edited table row wins over nothing here, since these only fill gaps."""

from __future__ import annotations

from dataclasses import dataclass

SELF = "staff.self"  # every role holds it: see and manage one's own staff account
MANAGE = "staff.manage"  # staff accounts and their roles (the administrator's, through "*")
EVERYTHING = "*"


@dataclass(frozen=True, slots=True)
class RoleSpec:
    code: str
    name_zh: str
    name_en: str
    permissions: tuple[str, ...]


BUILTIN_ROLES: dict[str, RoleSpec] = {
    spec.code: spec
    for spec in (
        RoleSpec("admin", "系统管理员", "Administrator", (EVERYTHING,)),
        RoleSpec(
            "hall_admin",
            "大厅管理员",
            "Hall administrator",
            (
                SELF,
                "hall.manage",
                "appointments.manage",
                "appointments.checkin",
                "queue.manage",
                "queue.call",
                "queue.issue",
                "demands.counter",
                "bills.write-offs",
                "traffic.reports",
            ),
        ),
        RoleSpec(
            "window_clerk",
            "窗口工作人员",
            "Window clerk",
            (
                SELF,
                "queue.call",
                "queue.issue",
                "appointments.checkin",
                "demands.counter",
                "ratings.manage",
            ),
        ),
        RoleSpec(
            "case_handler",
            "诉求办理员",
            "Consultation handler",
            (SELF, "consultations.answer"),
        ),
        # Online applications are decided by the handling department's back office, not at
        # the hall's windows: its own role, scoped to the departments it reviews for.
        RoleSpec(
            "application_reviewer",
            "办件审核员",
            "Application reviewer",
            (SELF, "applications.handle"),
        ),
        RoleSpec("catalog_editor", "事项编辑", "Catalogue editor", (SELF, "catalog.edit")),
        RoleSpec(
            "finance",
            "财务对账员",
            "Finance officer",
            (SELF, "payments.refund", "payments.reconcile", "bills.write-offs", "traffic.reports"),
        ),
        RoleSpec("auditor", "审计员", "Auditor", (SELF, "audit.read", "notify.read")),
        RoleSpec(
            "ratings_supervisor",
            "好差评监督员",
            "Ratings supervisor",
            (SELF, "ratings.audit", "ratings.manage"),
        ),
        RoleSpec("data_officer", "数据开放管理员", "Open-data officer", (SELF, "opendata.manage")),
    )
}
