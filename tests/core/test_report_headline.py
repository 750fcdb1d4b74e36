"""The Markdown report leads with the decision and the analysis title; an override is said
("APPROVED (override)") and its note follows, labelled. The verdict file's summary counts
approvals given by override, and a file so summarised still re-derives cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from whys.core.audit import open_audit
from whys.core.verdict import build_verdict_file, rederive_problems, render_report, summary_line
from whys.samples.build import build_case, case_dir

AUDITOR = "ines@example.dev"


@pytest.fixture
def store(tmp_path: Path):
    repo = build_case("checkout", tmp_path / "samples")
    analysis = case_dir("checkout") / "confirmation-mail-five-whys.md"
    opened, _repo = open_audit([analysis], repo, "HEAD", tmp_path / "s.json")
    return opened


def test_an_override_is_headlined_with_the_title_and_labelled(store) -> None:
    store.record_verdict(0, "why", "2", "rejected", "no such commit", AUDITOR)
    store.record_verdict(
        0, "analysis", None, "approved", "fix holds anyway", AUDITOR, override=True
    )
    title = store.session.analyses[0].analysis.title
    verdict_file = build_verdict_file(store.session, "test")
    report = render_report(verdict_file)
    headline = report.splitlines()[0]
    assert headline.startswith("# APPROVED (override): ")
    assert title.split(" (")[0] in headline
    assert "fix holds anyway" not in headline
    assert "**Override**: fix holds anyway" in report
    assert verdict_file.summary["approved-by-override"] == 1
    assert summary_line(verdict_file) == "1 APPROVED (override)"
    assert rederive_problems(verdict_file) == []


def test_a_plain_approval_says_no_override(store) -> None:
    store.record_verdict(0, "analysis", None, "rejected", "wrong commit cited", AUDITOR)
    verdict_file = build_verdict_file(store.session, "test")
    report = render_report(verdict_file)
    assert report.splitlines()[0].startswith("# REJECTED: ")
    assert "Reason: wrong commit cited" in report
    assert "approved-by-override" not in verdict_file.summary
    assert summary_line(verdict_file) == "1 REJECTED"
