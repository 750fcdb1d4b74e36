"""Cited commits: the SHAs an analysis names, resolved in one batch, and the questions
several kinds and the timeline rules ask of them (which commit a claim is about, whether
a revision holds it)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from whys.core.claims.checking.common import fmt, result
from whys.core.claims.checking.subjects import same_subject
from whys.core.models import Claim, ClaimCheck, CommitInfo, Evidence
from whys.core.repo import resolve_prefixes

if TYPE_CHECKING:
    from whys.core.claims.checking.context import CheckContext


@dataclass
class CitedCommit:
    """What a cited SHA prefix resolved to."""

    prefix: str
    shas: list[str]

    @property
    def sha(self) -> str | None:
        return self.shas[0] if len(self.shas) == 1 else None


def resolve_commits(context: CheckContext, claims: Iterable[Claim]) -> None:
    """One batch for every SHA the analysis cites, and one for their commit data."""
    prefixes = {
        sha.lower()
        for claim in claims
        for sha in (claim.sha, claim.other_sha)
        if sha and re.fullmatch(r"[0-9a-fA-F]{4,64}", sha)
    }
    answers = resolve_prefixes(context.repo, prefixes) if prefixes else {}
    context.commits = {p: CitedCommit(p, shas) for p, shas in answers.items()}
    full = {sha for commit in context.commits.values() for sha in commit.shas}
    context.history.infos = context.repo.commits_info(full) if full else {}


def anchor_commit(context: CheckContext, claim: Claim) -> CommitInfo | None:
    """The commit a commit/time claim is about: its SHA, or for a time claim the commit
    whose subject it quotes."""
    if not claim.sha:
        if claim.kind == "time" and claim.message:
            context.messages.commits_for(claim.message)
            return message_commit(context, claim)
        return None
    found = context.commits.get(claim.sha.lower())
    if found is None or found.sha is None:
        return None
    return context.infos.get(found.sha)


def message_commit(context: CheckContext, claim: Claim) -> CommitInfo | None:
    """The commit a message claim names, when one has exactly that subject."""
    for info in context.messages.hits.get(claim.message or "", []):
        if same_subject(claim.message or "", info.subject):
            return info
    return None


def said_revision(context: CheckContext, claim: Claim) -> tuple[str | None, str]:
    """(full SHA, as written) of the revision a "never merged" claim is about: the one it
    names ("is not on main"), else the checked revision."""
    if claim.revision:
        return context.named_revision(claim.revision), claim.revision
    return context.revision, f"the checked revision {context.revision[:12]}"


def claim_revision(context: CheckContext, claim: Claim) -> tuple[str | None, str]:
    """(full SHA, as written) of the revision the claim names, or the deployed one."""
    written = claim.revision or context.analysis.incident.deployed_revision
    if not written:
        return None, ""
    return context.named_revision(written), written


def ancestry_evidence(
    context: CheckContext, claim: Claim, sha: str, revision: str, contained: bool
) -> list[Evidence]:
    """The `ancestry` query's content, as `evidence.rerun` produces it."""
    line = f"{sha} is an ancestor of {revision}: {'yes' if contained else 'no'}"
    verb = "is" if contained else "is not"
    summary = f"{sha[:12]} {verb} an ancestor of {revision[:12]}"
    query = {"op": "ancestry", "ancestor": sha, "descendant": revision}
    return context.pins.pin(claim, "commit", summary, query, line)


def not_reachable(context: CheckContext, claim: Claim, info: CommitInfo) -> ClaimCheck:
    """A commit said never to have been merged: true when the revision does not hold it."""
    revision, written = said_revision(context, claim)
    if revision is None:
        return result(claim, "unverifiable", f"revision {written!r} is not in the repository")
    contained = context.history.is_ancestor(info.sha, revision)
    evidence = ancestry_evidence(context, claim, info.sha, revision, contained)
    if contained:
        return result(
            claim,
            "contradicted",
            f'commit {info.sha[:10]} "{info.subject}" is reachable from {written} '
            f"(committed {fmt(info.committer_date)}): it was merged",
            evidence=evidence,
        )
    branches, _tags = context.repo.containing_refs(info.sha)
    on = ", ".join(branches[:3]) if branches else "no branch"
    return result(
        claim,
        "verified",
        f'commit {info.sha[:10]} "{info.subject}" exists but is not reachable from {written}; '
        f"it is on {on}",
        evidence=evidence,
    )
