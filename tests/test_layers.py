"""The layers' contracts, checked on the source: payments never imports a business capability,
and a capability reaches payments only through its service-level API (payments/api.py) and its
data types, never through its router, service or outbox."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAYMENTS_INTERNALS = ("payments.router", "payments.service", "payments.outbox", "payments.tasks")
# The gateway's list of services assembles every capability's router, payments' included.
ASSEMBLY = {ROOT / "services" / "registry.py"}


def imports(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def sources(folder: str) -> list[Path]:
    return sorted(p for p in (ROOT / folder).rglob("*.py") if "migrations" not in p.parts)


def test_payments_never_imports_a_business_capability() -> None:
    offending = {
        str(path.relative_to(ROOT)): sorted(m for m in imports(path) if m.startswith("services."))
        for path in sources("payments")
    }
    assert not {k: v for k, v in offending.items() if v}


def test_capabilities_reach_payments_only_through_its_api() -> None:
    offending: dict[str, list[str]] = {}
    for folder in ("services", "channels", "notify"):
        for path in sources(folder):
            if path in ASSEMBLY:
                continue
            bad = sorted(m for m in imports(path) if m.startswith(PAYMENTS_INTERNALS))
            if bad:
                offending[str(path.relative_to(ROOT))] = bad
    assert not offending


def test_the_check_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from payments.router import status\n")
    assert "payments.router" in imports(sample)
