"""An analysis written in a test, checked on a real repository: each claim with its check."""

from __future__ import annotations

from whys.core.checks import check_analysis
from whys.core.models import Claim, ClaimCheck
from whys.core.reader import read_analysis_text
from whys.core.repo import GitRepo

MAIL_WHY = "# RCA: mail stalled\n\n## Why 1: Why did mail stall?\n\n"


def claims_checked(repo: GitRepo, text: str, rev: str = "HEAD") -> list[tuple[Claim, ClaimCheck]]:
    """Every claim of `text` (an analysis at `rca.md`) with its check at `rev`, in order."""
    analysis = read_analysis_text(text, "rca.md")
    run = check_analysis(analysis, repo, rev)
    checks = {check.claim_id: check for check in run.checks}
    return [(claim, checks[claim.id]) for claim in analysis.claims]
