"""Verdict rules, and the verdict file and report derived from a session.

The rules keep verdicts honest: an analysis is not approved while one of its whys is rejected,
a claim it rests on is contradicted (or rejected by the auditor) or the timeline cannot be
true, unless the auditor records an override with a note. Reject and needs-evidence need a
note too: a reader of the verdict file must learn why.

The verdict file's shape, canonical bytes and parsing live in whys.core.verdict_file, the
Markdown report in whys.core.verdict_report; both are re-exported here, the one import
for callers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from whys import __version__
from whys.core.atomic import atomic_write_bytes
from whys.core.checks import CHECKS_VERSION
from whys.core.model_io import from_data, to_json_data
from whys.core.models import (
    AnalysisAudit,
    CheckStatus,
    Decision,
    Session,
    Verdict,
    VerdictTarget,
)
from whys.core.redact import redact_tree
from whys.core.signing import remove_signatures, sign_file, signature_paths
from whys.core.verdict_file import (
    APPROVED_BY_OVERRIDE,
    RESULTS,
    VERDICT_FILE_FORMAT,
    VERDICT_FILE_TYPE,
    AnalysisResult,
    CheckRecord,
    ClaimResult,
    Digest,
    EvidenceRecord,
    NotCanonicalError,
    OverrideRecord,
    RedactionRecord,
    Resource,
    Result,
    VerdictFile,
    VerdictRecord,
    Verifier,
    WhyResult,
    approved_by_override,
    canonical_json,
    parse_verdict_file,
    verdict_file_schema,
)
from whys.core.verdict_report import render_report, summary_line
from whys.errors import BadInputError, VerdictRuleError

__all__ = [
    "APPROVED_BY_OVERRIDE",
    "RESULTS",
    "VERDICT_FILE_FORMAT",
    "VERDICT_FILE_TYPE",
    "VERDICT_TARGETS",
    "AnalysisResult",
    "CheckRecord",
    "ClaimResult",
    "Digest",
    "EvidenceRecord",
    "ExportResult",
    "NotCanonicalError",
    "OverrideRecord",
    "RedactionRecord",
    "Resource",
    "Result",
    "VerdictFile",
    "VerdictRecord",
    "Verifier",
    "WhyResult",
    "analysis_result",
    "approval_blockers",
    "build_verdict_file",
    "canonical_json",
    "check_status_by_claim",
    "export_session",
    "latest_verdict",
    "latest_verdicts",
    "make_verdict",
    "overall_result",
    "parse_verdict_file",
    "rederive_problems",
    "render_report",
    "report_path_for",
    "summary_line",
    "validate_target",
    "verdict_file_schema",
    "write_export",
]

VERDICT_TARGETS: tuple[VerdictTarget, ...] = ("analysis", "why", "claim")

# ---------------------------------------------------------------------------------------------
# Reading verdicts


def latest_verdict(
    audit: AnalysisAudit, target: VerdictTarget, target_id: str | None = None
) -> Verdict | None:
    """The verdict in force on one target: the last one recorded (verdicts are oldest first)."""
    wanted_id = None if target == "analysis" else target_id
    for verdict in reversed(audit.verdicts):
        if verdict.target == target and verdict.target_id == wanted_id:
            return verdict
    return None


def latest_verdicts(audit: AnalysisAudit) -> dict[tuple[VerdictTarget, str | None], Verdict]:
    """Every target's verdict in force, keyed by (target, target_id)."""
    in_force: dict[tuple[VerdictTarget, str | None], Verdict] = {}
    for verdict in audit.verdicts:
        in_force[(verdict.target, verdict.target_id)] = verdict
    return in_force


def check_status_by_claim(audit: AnalysisAudit) -> dict[str, CheckStatus]:
    return {check.claim_id: check.status for check in audit.checks}


