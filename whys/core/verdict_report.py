"""The Markdown report of a verdict file: the decision first, each analysis, evidence last.

Everything from the analysis, the notes or the repository is untrusted text: it goes through
whys.core.textsafe (visible control characters, no HTML) before it reaches the report.
"""

from __future__ import annotations

from datetime import datetime

from whys.core.textsafe import markdown_code, markdown_text
from whys.core.verdict_file import (
    APPROVED_BY_OVERRIDE,
    RESULTS,
    AnalysisResult,
    EvidenceRecord,
    VerdictFile,
    approved_by_override,
)


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z").strip()


def _short(sha: str | None) -> str:
    return sha[:12] if sha else "unknown"


def _cell(text: str) -> str:
    """Untrusted text (analysis, notes, repository content) for the report: visible control
    characters, HTML escaped, one line, `|` escaped."""
    return markdown_text(text)


def _label(result: str) -> str:
    return result.upper().replace("-", " ")


def summary_line(verdict_file: VerdictFile) -> str:
    """ "2 APPROVED, 1 REJECTED": the count of analyses per result, results that occur;
    approvals given by override say so: "1 APPROVED (override)"."""
    parts = []
    for result in RESULTS:
        count = verdict_file.summary.get(result, 0)
        if not count:
            continue
        part = f"{count} {_label(result)}"
        overridden = (
            verdict_file.summary.get(APPROVED_BY_OVERRIDE, 0) if result == "approved" else 0
        )
        if overridden:
            part += " (override)" if overridden == count else f" ({overridden} by override)"
        parts.append(part)
    return ", ".join(parts) or "no analyses"


def _override_label(analysis: AnalysisResult) -> str:
    return " (override)" if approved_by_override(analysis) else ""


def _analysis_section(number: int, analysis: AnalysisResult) -> list[str]:
    # Decision and title first; the reason (an override's note) follows, labelled.
    title = _cell(analysis.title) if analysis.title else markdown_code(analysis.path)
    reason = "**Override**" if approved_by_override(analysis) else "Reason"
    lines = [
        f"## {number}. {_label(analysis.result)}{_override_label(analysis)}: {title}",
        "",
        f"{reason}: {_cell(analysis.reason)}",
        "",
        markdown_code(analysis.path) + (f": {_cell(analysis.title)}" if analysis.title else ""),
        f"(sha256 `{analysis.sha256[:16]}`, checked at `{_short(analysis.checked_revision)}`)",
        "",
    ]
    decision = next(
        (v for v in reversed(analysis.history) if v.target == "analysis"),
        None,
    )
    if decision is not None:
        lines.append(f"Decided by {_cell(decision.auditor)} on {_when(decision.at)}.")
        lines.append("")
    if analysis.corrected_root_cause:
        lines += [f"**Corrected root cause**: {_cell(analysis.corrected_root_cause)}", ""]
    if analysis.whys:
        lines += [
            "| why | question | verdict | note | auditor |",
            "| --- | --- | --- | --- | --- |",
        ]
        for why in analysis.whys:
            verdict = why.verdict
            lines.append(
                f"| {_cell(why.id)} | {_cell(why.question)} | "
                f"{verdict.decision if verdict else 'no verdict'} | "
                f"{_cell(verdict.note) if verdict else ''} | "
                f"{_cell(verdict.auditor) if verdict else ''} |"
            )
        lines.append("")
    else:
        lines += ["No why chain was found in this analysis.", ""]
    counts = analysis.check_summary
    lines.append(
        f"Claims: {counts.get('verified', 0)} verified, {counts.get('contradicted', 0)} "
        f"contradicted, {counts.get('unverifiable', 0)} unverifiable."
    )
    for claim in analysis.claims:
        check, verdict = claim.check, claim.verdict
        if not (check and check.status == "contradicted") and verdict is None:
            continue
        text = f"- {_cell(claim.id)} (line {claim.line}, {claim.kind})"
        if check is not None:
            text += f" {check.status}: {_cell(check.detail)}"
            if check.suggestion:
                text += f" (suggestion: {_cell(check.suggestion)})"
        if verdict is not None:
            text += f" Auditor: {verdict.decision}"
            text += f" ({_cell(verdict.note)})" if verdict.note else ""
        lines.append(text)
    lines.append("")
    if analysis.findings:
        lines.append("Timeline:")
        for finding in analysis.findings:
            involved = f" ({_cell(', '.join(finding.claim_ids))})" if finding.claim_ids else ""
            lines.append(
                f"- {finding.severity} {markdown_code(finding.rule)}: "
                f"{_cell(finding.message)}{involved}"
            )
        lines.append("")
    if analysis.overrides:
        lines.append("**Overrides**:")
        for override in analysis.overrides:
            target = override.target + (f" {override.target_id}" if override.target_id else "")
            lines.append(
                f"- {_cell(target)} approved by {_cell(override.auditor)} on "
                f"{_when(override.at)} over: {_cell('; '.join(override.overrode))}. "
                f"Note: {_cell(override.note)}"
                + ("" if override.in_force else " (since replaced by a later verdict)")
            )
        lines.append("")
    return lines


