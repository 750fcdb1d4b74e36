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
from typing import TYPE_CHECKING

from whys.core.checks import CHECKS_VERSION, CheckRun, Drift, KnownSearches, check_analysis
from whys.core.claims.checking.own import own_document
from whys.core.model_io import to_json_text
from whys.core.models import Analysis, AnalysisAudit
from whys.core.reader import (
    analysis_from_bytes,
    analysis_sha256,
    read_analysis,
    read_analysis_bytes,
)
from whys.core.repo import GitRepo, open_repo, repository_state

if TYPE_CHECKING:  # a check without a session never loads sessions, verdicts, signing
    from whys.core.session import SessionStore

Progress = Callable[[str], None]


@dataclass(frozen=True)
class CheckedAnalysis:
    analysis: Analysis
    run: CheckRun
    # `repository_state` as the check began (None: checked without a session, not kept).
    repository: str | None = None


def read_files(analysis_paths: Sequence[Path]) -> list[Analysis]:
    """Every analysis, read; the reader never raises for content, only for files it cannot
    open, so one bad path stops before any work is done."""
    return [read_analysis(Path(path).resolve()) for path in analysis_paths]


def check_at_own_commit(
    analysis: Analysis, repo: GitRepo, *, cancel: threading.Event | None = None
) -> CheckRun:
    """No revision given: an analysis the repository tracks is checked at the last commit
    that changed it (it describes the code of its own day), and what changed since is
    reported as drift (claims whose status differs at HEAD); any other analysis at HEAD."""
    head = repo.resolve_revision("HEAD")
    own = own_document(repo, analysis.path, head, cancel)
    if own is None:
        return check_analysis(analysis, repo, head, cancel=cancel)
    known = KnownSearches()  # HEAD's tree searches start from those of the own commit
    run = check_analysis(analysis, repo, own.last.sha, cancel=cancel, known=known)
    run.revision_source = "analysis"
    if own.last.sha == head or (cancel is not None and cancel.is_set()):
        return run
    now = check_analysis(analysis, repo, head, cancel=cancel, parent_rule=False, known=known)
    then = {check.claim_id: check for check in run.checks}
    run.head = head
    run.drift = [
        Drift(
            claim_id=check.claim_id,
            status=then[check.claim_id].status,
            status_at_head=check.status,
            detail_at_head=check.detail,
        )
        for check in now.checks
        if check.claim_id in then and check.status != then[check.claim_id].status
    ]
    return run


def check_analyses(
    analyses: Sequence[Analysis],
    repo: GitRepo,
    rev: str | None = "HEAD",
    *,
    store: SessionStore | None = None,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
    repository: str | None = None,
) -> list[CheckedAnalysis]:
    """Check every analysis at `rev` (None: each at its own commit, `check_at_own_commit`).

    With a session, an analysis it already holds keeps the auditor's corrections to its
    incident window: checking the file's own window again would bring back findings the
    auditor has already set right. The results then carry the repository's state (given as
    `repository`, or read before the first check) for `record_in_session` to stamp."""
    if store is not None and repository is None and analyses:
        repository = repository_state(repo)
    checked: list[CheckedAnalysis] = []
    try:
        for number, analysis in enumerate(analyses, start=1):
            if cancel is not None and cancel.is_set():
                break
            if store is not None:
                analysis = store.with_auditor_corrections(analysis)
            if progress:
                place = f" [{number}/{len(analyses)}]" if len(analyses) > 1 else ""
                claims = len(analysis.claims)
                progress(f"checking {Path(analysis.path).name}{place} ({claims} claims)")
            if rev is None:
                run = check_at_own_commit(analysis, repo, cancel=cancel)
            else:
                run = check_analysis(analysis, repo, rev, cancel=cancel)
            checked.append(CheckedAnalysis(analysis, run, repository))
    finally:
        repo.drop_early_answers()  # answers of this moment: a later check asks again
    return checked


