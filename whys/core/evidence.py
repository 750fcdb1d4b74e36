"""Pinned, re-runnable evidence.

An Evidence item records the query that produced it (`{"op": ..., options}`), the full SHA
it was taken at and the sha256 of its normalised content. `collect` runs a query and pins
the result; `rerun` runs the same query at another revision so `whys verify` can compare
digests (a reverted fix, a moved line, a changed count all change the digest).

Queries (every key but `op` optional unless noted):

| op | keys | content, one line per item |
| --- | --- | --- |
| grep | pattern*, fixed_strings, ignore_case, word, globs, max_hits | `path:line:text` |
| count | pattern*, unit ("files"/"matches"), fixed_strings, ignore_case, word, globs | `N unit` |
| file | path*, start, end | `line: text` (or `(no such file)`) |
| blame | path*, start*, end* | `line sha orig_path:orig_line author date: text` |
| commit | sha* | sha, subject, author, dates, whether the revision contains it |
| ancestry | ancestor*, descendant (default: the revision) | `A is an ancestor of B: yes/no` |
| log | since, until, paths, message, author, follow, max_count | `sha date subject` |
| pickaxe | text*, regex (False: -S, True: -G), paths, since, until, max_count | as log |
| line_history | path*, start*, end* | as log |
| szz | fix* | `sha date subject` of each origin |

Searches at a revision use git grep (not rg on the working tree), so the result is a pure
function of (query, commit) and re-running it is meaningful.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Literal, cast

from whys.core.models import CommitInfo, Evidence
from whys.core.repo import GitRepo, MissingObjectError
from whys.errors import BadInputError, BadRevisionError

EvidenceKind = Literal["grep", "count", "commit", "file", "blame", "log", "pickaxe", "check"]

# Content kept in the Evidence itself; the digest always covers the whole result.
MAX_CONTENT_CHARS = 20_000
DEFAULT_MAX_HITS = 1000
DEFAULT_MAX_COMMITS = 500

KIND_OF_OP: dict[str, EvidenceKind] = {
    "grep": "grep",
    "count": "count",
    "file": "file",
    "blame": "blame",
    "commit": "commit",
    "ancestry": "commit",
    "log": "log",
    "pickaxe": "pickaxe",
    "line_history": "log",
    "szz": "commit",
}


def normalise_content(content: str) -> str:
    """The text that is hashed: NFC, LF line ends, no trailing spaces or blank tail."""
    text = unicodedata.normalize("NFC", content).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def content_digest(content: str) -> str:
    return hashlib.sha256(normalise_content(content).encode("utf-8")).hexdigest()


def canonical_query(query: dict[str, Any]) -> str:
    return json.dumps(query, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _is_full_sha(value: str) -> bool:
    return len(value) in (40, 64) and all(c in "0123456789abcdef" for c in value)


def make_evidence(
    kind: EvidenceKind,
    summary: str,
    query: dict[str, Any],
    revision: str,
    content: str,
    *,
    why: str | None = None,
    claim: str | None = None,
    created_by: str = "",
) -> Evidence:
    """An Evidence item: content hashed whole, stored cut to MAX_CONTENT_CHARS.

    `revision` must be the full SHA the content was taken at. The id depends on the kind,
    query and revision only, so the same query at the same commit gets the same id."""
    if not _is_full_sha(revision):
        raise BadRevisionError(f"evidence must be pinned to a full commit SHA, not {revision!r}")
    if "op" not in query:
        raise BadInputError("an evidence query needs an 'op'")
    try:
        query_text = canonical_query(query)
    except (TypeError, ValueError) as error:
        raise BadInputError(f"evidence query is not plain JSON data: {error}") from error
    normal = normalise_content(content)
    identity = hashlib.sha256(f"{kind}\0{query_text}\0{revision}".encode()).hexdigest()
    return Evidence(
        id=f"ev-{identity[:12]}",
        kind=kind,
        summary=summary,
        query=json.loads(query_text),
        revision=revision,
        content=normal[:MAX_CONTENT_CHARS],
        content_sha256=hashlib.sha256(normal.encode("utf-8")).hexdigest(),
        truncated=len(normal) > MAX_CONTENT_CHARS,
        why=why,
        claim=claim,
        created_at=datetime.now(UTC),
        created_by=created_by,
    )


# -- running queries ------------------------------------------------------------------


def _commit_line(info: CommitInfo) -> str:
    return f"{info.sha} {info.author_date.isoformat()} {info.subject}"


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list | tuple):
        raise BadInputError(f"evidence query expects a list of strings, not {value!r}")
    return tuple(str(item) for item in value)


def _number(query: dict[str, Any], key: str, default: int | None = None) -> int:
    """A whole number >= 1 from a query (a verdict file is untrusted input: `"abc"`, -5 or
    1e400 is one clear error, not a ValueError)."""
    value = query.get(key)
    if value is None or value == "":
        if default is None:
            raise BadInputError(f"evidence query {query.get('op')!r} needs {key!r}")
        return default
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise BadInputError(f"evidence query {key!r} must be a whole number, not {value!r}")
    text = str(value).strip()
    if not text.isdigit() or len(text) > 12 or int(text) < 1:
        raise BadInputError(
            f"evidence query {key!r} must be a whole number from 1, not {str(value)[:40]!r}"
        )
    return int(text)


def _required(query: dict[str, Any], key: str) -> Any:
    value = query.get(key)
    if value is None or value == "":
        raise BadInputError(f"evidence query {query.get('op')!r} needs {key!r}")
    return value


def _grep(repo: GitRepo, query: dict[str, Any], sha: str) -> tuple[str, str]:
    pattern = str(_required(query, "pattern"))
    max_hits = _number(query, "max_hits", DEFAULT_MAX_HITS)
    hits = list(
        repo.grep(
            sha,
            pattern,
            fixed_strings=bool(query.get("fixed_strings")),
            ignore_case=bool(query.get("ignore_case")),
            word=bool(query.get("word")),
            globs=_strings(query.get("globs")),
            max_hits=max_hits,
        )
    )
    hits.sort(key=lambda hit: (hit.path, hit.line))
    lines = [f"{hit.path}:{hit.line}:{hit.text}" for hit in hits if hit.kind == "match"]
    capped = len(lines) >= max_hits
    if capped:
        lines.append(f"(capped at {max_hits} hits)")
    files = len({hit.path for hit in hits})
    more = "+" if capped else ""
    summary = f"{len(hits)}{more} hit(s) in {files} file(s) for {pattern!r} at {sha[:12]}"
    return summary, "\n".join(lines)


def _count(repo: GitRepo, query: dict[str, Any], sha: str) -> tuple[str, str]:
    pattern = str(_required(query, "pattern"))
    unit = query.get("unit") or "files"
    if unit not in ("files", "matches"):
        raise BadInputError(f"count unit must be 'files' or 'matches', not {unit!r}")
    counted = repo.grep_count(
        sha,
        pattern,
        unit=cast(Literal["files", "matches"], unit),
        fixed_strings=bool(query.get("fixed_strings")),
        ignore_case=bool(query.get("ignore_case")),
        word=bool(query.get("word")),
        globs=_strings(query.get("globs")),
    )
    noun = "file(s) contain" if unit == "files" else "matching line(s) for"
    return f"{counted.count} {noun} {pattern!r} at {sha[:12]}", f"{counted.count} {unit}"


def _file(repo: GitRepo, query: dict[str, Any], sha: str) -> tuple[str, str]:
    path = str(_required(query, "path"))
    data = repo.read_file(sha, path)
    if data is None:
        return f"{path} does not exist at {sha[:12]}", "(no such file)"
    lines = data.decode("utf-8", "replace").splitlines()
    start = _number(query, "start", 1)
    end = _number(query, "end", max(len(lines), 1))
    excerpt = [
        f"{number}: {lines[number - 1]}" for number in range(start, min(end, len(lines)) + 1)
    ]
    if end > len(lines):
        excerpt.append(f"(the file has {len(lines)} lines)")
    where = f"{path}:{start}-{end}" if query.get("start") or query.get("end") else path
    return f"{where} at {sha[:12]}", "\n".join(excerpt)


def _line_range(
    repo: GitRepo, query: dict[str, Any], sha: str
) -> tuple[str, int, int, tuple[str, str] | None]:
    """The path and lines a blame or line-history query names, and the result to give
    instead when the file is gone at `sha` (a deleted file is a finding, not an error)."""
    path = str(_required(query, "path"))
    start, end = _number(query, "start"), _number(query, "end")
    if repo.read_file(sha, path) is None:
        return path, start, end, (f"{path} does not exist at {sha[:12]}", "(no such file)")
    return path, start, end, None


def _blame(repo: GitRepo, query: dict[str, Any], sha: str) -> tuple[str, str]:
    path, start, end, missing = _line_range(repo, query, sha)
    if missing is not None:
        return missing
    # An ignore-revs file (`.git-blame-ignore-revs`) is honoured only inside the working tree.
    ignore = query.get("ignore_revs_file")
    ignore_path = (repo.root / str(ignore)).resolve() if ignore else None
    if ignore_path is not None and not (
        ignore_path.is_relative_to(repo.root.resolve()) and ignore_path.is_file()
    ):
        ignore_path = None
    blamed = repo.blame(sha, path, start, end, ignore_revs_file=ignore_path)
    lines = [
        f"{b.line} {b.sha} {b.orig_path}:{b.orig_line} {b.author_name} "
        f"{b.author_date.isoformat()}: {b.content}"
        for b in blamed
    ]
    origins = len({b.sha for b in blamed})
    return f"blame {path}:{start}-{end} at {sha[:12]}: {origins} commit(s)", "\n".join(lines)


def _commit(repo: GitRepo, query: dict[str, Any], sha: str) -> tuple[str, str]:
    cited = str(_required(query, "sha")).lower()
    matches = repo.resolve_prefix(cited)
    if len(matches) != 1:
        what = "no such commit" if not matches else f"ambiguous: {len(matches)} commits"
        return f"commit {cited}: {what}", f"({what})"
    info = repo.commit_info(matches[0])
    contained = repo.is_ancestor(info.sha, sha)
    lines = [
        f"commit {info.sha}",
        f"subject {info.subject}",
        f"author {info.author_name} <{info.author_email}> {info.author_date.isoformat()}",
        f"committer {info.committer_name} {info.committer_date.isoformat()}",
        f"in {sha}: {'yes' if contained else 'no'}",
    ]
    inside = "in" if contained else "not in"
    return f"{info.sha[:12]} {info.subject!r} ({inside} {sha[:12]})", "\n".join(lines)


def _ancestry(repo: GitRepo, query: dict[str, Any], sha: str) -> tuple[str, str]:
    ancestor = repo.resolve_revision(str(_required(query, "ancestor")))
    descendant = repo.resolve_revision(str(query.get("descendant") or sha))
    holds = repo.is_ancestor(ancestor, descendant)
    line = f"{ancestor} is an ancestor of {descendant}: {'yes' if holds else 'no'}"
    verb = "is" if holds else "is not"
    return f"{ancestor[:12]} {verb} an ancestor of {descendant[:12]}", line


def _commit_list(
    title: str, commits: Iterable[CommitInfo], limit: int, sha: str
) -> tuple[str, str]:
    lines: list[str] = []
    for info in commits:
        if len(lines) >= limit:
            lines.append(f"(capped at {limit} commits)")
            break
        lines.append(_commit_line(info))
    shown = len(lines) - (1 if lines and lines[-1].startswith("(capped") else 0)
    return f"{title}: {shown} commit(s) up to {sha[:12]}", "\n".join(lines)


def _log(repo: GitRepo, query: dict[str, Any], sha: str) -> tuple[str, str]:
    limit = _number(query, "max_count", DEFAULT_MAX_COMMITS)
    commits = repo.iter_log(
        sha,
        since=query.get("since"),
        until=query.get("until"),
        paths=_strings(query.get("paths")),
        message=query.get("message"),
        author=query.get("author"),
        follow=bool(query.get("follow")),
        max_count=limit + 1,
    )
    return _commit_list("log", commits, limit, sha)


def _pickaxe(repo: GitRepo, query: dict[str, Any], sha: str) -> tuple[str, str]:
    text = str(_required(query, "text"))
    regex = bool(query.get("regex"))
    limit = _number(query, "max_count", DEFAULT_MAX_COMMITS)
    commits = repo.iter_log(
        sha,
        since=query.get("since"),
        until=query.get("until"),
        paths=_strings(query.get("paths")),
        pickaxe=text,
        pickaxe_regex=regex,
        max_count=limit + 1,
    )
    return _commit_list(f"pickaxe {'-G' if regex else '-S'} {text!r}", commits, limit, sha)


def _line_history(repo: GitRepo, query: dict[str, Any], sha: str) -> tuple[str, str]:
    path, start, end, missing = _line_range(repo, query, sha)
    if missing is not None:
        return missing
    commits = repo.line_history(sha, path, start, end)
    return _commit_list(f"history of {path}:{start}-{end}", commits, DEFAULT_MAX_COMMITS, sha)


def _szz(repo: GitRepo, query: dict[str, Any], sha: str) -> tuple[str, str]:
    fix = repo.resolve_revision(str(_required(query, "fix")))
    origins = repo.commits_info(sorted(repo.szz_origins(fix)))
    lines = [_commit_line(origins[key]) for key in sorted(origins)]
    return f"lines fixed by {fix[:12]} last touched by {len(lines)} commit(s)", "\n".join(lines)


_RUNNERS: dict[str, Callable[[GitRepo, dict[str, Any], str], tuple[str, str]]] = {
    "grep": _grep,
    "count": _count,
    "file": _file,
    "blame": _blame,
    "commit": _commit,
    "ancestry": _ancestry,
    "log": _log,
    "pickaxe": _pickaxe,
    "line_history": _line_history,
    "szz": _szz,
}


# Keys naming a commit that must not move when the query is re-run at another revision.
_PINNED_KEYS: dict[str, tuple[str, ...]] = {"szz": ("fix",), "ancestry": ("ancestor", "descendant")}


def run_query(repo: GitRepo, query: dict[str, Any], revision: str) -> tuple[str, str, str]:
    """(full SHA, summary, content) of `query` at `revision`. A missing object becomes the
    content ("(missing object ...)") rather than an error, so drift is still reported."""
    op = query.get("op")
    runner = _RUNNERS.get(op) if isinstance(op, str) else None
    if runner is None:
        raise BadInputError(f"cannot run an evidence query with op {op!r}")
    sha = repo.resolve_revision(revision)
    try:
        summary, content = runner(repo, query, sha)
    except MissingObjectError as error:
        missing = ", ".join(error.missing) or "unknown"
        summary, content = (
            f"{op}: the repository is missing {missing}",
            f"(missing object {missing})",
        )
    return sha, summary, content


def collect(
    repo: GitRepo,
    query: dict[str, Any],
    revision: str = "HEAD",
    *,
    why: str | None = None,
    claim: str | None = None,
    created_by: str = "",
) -> Evidence:
    """Run `query` at `revision` and pin the result. Commit names in `szz`/`ancestry`
    queries are pinned to full SHAs first, so a re-run asks about the same commits."""
    query = dict(query)
    for key in _PINNED_KEYS.get(str(query.get("op")), ()):
        if query.get(key):
            query[key] = repo.resolve_revision(str(query[key]))
    sha, summary, content = run_query(repo, query, revision)
    kind = KIND_OF_OP[str(query["op"])]
    return make_evidence(
        kind, summary, query, sha, content, why=why, claim=claim, created_by=created_by
    )


def rerun(evidence: Evidence, repo: GitRepo, revision: str | None = None) -> Evidence:
    """The same query at `revision` (default: where it was taken). Same id, why and claim;
    compare `content_sha256` with the original to see drift."""
    sha, summary, content = run_query(repo, evidence.query, revision or evidence.revision)
    fresh = make_evidence(
        evidence.kind,
        summary,
        evidence.query,
        sha,
        content,
        why=evidence.why,
        claim=evidence.claim,
        created_by=evidence.created_by,
    )
    return replace(fresh, id=evidence.id)


def drifted(original: Evidence, again: Evidence) -> bool:
    return original.content_sha256 != again.content_sha256
