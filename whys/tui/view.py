"""How session facts look on screen: marks, colours, labels and the summary line.

Pure functions of the models, so the outline, the tables and the tests agree on one
spelling of each mark.

Text that comes from an analysis, a repository or a session reaches a widget only through
`shown` / `shown_line`: a Rich `Text` (never parsed as markup) with its control characters
made visible. That is the one way untrusted text gets on screen.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections import Counter
from datetime import UTC, datetime, tzinfo
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rich.text import Text

from whys import paths
from whys.core.models import AnalysisAudit, Claim, ClaimCheck, Evidence, Session, Verdict, Why
from whys.core.textsafe import visible, visible_line
from whys.core.timeline_view import STATUS_ORDER, worst_status
from whys.core.verdict import analysis_result, latest_verdict

__all__ = ["STATUS_ORDER", "worst_status"]


def shown(text: object, style: str = "") -> Text:
    """Untrusted text as content: no markup, control characters visible, newlines kept."""
    return Text(visible(str(text)), style=style)


def shown_line(text: object, style: str = "", limit: int | None = None) -> Text:
    """Untrusted text on one line (runs of spaces, tabs and newlines folded to one space,
    edges kept), optionally cut to `limit`."""
    flat = visible_line(_FOLD.sub(" ", str(text)))
    if limit is not None and len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return Text(flat, style=style)


_FOLD = re.compile(r"[ \t\n]+")


STATUS_MARK = {"verified": "✓", "contradicted": "✗", "unverifiable": "?"}
# Theme variables would be nicer, but Rich text in a Tree label needs concrete colours;
# these read on both Textual's dark and light themes.
STATUS_STYLE = {
    "verified": "bold green4",
    "contradicted": "bold red3",
    "unverifiable": "bold dark_orange3",
}

# Verdicts are the auditor's decisions, not the checks' findings: a letter on a coloured
# badge (A, R, N), so a rejected why never reads as a contradicted claim (✗).
DECISION_MARK = {"approved": "A", "rejected": "R", "needs-evidence": "N"}
DECISION_STYLE = {
    "approved": "bold white on green4",
    "rejected": "bold white on red3",
    "needs-evidence": "bold black on dark_orange",
}
OVERRODE_SHOWN = 2
DECISION_WORD = {"approved": "APPROVED", "rejected": "REJECTED", "needs-evidence": "NEEDS EVIDENCE"}


# Each analysis's checks by claim id, per checks list (the session replaces the list when
# new checks arrive): the outline asks for every claim's check, which scanning the list
# for each would make quadratic, seconds on the UI thread for a long analysis.
_CHECKS_BY_CLAIM: dict[int, tuple[list[ClaimCheck], int, dict[str, ClaimCheck]]] = {}


def check_for(audit: AnalysisAudit, claim_id: str) -> ClaimCheck | None:
    checks = audit.checks
    known = _CHECKS_BY_CLAIM.get(id(checks))
    # The entry holds the list, so its id cannot be reused while the entry lives.
    if known is None or known[0] is not checks or known[1] != len(checks):
        by_claim: dict[str, ClaimCheck] = {}
        for check in checks:
            by_claim.setdefault(check.claim_id, check)
        if len(_CHECKS_BY_CLAIM) >= 32:
            _CHECKS_BY_CLAIM.clear()
        known = _CHECKS_BY_CLAIM[id(checks)] = (checks, len(checks), by_claim)
    return known[2].get(claim_id)


def claim_status(audit: AnalysisAudit, claim_id: str) -> str | None:
    check = check_for(audit, claim_id)
    return check.status if check else None


def status_mark(status: str | None) -> Text:
    if status is None:
        return Text("·", style="dim")
    return Text(STATUS_MARK.get(status, "·"), style=STATUS_STYLE.get(status, "dim"))


def decision_mark(verdict: Verdict | None) -> Text:
    if verdict is None:
        return Text("·", style="dim")
    return Text(DECISION_MARK[verdict.decision], style=DECISION_STYLE[verdict.decision])


def analysis_override(audit: AnalysisAudit) -> bool:
    """The analysis's verdict in force was an override (approved over the rules)."""
    verdict = latest_verdict(audit, "analysis", None)
    return verdict is not None and verdict.override


def session_summary(session: Session) -> str:
    """The seed reports' headline: "2 APPROVED, 1 REJECTED", with undecided ones as OPEN and
    approvals given by override said so: "1 APPROVED (override)"."""
    counts = Counter(analysis_result(audit) for audit in session.analyses)
    overridden = sum(
        1
        for audit in session.analyses
        if analysis_result(audit) == "approved" and analysis_override(audit)
    )
    order = ["approved", "rejected", "needs-evidence", "undecided"]
    words = {**DECISION_WORD, "undecided": "OPEN"}
    parts = []
    for result in order:
        if not counts[result]:
            continue
        part = f"{counts[result]} {words[result]}"
        if result == "approved" and overridden:
            part += " (override)" if overridden == counts[result] else f" ({overridden} override)"
        parts.append(part)
    return ", ".join(parts) or "no analyses"