def check_files(
    analysis_paths: Sequence[Path],
    repo: GitRepo,
    rev: str | None = "HEAD",
    *,
    store: SessionStore | None = None,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
) -> list[CheckedAnalysis]:
    """Read and check every analysis at `rev` (see `read_files` and `check_analyses`)."""
    return check_analyses(
        read_files(analysis_paths), repo, rev, store=store, cancel=cancel, progress=progress
    )


# Where the session keeps, per analysis path, what its stored checks were made from
# (checks version, revision, analysis digest, incident window, repository state):
# `open_audit` and the workbench reuse them
# only when all four still hold. In `Session.ui`, the session's free-form part, because the
# session model has no field for it; the workbench merges into `ui`, keeping this key.
CHECKS_STAMP_KEY = "checks_made_from"


def _checks_stamp(
    analysis: Analysis, revision_sha: str, checks_version: str, repository: str
) -> dict[str, str]:
    return {
        "checks_version": checks_version,
        "revision": revision_sha,
        "analysis_sha256": analysis.sha256,
        "incident": to_json_text(analysis.incident),
        "repository": repository,
    }


def record_in_session(store: SessionStore, checked: Sequence[CheckedAnalysis]) -> list[int]:
    indexes = [
        store.upsert_analysis(item.analysis, item.run.revision, item.run.checks, item.run.findings)
        for item in checked
    ]
    if checked:
        stamps = dict(store.session.ui.get(CHECKS_STAMP_KEY) or {})
        for item in checked:
            if item.repository is None:
                stamps.pop(item.analysis.path, None)  # a state not known cannot be matched
                continue
            stamps[item.analysis.path] = _checks_stamp(
                item.analysis, item.run.revision, item.run.checks_version, item.repository
            )
        store.set_ui_state({**store.session.ui, CHECKS_STAMP_KEY: stamps})
    return indexes


def checks_reusable(store: SessionStore, analysis: Analysis, repository: str) -> bool:
    """True when the session holds checks of this analysis made at the session's revision,
    on this same text, with this incident window, by this version of the checks and with
    the repository in this state (`repository_state`: its refs and objects)."""
    index = store.index_of(analysis.path)
    revision_sha = store.session.revision_sha
    if index is None or revision_sha is None or needs_checks(store.audit(index), revision_sha):
        return False
    stamp = (store.session.ui.get(CHECKS_STAMP_KEY) or {}).get(analysis.path)
    corrected = store.with_auditor_corrections(analysis)
    return stamp == _checks_stamp(corrected, revision_sha, CHECKS_VERSION, repository)


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
    from whys.core.session import SessionStore, default_session_path

    repo = open_repo(Path(repo_path))
    revision_sha = repo.resolve_revision(rev)
    paths = [str(Path(path).resolve()) for path in analysis_paths]
    contents = [read_analysis_bytes(Path(path)) for path in paths]
    target = session_path or default_session_path(repo.root, [Path(p) for p in analysis_paths])
    store = SessionStore.open(target, repo=str(repo.root), revision=rev, revision_sha=revision_sha)
    changed = False
    for path, raw in zip(paths, contents, strict=True):
        index = store.index_of(path)
        if index is not None and store.audit(index).analysis.sha256 == analysis_sha256(raw):
            continue  # unchanged: the analysis on record stands (no need to read it again)
        analysis = analysis_from_bytes(raw, path)
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
    """The session for these analyses, resumed from its file if it exists, and checked: an
    analysis whose checks on record still hold (`checks_reusable`) keeps them unchecked."""
    store, repo = open_session(analysis_paths, repo_path, rev, session_path)
    state = repository_state(repo)
    stale = [a for a in read_files(analysis_paths) if not checks_reusable(store, a, state)]
    checked = check_analyses(stale, repo, rev, store=store, progress=progress, repository=state)
    record_in_session(store, checked)
    return store, repo
