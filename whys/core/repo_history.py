"""`GitRepo`'s line-level history: blame, `git log -L`, a commit's detail, SZZ origins."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from whys.core.repo_log import LogMixin
from whys.core.repo_parse import (
    _LOG_FORMAT,
    _normalise_repo_path,
    _parse_line_porcelain,
    _parse_numstat,
)
from whys.core.repo_process import _FULL_SHA_RE, _HUNK_RE, NO_DRIVERS, _records
from whys.errors import BadInputError, BadRevisionError

TYPE_CHECKING = False  # as typing's, without importing typing

if TYPE_CHECKING:
    from whys.core.models import CommitInfo
    from whys.core.repo_models import BlameLine, CommitDetail

DIFF_LIMIT_BYTES = 1 << 20


class HistoryMixin(LogMixin):
    """Blame, line history, changed paths, commit detail and SZZ origins."""

    def blame(
        self,
        rev: str,
        path: str,
        start: int,
        end: int,
        *,
        ignore_revs_file: Path | str | None = None,
    ) -> list[BlameLine]:
        """Who last touched lines start..end of `path` at `rev`, seeing through moves and
        copies (-M -C), skipping the commits listed in `ignore_revs_file`."""
        sha = self._commit_id(rev)
        normal = self._require_path(path)
        if start < 1 or end < start:
            raise BadInputError(f"bad line range {start}-{end}")
        extra = []
        if ignore_revs_file is not None:
            extra.append(f"--ignore-revs-file={Path(ignore_revs_file).resolve()}")
        return self._blame_ranges(sha, normal, [(start, end)], extra)

    def _blame_ranges(
        self, sha: str, path: str, ranges: Sequence[tuple[int, int]], extra: Sequence[str] = ()
    ) -> list[BlameLine]:
        args = ["blame", "--line-porcelain", "-M", "-C", "--no-textconv", *extra]
        args += [f"-L{start},{end}" for start, end in ranges]
        args += [sha, "--", path]
        _, out, _ = self._run(args)
        return _parse_line_porcelain(out)

    def _require_path(self, path: str) -> str:
        normal = _normalise_repo_path(path)
        if normal is None:
            raise BadInputError(f"path {path!r} is outside the repository")
        return normal

    def line_history(
        self, rev: str, path: str, start: int, end: int, *, cancel: threading.Event | None = None
    ) -> list[CommitInfo]:
        """Commits that changed lines start..end of `path` up to `rev` (`git log -L`)."""
        sha = self._commit_id(rev)
        normal = self._require_path(path)
        if start < 1 or end < start:
            raise BadInputError(f"bad line range {start}-{end}")
        args = ["log", "-z", f"--format={_LOG_FORMAT}", "-s", *NO_DRIVERS]
        args += [f"-L{start},{end}:{normal}", "--end-of-options", sha]
        return list(self._log_stream(args, cancel))

    def changed_paths(self, parent: str, sha: str, *, limit: int | None = None) -> list[str]:
        """Paths that differ between two commits' trees (no rename detection, so no blob
        is read: it works where blobs are missing). With `limit`, git stops once more than
        `limit` paths are found (those are returned: enough to tell the difference is
        larger), so two distant commits cost no full listing."""
        for name in (parent, sha):
            if not _FULL_SHA_RE.match(name):
                raise BadRevisionError(f"not a full commit id: {name!r}")
        args = ["diff-tree", "-r", "-z", "--name-only", "--no-renames", parent, sha]
        if limit is None:
            _, out, _ = self._run(args)
            return [p.decode("utf-8", "surrogateescape") for p in out.split(b"\0") if p]
        paths: list[str] = []
        stream = self._stream(args)
        try:
            for record in _records(stream.chunks()):
                paths.append(record.decode("utf-8", "surrogateescape"))
                if len(paths) > limit:
                    break
        finally:
            stream.kill_if_output_pending()
            code, stderr = stream.finish()
        if not stream.killed and code != 0:
            raise self._error(args, stderr)
        return paths

    def show_commit(self, sha: str, *, diff_limit: int = DIFF_LIMIT_BYTES) -> CommitDetail:
        """Message, dates, per-file stats and the diff against the first parent (cut at
        `diff_limit` bytes, `truncated` set)."""
        from whys.core.repo_models import CommitDetail

        info = self.commit_info(sha)
        diff_args = ["--diff-merges=first-parent", "-M", *NO_DRIVERS, "--format="]
        _, numstat, _ = self._run(["show", "--numstat", "-z", *diff_args, info.sha])
        stats = _parse_numstat(numstat)
        args = ["show", "--patch", *diff_args, info.sha]
        stream = self._stream(args)
        kept: list[bytes] = []
        size = 0
        truncated = False
        try:
            for chunk in stream.chunks():
                if size + len(chunk) > diff_limit:
                    kept.append(chunk[: diff_limit - size])
                    truncated = True
                    stream.kill()
                    break
                kept.append(chunk)
                size += len(chunk)
        finally:
            self._check_stream(stream, args)
        diff = b"".join(kept).decode("utf-8", "replace")
        return CommitDetail(info=info, stats=stats, diff=diff, truncated=truncated)

    def szz_origins(self, fix_sha: str, *, ignore_revs_file: Path | str | None = None) -> set[str]:
        """Commits that last touched, before the fix, the lines the fix changed or removed
        (blame of the fix's first parent at those lines, -M -C). A fix that only adds lines
        is traced through the line above each insertion."""
        fix = self.commit_info(fix_sha)
        if not fix.parents:
            return set()
        parent = fix.parents[0]
        args = ["diff", "-U0", "-M", *NO_DRIVERS, "--end-of-options", parent, fix.sha]
        _, out, _ = self._run(args)
        removed: dict[str, list[tuple[int, int]]] = {}
        inserted: dict[str, list[tuple[int, int]]] = {}
        old_path: str | None = None
        for line in out.split(b"\n"):
            if line.startswith(b"--- "):
                name = line[4:].decode("utf-8", "surrogateescape")
                old_path = name[2:] if name.startswith("a/") else None
                continue
            match = _HUNK_RE.match(line)
            if match is None or old_path is None:
                continue
            old_start = int(match.group(1))
            old_count = int(match.group(2)) if match.group(2) is not None else 1
            if old_count > 0:
                removed.setdefault(old_path, []).append((old_start, old_start + old_count - 1))
            elif old_start > 0:
                inserted.setdefault(old_path, []).append((old_start, old_start))
        targets = removed or inserted
        extra = []
        if ignore_revs_file is not None:
            extra.append(f"--ignore-revs-file={Path(ignore_revs_file).resolve()}")
        origins: set[str] = set()
        for path, ranges in targets.items():
            for blamed in self._blame_ranges(parent, path, ranges, extra):
                origins.add(blamed.sha)
        return origins
