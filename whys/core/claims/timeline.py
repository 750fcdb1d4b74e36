"""Timeline rules: what cannot be true of the cited commits taken together.

They sit above the kinds and see only claims the analysis asserts (not proposed, negated
or quoted ones). A new rule is a function here, listed in `models.TIMELINE_RULES`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from whys.core.claims.checking.commits import anchor_commit, claim_revision, message_commit
from whys.core.claims.checking.common import (
    DATES_DIVERGE,
    WINDOW_AFTER,
    WINDOW_BEFORE,
    fmt,
    incident_start,
)
from whys.core.claims.checking.context import CheckContext
from whys.core.models import Analysis, Claim, ClaimCheck, CommitInfo, Finding


@dataclass
class _Cited:
    info: CommitInfo
    roles: set[str] = field(default_factory=set)
    claim_ids: list[str] = field(default_factory=list)


def _cited_commits(context: CheckContext) -> dict[str, _Cited]:
    cited: dict[str, _Cited] = {}
    for claim in _asserted(context.analysis.claims):
        info: CommitInfo | None = None
        if claim.kind in {"commit", "message"} and claim.relation == "not-in-revision":
            continue  # "never merged": the analysis itself says it is not on the line
        if claim.kind in {"commit", "time"}:
            info = anchor_commit(context, claim)
        elif claim.kind == "message":
            info = message_commit(context, claim)
        if info is None:
            continue
        entry = cited.setdefault(info.sha, _Cited(info))
        entry.claim_ids.append(claim.id)
        if claim.kind != "time":
            role = _section_role(context.analysis, claim)
            if role:
                entry.roles.add(role)
    return cited


def _section_role(analysis: Analysis, claim: Claim) -> str | None:
    """The claim's own wording first; a commit named under "Root cause" is the cause, one
    under "Fix" the fix."""
    if claim.role and claim.role != "mentioned":
        return claim.role
    for section, role in ((analysis.root_cause, "cause"), (analysis.fix, "fix")):
        if section is not None and section.line <= claim.line <= section.end_line:
            return role
    return claim.role


def timeline_findings(context: CheckContext, checks: list[ClaimCheck]) -> list[Finding]:
    """What cannot be true of the cited commits taken together."""
    cited = _cited_commits(context)
    findings: list[Finding] = []
    start = incident_start(context.analysis)
    causes = [c for c in cited.values() if "cause" in c.roles]
    fixes = [c for c in cited.values() if "fix" in c.roles and "cause" not in c.roles]
    if start is not None:
        for cause in causes:
            if cause.info.committer_date > start:
                findings.append(
                    Finding(
                        rule="cause-after-incident",
                        severity="error",
                        message=(
                            f"cause {cause.info.sha[:10]} landed "
                            f"{fmt(cause.info.committer_date)}, after the incident started "
                            f"{fmt(start)}"
                        ),
                        claim_ids=cause.claim_ids,
                        commits=[cause.info.sha],
                    )
                )
    for fix in fixes:
        for cause in causes:
            if fix.info.committer_date < cause.info.committer_date:
                findings.append(
                    Finding(
                        rule="fix-before-cause",
                        severity="error",
                        message=(
                            f"fix {fix.info.sha[:10]} ({fmt(fix.info.committer_date)}) is older "
                            f"than its cause {cause.info.sha[:10]} "
                            f"({fmt(cause.info.committer_date)})"
                        ),
                        claim_ids=sorted(set(fix.claim_ids + cause.claim_ids), key=_id_order),
                        commits=[fix.info.sha, cause.info.sha],
                    )
                )
    findings += _revision_findings(context, cited)
    for entry in cited.values():
        gap = abs(entry.info.committer_date - entry.info.author_date)
        if gap > DATES_DIVERGE:
            findings.append(
                Finding(
                    rule="dates-diverge",
                    severity="warning",
                    message=(
                        f"{entry.info.sha[:10]} was authored {fmt(entry.info.author_date)} but "
                        f"committed {fmt(entry.info.committer_date)} ({gap.days} days apart: "
                        "rebased or cherry-picked, its dates mislead)"
                    ),
                    claim_ids=entry.claim_ids,
                    commits=[entry.info.sha],
                )
            )
    if start is not None:
        end = context.analysis.incident.end or start
        for entry in cited.values():
            landed = entry.info.committer_date
            if landed < start - WINDOW_BEFORE or landed > end + WINDOW_AFTER:
                findings.append(
                    Finding(
                        rule="outside-window",
                        severity="warning",
                        message=(
                            f"{entry.info.sha[:10]} landed {fmt(landed)}, far from the incident "
                            f"({fmt(start)})"
                        ),
                        claim_ids=entry.claim_ids,
                        commits=[entry.info.sha],
                    )
                )
    return findings


def _id_order(claim_id: str) -> int:
    return int(claim_id[1:]) if claim_id[1:].isdigit() else 0


def _revision_findings(context: CheckContext, cited: dict[str, _Cited]) -> list[Finding]:
    findings: list[Finding] = []
    # A fix said to be in a revision that does not contain it: one finding per (fix,
    # revision), naming every claim that says so.
    missing: dict[tuple[str, str], tuple[str, set[str]]] = {}
    for claim in _asserted(context.analysis.claims):
        if claim.kind != "time" or claim.relation != "in-revision":
            continue
        info = anchor_commit(context, claim)
        if info is None:
            continue
        entry = cited.get(info.sha)
        is_fix = entry is not None and "fix" in entry.roles
        if not is_fix and claim.role != "fix":
            continue
        revision, written = claim_revision(context, claim)
        if revision is None or context.history.is_ancestor(info.sha, revision):
            continue
        ids = set(entry.claim_ids if entry else []) | {claim.id}
        _written, named = missing.setdefault((info.sha, revision), (written, set()))
        named.update(ids)
    for (sha, revision), (written, named) in missing.items():
        findings.append(
            Finding(
                rule="fix-not-in-revision",
                severity="error",
                message=f"fix {sha[:10]} is not in {written} ({revision[:12]})",
                claim_ids=sorted(named, key=_id_order),
                commits=[sha],
            )
        )
    deployed_written = context.analysis.incident.deployed_revision
    deployed = context.deployed()
    if not deployed_written or deployed is None:
        return findings
    for entry in cited.values():
        # Later commits on the deployed line (fixes, follow-ups) descend from it; only a
        # commit on a line that never met the deployed revision is unreachable from it.
        if entry.info.sha == deployed or context.history.is_ancestor(entry.info.sha, deployed):
            continue
        if context.history.is_ancestor(deployed, entry.info.sha):
            continue
        branches, tags = context.history.containing_refs(entry.info.sha)
        on = ", ".join(branches[:3]) if branches else "no branch"
        findings.append(
            Finding(
                rule="unreachable-from-deployed",
                severity="error" if "cause" in entry.roles else "warning",
                message=(
                    f"{entry.info.sha[:10]} is not reachable from the deployed revision "
                    f"{deployed_written} ({deployed[:12]}); it is on {on}"
                ),
                claim_ids=entry.claim_ids,
                commits=[entry.info.sha],
            )
        )
    return findings


def _asserted(claims: list[Claim]) -> list[Claim]:
    return [claim for claim in claims if claim.stance == "asserted"]