def approval_blockers(audit: AnalysisAudit) -> list[str]:
    """What stands in the way of approving the analysis, one phrase each, in document order.

    A contradicted claim stops blocking once the auditor has approved that claim (which itself
    needed an override with a note); a claim the auditor rejected blocks whatever the check said.
    """
    in_force = latest_verdicts(audit)
    blockers: list[str] = []
    for why in audit.analysis.whys:
        verdict = in_force.get(("why", why.id))
        if verdict is not None and verdict.decision == "rejected":
            blockers.append(f"why {why.id} is rejected")
    statuses = check_status_by_claim(audit)
    for claim in audit.analysis.claims:
        verdict = in_force.get(("claim", claim.id))
        decision = verdict.decision if verdict is not None else None
        if decision == "rejected":
            blockers.append(f"claim {claim.id} (line {claim.line}) is rejected")
        elif statuses.get(claim.id) == "contradicted" and decision != "approved":
            blockers.append(f"claim {claim.id} (line {claim.line}) is contradicted")
    for finding in audit.findings:
        if finding.severity == "error":
            blockers.append(f"timeline: {finding.rule}")
    return blockers


# ---------------------------------------------------------------------------------------------
# Recording verdicts


def _valid_ids(ids: list[str]) -> str:
    return ", ".join(ids) if ids else "none"


def validate_target(audit: AnalysisAudit, target: str, target_id: str | None) -> str | None:
    """The normalised target id; BadInputError naming the valid ids when it does not exist."""
    if target not in VERDICT_TARGETS:
        raise BadInputError(
            f"unknown verdict target {target!r} (expected one of: {', '.join(VERDICT_TARGETS)})"
        )
    if target == "analysis":
        return None
    wanted = (target_id or "").strip()
    if target == "why":
        why_ids = [why.id for why in audit.analysis.whys]
        if not why_ids:
            raise BadInputError(
                f"{audit.analysis.path} has no why chain: record a verdict on the analysis "
                "or on a claim instead"
            )
        if wanted not in why_ids:
            raise BadInputError(
                f"no why {wanted!r} in {audit.analysis.path}; valid whys: {_valid_ids(why_ids)}"
            )
        return wanted
    claim_ids = [claim.id for claim in audit.analysis.claims]
    if wanted not in claim_ids:
        raise BadInputError(
            f"no claim {wanted!r} in {audit.analysis.path}; valid claims: {_valid_ids(claim_ids)}"
        )
    return wanted


def make_verdict(
    audit: AnalysisAudit,
    target: str,
    target_id: str | None,
    decision: str,
    note: str,
    auditor: str,
    at: datetime,
    override: bool = False,
) -> Verdict:
    """A verdict the rules allow, or VerdictRuleError / BadInputError saying why not."""
    normalised_id = validate_target(audit, target, target_id)
    if decision not in ("approved", "rejected", "needs-evidence"):
        raise BadInputError(
            f"unknown decision {decision!r} (expected approved, rejected or needs-evidence)"
        )
    note = (note or "").strip()
    auditor = (auditor or "").strip()
    if not auditor:
        raise BadInputError("a verdict needs an auditor (--auditor NAME)")
    if decision in ("rejected", "needs-evidence") and not note:
        raise VerdictRuleError(f"a verdict of {decision} needs a note saying why (--note TEXT)")
    if override and decision != "approved":
        raise VerdictRuleError("an override only applies to an approval")
    if override and not note:
        raise VerdictRuleError("an override needs a note saying why the approval stands")

    overrode: list[str] = []
    if decision == "approved":
        if target == "analysis":
            overrode = approval_blockers(audit)
            what = f"analysis {audit.analysis.path}"
        elif target == "claim" and check_status_by_claim(audit).get(normalised_id or "") == (
            "contradicted"
        ):
            overrode = [f"claim {normalised_id} is contradicted by the check"]
            what = f"claim {normalised_id}"
        if overrode and not override:
            raise VerdictRuleError(
                f"cannot approve {what}: {'; '.join(overrode)} "
                "(record an override with a note to approve anyway)"
            )
    return Verdict(
        target=target,  # type: ignore[arg-type]
        target_id=normalised_id,
        decision=decision,  # type: ignore[arg-type]
        note=note,
        auditor=auditor,
        at=at,
        override=bool(overrode),
        overrode=overrode,
    )


