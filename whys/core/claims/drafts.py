"""Drafts: a claim found at a column of a line, before its id, text and why are given.

A draft has the typed fields of the `Claim` it becomes; `uses_path` and `stance` are
what the kinds after it on the line, and the extraction loop, need to know.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime

from whys.core.models import ClaimKind, ClaimStance, CommitRole, CountUnit, TimeRelation


@dataclass
class Draft:
    column: int
    kind: ClaimKind
    path: str | None = None
    line_start: int | None = None
    line_end: int | None = None
    line_numbers: list[int] = field(default_factory=list)
    symbol: str | None = None
    quoted_code: str | None = None
    sha: str | None = None
    message: str | None = None
    count: int | None = None
    at_least: bool = False
    count_unit: CountUnit | None = None
    pattern: str | None = None
    relation: TimeRelation | None = None
    when: datetime | None = None
    other_sha: str | None = None
    revision: str | None = None
    role: CommitRole | None = None
    clock: str | None = None
    approximate: bool = False
    # The column of the path mention this draft consumed, so `file` does not list it again.
    uses_path: int | None = None
    context_names: list[str] = field(default_factory=list)  # names the sibling bullets give
    described: str | None = None  # a line range's description in words
    said_defined: bool = False  # "line 9 defines `f`": the def itself is on that line
    said_used: bool = False  # "`X` is used/read/imported in `f.py`"
    lent: bool = False  # its path was borrowed from a line well above it (a guess)
    stance: ClaimStance | None = None  # None: the stance of the line
    # A figure of what git cannot count (failures, requests): no code nearby is its subject.
    uncounted: bool = False

    def claim_fields(self) -> dict[str, object]:
        """The `Claim` fields this draft sets."""
        skip = {"column", "kind", "uses_path", "stance", "uncounted"}
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in skip}
