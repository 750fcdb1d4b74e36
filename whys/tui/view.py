"""How session facts look on screen: marks, colours, labels and the summary line.

Pure functions of the models, so the outline, the tables and the tests agree on one
spelling of each mark.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rich.text import Text

from whys.core.models import AnalysisAudit, Claim, ClaimCheck, Session, Verdict, Why
from whys.core.verdict import analysis_result, latest_verdict

STATUS_MARK = {"verified": "✓", "contradicted": "✗", "unverifiable": "?"}
# Theme variables would be nicer, but Rich text in a Tree label needs concrete colours;
# these read on both Textual's dark and light themes.
STATUS_STYLE = {
    "verified": "bold green4",
    "contradicted": "bold red3",
    "unverifiable": "bold dark_orange3",
}
STATUS_ORDER = {"contradicted": 0, "unverifiable": 1, "verified": 2}

DECISION_MARK = {"approved": "✔", "rejected": "✘", "needs-evidence": "…"}
DECISION_STYLE = {
    "approved": "bold green4",
    "rejected": "bold red3",
    "needs-evidence": "bold dark_orange3",
}
OVERRODE_SHOWN = 2
DECISION_WORD = {"approved": "APPROVED", "rejected": "REJECTED", "needs-evidence": "NEEDS EVIDENCE"}


def worst_status(statuses: Iterable[str | None]) -> str | None:
    """The status that matters most among several claims: contradicted, then unverifiable,
    then verified; None when none was checked."""
    return min((s for s in statuses if s), key=STATUS_ORDER.__getitem__, default=None)


def check_for(audit: AnalysisAudit, claim_id: str) -> ClaimCheck | None:
    for check in audit.checks:
        if check.claim_id == claim_id:
            return check
    return None


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


def session_summary(session: Session) -> str:
    """The seed reports' headline: "2 APPROVED, 1 REJECTED", with undecided ones as OPEN."""
    counts = Counter(analysis_result(audit) for audit in session.analyses)
    order = ["approved", "rejected", "needs-evidence", "undecided"]
    words = {**DECISION_WORD, "undecided": "OPEN"}
    parts = [f"{counts[result]} {words[result]}" for result in order if counts[result]]
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
    label.append(audit.analysis.title or audit.analysis.path, style="bold")
    counts = status_counts(audit)
    if counts:
        label.append(f"  {counts}", style="dim")
    return label


def why_label(audit: AnalysisAudit, why: Why) -> Text:
    verdict = latest_verdict(audit, "why", why.id)
    worst = worst_status(claim_status(audit, claim.id) for claim in claims_of_why(audit, why.id))
    label = Text.assemble(decision_mark(verdict), " ", status_mark(worst), " ")
    label.append(f"Why {why.id}", style="bold")
    question = why.question or why.answer
    if question:
        label.append(f": {question}")
    return label


def claim_label(audit: AnalysisAudit, claim: Claim) -> Text:
    """Check mark, then the auditor's verdict mark when there is one: both stay visible in a
    narrow outline, where the end of the label is cut."""
    verdict = latest_verdict(audit, "claim", claim.id)
    label = Text.assemble(status_mark(claim_status(audit, claim.id)))
    label.append_text(decision_mark(verdict) if verdict else Text(" "))
    label.append(f" {claim.id} ", style="bold")
    label.append(f"L{claim.line} {claim.kind}: ", style="dim")
    label.append(one_line(claim.text, 80))
    return label


def claims_of_why(audit: AnalysisAudit, why_id: str | None) -> list[Claim]:
    return [claim for claim in audit.analysis.claims if claim.why == why_id]


def one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def short_sha(sha: str | None) -> str:
    return (sha or "")[:9]


def verdict_line(verdict: Verdict) -> Text:
    """Mark, decision, who, the note; an override also says what it approved over."""
    line = Text.assemble(decision_mark(verdict), " ")
    line.append(DECISION_WORD[verdict.decision], style=DECISION_STYLE[verdict.decision])
    line.append(f" by {verdict.auditor}")
    if verdict.note:
        line.append(f": {verdict.note}", style="italic")
    if verdict.override:
        # The detail pane is a few lines high; the full list is in every report.
        over = "; ".join(verdict.overrode[:OVERRODE_SHOWN]) or "the rules"
        if len(verdict.overrode) > OVERRODE_SHOWN:
            over += f"; and {len(verdict.overrode) - OVERRODE_SHOWN} more"
        line.append(f"  OVERRIDE over {over}", style="bold dark_orange3")
    return line