def analysis_result(audit: AnalysisAudit) -> Decision | Literal["undecided"]:
    verdict = latest_verdict(audit, "analysis")
    return verdict.decision if verdict is not None else "undecided"


# ---------------------------------------------------------------------------------------------
# The verdict file of a session, and checking one against its own history


def _record(verdict: Verdict | None) -> VerdictRecord | None:
    if verdict is None:
        return None
    return VerdictRecord(
        decision=verdict.decision,
        note=verdict.note,
        auditor=verdict.auditor,
        at=verdict.at,
        override=verdict.override,
        overrode=list(verdict.overrode),
    )


def _first_line(text: str, limit: int = 160) -> str:
    line = text.strip().splitlines()[0].strip() if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _reason(audit: AnalysisAudit, result: Result) -> str:
    verdict = latest_verdict(audit, "analysis")
    if verdict is not None and verdict.note:
        return _first_line(verdict.note)
    if result == "undecided":
        return "no verdict on the analysis yet"
    if result in ("rejected", "needs-evidence"):
        for finding in audit.findings:
            if finding.severity == "error":
                return _first_line(finding.message)
        for check in audit.checks:
            if check.status == "contradicted":
                return _first_line(f"claim {check.claim_id}: {check.detail}")
    auditor = verdict.auditor if verdict is not None else "nobody"
    return f"{result} by {auditor}"


def _evidence_records(audit: AnalysisAudit) -> list[EvidenceRecord]:
    records: list[EvidenceRecord] = []
    seen: set[tuple[str, str]] = set()
    sourced = [("auditor", item) for item in audit.evidence] + [
        ("check", item) for check in audit.checks for item in check.evidence
    ]
    for source, item in sourced:
        key = (item.id, item.content_sha256)
        if key in seen:
            continue
        seen.add(key)
        records.append(
            EvidenceRecord(
                id=item.id,
                source=source,  # type: ignore[arg-type]
                kind=item.kind,
                summary=item.summary,
                query=item.query,
                revision=item.revision,
                digest=Digest(sha256=item.content_sha256),
                content=item.content,
                truncated=item.truncated,
                why=item.why,
                claim=item.claim,
                created_at=item.created_at,
                created_by=item.created_by,
            )
        )
    return records


def _analysis_result(audit: AnalysisAudit) -> AnalysisResult:
    in_force = latest_verdicts(audit)
    checks = {check.claim_id: check for check in audit.checks}
    evidence = _evidence_records(audit)
    result = analysis_result(audit)
    summary = {status: 0 for status in ("verified", "contradicted", "unverifiable")}
    for check in audit.checks:
        summary[check.status] += 1
    whys = [
        WhyResult(
            id=why.id,
            number=why.number,
            question=why.question,
            line=why.line,
            parent=why.parent,
            causes=list(why.causes),
            verdict=_record(in_force.get(("why", why.id))),
            evidence_ids=[item.id for item in evidence if item.why == why.id],
        )
        for why in audit.analysis.whys
    ]
    claims = []
    for claim in audit.analysis.claims:
        check = checks.get(claim.id)
        claims.append(
            ClaimResult(
                id=claim.id,
                line=claim.line,
                why=claim.why,
                kind=claim.kind,
                text=claim.text,
                check=CheckRecord(
                    status=check.status, detail=check.detail, suggestion=check.suggestion
                )
                if check is not None
                else None,
                verdict=_record(in_force.get(("claim", claim.id))),
                evidence_ids=[item.id for item in evidence if item.claim == claim.id],
            )
        )
    overrides = [
        OverrideRecord(
            target=verdict.target,
            target_id=verdict.target_id,
            note=verdict.note,
            auditor=verdict.auditor,
            at=verdict.at,
            overrode=list(verdict.overrode),
            in_force=in_force.get((verdict.target, verdict.target_id)) is verdict,
        )
        for verdict in audit.verdicts
        if verdict.override
    ]
    return AnalysisResult(
        path=audit.analysis.path,
        title=audit.analysis.title,
        sha256=audit.analysis.sha256,
        checked_revision=audit.checked_revision,
        result=result,
        reason=_reason(audit, result),
        corrected_root_cause=audit.corrected_root_cause,
        incident=audit.analysis.incident,
        check_summary=summary,
        whys=whys,
        claims=claims,
        findings=list(audit.findings),
        overrides=overrides,
        evidence=evidence,
        history=list(audit.verdicts),
    )


