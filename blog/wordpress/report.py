"""What an import did, per kind of thing, and each problem with the item it concerns."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

KINDS = (
    "users",
    "categories",
    "tags",
    "posts",
    "pages",
    "comments",
    "attachments",
    "redirects",
)
OUTCOMES = ("created", "updated", "unchanged", "skipped")


def _empty_counts() -> dict[str, Counter]:
    return {kind: Counter() for kind in KINDS}


@dataclass
class ImportReport:
    """Counts per kind and outcome, problems (one per item) and general notes."""

    source_name: str = ""
    dry_run: bool = False
    wxr_version: str = ""
    counts: dict[str, Counter] = field(default_factory=_empty_counts)
    other_items: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, kind: str, outcome: str, number: int = 1) -> None:
        if kind not in self.counts or outcome not in OUTCOMES:
            raise ValueError(f"unknown count {kind}/{outcome}")
        self.counts[kind][outcome] += number

    def get(self, kind: str, outcome: str) -> int:
        return self.counts[kind][outcome]

    def problem(self, subject: str, message: str) -> None:
        self.problems.append(f"{subject}: {message}")

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)

    def rows(self) -> list[tuple[str, int, int, int, int]]:
        """(kind, created, updated, unchanged, skipped) for each kind, in order."""
        return [
            (kind, *(self.counts[kind][outcome] for outcome in OUTCOMES))
            for kind in KINDS
        ]

    @property
    def other_items_text(self) -> str:
        """The post types left out, and how many: "nav_menu_item 70, wp_block 1"."""
        return ", ".join(
            f"{name} {number}" for name, number in sorted(self.other_items.items())
        )

    @property
    def title(self) -> str:
        name = f" of {self.source_name}" if self.source_name else ""
        if self.dry_run:
            return f"WordPress import{name}: dry run, nothing was written"
        return f"WordPress import{name}: done"

    def lines(self) -> list[str]:
        """The summary as plain text lines (the command prints them)."""
        lines = [self.title]
        if self.wxr_version:
            lines.append(f"WXR version {self.wxr_version}")
        width = max(len(kind) for kind in KINDS)
        lines.append(f"{'':<{width}}  " + "  ".join(f"{o:>9}" for o in OUTCOMES))
        for kind, *numbers in self.rows():
            lines.append(f"{kind:<{width}}  " + "  ".join(f"{n:>9}" for n in numbers))
        if self.other_items:
            lines.append(f"Items of other types, not imported: {self.other_items_text}")
        lines.extend(self.notes)
        if self.problems:
            lines.append(f"Problems ({len(self.problems)}):")
            lines.extend(f"  {problem}" for problem in self.problems)
        else:
            lines.append("No problems.")
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())
