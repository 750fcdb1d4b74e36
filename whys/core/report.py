"""Check results as text (people), json (CI and the TUI), markdown (a ticket), sarif 2.1.0.

The json shape is the contract of PRODUCT.md: one object per analysis with `analysis`
{path, title}, `revision`, `claims` [id, line, why, kind, text, status, detail,
suggestion], `summary` (count per status) and `timeline` findings naming their claims.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path, PurePath
from typing import Any, Literal
from urllib.parse import quote

from whys import __version__
from whys.core.baseline import (
    FINGERPRINT_KEY,
    claim_fingerprint,
    finding_fingerprint,
    relative_path,
)
from whys.core.checks import CHECKS_VERSION, CheckRun
from whys.core.models import CHECK_STATUSES, TIMELINE_RULES, Analysis, Claim, ClaimCheck, Finding
from whys.core.textsafe import markdown_code, markdown_text, visible_line

Format = Literal["text", "json", "markdown", "sarif"]
FORMATS: tuple[Format, ...] = ("text", "json", "markdown", "sarif")

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_MARK = {"contradicted": "\u2717", "verified": "\u2713", "unverifiable": "?"}
_COLOUR = {"contradicted": "31", "verified": "32", "unverifiable": "33"}
# Contradictions first: they are what the auditor acts on.
_ORDER = {"contradicted": 0, "unverifiable": 1, "verified": 2}


def render(analysis: Analysis, run: CheckRun, fmt: Format, *, color: bool = False) -> str:
    """One analysis's check results in the given format."""
    return render_many([(analysis, run)], fmt, color=color)