def _summary(results: list[Result], overridden: list[bool]) -> dict[str, int]:
    """Analyses per result, and how many approvals were overrides (when any were)."""
    summary = {result: results.count(result) for result in RESULTS}
    if any(overridden):
        summary[APPROVED_BY_OVERRIDE] = sum(overridden)
    return summary


def overall_result(results: list[Result]) -> Result:
    """Rejected if any analysis is; else needs-evidence, else undecided, else approved."""
    for worst in ("rejected", "needs-evidence", "undecided"):
        if worst in results:
            return worst  # type: ignore[return-value]
    return "approved" if results else "undecided"


def build_verdict_file(session: Session, checks_version: str) -> VerdictFile:
    """The verdict file for a session, credentials redacted. Pure: same session, same file."""
    analyses = [_analysis_result(audit) for audit in session.analyses]
    results = [analysis.result for analysis in analyses]
    all_verdicts = [verdict for audit in session.analyses for verdict in audit.verdicts]
    verified_at = max((v.at for v in all_verdicts), default=session.created_at)
    unredacted = VerdictFile(
        verifier=Verifier(version=__version__, checks_version=checks_version),
        auditors=sorted({verdict.auditor for verdict in all_verdicts}),
        time_verified=verified_at,
        resource=Resource(
            repo=session.repo, revision=session.revision, revision_sha=session.revision_sha
        ),
        result=overall_result(results),
        summary=_summary(results, [approved_by_override(analysis) for analysis in analyses]),
        analyses=analyses,
        redactions=[],
    )
    document, redactions = redact_tree(to_json_data(unredacted))
    document["redactions"] = [
        {"where": item.where, "kind": item.kind, "count": item.count} for item in redactions
    ]
    return from_data(VerdictFile, document)


def rederive_problems(verdict_file: VerdictFile) -> list[str]:
    """What in the file does not follow from its own verdict history, one phrase each: a
    `result`, summary, auditor list or per-target verdict that the recorded verdicts do not
    give, or an approval over blockers the file itself shows without an override."""
    problems: list[str] = []
    results: list[Result] = []
    overridden: list[bool] = []
    history_auditors: set[str] = set()
    for analysis in verdict_file.analyses:
        label = analysis.path
        in_force: dict[tuple[str, str | None], Verdict] = {}
        for verdict in analysis.history:
            in_force[(verdict.target, verdict.target_id)] = verdict
            history_auditors.add(verdict.auditor)
        decided = in_force.get(("analysis", None))
        derived: Result = decided.decision if decided is not None else "undecided"
        results.append(derived)
        overridden.append(derived == "approved" and decided is not None and decided.override)
        if analysis.result != derived:
            problems.append(
                f"{label}: result says {analysis.result}, its verdict history gives {derived}"
            )
        for target, items in (("why", analysis.whys), ("claim", analysis.claims)):
            for item in items:
                expected = _record(in_force.get((target, item.id)))
                if item.verdict != expected:
                    problems.append(
                        f"{label}: the verdict on {target} {item.id} does not match its history"
                    )
        if derived == "approved" and decided is not None and not decided.override:
            blockers = [
                f"why {why.id} is rejected"
                for why in analysis.whys
                if why.verdict is not None and why.verdict.decision == "rejected"
            ]
            for claim in analysis.claims:
                decision = claim.verdict.decision if claim.verdict is not None else None
                contradicted = claim.check is not None and claim.check.status == "contradicted"
                if decision == "rejected" or (contradicted and decision != "approved"):
                    blockers.append(f"claim {claim.id}")
            blockers += [f"timeline: {f.rule}" for f in analysis.findings if f.severity == "error"]
            if blockers:
                problems.append(
                    f"{label}: approved without an override over {', '.join(blockers[:3])}"
                )
    overall = overall_result(results)
    if verdict_file.result != overall:
        problems.append(
            f"result says {verdict_file.result}, the analyses' verdict histories give {overall}"
        )
    counts = _summary(results, overridden)
    if verdict_file.summary != counts:
        problems.append("the summary does not count the analyses' results")
    if sorted(history_auditors) != verdict_file.auditors:
        problems.append("the auditors listed are not the ones in the verdict history")
    return problems


