"""The audit session: load, save atomically, and a store whose every change autosaves.

A save writes a temporary file beside the session, fsyncs it, renames it over the old file
and fsyncs the folder, so a crash or a kill at any moment leaves either the previous session
or the new one on disk, never a torn mix. A save that fails (read-only folder, full disk)
raises SessionError and leaves the old file as it was; the store keeps the change in memory
(`unsaved` is True) and the next successful save writes it. When another process saved the
same file since this store read it, the store keeps that version aside
(`NAME.superseded-STAMP.json`, listed in `superseded`) and merges into its own what the
other writer added: verdicts (append-only histories) and evidence. A kill between the temp
file and the rename leaves `.NAME.PID.XXXXXXXX.tmp`; opening or saving the session removes
such leftovers once their writer is gone or they are old.

Between processes, every read-merge-write holds an OS lock (fcntl.flock on the session's folder), so
concurrent `whys verdict` runs queue up and each merges what the previous one saved: no
verdict is lost. A session path that is a symbolic link is written through to its target.
File writing itself lives in whys.core.atomic, shared with every other writer.
"""

from __future__ import annotations

import copy
import getpass
import hashlib
import json
import os
import re
import stat
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from whys import paths
from whys.core.atomic import atomic_write_bytes, describe_os_error, exclusive_lock, write_target
from whys.core.model_io import InvalidDataError, from_data, to_json_text
from whys.core.models import (
    SCHEMA_VERSION,
    Analysis,
    AnalysisAudit,
    ClaimCheck,
    Evidence,
    Finding,
    Session,
    Verdict,
    VerdictTarget,
)
from whys.core.signing import user_git_config
from whys.core.verdict import latest_verdict, latest_verdicts, make_verdict
from whys.errors import BadInputError, SessionError, WhysError

__all__ = [
    "SessionStore",
    "atomic_write_bytes",
    "default_auditor",
    "default_session_path",
    "latest_verdict",
    "latest_verdicts",
    "load_session",
    "new_session",
    "remove_stale_temp_files",
    "save_session",
]

INCIDENT_FIELDS = ("start", "end", "detected", "deployed_revision")
# A temp file older than this is no save in flight (a save takes milliseconds), even when
# a live process has the pid its name records (pids are reused).
STALE_TEMP_SECONDS = 10.0
_UNSET: Any = object()


def _now() -> datetime:
    return datetime.now(UTC)


# ---------------------------------------------------------------------------------------------
# Leftovers of killed saves


def _temp_name_pattern(path: Path) -> re.Pattern[str]:
    # mkstemp's random part: 8 characters of [a-z0-9_]; older whys wrote no pid.
    return re.compile(rf"\.{re.escape(path.name)}\.(?:(?P<pid>\d+)\.)?[a-z0-9_]{{8}}\.tmp")


def _process_is_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return True  # OverflowError: a number no process can have
    except OSError:
        return False  # exists but is not ours to signal (EPERM)
    return False


def remove_stale_temp_files(path: Path, *, now: float | None = None) -> list[Path]:
    """Remove what a killed save of `path` left behind: its own temp files only
    (`.NAME.PID.XXXXXXXX.tmp`, regular files owned by this user) whose writer process is
    gone or which are older than STALE_TEMP_SECONDS. Best effort: never raises."""
    path = Path(path)
    pattern = _temp_name_pattern(path)
    moment = time.time() if now is None else now
    removed: list[Path] = []
    try:
        candidates = [entry for entry in os.scandir(path.parent) if pattern.fullmatch(entry.name)]
    except OSError:
        return removed
    for entry in candidates:
        try:
            status = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(status.st_mode) or status.st_uid != os.geteuid():
            continue
        match = pattern.fullmatch(entry.name)
        pid = match["pid"] if match else None
        old = moment - status.st_mtime > STALE_TEMP_SECONDS
        writer_gone = pid is not None and int(pid) != os.getpid() and _process_is_gone(int(pid))
        if not (old or writer_gone):
            continue
        try:
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


# ---------------------------------------------------------------------------------------------
# Load and save


def load_session(path: Path) -> Session:
    """The session saved at `path`; SessionError (one line) when it is missing or damaged."""
    path = Path(path)
    if path.exists() and not path.is_file() and not path.is_dir():
        raise SessionError(f"{path} is not a regular file")
    try:
        raw = path.read_bytes()
    except FileNotFoundError as error:
        raise SessionError(f"no session file at {path}") from error
    except IsADirectoryError as error:
        raise SessionError(f"{path} is a folder, not a session file") from error
    except OSError as error:
        raise SessionError(describe_os_error(error, "read session", path)) from error
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        # RecursionError: JSON nested thousands deep, which no session is.
        raise SessionError(f"{path} is not a whys session (not valid JSON)") from error
    if not isinstance(document, dict):
        raise SessionError(f"{path} is not a whys session (not a JSON object)")
    version = document.get("schema_version")
    if isinstance(version, int) and version > SCHEMA_VERSION:
        raise SessionError(
            f"{path} was written by a newer whys (session format {version}, "
            f"this one reads {SCHEMA_VERSION})"
        )
    try:
        return from_data(Session, document)
    except InvalidDataError as error:
        raise SessionError(f"{path} is a damaged session ({error})") from error


