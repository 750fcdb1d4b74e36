"""File verdicts: a claim about a path may match several files; each is checked and the
verdicts combine into the claim's one result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from whys.core.claims.checking.common import MAX_LISTED, result
from whys.core.claims.checking.paths import Resolved
from whys.core.models import Claim, ClaimCheck

if TYPE_CHECKING:
    from whys.core.claims.checking.tree import Tree

# How many files of an ambiguous name are read: `base.py` may name a dozen.
MAX_CANDIDATES = 40


@dataclass
class FileVerdict:
    path: str
    status: str
    detail: str
    suggestion: str | None = None


def lines_or_verdict(tree: Tree, path: str) -> list[str] | FileVerdict:
    """The file's lines at the revision, or the unverifiable verdict saying why they cannot
    be read (a symlink leaving the tree, a binary file, a blob the clone lacks)."""
    readable, problem = tree.readable(path)
    if problem or readable is None:
        return FileVerdict(path, "unverifiable", problem or "not readable")
    lines = tree.lines_of(readable)
    if lines is None:
        return FileVerdict(path, "unverifiable", f"`{path}` is binary or unreadable")
    return lines


def found_in(places: list[tuple[str, int]]) -> str:
    """The suggestion of a ✗ whose subject is elsewhere: the first few files holding it."""
    files = list(dict.fromkeys(path for path, _ in places))
    return "found in " + ", ".join(f"`{f}`" for f in files[:3])


def combine(claim: Claim, resolved: Resolved, verdicts: list[FileVerdict]) -> ClaimCheck:
    """One file: its verdict. Several matches: each was checked and the detail says so."""
    note = f" ({resolved.note})" if resolved.note else ""
    if len(verdicts) == 1:
        only = verdicts[0]
        return result(claim, only.status, only.detail + note, only.suggestion)
    passing = [v for v in verdicts if v.status == "verified"]
    listed = "; ".join(f"`{v.path}`: {v.status}" for v in verdicts[:MAX_LISTED])
    checked = (
        "each checked" if len(verdicts) == len(resolved.matches) else f"{len(verdicts)} checked"
    )
    head = f"`{claim.path}` matches {len(resolved.matches)} files, {checked} ({listed})"
    if passing:
        return result(claim, "verified", f"{head}; {passing[0].detail}")
    if any(v.status == "unverifiable" for v in verdicts) or len(verdicts) < len(resolved.matches):
        # Contradicted only when every candidate contradicts: one that could not be
        # settled may be the file that was meant.
        return result(claim, "unverifiable", head)
    failing = next(v for v in verdicts if v.status == "contradicted")
    return result(claim, "contradicted", f"{head}; {failing.detail}", failing.suggestion)


def as_proposal(claim: Claim, check: ClaimCheck) -> ClaimCheck:
    """A proposed change ("**Create**: x.py", a fix's new code) describes what is not there
    yet: the code disagreeing with it is no evidence against it."""
    if claim.stance != "proposed" or check.status != "contradicted":
        return check
    check.status = "unverifiable"
    check.detail = f"a proposal, not a statement about the code: {check.detail}"
    return check
