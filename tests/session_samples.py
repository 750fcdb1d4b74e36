"""Sessions built from the models directly, for the session, verdict and export tests.

The analysis is shaped like seed 000's rejected one: three whys, one contradicted claim, a
timeline finding, and one evidence item that pastes a secret (as seed 001 did).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from whys.core.models import (
    Analysis,
    AnalysisAudit,
    Claim,
    ClaimCheck,
    Evidence,
    Finding,
    IncidentWindow,
    Session,
    Why,
)

FIXED_TIME = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SHA_A = "a" * 40
SHA_B = "b" * 40
LEAKED_JWT_SECRET = (
    "7SVLKvh7mJNeF6njiRJMoZpUWLya3NfsvJfRHPc0-cYI7Oh80oXOUHuBNuMjUI4ghNTHFH0H7s9vf3S835ET5A"
)


def make_analysis(path: str = "reports/ALPINE_FIVE_WHYS.md", *, sha: str = "0" * 64) -> Analysis:
    whys = [
        Why(
            id="1",
            number=1,
            question="Why did endpoints vanish?",
            answer="Startup failed",
            line=5,
            end_line=8,
            causes=["2"],
        ),
        Why(
            id="2",
            number=2,
            question="Why did startup fail?",
            answer="Alpine limits",
            line=9,
            end_line=12,
            parent="1",
            causes=["3"],
        ),
        Why(
            id="3",
            number=3,
            question="Why were limits cut?",
            answer="Commit a2095754d",
            line=13,
            end_line=16,
            parent="2",
        ),
    ]
    claims = [
        Claim(
            id="c1",
            line=6,
            why="1",
            kind="file",
            text="`deploy/values.yaml` exists",
            path="deploy/values.yaml",
        ),
        Claim(
            id="c2",
            line=14,
            why="3",
            kind="commit",
            text="commit a2095754d cut the limits",
            sha="a2095754d",
        ),
        Claim(id="c3", line=15, why="3", kind="external", text="revenue fell by $120K"),
    ]
    return Analysis(
        path=path,
        title="Missing endpoints: Five Whys",
        sha256=sha,
        line_count=20,
        incident=IncidentWindow(start=FIXED_TIME, sources={"start": "analysis:3"}),
        whys=whys,
        claims=claims,
    )


def make_checks() -> list[ClaimCheck]:
    return [
        ClaimCheck(claim_id="c1", status="verified", detail="the path resolves"),
        ClaimCheck(
            claim_id="c2",
            status="contradicted",
            detail="commit a2095754d landed after the incident started",
            suggestion="the limits were cut in bbbbbbb",
        ),
        ClaimCheck(claim_id="c3", status="unverifiable", detail="nothing in the repo says"),
    ]


def make_findings() -> list[Finding]:
    return [
        Finding(
            rule="cause-after-incident",
            severity="error",
            message="the cause commit landed after the failure began",
            claim_ids=["c2"],
            commits=[SHA_A],
        )
    ]


def make_evidence(
    evidence_id: str = "e1", *, why: str | None = "2", content: str | None = None
) -> Evidence:
    text = (
        content
        if content is not None
        else f"config/staging.env:3:JWT_SECRET_STAGING={LEAKED_JWT_SECRET}"
    )
    return Evidence(
        id=evidence_id,
        kind="grep",
        summary="1 match for JWT_SECRET in config/",
        query={"op": "grep", "pattern": "JWT_SECRET", "options": {"fixed_strings": True}},
        revision=SHA_B,
        content=text,
        content_sha256=hashlib.sha256(text.encode()).hexdigest(),
        why=why,
        created_at=FIXED_TIME,
        created_by="lead@example.com",
    )


def make_session(repo: str = "/srv/repos/netra", analyses: int = 1) -> Session:
    audits = [
        AnalysisAudit(
            analysis=make_analysis(f"reports/ANALYSIS_{index + 1}.md"),
            checked_revision=SHA_B,
            checks=make_checks(),
            findings=make_findings(),
        )
        for index in range(analyses)
    ]
    return Session(
        repo=repo,
        revision="HEAD",
        revision_sha=SHA_B,
        created_at=FIXED_TIME,
        updated_at=FIXED_TIME,
        analyses=audits,
    )
