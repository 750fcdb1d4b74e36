"""One audit from files on disk: read each analysis, check it, keep the results in a session.

The CLI (`whys check --session`, `whys open`, `whys demo`) and the TUI all start here, so an
analysis is read and checked the same way whichever door the auditor came in by.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from whys.core.checks import CheckRun, check_analysis
from whys.core.models import Analysis
from whys.core.reader import read_analysis
from whys.core.repo import GitRepo, open_repo
from whys.core.session import SessionStore, default_session_path

Progress = Callable[[str], None]


@dataclass(frozen=True)
class CheckedAnalysis:
    analysis: Analysis
    run: CheckRun


def check_files(
    analysis_paths: Sequence[Path],
    repo: GitRepo,
    rev: str = "HEAD",
    *,
    store: SessionStore | None = None,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
) -> list[CheckedAnalysis]:
    """Read and check every analysis at `rev`; the reader never raises for content, only
    for files it cannot open, so one bad path stops the run before any work is done.

    With a session, an analysis it already holds keeps the auditor's corrections to its
    incident window: checking the file's own window again would bring back findings the
    auditor has already set right."""
    analyses = [read_analysis(Path(path).resolve()) for path in analysis_paths]
    checked: list[CheckedAnalysis] = []
    for analysis in analyses:
        if store is not None:
            analysis = store.with_auditor_corrections(analysis)
        if progress:
            progress(f"checking {analysis.path} ({len(analysis.claims)} claims)")
        checked.append(
            CheckedAnalysis(analysis, check_analysis(analysis, repo, rev, cancel=cancel))
        )
    return checked


def record_in_session(store: SessionStore, checked: Sequence[CheckedAnalysis]) -> list[int]:
    return [
        store.upsert_analysis(item.analysis, item.run.revision, item.run.checks, item.run.findings)
        for item in checked
    ]


def open_audit(
    analysis_paths: Sequence[Path],
    repo_path: Path,
    rev: str = "HEAD",
    session_path: Path | None = None,
    *,
    progress: Progress | None = None,
) -> tuple[SessionStore, GitRepo]:
    """The session for these analyses, freshly checked, resumed from its file if it exists."""
    repo = open_repo(Path(repo_path))
    target = session_path or default_session_path(repo.root, [Path(p) for p in analysis_paths])
    store = SessionStore.open(target, repo=str(repo.root), revision=rev)
    record_in_session(
        store, check_files(analysis_paths, repo, rev, store=store, progress=progress)
    )
    return store, repo
