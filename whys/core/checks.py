"""Claim checks and timeline rules: an analysis's claims held against one revision.

Every claim gets exactly one ClaimCheck, in claim order: `verified`, `contradicted` (with the
real value in the detail and, for a near miss, a suggestion) or `unverifiable` (with the
reason). Nothing is skipped silently. The work lives in `whys.core.claims`: each kind's
module checks its claims (`claims/kinds/`), over shared services (`claims/checking/`);
this module only orchestrates: resolve the cited commits, prefetch, check, apply the
timeline rules.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from datetime import timedelta

from whys.core.claims.checking.commits import resolve_commits
from whys.core.claims.checking.common import CHECKS_VERSION, incident_start, result
from whys.core.claims.checking.context import CheckContext, KnownSearches
from whys.core.claims.checking.paths import resolve_path
from whys.core.claims.kinds import BY_NAME, KINDS
from whys.core.claims.timeline import timeline_findings
from whys.core.models import Analysis, Claim, ClaimCheck, Finding, Model
from whys.core.repo import GitRepo
from whys.errors import BadInputError

__all__ = [
    "CHECKS_VERSION",
    "CheckRun",
    "Drift",
    "KnownSearches",
    "check_analysis",
    "resolve_path",
]


@dataclass(kw_only=True)
class Drift(Model):
    """A claim whose status at HEAD differs from its status at the checked revision."""

    claim_id: str
    status: str  # at the checked revision
    status_at_head: str
    detail_at_head: str


@dataclass(kw_only=True)
class CheckRun(Model):
    """The result of checking one analysis at one revision."""

    revision: str
    checks: list[ClaimCheck]
    findings: list[Finding]
    warnings: list[str] = field(default_factory=list)
    checks_version: str = CHECKS_VERSION
    # "analysis": no revision was given and the analysis is tracked, so the run checked it
    # at the last commit that changed it; "given" otherwise.
    revision_source: str = "given"
    head: str | None = None  # HEAD, when it differs from `revision` (the drift's reference)
    drift: list[Drift] = field(default_factory=list)


def check_analysis(
    analysis: Analysis,
    repo: GitRepo,
    rev: str = "HEAD",
    *,
    cancel: threading.Event | None = None,
    parent_rule: bool = True,
    known: KnownSearches | None = None,
) -> CheckRun:
    """Check every claim of the analysis at `rev`; then the timeline rules. When `rev` is
    the analysis's own commit, a claim that commit made false says so (`parent_rule`).
    `known`: tree searches of earlier checks of this analysis, reused where the trees
    agree; this check's own are added to it."""
    revision = repo.resolve_revision(rev)
    context = CheckContext(analysis, repo, revision, cancel, known)
    try:
        run = _check_in(context, parent_rule)
        if not (cancel is not None and cancel.is_set()):
            context.known.keep(context)
        return run
    finally:
        context.close()


def _check_in(context: CheckContext, parent_rule: bool) -> CheckRun:
    analysis, cancel = context.analysis, context.cancel
    resolve_commits(context, analysis.claims)
    context.prefetch(
        analysis.claims,
        [kind.prefetch(context, mine) for kind in KINDS if (mine := _of_kind(analysis, kind.NAME))],
    )
    checks: list[ClaimCheck] = []
    for claim in analysis.claims:
        if cancel is not None and cancel.is_set():
            checks.append(
                ClaimCheck(claim_id=claim.id, status="unverifiable", detail="check cancelled")
            )
            continue
        checks.append(_check_claim(context, claim))
    warnings: list[str] = []
    if not analysis.whys:
        warnings.append("no why chain found: claims are checked without their whys")
    if incident_start(analysis) is None and any(
        c.relation in {"before-incident", "after-incident"} for c in analysis.claims
    ):
        warnings.append("no incident start in the analysis: before/after claims cannot be timed")
    findings = timeline_findings(context, checks)
    if parent_rule and not (cancel is not None and cancel.is_set()):
        _held_at_parent(context, checks)
        _changed_just_before(context, checks)
    return CheckRun(revision=context.revision, checks=checks, findings=findings, warnings=warnings)


