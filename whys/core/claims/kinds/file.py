"""File claims: a path named on its own ("`payments/client.py` holds the retry")."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from whys.core.claims.checking.common import (
    MAX_LISTED,
    result,
)
from whys.core.claims.checking.files import as_proposal
from whys.core.claims.checking.paths import paths_for
from whys.core.claims.drafts import Draft
from whys.core.claims.kind import Prefetch
from whys.core.claims.mentions import LineMentions, _code_spans
from whys.core.models import Claim, ClaimCheck

if TYPE_CHECKING:
    from whys.core.claims.checking.context import CheckContext

NAME = "file"
IN_FENCES = True  # only shell sessions: `python tools/rebuild_index.py --all` runs a file

# A folder in backticks: `tests/unit/ledger_lock/`, `scripts/`.
_FOLDER = re.compile(r"(?:\./|/)?[A-Za-z_][\w.\-]*(?:/[\w.\-]+)*/")
# Unquoted, a folder needs two parts: `tests/e2e/staging/`, `/netra_backend/app/monitoring/`.
_PLAIN_FOLDER = re.compile(r"(?<![\w/.:`-])/?[A-Za-z_][\w.\-]*(?:/[\w.\-]+)+/(?=[\s),.;:]|$)")
_UNTRACKED = re.compile(r"(?:^|[\\/])\.env(?:\.[\w\-]+)*$")
# Runtimes and libraries named like files: "Node.js containers start slowly".
_PRODUCTS = {
    "node.js", "next.js", "nuxt.js", "vue.js", "react.js", "express.js", "angular.js",
    "ember.js", "backbone.js", "three.js", "chart.js", "d3.js", "socket.io", "nest.js",
}  # fmt: skip
# "`x_factory.py` was explicitly removed": the sentence says the file is gone.
_GONE = re.compile(
    r"[`'\"*_\s]*(?:(?:was|were|has been|have been|is|are|got)[*_\s]+)?(?:\w+ly[*_\s]+)?"
    r"(?:removed|deleted|gone|no longer exists?|does not exist|doesn't exist)\b",
    re.IGNORECASE,
)
# "No centralized `SSOT_REGISTRY.md`": the sentence says there is no such file.
_NONE_BEFORE = re.compile(r"(?:^|[\s*_])(?:no|without)\s+(?:\w+\s+)?[`*_\"']*$", re.IGNORECASE)


def _named_anywhere(context: CheckContext, path: str) -> bool:
    return path.replace("\\", "/").rsplit("/", 1)[-1] in context.tree.by_name


def _after_path(line: LineMentions, column: int) -> int:
    ref = next((r for r in line.paths if r.start == column), None)
    return ref.end if ref else column


_COMMENT = re.compile(r"^\s*(?:#(?!!)|//|REM\b)")


def assemble(line: LineMentions, earlier: list[Draft]) -> list[Draft]:
    """Every path of the line no line-range or symbol draft used; a folder in backticks;
    inside a shell session, the relative paths its commands name."""
    if line.in_fence:
        return _shell_paths(line, earlier)
    used = {d.uses_path for d in earlier}
    found = [
        Draft(ref.start, "file", path=ref.path)
        for ref in line.paths
        if ref.start not in used and ref.path.lower() not in _PRODUCTS
    ]
    for draft in found:
        before = line.raw[max(0, draft.column - 40) : draft.column]
        if _GONE.match(line.raw, _after_path(line, draft.column)) or _NONE_BEFORE.search(before):
            draft.stance = "negated"
    if "/`" in line.raw:
        for column, span in _code_spans(line.raw):
            if _FOLDER.fullmatch(span) and not any(r.start <= column <= r.end for r in line.paths):
                found.append(Draft(column, "file", path=span))
    if "/ " in line.raw or line.raw.rstrip().endswith("/"):
        taken = {d.column for d in found}
        for match in _PLAIN_FOLDER.finditer(line.raw):
            if not any(abs(match.start() - c) <= 2 for c in taken):
                found.append(Draft(match.start(), "file", path=match.group(0)))
    return found


# A command line in any fence: `python tools/rebuild_index.py --all`, `$ pytest tests/x.py`.
_COMMAND = re.compile(
    r"^\s*(?:\$\s+)?(?:python3?(?:\s+-m)?|pytest|node|bash|sh|source|cat|less|head|tail|vim?"
    r"|grep|rg|ls|diff|git\s+(?:log|show|diff|blame)|docker\s+build|\./)\s*\S"
)


def _shell_paths(line: LineMentions, earlier: list[Draft]) -> list[Draft]:
    if line.block is None or _COMMENT.match(line.raw):
        return []
    if line.block.fence != "shell" and not _COMMAND.match(line.raw):
        return []
    used = {d.uses_path for d in earlier}
    return [
        Draft(ref.start, "file", path=ref.path)
        for ref in line.paths
        if ref.start not in used and not ref.path.startswith(("/", "~")) and ":" not in ref.path
    ]


def settle(claims: list[Claim], paragraphs: dict[str, int]) -> None:
    """Nothing to settle across lines."""


def prefetch(context: CheckContext, claims: list[Claim]) -> Prefetch:
    """The tree listing."""
    return Prefetch(path_claims=[c for c in claims if c.path])


def check(context: CheckContext, claim: Claim) -> ClaimCheck:
    return _check_file(context, claim)


def _check_file(context: CheckContext, claim: Claim) -> ClaimCheck:
    resolved, failed = paths_for(context.tree, claim)
    if failed or resolved is None:
        assert failed is not None
        if failed.status == "contradicted" and _UNTRACKED.search(claim.path or ""):
            # `.env.local` is kept out of git on purpose: its absence says nothing.
            return result(
                claim, "unverifiable", f"`{claim.path}` is not tracked (env files rarely are)"
            )
        if (
            failed.status == "contradicted"
            and claim.in_code_fence
            and not _named_anywhere(context, claim.path or "")
        ):
            # A command running a script no file of the tree is named like: the plan's
            # script still to be written, more likely than a wrong path.
            return result(
                claim,
                "unverifiable",
                f"no file is named like `{claim.path}` at {context.revision[:12]}: "
                "a command for a file still to be created?",
            )
        if failed.status == "contradicted" and claim.stance == "negated":
            return result(claim, "verified", f"no file matches `{claim.path}`, as the claim says")
        return as_proposal(claim, failed)
    at = context.revision[:12]
    if claim.stance == "negated":
        if len(resolved.matches) == 1:
            found = resolved.matches[0]
            return result(
                claim, "contradicted", f"`{found}` still exists at {at}; the claim says it is gone"
            )
        listed = ", ".join(f"`{m}`" for m in resolved.matches[:MAX_LISTED])
        return result(
            claim, "unverifiable", f"said to be gone; files of that name remain: {listed}"
        )
    if len(resolved.matches) == 1:
        found = resolved.matches[0]
        if found == claim.path:
            detail = f"`{found}` exists at {at}"
        else:
            how = f" ({resolved.note})" if resolved.note else ""
            detail = f"`{claim.path}` resolves to `{found}`{how}, which exists at {at}"
    else:
        listed = ", ".join(f"`{m}`" for m in resolved.matches[:MAX_LISTED])
        detail = f"`{claim.path}` is ambiguous: {len(resolved.matches)} files match ({listed})"
    return result(claim, "verified", detail)