def render_many(
    results: Sequence[tuple[Analysis, CheckRun]],
    fmt: Format,
    *,
    color: bool = False,
    root: Path | None = None,
) -> str:
    """Several analyses: json becomes a list (one object when there is one), sarif one log
    (its paths relative to the repository `root` when given)."""
    if fmt == "json":
        objects = [report_object(a, r) for a, r in results]
        payload: Any = objects[0] if len(objects) == 1 else objects
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if fmt == "sarif":
        return json.dumps(sarif_log(results, root=root), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return "\n\n".join(_markdown(a, r) for a, r in results) + "\n"
    if fmt == "text":
        return "\n\n".join(_text(a, r, color) for a, r in results) + "\n"
    raise ValueError(f"unknown format {fmt!r}")


def summary(run: CheckRun) -> dict[str, int]:
    counts = dict.fromkeys(CHECK_STATUSES, 0)
    for check in run.checks:
        counts[check.status] += 1
    counts["total"] = len(run.checks)
    return counts


def _pairs(analysis: Analysis, run: CheckRun) -> list[tuple[Claim, ClaimCheck]]:
    checks = {c.claim_id: c for c in run.checks}
    return [(claim, checks[claim.id]) for claim in analysis.claims if claim.id in checks]


def report_object(analysis: Analysis, run: CheckRun) -> dict[str, Any]:
    """The json contract for one analysis."""
    return {
        "analysis": {"path": analysis.path, "title": analysis.title},
        "revision": run.revision,
        "checks_version": CHECKS_VERSION,
        "claims": [
            {
                "id": claim.id,
                "line": claim.line,
                "why": claim.why,
                "kind": claim.kind,
                "text": claim.text,
                "status": check.status,
                "detail": check.detail,
                "suggestion": check.suggestion,
            }
            for claim, check in _pairs(analysis, run)
        ],
        "summary": summary(run),
        "timeline": [_finding_object(f) for f in run.findings],
        "warnings": [*analysis.warnings, *run.warnings],
        **_own_commit_object(run),
    }


def _own_commit_object(run: CheckRun) -> dict[str, Any]:
    """When no revision was given and the analysis is tracked: checked at its own commit,
    with the claims whose status differs at HEAD."""
    if run.revision_source != "analysis":
        return {}
    return {
        "revision_source": "analysis commit",
        "head": run.head or run.revision,
        "drift": [asdict(drift) for drift in run.drift],
    }


def _finding_object(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "message": finding.message,
        "claim_ids": finding.claim_ids,
        "commits": finding.commits,
    }


# --- text ------------------------------------------------------------------------------


def _paint(text: str, status: str, color: bool) -> str:
    return f"\x1b[{_COLOUR[status]}m{text}\x1b[0m" if color else text


def _headline(run: CheckRun) -> str:
    counts = summary(run)
    parts = [f"{counts[s]} {s}" for s in ("contradicted", "unverifiable", "verified")]
    return f"{counts['total']} claims: " + ", ".join(parts)


def _groups(analysis: Analysis, run: CheckRun) -> list[tuple[str, list[tuple[Claim, ClaimCheck]]]]:
    """Claims grouped by why (in the document's order), the rest last."""
    titles = {
        w.id: f"Why {w.id}: {w.question or w.answer}".strip().rstrip(":") for w in analysis.whys
    }
    grouped: dict[str | None, list[tuple[Claim, ClaimCheck]]] = {}
    for pair in _pairs(analysis, run):
        grouped.setdefault(pair[0].why, []).append(pair)
    order = [w.id for w in analysis.whys if w.id in grouped]
    if None in grouped:
        order.append(None)  # type: ignore[arg-type]
    result = []
    for why_id in order:
        pairs = sorted(grouped[why_id], key=lambda p: (_ORDER[p[1].status], p[0].line))
        title = titles.get(why_id, "Outside the whys") if why_id else "Outside the whys"
        result.append((_clip(title, 100), pairs))
    return result


def _clip(text: str, limit: int) -> str:
    text = visible_line(" ".join(text.split()))
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _text(analysis: Analysis, run: CheckRun, color: bool) -> str:
    # Everything from the analysis or the repository is shown visibly (no raw escapes).
    title = f" \u2014 {visible_line(analysis.title)}" if analysis.title else ""
    lines = [
        visible_line(analysis.path) + title,
        f"revision {run.revision}{_own_commit_note(run)} \u00b7 {_headline(run)}",
    ]
    for title, pairs in _groups(analysis, run):
        lines += ["", title]
        for claim, check in pairs:
            mark = _paint(_MARK[check.status], check.status, color)
            where = f"{claim.id:<4} line {claim.line:<5} {claim.kind:<8}"
            lines.append(f"  {mark} {where} {_clip(claim.text, 90)}")
            lines.append(f"      {visible_line(check.detail)}")
            if check.suggestion:
                lines.append(f"      \u2192 {visible_line(check.suggestion)}")
    if run.findings:
        lines += ["", "Timeline"]
        for finding in run.findings:
            status = "contradicted" if finding.severity == "error" else "unverifiable"
            mark = _paint("\u2717" if finding.severity == "error" else "!", status, color)
            claims = ", ".join(finding.claim_ids)
            lines.append(
                f"  {mark} {visible_line(finding.rule)}: {visible_line(finding.message)} ({claims})"
            )
    if run.drift:
        lines += ["", f"Drift: changed at HEAD {(run.head or '')[:12]}"]
        for drift in run.drift:
            lines.append(
                f"  {drift.claim_id}: {drift.status} at the analysis's commit, "
                f"{drift.status_at_head} at HEAD: {visible_line(drift.detail_at_head)}"
            )
    warnings = [*analysis.warnings, *run.warnings]
    if warnings:
        lines += ["", "Warnings"] + [f"  - {visible_line(w)}" for w in warnings]
    return "\n".join(lines)


def _own_commit_note(run: CheckRun) -> str:
    if run.revision_source != "analysis":
        return ""
    if run.head and run.head != run.revision:
        drifted = len(run.drift)
        return (
            f" (the analysis's own commit; HEAD {run.head[:12]} differs on {drifted} "
            f"claim{'' if drifted == 1 else 's'})"
        )
    return " (the analysis's own commit, which is HEAD)"


# --- markdown --------------------------------------------------------------------------


def _cell(text: str | None) -> str:
    return markdown_text(text or "")


def _markdown(analysis: Analysis, run: CheckRun) -> str:
    counts = summary(run)
    verdict = (
        f"**{counts['contradicted']} contradicted**"
        if counts["contradicted"]
        else "**nothing contradicted**"
    )
    out = [
        f"## whys check: {markdown_text(analysis.title or analysis.path)}",
        "",
        f"{verdict} \u00b7 {counts['verified']} verified \u00b7 "
        f"{counts['unverifiable']} unverifiable \u00b7 {len(run.findings)} timeline "
        f"finding{'' if len(run.findings) == 1 else 's'}",
        "",
        f"Analysis {markdown_code(analysis.path)} checked at `{run.revision}` "
        f"(checks v{CHECKS_VERSION}).",
    ]
    pairs = _pairs(analysis, run)
    contradicted = [p for p in pairs if p[1].status == "contradicted"]
    if contradicted:
        out += ["", "### Contradicted", "", "| claim | line | why | kind | says | found |"]
        out.append("| --- | --- | --- | --- | --- | --- |")
        for claim, check in contradicted:
            found = check.detail + (f" \u2192 {check.suggestion}" if check.suggestion else "")
            out.append(
                f"| {claim.id} | {claim.line} | {_cell(claim.why)} | {claim.kind} | "
                f"{_cell(_clip(claim.text, 120))} | {_cell(found)} |"
            )
    if run.findings:
        out += ["", "### Timeline", ""]
        for finding in run.findings:
            out.append(
                f"- **{_cell(finding.rule)}** ({finding.severity}): {_cell(finding.message)} "
                f"\u2014 claims {_cell(', '.join(finding.claim_ids))}"
            )
    warnings = [*analysis.warnings, *run.warnings]
    if warnings:
        out += ["", "### Warnings", ""] + [f"- {_cell(w)}" for w in warnings]
    out += ["", "<details><summary>All claims</summary>", ""]
    out += [
        "| claim | line | why | kind | status | detail |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for claim, check in pairs:
        out.append(
            f"| {claim.id} | {claim.line} | {_cell(claim.why)} | {claim.kind} | "
            f"{check.status} | {_cell(check.detail)} |"
        )
    out += ["", "</details>"]
    return "\n".join(out)


# --- sarif -----------------------------------------------------------------------------

_RULES = [
    ("claim-contradicted", "A claim the repository contradicts", "error"),
    ("claim-unverifiable", "A claim the repository cannot settle", "note"),
    ("claim-verified", "A claim the repository confirms", "none"),
]


SRCROOT = "%SRCROOT%"


def _artifact_location(path: str, root: Path | None) -> dict[str, Any]:
    """Relative to the repository (`uriBaseId` %SRCROOT%) when the file is inside it, so
    code scanning on any checkout attaches the result to the file; else a file URI."""
    relative = relative_path(path, root)
    pure = PurePath(relative)
    if not pure.is_absolute():
        return {"uri": quote(pure.as_posix()), "uriBaseId": SRCROOT}
    return {"uri": pure.as_uri()}


def _location(analysis: Analysis, line: int, root: Path | None) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": _artifact_location(analysis.path, root),
            "region": {"startLine": max(1, line)},
        }
    }


