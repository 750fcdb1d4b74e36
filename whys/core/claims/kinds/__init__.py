"""The claim kinds, one module each, listed in one registry (like pre-commit's languages).

Each module implements `whys.core.claims.kind.ClaimKindModule`: `assemble` (a line's
mentions -> drafts), `prefetch` (batched git work) and `check` (claim -> status).

Where a new claim shape goes:
- a new way a kind is written (a new phrase for a count, a new line-range form) goes in
  that kind's `assemble`, or, when several kinds share the mention, in
  `whys/core/claims/mentions.py`;
- a new kind is a new module here, added to KINDS; nothing else names it;
- order matters only where a kind reads the drafts of kinds before it on the same line
  (`symbol` and `file` skip what `lines` used; `message` skips subjects `commit` took;
  `time` anchors to `commit`/`message` drafts).
Kinds never import each other: what two kinds share lives in `mentions` or `checking/`.
"""

from __future__ import annotations

from whys.core.claims.kind import ClaimKindModule
from whys.core.claims.kinds import commit, count, external, file, lines, message, symbol, time

KINDS: tuple[ClaimKindModule, ...] = (lines, count, symbol, file, commit, message, time, external)
BY_NAME: dict[str, ClaimKindModule] = {kind.NAME: kind for kind in KINDS}
