"""The audit entry point shared by `whys open`, `whys demo` and `whys check --session`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from whys.core.audit import open_audit
from whys.samples.build import build_case, case_dir


def _rules(store, index: int) -> set[str]:
    return {finding.rule for finding in store.audit(index).findings}


def test_reopening_keeps_the_auditors_incident_correction(tmp_path: Path) -> None:
    repo_dir = build_case("checkout", tmp_path / "repos")
    analysis = case_dir("checkout") / "db-pool-five-whys.md"
    session_path = tmp_path / "review.json"

    store, _ = open_audit([analysis], repo_dir, session_path=session_path)
    assert "cause-after-incident" in _rules(store, 0)

    # The auditor learns the failure really began at 16:00, after the cited commit landed.
    store.set_incident(0, start=datetime(2026, 3, 2, 16, 0, tzinfo=UTC))
    reopened, _ = open_audit([analysis], repo_dir, session_path=session_path)

    incident = reopened.audit(0).analysis.incident
    assert incident.start == datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    assert incident.sources["start"] == "auditor"
    assert "cause-after-incident" not in _rules(reopened, 0)


def test_the_same_analysis_named_two_ways_is_one_audit(tmp_path: Path, monkeypatch) -> None:
    repo_dir = build_case("checkout", tmp_path / "repos")
    folder = case_dir("checkout")
    session_path = tmp_path / "review.json"
    open_audit([folder / "db-pool-five-whys.md"], repo_dir, session_path=session_path)

    monkeypatch.chdir(folder)
    store, _ = open_audit([Path("db-pool-five-whys.md")], repo_dir, session_path=session_path)
    assert len(store.session.analyses) == 1
