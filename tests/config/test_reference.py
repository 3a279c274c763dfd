"""Every settings block is listed, no variable is read by two blocks, and every variable is
documented in the README."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from config.reference import blocks, variables
from config.settings import BlockSettings

README = Path(__file__).resolve().parents[2] / "README.md"


def all_subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    subclasses: list[type] = cls.__subclasses__()
    for sub in subclasses:
        found |= {sub, *all_subclasses(sub)}
    return found


class TestReference:
    def test_every_block_is_listed(self, app: object) -> None:
        # The app fixture has imported every module the application uses.
        defined = {c for c in all_subclasses(BlockSettings) if not c.__module__.startswith("tests")}
        assert defined - set(blocks()) == set()

    def test_every_variable_is_in_the_readme(self) -> None:
        text = README.read_text(encoding="utf-8")
        missing = [name for name, _, _ in variables() if f"`{name}`" not in text]
        assert missing == []

    def test_no_variable_belongs_to_two_blocks(self) -> None:
        counts = Counter(name for name, _, _ in variables())
        assert sorted(name for name, count in counts.items() if count > 1) == []

    def test_every_variable_says_what_it_is(self) -> None:
        assert [name for name, _, text in variables() if not text] == []