def _held_at_parent(context: CheckContext, checks: list[ClaimCheck]) -> None:
    """When the checked revision is the analysis's own commit and that commit also changed
    other files (agents commit an analysis with the code it describes), a claim false here
    but true at the parent is not a claim that was never true: it is reported verified,
    saying the parent holds it and this commit changed it. Only the contradicted claims
    are checked again, at the parent."""
    status = {check.claim_id: check.status for check in checks}
    if "contradicted" not in status.values() and not any(c.path for c in context.analysis.claims):
        return
    own = context.own.get()
    if own is None or own.last.sha != context.revision or not own.last.parents:
        return
    parent = own.last.parents[0]
    try:
        touched = set(context.repo.changed_paths(parent, own.last.sha))
    except BadInputError:
        return
    touched.discard(own.path)
    if not touched:
        return
    # Contradicted claims, and unsettled ones about a file this commit changed.
    claims = [
        claim
        for claim in context.analysis.claims
        if status[claim.id] == "contradicted"
        or (status[claim.id] == "unverifiable" and _about(claim, touched))
    ]
    if not claims:
        return
    before = replace(context.analysis, claims=claims)
    context.known.keep(context)
    at_parent = check_analysis(
        before, context.repo, parent, cancel=context.cancel, parent_rule=False, known=context.known
    )
    held = {check.claim_id: check for check in at_parent.checks if check.status == "verified"}
    for index, check in enumerate(checks):
        then = held.get(check.claim_id)
        if then is None:
            continue
        checks[index] = replace(
            then,
            detail=f"holds at the parent {parent[:7]}; this commit ({own.last.sha[:7]}) "
            f"changed it. Here: {check.detail}. At the parent: {then.detail}",
            suggestion=None,
        )


# How long before the analysis's commit a change to a cited file is named in a ✗'s detail
# (agents commit the code, then minutes later the analysis that describes the old code).
JUST_BEFORE = timedelta(hours=6)
MAX_NAMED_CHANGES = 5


def _changed_just_before(context: CheckContext, checks: list[ClaimCheck]) -> None:
    """A claim contradicted at the analysis's own commit, about a file another commit
    changed shortly before: stays contradicted, and names that commit."""
    claims = {claim.id: claim for claim in context.analysis.claims}
    wanted = [
        (index, claims[check.claim_id])
        for index, check in enumerate(checks)
        if check.status == "contradicted"
        and claims[check.claim_id].kind in {"lines", "symbol"}
        and claims[check.claim_id].path
    ][:MAX_NAMED_CHANGES]
    if not wanted:
        return
    own = context.own.get()
    if own is None or own.last.sha != context.revision:
        return
    since = own.last.committer_date - JUST_BEFORE
    for index, claim in wanted:
        matches = resolve_path(claim.path or "", context.tree.files, context.tree.by_name).matches
        if len(matches) != 1:
            continue
        try:
            log = context.repo.iter_log(own.last.sha, since=since, paths=matches, max_count=1)
            changed = next(iter(log), None)
        except BadInputError:
            continue
        if changed is None or changed.sha == own.last.sha:
            continue
        minutes = int((own.last.committer_date - changed.committer_date).total_seconds() // 60)
        checks[index] = replace(
            checks[index],
            detail=f"{checks[index].detail}; {matches[0]} was changed by {changed.sha[:7]} "
            f'("{changed.subject[:60]}") {minutes} min before the analysis\'s commit',
        )


def _about(claim: Claim, touched: set[str]) -> bool:
    """Whether the claim's path names one of the touched files (the path as written may
    be abbreviated: `lockfix.py` for `ledger/lockfix.py`)."""
    written = (claim.path or "").strip("/")
    return bool(written) and any(
        path == written or path.endswith("/" + written) for path in touched
    )


def _of_kind(analysis: Analysis, name: str) -> list[Claim]:
    return [claim for claim in analysis.claims if claim.kind == name]


def _check_claim(context: CheckContext, claim: Claim) -> ClaimCheck:
    try:
        return BY_NAME[claim.kind].check(context, claim)
    except BadInputError as error:
        # A hostile or broken value in one claim (an invalid pattern, a missing object)
        # makes that claim unverifiable, never the whole run.
        return result(claim, "unverifiable", f"could not be checked: {error.message}")