def session_bytes(session: Session) -> bytes:
    return (to_json_text(session, indent=2) + "\n").encode("utf-8")


def save_session(session: Session, path: Path) -> None:
    """Write the session atomically; SessionError leaves the previous file intact.

    A session path that is a symbolic link is written through to its target: the link
    stays a link (a session kept in a synced folder stays there)."""
    atomic_write_bytes(Path(path), session_bytes(session), what="save session to")


def new_session(
    repo: Path | str, revision: str = "HEAD", revision_sha: str | None = None
) -> Session:
    now = _now()
    return Session(
        repo=str(Path(repo).resolve()),
        revision=revision,
        revision_sha=revision_sha,
        created_at=now,
        updated_at=now,
    )


def default_session_path(repo_root: Path, analysis_paths: Sequence[Path]) -> Path:
    """Where `whys open` keeps a session when none is given: one per repo + set of analyses.

    The name reads (repo and analysis names); a short hash of the resolved paths keeps two
    repos or two sets of analyses with the same names apart, and the same set resumes.
    """
    resolved_repo = Path(repo_root).resolve()
    resolved_analyses = sorted(str(Path(item).resolve()) for item in analysis_paths)
    identity = "\0".join([str(resolved_repo), *resolved_analyses])
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:10]
    stems = "+".join(paths.slug(Path(item).stem) for item in resolved_analyses) or "none"
    name = f"{paths.slug(resolved_repo.name)}--{stems}"[:100]
    return paths.sessions_dir() / f"{name}--{digest}.json"


def default_auditor() -> str:
    """git's user.email, else the login name, else "unknown"."""
    try:
        email = user_git_config("user.email")
    except WhysError:
        email = None
    if email:
        return email
    try:
        # getpass looks past an unset $USER (tmux, cron) to the password database.
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


# ---------------------------------------------------------------------------------------------
# Another writer's save (see SessionStore.save)


def _file_identity(path: Path) -> tuple[int, int, int] | None:
    """What changes when another process saves the file (inode, size, mtime); None if absent."""
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_ino, status.st_size, status.st_mtime_ns)


def _evidence_ids(session: Session) -> dict[str, set[str]]:
    """Evidence ids per analysis path, as the store last read or wrote them."""
    return {audit.analysis.path: {item.id for item in audit.evidence} for audit in session.analyses}


def _merge_other_writers_work(
    ours: Session, theirs: Session, synced_evidence: Mapping[str, set[str]]
) -> None:
    """Union their verdicts and evidence into ours; every other field stays ours.

    Verdicts are append-only histories, so a union by (target, target_id, at, auditor),
    oldest first, loses nothing and invents nothing. Evidence ids are content-derived:
    theirs are added unless we detached that id since we last read or wrote the file
    (`synced_evidence`: the ids then). An analysis only they have (added by
    `whys check --session`) is added whole."""
    ours_by_path = {audit.analysis.path: audit for audit in ours.analyses}
    for their_audit in theirs.analyses:
        path = their_audit.analysis.path
        our_audit = ours_by_path.get(path)
        if our_audit is None:
            ours.analyses.append(their_audit)
            ours_by_path[path] = their_audit
            continue
        known = {_verdict_key(verdict) for verdict in our_audit.verdicts}
        added = [v for v in their_audit.verdicts if _verdict_key(v) not in known]
        if added:
            merged = [*our_audit.verdicts, *added]
            our_audit.verdicts = sorted(merged, key=lambda verdict: verdict.at)
        our_ids = {item.id for item in our_audit.evidence}
        detached_here = synced_evidence.get(path, set()) - our_ids
        our_audit.evidence = [
            *our_audit.evidence,
            *(
                item
                for item in their_audit.evidence
                if item.id not in our_ids and item.id not in detached_here
            ),
        ]


def _verdict_key(verdict: Verdict) -> tuple[str, str | None, datetime, str]:
    return (verdict.target, verdict.target_id, verdict.at, verdict.auditor)


# ---------------------------------------------------------------------------------------------
# The store


