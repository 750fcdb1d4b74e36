"""The one protocol every claim kind implements (see `kinds/__init__.py` for the registry).

A kind is a module under `whys/core/claims/kinds/` with:
- `NAME`: the `Claim.kind` it produces and checks;
- `IN_FENCES`: whether it reads lines inside code fences (most read prose only);
- `assemble(line, earlier) -> list[Draft]`: the drafts of this kind on one line, from the
  line's mentions (and the drafts kinds listed before it made of the same line);
- `settle(claims, paragraphs) -> None`: once every line is read, what a kind decides
  across lines (a time claim borrowing the commit its paragraph cites); most do nothing;
- `prefetch(context, claims) -> Prefetch`: the slow queries its claims will need, so the
  run starts them together;
- `check(context, claim) -> ClaimCheck`: the claim's status, from the claim's fields only
  (never by re-reading `claim.text`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from whys.core.models import Claim, ClaimCheck, ClaimKind

if TYPE_CHECKING:
    from whys.core.claims.checking.context import CheckContext
    from whys.core.claims.drafts import Draft
    from whys.core.claims.mentions import LineMentions


@dataclass
class Prefetch:
    """What a kind's claims will ask of git and rg, so the run can ask it all at once."""

    jobs: dict[Hashable, Callable[[], object]] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)  # quoted subjects to look up
    path_claims: list[Claim] = field(default_factory=list)  # need the tree listing
    read_claims: list[Claim] = field(default_factory=list)  # will read their files


class ClaimKindModule(Protocol):
    NAME: ClaimKind
    IN_FENCES: bool

    def assemble(self, line: LineMentions, earlier: list[Draft]) -> list[Draft]: ...

    def settle(self, claims: list[Claim], paragraphs: dict[str, int]) -> None: ...

    def prefetch(self, context: CheckContext, claims: list[Claim]) -> Prefetch: ...

    def check(self, context: CheckContext, claim: Claim) -> ClaimCheck: ...
