"""`GitRepo`'s history listings: `git log` streamed in records, and commits found by subject."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from datetime import datetime

from whys.core.lazyre import lazy_compile
from whys.core.repo_base import GitRepoBase
from whys.core.repo_parse import (
    _COMMIT_LOG_FIELDS,
    _LOG_FIELDS,
    LOG_FIELDS,
    _as_git_date,
    _commit_from_fields,
    _log_batches,
    _normalise_repo_path,
)
from whys.core.repo_process import _BAD_REVISION_RE, NO_DRIVERS, _records
from whys.errors import BadInputError, BadRevisionError

TYPE_CHECKING = False  # as typing's, without importing typing

if TYPE_CHECKING:
    from whys.core.models import CommitInfo


_WORD_RE = lazy_compile(r"\w+")
_CLOSE_CANDIDATES = 500


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(text)


class LogMixin(GitRepoBase):
    """Walking history: `iter_log`, `log_batches`, `find_commits_by_subject`."""

    def iter_log(
        self,
        rev: str = "HEAD",
        *,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        paths: Sequence[str] = (),
        message: str | None = None,
        author: str | None = None,
        pickaxe: str | None = None,
        pickaxe_regex: bool = False,
        follow: bool = False,
        max_count: int | None = None,
        cancel: threading.Event | None = None,
    ) -> Iterator[CommitInfo]:
        """Commits reachable from `rev`, newest first, from one streamed `git log`.

        `message` and `author` match as fixed strings, ignoring case. `pickaxe` runs `-S`
        (occurrence count of the text changed), or `-G` (a changed line matches the regex)
        when `pickaxe_regex`. `follow` tracks a single path across renames. Setting `cancel`
        stops the scan and ends the iteration. An empty repository yields nothing.
        """
        batches = self.log_batches(
            rev,
            fields=_COMMIT_LOG_FIELDS,
            since=since,
            until=until,
            paths=paths,
            message=message,
            author=author,
            pickaxe=pickaxe,
            pickaxe_regex=pickaxe_regex,
            follow=follow,
            max_count=max_count,
            cancel=cancel,
        )
        for batch in batches:
            for fields in batch:
                if cancel is not None and cancel.is_set():
                    return
                yield _commit_from_fields(fields)

    def log_batches(
        self,
        rev: str = "HEAD",
        *,
        fields: Sequence[str],
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        paths: Sequence[str] = (),
        message: str | None = None,
        author: str | None = None,
        pickaxe: str | None = None,
        pickaxe_regex: bool = False,
        follow: bool = False,
        max_count: int | None = None,
        cancel: threading.Event | None = None,
    ) -> Iterator[list[list[str]]]:
        """`iter_log`'s walk for writers of long listings: git prints only `fields` (names
        from LOG_FIELDS), and each commit is a list of git's own strings in that order (ISO
        8601 dates, parents space-separated, `subject` as %s), one list of commits for each
        chunk git writes. No model is built, so a listing costs little more than git."""
        unknown = [name for name in fields if name not in LOG_FIELDS]
        if unknown or not fields:
            raise ValueError(f"unknown log fields {unknown}; known: {', '.join(LOG_FIELDS)}")
        # No separate rev-parse: the checked revision goes straight after --end-of-options.
        start = self._checked_revision(rev)
        log_format = "%x00".join(LOG_FIELDS[name] for name in fields)
        args = ["log", "-z", f"--format={log_format}", *NO_DRIVERS]
        if since is not None:
            args.append(f"--since={_as_git_date(since)}")
        if until is not None:
            args.append(f"--until={_as_git_date(until)}")
        if message or author:
            args += ["--fixed-strings", "--regexp-ignore-case"]
        if message:
            args.append(f"--grep={message}")
        if author:
            args.append(f"--author={author}")
        if pickaxe:
            args.append(f"-G{pickaxe}" if pickaxe_regex else f"-S{pickaxe}")
        if follow:
            if len(paths) != 1:
                raise BadInputError("following renames needs exactly one path")
            args.append("--follow")
        if max_count is not None:
            args.append(f"--max-count={int(max_count)}")
        args += ["--end-of-options", start, "--", *self._pathspecs(paths)]
        yield from self._log_batches(args, len(fields), cancel)

    def _pathspecs(self, paths: Sequence[str]) -> list[str]:
        # Literal paths: a hostile `:(exclude)` or glob magic in user text stays a path.
        specs = []
        for path in paths:
            normal = _normalise_repo_path(path)
            if normal is None:
                raise BadInputError(f"path {path!r} is outside the repository")
            specs.append(f":(literal){normal}")
        return specs

    def _log_stream(self, args: list[str], cancel: threading.Event | None) -> Iterator[CommitInfo]:
        """Commits of a `git log` run with `--format=_LOG_FORMAT`."""
        for batch in self._log_batches(args, _LOG_FIELDS, cancel):
            for fields in batch:
                if cancel is not None and cancel.is_set():
                    return
                yield _commit_from_fields(fields)

    def _log_batches(
        self, args: list[str], width: int, cancel: threading.Event | None
    ) -> Iterator[list[list[str]]]:
        stream = self._stream(args)
        try:
            for batch in _log_batches(stream.chunks(cancel), width):
                if cancel is not None and cancel.is_set():
                    stream.kill()
                    break
                yield batch
        finally:
            stream.kill_if_output_pending()
            code, stderr = stream.finish()
        if code != 0 and not stream.killed:
            if _BAD_REVISION_RE.search(stderr):
                revision = args[args.index("--end-of-options") + 1]
                if revision == "HEAD" and self.is_empty:
                    return  # an empty repository has no history: not an error
                raise BadRevisionError(f"unknown revision {revision!r} in {self.root}")
            raise self._error(args, stderr)

    def find_commits_by_subject(
        self, text: str, rev: str = "HEAD", limit: int = 5
    ) -> list[CommitInfo]:
        """Commits whose subject is `text` (exact first, then case/space-insensitive), then
        the closest subjects (a quote ending in "..." matches as a prefix), best first."""
        wanted = " ".join(text.split())
        start = self._start_or_none(rev) if wanted else None
        if start is None:
            return []
        truncated_quote = wanted.endswith(("...", "…"))
        stem = wanted.rstrip(".… ").casefold()
        folded = wanted.casefold()
        wanted_words = set(_words(folded))
        exact: list[str] = []
        loose: list[str] = []
        prefixed: list[str] = []
        # (shared words, subject, sha): only subjects sharing words with the quote reach
        # difflib, whose ratio over 200,000 subjects would otherwise take seconds.
        candidates: list[tuple[int, str, str]] = []
        args = ["log", "-z", "--format=%H%x00%s", "--end-of-options", start, "--"]
        stream = self._stream(args)
        pair: list[bytes] = []
        try:
            for token in _records(stream.chunks()):
                pair.append(token)
                if len(pair) < 2:
                    continue
                sha = pair[0].decode("ascii", "replace")
                subject = " ".join(pair[1].decode("utf-8", "replace").split())
                pair = []
                if subject == wanted:
                    exact.append(sha)
                    continue
                subject_folded = subject.casefold()
                if subject_folded == folded:
                    loose.append(sha)
                elif truncated_quote and stem and subject_folded.startswith(stem):
                    prefixed.append(sha)
                else:
                    shared = len(wanted_words.intersection(_words(subject_folded)))
                    if shared:
                        candidates.append((shared, subject, sha))
                        if len(candidates) > 4 * _CLOSE_CANDIDATES:
                            candidates = _largest(candidates)
        finally:
            self._check_stream(stream, args)
        ranked = [*exact, *loose, *prefixed]
        if len(ranked) < limit and candidates:
            import difflib  # here: only a subject search needs it (start-up of every command)

            shortlist: dict[str, str] = {}
            for _, subject, sha in _largest(candidates):
                shortlist.setdefault(subject, sha)
            close = difflib.get_close_matches(wanted, list(shortlist), n=limit, cutoff=0.6)
            ranked += [shortlist[subject] for subject in close]
        ranked = list(dict.fromkeys(ranked))[:limit]
        found = self.commits_info(ranked)
        return [found[sha] for sha in ranked if sha in found]


def _largest(candidates: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    import heapq  # here: only a subject search needs it

    return heapq.nlargest(_CLOSE_CANDIDATES, candidates)