class SessionStore:
    """A session and the file it lives in. Every mutator validates, changes, then autosaves.

    `SessionStore(path)` loads the file; `SessionStore(path, session)` adopts a session and
    saves it at once, so the file exists from the start. Mutators are thread-safe (TUI workers).
    """

    def __init__(self, path: Path, session: Session | None = None) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self.unsaved = False
        # Copies of the file kept aside because another writer had changed it (see save).
        self.superseded: list[Path] = []
        self._disk_identity: tuple[int, int, int] | None = None
        # Evidence ids per analysis as last read or written: an id the other writer still
        # has but we no longer do was detached here, and must not come back in a merge.
        self._synced_evidence: dict[str, set[str]] = {}
        if session is None:
            remove_stale_temp_files(self.path)
            # Under the lock, so the identity recorded is the one of the version read.
            with exclusive_lock(write_target(self.path), what="lock session"):
                self.session = load_session(self.path)
                self._disk_identity = _file_identity(self.path)
            self._synced_evidence = _evidence_ids(self.session)
        else:
            self.session = session
            self.save()

    @classmethod
    def open_or_create(
        cls,
        path: Path,
        repo: Path | str,
        revision: str = "HEAD",
        revision_sha: str | None = None,
    ) -> SessionStore:
        """Resume the session at `path` if there is one, else start a new one there.

        A resumed session takes the revision given now; a session of another repository is
        refused rather than mixed with this one."""
        if not Path(path).exists():
            return cls(path, new_session(repo, revision, revision_sha))
        store = cls(path)
        wanted_repo = str(Path(repo).resolve())
        if str(Path(store.session.repo).resolve()) != wanted_repo:
            raise SessionError(
                f"session {path} audits {store.session.repo}, not {wanted_repo}; "
                "choose another session file"
            )
        if store.session.revision != revision or (
            revision_sha is not None and store.session.revision_sha != revision_sha
        ):
            store.session.revision = revision
            if revision_sha is not None:
                store.session.revision_sha = revision_sha
            store.save()
        return store

    open = open_or_create

    # -- saving -------------------------------------------------------------------------------

    def _keep_other_writers_version(self) -> None:
        """Another whys (a `whys verdict` while the workbench is open) saved this file since
        we read it: keep its version beside ours, and merge what it added into ours."""
        current = _file_identity(self.path)
        if self._disk_identity is None or current is None or current == self._disk_identity:
            return
        try:
            theirs: Session | None = load_session(self.path)
        except SessionError:
            theirs = None  # damaged or gone: nothing to merge, the copy aside still keeps it
        stamp = _now().strftime("%Y%m%dT%H%M%S%fZ")
        aside = self.path.with_name(f"{self.path.stem}.superseded-{stamp}{self.path.suffix}")
        try:
            kept = self.path.read_bytes()
        except OSError as error:
            raise SessionError(
                describe_os_error(error, "keep the other writer's version of", self.path)
            ) from error
        atomic_write_bytes(aside, kept, what="keep the other writer's version as")
        self.superseded.append(aside)
        if theirs is not None:
            _merge_other_writers_work(self.session, theirs, self._synced_evidence)

    def save(self) -> None:
        with self._lock:
            self.session.updated_at = _now()
            self.unsaved = True
            # The OS lock makes read-merge-write one step between processes: without it,
            # two `whys verdict` runs can both read, both merge, and the last rename wins.
            with exclusive_lock(write_target(self.path), what="lock session"):
                remove_stale_temp_files(self.path)
                self._keep_other_writers_version()
                save_session(self.session, self.path)
                self._disk_identity = _file_identity(self.path)
            self._synced_evidence = _evidence_ids(self.session)
            self.unsaved = False

    # -- reading ------------------------------------------------------------------------------

    def audit(self, analysis_index: int) -> AnalysisAudit:
        analyses = self.session.analyses
        if not analyses:
            raise BadInputError(f"session {self.path} holds no analysis")
        if not 0 <= analysis_index < len(analyses):
            listed = ", ".join(
                f"{index}: {audit.analysis.path}" for index, audit in enumerate(analyses)
            )
            raise BadInputError(f"no analysis {analysis_index} in the session ({listed})")
        return analyses[analysis_index]

    def index_of(self, analysis_path: str) -> int | None:
        for index, audit in enumerate(self.session.analyses):
            if audit.analysis.path == analysis_path:
                return index
        return None

    def with_auditor_corrections(self, analysis: Analysis) -> Analysis:
        """`analysis` as re-read from its file, with what the auditor corrected in the
        session's copy (the incident window) carried over."""
        index = self.index_of(analysis.path)
        if index is None:
            return analysis
        return _keep_auditor_incident(self.audit(index).analysis, analysis)

    def latest_verdict(
        self, analysis_index: int, target: VerdictTarget, target_id: str | None = None
    ) -> Verdict | None:
        return latest_verdict(self.audit(analysis_index), target, target_id)

    # -- mutators -----------------------------------------------------------------------------

    def upsert_analysis(
        self,
        analysis: Analysis,
        revision_sha: str,
        checks: list[ClaimCheck],
        findings: list[Finding],
    ) -> int:
        """Add or replace the audit of `analysis` (matched by path), keeping its verdicts,
        evidence, corrected root cause and the auditor's incident corrections."""
        with self._lock:
            index = self.index_of(analysis.path)
            if index is None:
                self.session.analyses.append(
                    AnalysisAudit(
                        analysis=analysis,
                        checked_revision=revision_sha,
                        checks=list(checks),
                        findings=list(findings),
                    )
                )
                index = len(self.session.analyses) - 1
            else:
                previous = self.session.analyses[index]
                analysis = _keep_auditor_incident(previous.analysis, analysis)
                self.session.analyses[index] = replace(
                    previous,
                    analysis=analysis,
                    checked_revision=revision_sha,
                    checks=list(checks),
                    findings=list(findings),
                )
            self.session.revision_sha = revision_sha
            self.save()
            return index

    def record_verdict(
        self,
        analysis_index: int,
        target: VerdictTarget,
        target_id: str | None,
        decision: str,
        note: str,
        auditor: str | None,
        override: bool = False,
    ) -> Verdict:
        """Record a verdict the rules allow (see whys.core.verdict); raises and records nothing
        when they forbid it. An empty auditor means `default_auditor()`."""
        with self._lock:
            audit = self.audit(analysis_index)
            verdict = make_verdict(
                audit,
                target,
                target_id,
                decision,
                note,
                auditor or default_auditor(),
                _now(),
                override=override,
            )
            audit.verdicts.append(verdict)
            self.save()
            return verdict

    def attach_evidence(self, analysis_index: int, evidence: Evidence) -> Evidence:
        """Pin evidence to the analysis (to a why or claim when it names one). An item with
        the same id replaces the earlier one."""
        with self._lock:
            audit = self.audit(analysis_index)
            if evidence.why is not None:
                why_ids = [why.id for why in audit.analysis.whys]
                if evidence.why not in why_ids:
                    raise BadInputError(
                        f"no why {evidence.why!r} to attach evidence to; valid whys: "
                        f"{', '.join(why_ids) or 'none'}"
                    )
            if evidence.claim is not None:
                claim_ids = [claim.id for claim in audit.analysis.claims]
                if evidence.claim not in claim_ids:
                    raise BadInputError(
                        f"no claim {evidence.claim!r} to attach evidence to; valid claims: "
                        f"{', '.join(claim_ids) or 'none'}"
                    )
            kept = [item for item in audit.evidence if item.id != evidence.id]
            audit.evidence = [*kept, evidence]
            self.save()
            return evidence

    def detach_evidence(self, analysis_index: int, evidence_id: str) -> None:
        with self._lock:
            audit = self.audit(analysis_index)
            kept = [item for item in audit.evidence if item.id != evidence_id]
            if len(kept) == len(audit.evidence):
                raise BadInputError(f"no evidence {evidence_id!r} in {audit.analysis.path}")
            audit.evidence = kept
            self.save()

    def set_incident(
        self,
        analysis_index: int,
        *,
        start: datetime | None = _UNSET,
        end: datetime | None = _UNSET,
        detected: datetime | None = _UNSET,
        deployed_revision: str | None = _UNSET,
    ) -> None:
        """The auditor's correction of the incident window: each field given (None clears it)
        is set and its source recorded as "auditor"; fields not given stay as they are."""
        given = {
            "start": start,
            "end": end,
            "detected": detected,
            "deployed_revision": deployed_revision,
        }
        with self._lock:
            incident = self.audit(analysis_index).analysis.incident
            for field, value in given.items():
                if value is _UNSET:
                    continue
                setattr(incident, field, value)
                incident.sources[field] = "auditor"
            self.save()

    def set_corrected_root_cause(self, analysis_index: int, text: str | None) -> None:
        with self._lock:
            cleaned = (text or "").strip() or None
            self.audit(analysis_index).corrected_root_cause = cleaned
            self.save()

    def set_ui_state(self, state: Mapping[str, Any]) -> None:
        """Where the auditor was (selection, panel), so reopening resumes there. Must be JSON."""
        with self._lock:
            try:
                json.dumps(dict(state))
            except (TypeError, ValueError) as error:
                raise BadInputError(f"UI state is not JSON-serialisable: {error}") from error
            self.session.ui = dict(state)
            self.save()


def _keep_auditor_incident(previous: Analysis, fresh: Analysis) -> Analysis:
    """A re-read analysis keeps what the auditor corrected in its incident window."""
    corrected = [
        field for field in INCIDENT_FIELDS if previous.incident.sources.get(field) == "auditor"
    ]
    if not corrected:
        return fresh
    incident = copy.deepcopy(fresh.incident)
    for field in corrected:
        setattr(incident, field, getattr(previous.incident, field))
        incident.sources[field] = "auditor"
    return replace(fresh, incident=incident)