def is_sarif_result(claim: Claim, check: ClaimCheck) -> bool:
    """An external claim nothing in the repository can settle (cloud logs, revenue) is not
    a finding about the code: listed in the other formats, not a code-scanning result."""
    return not (claim.kind == "external" and check.status == "unverifiable")


def sarif_log(
    results: Sequence[tuple[Analysis, CheckRun]], *, root: Path | None = None
) -> dict[str, Any]:
    rules = [
        {
            "id": rule_id,
            "name": rule_id,
            "shortDescription": {"text": text},
            "defaultConfiguration": {"level": level},
        }
        for rule_id, text, level in _RULES
    ] + [
        {
            "id": f"timeline/{rule}",
            "name": rule,
            "shortDescription": {"text": f"timeline: {rule.replace('-', ' ')}"},
        }
        for rule in TIMELINE_RULES
    ]
    sarif_results: list[dict[str, Any]] = []
    for analysis, run in results:
        lines = {c.id: c.line for c in analysis.claims}
        where = relative_path(analysis.path, root)
        for claim, check in _pairs(analysis, run):
            if not is_sarif_result(claim, check):
                continue
            kind = {"contradicted": "fail", "verified": "pass", "unverifiable": "review"}
            level = {"contradicted": "error", "verified": "none", "unverifiable": "note"}
            text = f"{claim.kind} claim: {check.detail}"
            if check.suggestion:
                text += f" (suggestion: {check.suggestion})"
            sarif_results.append(
                {
                    "ruleId": f"claim-{check.status}",
                    "kind": kind[check.status],
                    "level": level[check.status],
                    "message": {"text": text},
                    "locations": [_location(analysis, claim.line, root)],
                    "partialFingerprints": {FINGERPRINT_KEY: claim_fingerprint(where, claim)},
                    "properties": {"claim": claim.id, "why": claim.why, "revision": run.revision},
                }
            )
        for finding in run.findings:
            first = min((lines[i] for i in finding.claim_ids if i in lines), default=1)
            sarif_results.append(
                {
                    "ruleId": f"timeline/{finding.rule}",
                    "level": "error" if finding.severity == "error" else "warning",
                    "message": {"text": finding.message},
                    "locations": [_location(analysis, first, root)],
                    "relatedLocations": [
                        {"id": n, **_location(analysis, lines[i], root)}
                        for n, i in enumerate(finding.claim_ids)
                        if i in lines
                    ],
                    "partialFingerprints": {
                        FINGERPRINT_KEY: finding_fingerprint(where, analysis, finding)
                    },
                    "properties": {"claims": finding.claim_ids, "commits": finding.commits},
                }
            )
    revisions = sorted({run.revision for _, run in results})
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "whys",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "results": sarif_results,
                **(
                    {"originalUriBaseIds": {SRCROOT: {"uri": root.resolve().as_uri() + "/"}}}
                    if root is not None
                    else {}
                ),
                "properties": {"revisions": revisions, "checks_version": CHECKS_VERSION},
            }
        ],
    }
