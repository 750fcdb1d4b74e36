"""One audit from files on disk: read each analysis, check it, keep the results in a session.

The CLI (`whys check --session`, `whys open`, `whys demo`) and the TUI all start here, so an
analysis is read and checked the same way whichever door the auditor came in by.

Two steps, so the workbench can show the review before the slow part is done:
`open_session` reads the analyses and resumes the session (fast: no check runs), then
`check_analyses` / `check_files` + `record_in_session` check them (slow on a long history;
the TUI runs it in a worker). `open_audit` does both, for callers that want them together.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from whys.core.checks import CheckRun, check_analysis
from whys.core.models import Analysis, AnalysisAudit
from whys.core.reader import read_analysis
from whys.core.repo import GitRepo, open_repo
from whys.core.session import SessionStore, default_session_path

Progress = Callable[[str], None]


@dataclass(frozen=True)
class CheckedAnalysis:
    analysis: Analysis
    run: CheckRun


def read_files(analysis_paths: Sequence[Path]) -> list[Analysis]:
    """Every analysis, read; the reader never raises for content, only for files it cannot
    open, so one bad path stops before any work is done."""
    return [read_analysis(Path(path).resolve()) for path in analysis_paths]


def check_analyses(
    analyses: Sequence[Analysis],
    repo: GitRepo,
    rev: str = "HEAD",
    *,
    store: SessionStore | None = None,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
) -> list[CheckedAnalysis]:
    """Check every analysis at `rev`.

    With a session, an analysis it already holds keeps the auditor's corrections to its
    incident window: checking the file's own window again would bring back findings the
    auditor has already set right."""
    checked: list[CheckedAnalysis] = []
    for number, analysis in enumerate(analyses, start=1):
        if cancel is not None and cancel.is_set():
            break
        if store is not None:
            analysis = store.with_auditor_corrections(analysis)
        if progress:
            place = f" [{number}/{len(analyses)}]" if len(analyses) > 1 else ""
            progress(f"checking {Path(analysis.path).name}{place} ({len(analysis.claims)} claims)")
        checked.append(
            CheckedAnalysis(analysis, check_analysis(analysis, repo, rev, cancel=cancel))
        )
    return checked


def check_files(
    analysis_paths: Sequence[Path],
    repo: GitRepo,
    rev: str = "HEAD",
    *,
    store: SessionStore | None = None,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
) -> list[CheckedAnalysis]:
    """Read and check every analysis at `rev` (see `read_files` and `check_analyses`)."""
    return check_analyses(
        read_files(analysis_paths), repo, rev, store=store, cancel=cancel, progress=progress
    )


def record_in_session(store: SessionStore, checked: Sequence[CheckedAnalysis]) -> list[int]:
    return [
        store.upsert_analysis(item.analysis, item.run.revision, item.run.checks, item.run.findings)
        for item in checked
    ]


def needs_checks(audit: AnalysisAudit, revision_sha: str | None) -> bool:
    """True while the checks on record are not those of this analysis at this revision: it
    was never checked, its file changed since, or the revision moved."""
    return audit.checked_revision is None or audit.checked_revision != revision_sha


def open_session(
    analysis_paths: Sequence[Path],
    repo_path: Path,
    rev: str = "HEAD",
    session_path: Path | None = None,
) -> tuple[SessionStore, GitRepo]:
    """The session for these analyses, resumed from its file if it exists, with every
    analysis read but none checked: a new or changed analysis goes in without checks (its
    verdicts, evidence and incident corrections kept), an unchanged one keeps the checks on
    record until fresh ones replace them. A bad repository, revision or analysis path is
    refused here, before anything is shown."""
    repo = open_repo(Path(repo_path))
    revision_sha = repo.resolve_revision(rev)
    analyses = read_files(analysis_paths)
    target = session_path or default_session_path(repo.root, [Path(p) for p in analysis_paths])
    store = SessionStore.open(target, repo=str(repo.root), revision=rev, revision_sha=revision_sha)
    changed = False
    for analysis in analyses:
        index = store.index_of(analysis.path)
        if index is not None and store.audit(index).analysis.sha256 == analysis.sha256:
            continue
        index = store.upsert_analysis(analysis, revision_sha, [], [])
        store.audit(index).checked_revision = None  # read, not checked yet
        changed = True
    if changed:
        store.save()
    return store, repo


def open_audit(
    analysis_paths: Sequence[Path],
    repo_path: Path,
    rev: str = "HEAD",
    session_path: Path | None = None,
    *,
    progress: Progress | None = None,
) -> tuple[SessionStore, GitRepo]:
    """The session for these analyses, freshly checked, resumed from its file if it exists."""
    store, repo = open_session(analysis_paths, repo_path, rev, session_path)
    record_in_session(store, check_files(analysis_paths, repo, rev, store=store, progress=progress))
    return store, repo
