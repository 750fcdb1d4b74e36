"""Drift: re-run every evidence item of a verdict file and say what no longer holds.

Each item is re-run at the revision it was pinned to (the same answer is expected: a change
there means rewritten history or a different repository) and, when asked, at a newer
revision, where a change is the news the verifier wants: a fix that was reverted, a line
that moved, a count that changed. The comparison is by digest, as recorded at export;
the explanation is a short line diff of the results (credentials redacted).

The analysis files themselves are re-hashed when they can be found (their recorded path,
or by name in a folder the verifier names): a different sha256 means the analysis was
edited after the verdict, which then no longer speaks for it.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from whys.core.evidence import content_digest, normalise_content, run_query
from whys.core.redact import redact_text
from whys.core.repo import GitRepo
from whys.core.verdict import EvidenceRecord, VerdictFile
from whys.errors import BadInputError, BadRevisionError, WhysError

# Evidence re-runs started at once (each waits on git, not on Python), and how many are
# handed out between two looks at the cancel flag.
PARALLEL_RERUNS = 4
RERUN_BATCH = 16

DriftStatus = Literal["same", "moved", "drifted", "error", "skipped"]
AnalysisFileStatus = Literal["same", "changed", "not-rehashed"]
_GREP_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<text>.*)$")
_SHOWN_CHANGES = 4
# An analysis file larger than this is not hashed (a verdict file is untrusted input: it
# must not make verify read for minutes).
MAX_ANALYSIS_BYTES = 64 << 20


@dataclass
class DriftItem:
    """One evidence item re-run at one revision."""

    analysis: str
    evidence_id: str
    kind: str
    pinned_to: str  # "why 2", "claim c4" or ""
    at: Literal["pinned", "newer"]
    revision: str  # full SHA it was re-run at ("" when it could not run)
    status: DriftStatus
    detail: str
    recorded_digest: str
    fresh_digest: str = ""
    changes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.status in ("drifted", "error")


def _without_line_numbers(content: str) -> list[tuple[str, str]] | None:
    """Sorted (path, text) of a grep result's `path:N:text` lines; None when a line is
    something else (a count, a cap note), which a move cannot explain."""
    found = []
    for line in content.split("\n"):
        if not line.strip():
            continue
        match = _GREP_LINE.match(line)
        if match is None:
            return None
        found.append((match["path"], match["text"]))
    return sorted(found)


def only_moved(before: str, after: str) -> bool:
    """Whether two grep results hold the same lines of the same files, at other numbers."""
    if before == after:
        return False
    old, new = _without_line_numbers(before), _without_line_numbers(after)
    return old is not None and old == new


@dataclass
class AnalysisFileCheck:
    """One analysis file of a verdict file, re-hashed (or why it could not be)."""

    analysis: str  # the path recorded in the verdict file
    status: AnalysisFileStatus
    detail: str
    recorded_sha256: str
    hashed_path: str = ""  # the file that was hashed ("" when none was)
    fresh_sha256: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "changed"


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _rehash_one(
    recorded_path: str, recorded_sha256: str, places: list[Path], reasons: list[str]
) -> AnalysisFileCheck:
    check = AnalysisFileCheck(recorded_path, "not-rehashed", "", recorded_sha256)
    for place in places:
        try:
            status = place.stat()
        except OSError:
            reasons.append(f"no file at {place}")
            continue
        if not stat.S_ISREG(status.st_mode):
            # A FIFO or device named by a verdict file must not be opened (it could block).
            reasons.append(f"{place} is not a regular file")
            continue
        if status.st_size > MAX_ANALYSIS_BYTES:
            reasons.append(f"{place} is larger than {MAX_ANALYSIS_BYTES >> 20} MiB")
            continue
        try:
            fresh = _file_sha256(place)
        except OSError as error:
            reasons.append(f"cannot read {place}: {error.strerror or error}")
            continue
        check.hashed_path, check.fresh_sha256 = str(place), fresh
        if fresh == recorded_sha256:
            check.status, check.detail = "same", f"sha256 matches ({place})"
        else:
            check.status = "changed"
            check.detail = (
                f"analysis changed since the verdict: {place} has sha256 {fresh[:16]}, "
                f"the verdict recorded {recorded_sha256[:16]}"
            )
        return check
    shown = "; ".join(dict.fromkeys(reasons))
    check.detail = "not re-hashed: " + (shown or "no file name recorded")
    return check


def _confined(candidate: Path, folder: Path) -> bool:
    """Whether `candidate`, links resolved, stays inside `folder`."""
    try:
        resolved = candidate.resolve()
    except (OSError, RuntimeError):
        return False
    return resolved == folder or folder in resolved.parents


def check_analysis_files(
    verdict_file: VerdictFile, analysis_dir: Path | None = None, *, default_dir: Path | None = None
) -> list[AnalysisFileCheck]:
    """Re-hash every analysis file the verdict file names, inside the analysis folder only
    (`analysis_dir`, else `default_dir`: the repository). A verdict file is untrusted: a
    recorded path that is absolute outside that folder, climbs out with `..` or leads out
    through a link is never opened. Looked for by name in the folder, then at its recorded
    path relative to it (or absolute, when that is inside it). A file found nowhere is
    reported as not re-hashed, which is not a failure."""
    if analysis_dir is not None and not Path(analysis_dir).is_dir():
        raise BadInputError(f"no analysis folder at {analysis_dir}")
    folder_given = analysis_dir if analysis_dir is not None else default_dir
    folder = Path(folder_given).resolve() if folder_given is not None else Path.cwd().resolve()
    results = []
    for analysis in verdict_file.analyses:
        recorded = Path(analysis.path)
        places: list[Path] = []
        reasons: list[str] = []
        if analysis_dir is not None and recorded.name not in ("", ".", ".."):
            places.append(folder / recorded.name)
        if recorded.is_absolute():
            places.append(recorded)
        elif ".." in recorded.parts:
            reasons.append(f"{recorded} is outside the analysis folder {folder}")
        elif recorded.name:
            places.append(folder / recorded)
        allowed = []
        for place in dict.fromkeys(places):
            if _confined(place, folder):
                allowed.append(place)
            else:
                reasons.append(f"{place} is outside the analysis folder {folder}")
        results.append(_rehash_one(analysis.path, analysis.sha256, allowed, reasons))
    return results


def _pinned_to(record: EvidenceRecord) -> str:
    if record.why:
        return f"why {record.why}"
    if record.claim:
        return f"claim {record.claim}"
    return ""


def describe_changes(before: str, after: str, limit: int = _SHOWN_CHANGES) -> list[str]:
    """A few lines saying what changed between two results: moved lines first (same
    `path:N:text` at another N), then removed (-) and added (+) lines."""
    old_lines = [line for line in before.splitlines() if line.strip()]
    new_lines = [line for line in after.splitlines() if line.strip()]
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    removed: list[str] = []
    added: list[str] = []
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            removed += old_lines[old_start:old_end]
        if tag in ("replace", "insert"):
            added += new_lines[new_start:new_end]
    moved: list[str] = []
    for old in list(removed):
        old_match = _GREP_LINE.match(old)
        if not old_match:
            continue
        for new in added:
            new_match = _GREP_LINE.match(new)
            if (
                new_match
                and new_match["path"] == old_match["path"]
                and new_match["text"] == old_match["text"]
            ):
                moved.append(
                    f"moved: {old_match['path']}:{old_match['line']} -> line "
                    f"{new_match['line']}: {new_match['text'].strip()}"
                )
                removed.remove(old)
                added.remove(new)
                break
    described = moved + [f"- {line}" for line in removed] + [f"+ {line}" for line in added]
    if len(described) > limit:
        described = described[:limit] + [f"(and {len(described) - limit} more changed lines)"]
    return [redact_text(line)[0] for line in described]


def _reverted_by(repo: GitRepo, record: EvidenceRecord, revision: str) -> str | None:
    """For commit evidence: the commit at or before `revision` that reverts it, if any."""
    cited = record.query.get("sha") or record.query.get("fix")
    if record.kind != "commit" or not isinstance(cited, str) or not cited:
        return None
    try:
        matches = repo.resolve_prefix(cited)
        if len(matches) != 1:
            return None
        for revert in repo.iter_log(
            revision, message=f"This reverts commit {matches[0]}", max_count=1
        ):
            return f"{revert.sha[:12]} {revert.subject!r}"
    except WhysError:
        return None
    return None


def _comparable(record: EvidenceRecord, content: str, sha: str) -> str:
    """The fresh result as it would read at the pinned revision where it names the revision
    it ran at: a commit query's `in <sha>: yes` line must not drift only because the
    revision is newer (every other line, and every other query, compares as it is)."""
    if sha == record.revision or record.query.get("op") != "commit":
        return content
    ran_at = f"in {sha}:"
    return "\n".join(
        f"in {record.revision}:{line[len(ran_at) :]}" if line.startswith(ran_at) else line
        for line in content.split("\n")
    )


def _rerun(
    repo: GitRepo,
    analysis: str,
    record: EvidenceRecord,
    at: Literal["pinned", "newer"],
    revision: str,
) -> DriftItem:
    item = DriftItem(
        analysis=analysis,
        evidence_id=record.id,
        kind=record.kind,
        pinned_to=_pinned_to(record),
        at=at,
        revision="",
        status="same",
        detail="",
        recorded_digest=record.digest.sha256,
    )
    if "[REDACTED:" in str(record.query):
        item.status = "skipped"
        item.detail = "its query held a credential and was redacted in the export; not re-run"
        return item
    try:
        sha, summary, content = run_query(repo, record.query, revision)
    except WhysError as error:
        item.status = "error"
        item.detail = f"could not re-run: {error.message}"
        return item
    item.revision = sha
    item.fresh_digest = content_digest(_comparable(record, content, sha))
    reverted = _reverted_by(repo, record, sha) if at == "newer" else None
    if item.fresh_digest == record.digest.sha256 and reverted is None:
        item.detail = redact_text(summary)[0]
        return item
    fresh_shown = redact_text(normalise_content(content))[0]
    if (
        at == "newer"
        and reverted is None
        and record.query.get("op") == "grep"
        and not record.truncated
        and only_moved(normalise_content(record.content), fresh_shown)
    ):
        # The same lines, at other line numbers: reported, not a failure.
        item.status = "moved"
        item.detail = f"the same lines moved: now {redact_text(summary)[0]}"
        item.changes = describe_changes(record.content, fresh_shown)
        return item
    item.status = "drifted"
    if reverted is not None:
        cited = record.query.get("sha") or record.query.get("fix")
        item.detail = f"commit {cited} was reverted by {reverted}"
    elif at == "pinned":
        item.detail = (
            "the result differs at the revision it was pinned to (rewritten history, another "
            f"repository, or an edited verdict file): now {redact_text(summary)[0]}"
        )
    else:
        item.detail = f"was: {record.summary}; now: {redact_text(summary)[0]}"
    fresh_shown = redact_text(content)[0]
    if record.truncated:
        fresh_shown = fresh_shown[: len(record.content)]
    item.changes = describe_changes(record.content, fresh_shown)
    return item


def check_drift(
    verdict_file: VerdictFile,
    repo: GitRepo,
    newer_revision: str | None = None,
    *,
    cancel: threading.Event | None = None,
) -> list[DriftItem]:
    """Re-run every evidence item at its pinned revision and, given one, at a newer revision.

    BadInputError when the repository does not hold the revision the verdict was checked at
    (the wrong repository, most likely); per-item failures are items with status "error".
    """
    recorded = verdict_file.resource.revision_sha
    if recorded:
        try:
            repo.resolve_revision(recorded)
        except BadRevisionError as error:
            raise BadInputError(
                f"{repo.root} does not contain {recorded[:12]}, the revision this verdict was "
                "checked at (is it the right repository?)"
            ) from error
    newer_sha = repo.resolve_revision(newer_revision) if newer_revision else None
    runs: list[tuple[str, EvidenceRecord, Literal["pinned", "newer"], str]] = []
    for analysis in verdict_file.analyses:
        for record in analysis.evidence:
            runs.append((analysis.path, record, "pinned", record.revision))
            if newer_sha is not None and newer_sha != record.revision:
                runs.append((analysis.path, record, "newer", newer_sha))

    def rerun(job: tuple[str, EvidenceRecord, Literal["pinned", "newer"], str]) -> DriftItem:
        return _rerun(repo, *job)

    # Each re-run is a few short git processes: several at once, results in their order.
    results: list[DriftItem] = []
    with ThreadPoolExecutor(max_workers=PARALLEL_RERUNS) as pool:
        for start in range(0, len(runs), RERUN_BATCH):
            if cancel is not None and cancel.is_set():
                break
            results += pool.map(rerun, runs[start : start + RERUN_BATCH])
    return results
