"""Dates at the edge of the calendar are not moments: read as absent, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitbuild import make_repo

from whys.core.checks import check_analysis
from whys.core.document.dates import parse_when
from whys.core.reader import read_analysis_text
from whys.core.repo import open_repo


@pytest.mark.parametrize(
    "written", ["0001-01-01", "9999-12-31 23:59 +14:00", "0001-01-01 00:00 -12:00"]
)
def test_extreme_dates_are_not_moments(written: str) -> None:
    assert parse_when(written) is None


def test_an_analysis_with_extreme_incident_dates_is_checked(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, [{"files": {"app.py": "X = 1\n"}, "message": "init"}])
    text = (
        "# Outage\n\n**Incident start**: 0001-01-01 00:00 UTC\n"
        "**Incident end**: 9999-12-31 23:59 UTC\n\n"
        "## Why 1: Why?\n\n- `app.py` line 1 defines `X`, landed before the incident\n"
    )
    analysis = read_analysis_text(text)
    assert analysis.incident.start is None and analysis.incident.end is None
    run = check_analysis(analysis, open_repo(repo))
    assert len(run.checks) == len(analysis.claims)