def status_counts(audit: AnalysisAudit) -> str:
    counts = Counter(check.status for check in audit.checks)
    return "  ".join(
        f"{STATUS_MARK[status]}{counts[status]}"
        for status in ("verified", "contradicted", "unverifiable")
        if counts[status]
    )


def analysis_label(audit: AnalysisAudit) -> Text:
    verdict = latest_verdict(audit, "analysis", None)
    label = Text.assemble(decision_mark(verdict), " ")
    label.append_text(shown_line(audit.analysis.title or audit.analysis.path, "bold"))
    counts = status_counts(audit)
    if counts:
        label.append(f"  {counts}", style="dim")
    return label


def why_label(audit: AnalysisAudit, why: Why) -> Text:
    verdict = latest_verdict(audit, "why", why.id)
    worst = worst_status(claim_status(audit, claim.id) for claim in claims_of_why(audit, why.id))
    label = Text.assemble(decision_mark(verdict), " ", status_mark(worst), " ")
    label.append_text(shown_line(f"Why {why.id}", "bold"))
    question = why.question or why.answer
    if question:
        label.append_text(shown_line(f": {question}"))
    return label


def claim_label(audit: AnalysisAudit, claim: Claim) -> Text:
    """Check mark, then the auditor's verdict mark when there is one: both stay visible in a
    narrow outline, where the end of the label is cut."""
    verdict = latest_verdict(audit, "claim", claim.id)
    label = Text.assemble(status_mark(claim_status(audit, claim.id)))
    label.append_text(decision_mark(verdict) if verdict else Text(" "))
    label.append(f" {claim.id} ", style="bold")
    label.append(f"L{claim.line} {claim.kind}: ", style="dim")
    label.append_text(shown_line(claim.text.strip(), limit=80))
    return label


def claims_of_why(audit: AnalysisAudit, why_id: str | None) -> list[Claim]:
    return [claim for claim in audit.analysis.claims if claim.why == why_id]


def one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def short_sha(sha: str | None) -> str:
    return (sha or "")[:9]


def note_line(note: str) -> str:
    """A multi-line note on one line: its lines joined with a visible break."""
    return " ⏎ ".join(line.strip() for line in note.strip().splitlines() if line.strip())


def verdict_line(verdict: Verdict) -> Text:
    """Mark, decision, who, the note; an override also says what it approved over."""
    line = Text.assemble(decision_mark(verdict), " ")
    word = DECISION_WORD[verdict.decision] + (" (override)" if verdict.override else "")
    line.append(word, style=DECISION_TEXT_STYLE[verdict.decision])
    line.append_text(shown_line(f" by {verdict.auditor}"))
    if verdict.note:
        line.append_text(shown_line(f": {note_line(verdict.note)}", "italic"))
    if verdict.override:
        # The detail pane is a few lines high; the full list is in every report.
        over = "; ".join(verdict.overrode[:OVERRODE_SHOWN]) or "the rules"
        if len(verdict.overrode) > OVERRODE_SHOWN:
            over += f"; and {len(verdict.overrode) - OVERRODE_SHOWN} more"
        line.append_text(shown_line(f"  OVERRIDE over {over}", "bold dark_orange3"))
    return line


DECISION_TEXT_STYLE = {
    "approved": "bold green4",
    "rejected": "bold red3",
    "needs-evidence": "bold dark_orange3",
}


def legend() -> Text:
    """What the marks mean: checks are coloured signs, verdicts are letter badges."""
    text = Text()
    text.append("check ", style="dim")
    for status, mark in STATUS_MARK.items():
        text.append(mark, style=STATUS_STYLE[status])
    text.append(" · verdict ", style="dim")
    for decision, mark in DECISION_MARK.items():
        text.append(mark, style=DECISION_STYLE[decision])
    return text


def legend_rows() -> list[tuple[Text, str]]:
    """Each mark and what it says, for the help screen."""
    rows: list[tuple[Text, str]] = []
    meaning = {
        "verified": "check: the claim holds in the repository",
        "contradicted": "check: the repository says otherwise",
        "unverifiable": "check: the repository cannot settle it",
    }
    for status, mark in STATUS_MARK.items():
        rows.append((Text(mark, style=STATUS_STYLE[status]), meaning[status]))
    for decision, mark in DECISION_MARK.items():
        rows.append(
            (
                Text(mark, style=DECISION_STYLE[decision]),
                f"verdict: {DECISION_WORD[decision].lower()} (the auditor's decision)",
            )
        )
    return rows


# -- times ------------------------------------------------------------------------------