def render_report(verdict_file: VerdictFile, *, signatures: list[str] | None = None) -> str:
    """A report to paste into a ticket: the decision first, each analysis, evidence last."""
    analyses = verdict_file.analyses
    if len(analyses) == 1:
        only = analyses[0]
        title = _cell(only.title) if only.title else markdown_code(only.path)
        headline = f"{_label(only.result)}{_override_label(only)}: {title}"
    else:
        headline = f"{_label(verdict_file.result)}: {summary_line(verdict_file)}"
    resource = verdict_file.resource
    lines = [
        f"# {headline}",
        "",
        f"**{summary_line(verdict_file)}**. Repository {markdown_code(resource.repo)} at "
        f"`{_short(resource.revision_sha)}` ({_cell(resource.revision)}); "
        f"checks {verdict_file.verifier.checks_version}, whys {verdict_file.verifier.version}.",
        f"Audited by {_cell(', '.join(verdict_file.auditors)) or 'nobody yet'}; "
        f"latest verdict {_when(verdict_file.time_verified)}.",
    ]
    if signatures:
        lines.append(f"Signed: {', '.join(markdown_code(name) for name in signatures)}.")
    lines.append("")
    for number, analysis in enumerate(analyses, start=1):
        lines += _analysis_section(number, analysis)
    if verdict_file.redactions:
        total = sum(item.count for item in verdict_file.redactions)
        lines += [
            "## Redacted",
            "",
            f"{total} credential-like value{'s' if total != 1 else ''} removed from this export:",
        ]
        lines += [
            f"- {item.count} {item.kind} in {markdown_code(item.where)}"
            for item in verdict_file.redactions
        ]
        lines.append("")
    evidence = [
        (number, item)
        for number, analysis in enumerate(analyses, start=1)
        for item in analysis.evidence
    ]
    if evidence:
        lines += [
            "## Appendix: evidence",
            "",
            "| analysis | id | for | kind | taken at | summary | sha256 |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        # Checks often pin the same result for several claims: one row per distinct result.
        rows: dict[tuple[int, str, str, str], tuple[list[str], list[str], EvidenceRecord]] = {}
        for analysis_number, item in evidence:
            key = (analysis_number, item.kind, item.summary, item.digest.sha256)
            ids, targets, _ = rows.setdefault(key, ([], [], item))
            ids.append(item.id)
            target = f"why {item.why}" if item.why else f"claim {item.claim}" if item.claim else ""
            if target and target not in targets:
                targets.append(target)
        for (analysis_number, _, _, _), (ids, targets, item) in rows.items():
            lines.append(
                f"| {analysis_number} | {', '.join(ids)} | {_cell(', '.join(targets))} | "
                f"{item.kind} | `{_short(item.revision)}` | {_cell(item.summary)} | "
                f"`{item.digest.sha256[:16]}` |"
            )
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
