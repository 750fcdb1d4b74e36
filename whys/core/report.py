"""Check results as text (people), json (CI and the TUI), markdown (a ticket), sarif 2.1.0.

The json shape is the contract of PRODUCT.md: one object per analysis with `analysis`
{path, title}, `revision`, `claims` [id, line, why, kind, text, status, detail,
suggestion], `summary` (count per status) and `timeline` findings naming their claims.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any, Literal

from whys import __version__
from whys.core.checks import CHECKS_VERSION, CheckRun
from whys.core.models import CHECK_STATUSES, TIMELINE_RULES, Analysis, Claim, ClaimCheck, Finding

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
    results: Sequence[tuple[Analysis, CheckRun]], fmt: Format, *, color: bool = False
) -> str:
    """Several analyses: json becomes a list (one object when there is one), sarif one log."""
    if fmt == "json":
        objects = [report_object(a, r) for a, r in results]
        payload: Any = objects[0] if len(objects) == 1 else objects
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if fmt == "sarif":
        return json.dumps(sarif_log(results), indent=2, ensure_ascii=False) + "\n"
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
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _text(analysis: Analysis, run: CheckRun, color: bool) -> str:
    lines = [
        f"{analysis.path}" + (f" \u2014 {analysis.title}" if analysis.title else ""),
        f"revision {run.revision} \u00b7 {_headline(run)}",
    ]
    for title, pairs in _groups(analysis, run):
        lines += ["", title]
        for claim, check in pairs:
            mark = _paint(_MARK[check.status], check.status, color)
            where = f"{claim.id:<4} line {claim.line:<5} {claim.kind:<8}"
            lines.append(f"  {mark} {where} {_clip(claim.text, 90)}")
            lines.append(f"      {check.detail}")
            if check.suggestion:
                lines.append(f"      \u2192 {check.suggestion}")
    if run.findings:
        lines += ["", "Timeline"]
        for finding in run.findings:
            status = "contradicted" if finding.severity == "error" else "unverifiable"
            mark = _paint("\u2717" if finding.severity == "error" else "!", status, color)
            claims = ", ".join(finding.claim_ids)
            lines.append(f"  {mark} {finding.rule}: {finding.message} ({claims})")
    warnings = [*analysis.warnings, *run.warnings]
    if warnings:
        lines += ["", "Warnings"] + [f"  - {w}" for w in warnings]
    return "\n".join(lines)


# --- markdown --------------------------------------------------------------------------


def _cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def _markdown(analysis: Analysis, run: CheckRun) -> str:
    counts = summary(run)
    verdict = (
        f"**{counts['contradicted']} contradicted**"
        if counts["contradicted"]
        else "**nothing contradicted**"
    )
    out = [
        f"## whys check: {analysis.title or analysis.path}",
        "",
        f"{verdict} \u00b7 {counts['verified']} verified \u00b7 "
        f"{counts['unverifiable']} unverifiable \u00b7 {len(run.findings)} timeline "
        f"finding{'' if len(run.findings) == 1 else 's'}",
        "",
        f"Analysis `{analysis.path}` checked at `{run.revision}` (checks v{CHECKS_VERSION}).",
    ]
    pairs = _pairs(analysis, run)
    contradicted = [p for p in pairs if p[1].status == "contradicted"]
    if contradicted:
        out += ["", "### Contradicted", "", "| claim | line | why | kind | says | found |"]
        out.append("| --- | --- | --- | --- | --- | --- |")
        for claim, check in contradicted:
            found = check.detail + (f" \u2192 {check.suggestion}" if check.suggestion else "")
            out.append(
                f"| {claim.id} | {claim.line} | {claim.why or ''} | {claim.kind} | "
                f"{_cell(_clip(claim.text, 120))} | {_cell(found)} |"
            )
    if run.findings:
        out += ["", "### Timeline", ""]
        for finding in run.findings:
            out.append(
                f"- **{finding.rule}** ({finding.severity}): {finding.message} "
                f"\u2014 claims {', '.join(finding.claim_ids)}"
            )
    warnings = [*analysis.warnings, *run.warnings]
    if warnings:
        out += ["", "### Warnings", ""] + [f"- {w}" for w in warnings]
    out += ["", "<details><summary>All claims</summary>", ""]
    out += [
        "| claim | line | why | kind | status | detail |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for claim, check in pairs:
        out.append(
            f"| {claim.id} | {claim.line} | {claim.why or ''} | {claim.kind} | "
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


def _artifact_uri(path: str) -> str:
    pure = PurePath(path)
    if pure.is_absolute():
        return pure.as_uri() if hasattr(pure, "as_uri") else path
    return pure.as_posix()


def _location(analysis: Analysis, line: int) -> dict[str, Any]:
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": _artifact_uri(analysis.path)},
            "region": {"startLine": max(1, line)},
        }
    }


def sarif_log(results: Sequence[tuple[Analysis, CheckRun]]) -> dict[str, Any]:
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
        for claim, check in _pairs(analysis, run):
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
                    "locations": [_location(analysis, claim.line)],
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
                    "locations": [_location(analysis, first)],
                    "relatedLocations": [
                        {"id": n, **_location(analysis, lines[i])}
                        for n, i in enumerate(finding.claim_ids)
                        if i in lines
                    ],
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
                "properties": {"revisions": revisions, "checks_version": CHECKS_VERSION},
            }
        ],
    }