@cache
def display_zone() -> tzinfo:
    """UTC unless configured: WHYS_TIMEZONE, or `timezone = "..."` in config.toml (an IANA
    name, or "local" for this machine's zone)."""
    name = os.environ.get("WHYS_TIMEZONE", "")
    if not name:
        try:
            with (paths.config_dir() / "config.toml").open("rb") as handle:
                name = str(tomllib.load(handle).get("timezone", ""))
        except (OSError, tomllib.TOMLDecodeError):
            name = ""
    name = name.strip()
    if not name or name.upper() == "UTC":
        return UTC
    if name.lower() == "local":
        local = datetime.now().astimezone().tzinfo
        return local or UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def zone_name(moment: datetime | None = None) -> str:
    zone = display_zone()
    if zone is UTC:
        return "UTC"
    return (moment or datetime.now(UTC)).astimezone(zone).strftime("%Z") or str(zone)


def in_zone(moment: datetime) -> datetime:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(display_zone())


def show_time(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A time as the auditor reads it, always with its zone: "2026-03-02 14:05 UTC"."""
    if moment is None:
        return ""
    local = in_zone(moment)
    return f"{local.strftime(fmt)} {zone_name(local)}"


# -- evidence -----------------------------------------------------------------------------

_HIT_LINE = re.compile(r"^[^\n:]+:\d+:", re.MULTILINE)


def _quoted(value: Any, limit: int = 40) -> str:
    return "'" + one_line(str(value), limit) + "'"


def evidence_sentence(item: Evidence) -> str:
    """How an evidence item was obtained, as a person says it: "commit 5ac7ba3 · git show",
    "git grep 'charge_with_retry' in app/x.py at 3e74535 · 4 hits"."""
    query = item.query
    op = str(query.get("op", item.kind))
    at = f"at {item.revision[:7]}"
    if op == "grep":
        where = ", ".join(str(g) for g in query.get("globs") or [])
        hits = len(_HIT_LINE.findall(item.content))
        words = [f"git grep {_quoted(query.get('pattern', ''))}"]
        if where:
            words.append(f"in {where}")
        words.append(at)
        return " ".join(words) + f" · {hits} hit{'s' if hits != 1 else ''}"
    if op == "count":
        unit = query.get("unit") or "files"
        return f"git grep -c {_quoted(query.get('pattern', ''))} {at} · {item.content} ({unit})"
    if op == "commit":
        return f"commit {str(query.get('sha', ''))[:7]} · git show"
    if op == "ancestry":
        ancestor = str(query.get("ancestor", ""))[:7]
        descendant = str(query.get("descendant") or item.revision)[:7]
        return f"is {ancestor} an ancestor of {descendant} · git merge-base"
    if op == "file":
        span = ""
        if query.get("start") or query.get("end"):
            span = f":{query.get('start') or 1}-{query.get('end') or ''}"
        return f"file {query.get('path', '')}{span} {at} · git show"
    if op == "blame":
        span = f"{query.get('path', '')}:{query.get('start')}-{query.get('end')}"
        origins = len({line.split(" ")[1] for line in item.content.splitlines() if " " in line})
        ignore = " (ignore-revs)" if query.get("ignore_revs_file") else ""
        return f"blame -M -C {span}{ignore} {at} · {origins} commit{'s' if origins != 1 else ''}"
    if op in ("log", "pickaxe", "line_history", "szz"):
        commits = sum(1 for line in item.content.splitlines() if line and not line.startswith("("))
        if op == "pickaxe":
            flag = "-G" if query.get("regex") else "-S"
            what = f"git log {flag} {_quoted(query.get('text', ''))}"
        elif op == "line_history":
            what = f"git log -L {query.get('start')},{query.get('end')}:{query.get('path', '')}"
        elif op == "szz":
            what = f"origins of the lines fixed by {str(query.get('fix', ''))[:7]}"
        else:
            what = "git log"
        return f"{what} {at} · {commits} commit{'s' if commits != 1 else ''}"
    return f"{op} {at}"


# -- where a claim points -----------------------------------------------------------------


def cited_location(claim: Claim, check: ClaimCheck | None) -> tuple[str, int] | None:
    """The repository file and line a claim cites, as its check resolved it (an abbreviated
    path is resolved by the check); None when it cites no file."""
    line = claim.line_start or (claim.line_numbers[0] if claim.line_numbers else 0)
    for item in check.evidence if check else []:
        if item.query.get("op") == "file" and item.query.get("path"):
            return str(item.query["path"]), int(item.query.get("start") or line or 1)
        if item.query.get("op") == "grep":
            first = item.content.splitlines()[0] if item.content else ""
            match = re.match(r"^(.+?):(\d+):", first)
            if match:
                return match.group(1), int(match.group(2))
            globs = item.query.get("globs") or []
            if globs:
                return str(globs[0]), line or 1
    if claim.path:
        return claim.path, line or 1
    return None


def cited_commit(claim: Claim, check: ClaimCheck | None) -> str | None:
    """The commit a claim cites, as a full SHA when its check resolved it."""
    for item in check.evidence if check else []:
        if item.query.get("op") == "commit":
            first = item.content.splitlines()[0] if item.content else ""
            if first.startswith("commit "):
                return first.split(" ", 1)[1].strip()
    return claim.sha or claim.other_sha