# ---------------------------------------------------------------------------------------------
# Export: verdict file, report, signatures


@dataclass
class ExportResult:
    verdict_file: VerdictFile
    json_path: Path
    report_path: Path
    signatures: list[Path] = field(default_factory=list)
    stale_signatures_removed: list[Path] = field(default_factory=list)

    @property
    def paths(self) -> list[Path]:
        return [self.json_path, self.report_path, *self.signatures]


def _same_file(first: Path, second: Path) -> bool:
    """Whether two paths name one file (through links, `..` or hard links)."""
    try:
        return first.exists() and second.exists() and first.samefile(second)
    except OSError:
        return False


def report_path_for(json_path: Path) -> Path:
    return (
        json_path.with_suffix(".md")
        if json_path.suffix
        else json_path.with_name(json_path.name + ".md")
    )


def write_export(
    session: Session,
    out: Path,
    *,
    sign_key: Path | None = None,
    sign_with_git_key: bool = False,
    keep: Sequence[Path] = (),
) -> ExportResult:
    """Write OUT (verdict file), OUT's .md report and, when asked, a signature.

    Re-exporting an unchanged session rewrites identical bytes and keeps existing signatures;
    when the bytes change, the old signatures no longer match and are removed.
    """
    out = Path(out)
    if out.suffix.lower() == ".md":
        raise BadInputError(f"{out}: the verdict file is JSON; the .md report is written beside it")
    for written in (out, report_path_for(out)):
        for precious in keep:
            if _same_file(written, Path(precious)):
                raise BadInputError(
                    f"refusing to export to {written}: it is the session file {precious} "
                    "(choose another -o)"
                )
    verdict_file = build_verdict_file(session, CHECKS_VERSION)
    data = canonical_json(verdict_file)
    try:
        previous = out.read_bytes() if out.is_file() else None
    except OSError:
        previous = None
    removed: list[Path] = []
    if previous is not None and previous != data:
        removed = remove_signatures(out)
    atomic_write_bytes(out, data, what="write verdict file", private=False)
    result = ExportResult(verdict_file, out, report_path_for(out), stale_signatures_removed=removed)

    def write_report() -> None:
        result.signatures = signature_paths(out)
        report = render_report(verdict_file, signatures=[item.name for item in result.signatures])
        atomic_write_bytes(
            result.report_path, report.encode("utf-8"), what="write report", private=False
        )

    write_report()  # before signing, so a refused signature still leaves a complete export
    if sign_key is not None or sign_with_git_key:
        sign_file(out, sign_key)
        write_report()
    return result


def export_session(
    session: Session, out: Path, *, sign_key: Path | None = None, keep: Sequence[Path] = ()
) -> list[Path]:
    """The files one export wrote (verdict file, report, signatures): used by the workbench.
    `keep`: files the export must never overwrite (the session's own file)."""
    return write_export(session, out, sign_key=sign_key, keep=keep).paths
