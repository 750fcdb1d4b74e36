"""Parsers of git's output for `whys.core.repo`: raw commits, log records, dates,
numstat and blame porcelain, and the checks on user-given paths and revisions. No git runs here.
"""

from __future__ import annotations

import codecs
import posixpath
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta, timezone

from whys.core.repo_process import _FULL_SHA_RE

TYPE_CHECKING = False  # as typing's, without importing typing

if TYPE_CHECKING:
    from whys.core.models import CommitInfo
    from whys.core.repo_models import BlameLine, FileStat


# What a log listing can ask git for (`GitRepo.log_batches`), by name.
LOG_FIELDS: dict[str, str] = {
    "sha": "%H",
    "parents": "%P",
    "author_name": "%an",
    "author_email": "%ae",
    "author_date": "%aI",
    "committer_name": "%cn",
    "committer_email": "%ce",
    "committer_date": "%cI",
    "subject": "%s",
    "message": "%B",
}
# The fields a CommitInfo is built from, in `_commit_from_fields` order; the message last.
_COMMIT_LOG_FIELDS = (
    "sha",
    "parents",
    "author_name",
    "author_email",
    "author_date",
    "committer_name",
    "committer_email",
    "committer_date",
    "message",
)
_LOG_FORMAT = "%x00".join(LOG_FIELDS[name] for name in _COMMIT_LOG_FIELDS)
_LOG_FIELDS = len(_COMMIT_LOG_FIELDS)


def _is_option_shaped(text: str) -> bool:
    return text.lstrip().startswith("-")


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _parse_ident_time(ident: str) -> tuple[str, str, datetime]:
    """`Name <email> 1700000000 +0200` as it appears in a raw commit object."""
    name_email, _, when = ident.rpartition(">")
    name, _, email = name_email.partition("<")
    parts = when.split()
    seconds = int(parts[0]) if parts and parts[0].lstrip("-").isdigit() else 0
    offset = parts[1] if len(parts) > 1 else "+0000"
    try:
        sign = -1 if offset.startswith("-") else 1
        minutes = int(offset[1:3]) * 60 + int(offset[3:5])
        tz = timezone(sign * timedelta(minutes=minutes))
    except (ValueError, IndexError):
        tz = UTC
    try:
        when = datetime.fromtimestamp(seconds, tz)
    except (OverflowError, OSError, ValueError):
        when = _EPOCH  # a hand-crafted commit with an impossible date: keep the commit
    return name.strip(), email.strip(), when


# What git's isspace() calls white space when it trims a message line (not \v or \f).
_GIT_SPACE = " \t\r\n"


def subject_of(message: str) -> str:
    """git's %s, exactly: leading blank lines skipped, then the first paragraph's lines,
    each cut of trailing white space (not leading), joined by single spaces."""
    first, _, _ = message.partition("\n\n")
    if first and "\n" not in first and first[-1] not in _GIT_SPACE:
        return first
    paragraph: list[str] = []
    for line in message.split("\n"):
        trimmed = line.rstrip(_GIT_SPACE)
        if not trimmed:
            if paragraph:
                break
            continue
        paragraph.append(trimmed)
    return " ".join(paragraph)


_commit_type: type[CommitInfo] | None = None
_set_attribute = object.__setattr__


def _commit_class() -> type[CommitInfo]:
    global _commit_type
    if _commit_type is None:
        from whys.core.models import CommitInfo

        _commit_type = CommitInfo
    return _commit_type


def _build_commit(**values: object) -> CommitInfo:
    """A CommitInfo without its generated __init__ (every field is given, typed by the
    parser): the listing of 200,000 commits spends its time here otherwise."""
    commit_type = _commit_type or _commit_class()
    commit = commit_type.__new__(commit_type)
    _set_attribute(commit, "__dict__", values)
    return commit


def _commit_from_raw(sha: str, raw: bytes) -> CommitInfo:
    header, _, body = raw.partition(b"\n\n")
    parents: list[str] = []
    author = committer = ""
    for line in header.split(b"\n"):
        key, _, value = line.partition(b" ")
        if key == b"parent":
            parents.append(value.decode("ascii", "replace"))
        elif key == b"author":
            author = value.decode("utf-8", "replace")
        elif key == b"committer":
            committer = value.decode("utf-8", "replace")
    message = body.decode("utf-8", "replace")
    author_name, author_email, author_date = _parse_ident_time(author)
    committer_name, committer_email, committer_date = _parse_ident_time(committer)
    return _build_commit(
        sha=sha,
        subject=subject_of(message),
        message=message.rstrip("\n"),
        author_name=author_name,
        author_email=author_email,
        author_date=author_date,
        committer_name=committer_name,
        committer_email=committer_email,
        committer_date=committer_date,
        parents=parents,
    )


def _commit_from_fields(fields: list[str]) -> CommitInfo:
    sha, parents, an, ae, ad, cn, ce, cd, message = fields
    message = message.rstrip("\n")
    return _build_commit(
        sha=sha,
        subject=subject_of(message),
        message=message,
        author_name=an,
        author_email=ae,
        author_date=parse_iso_date(ad),
        committer_name=cn,
        committer_email=ce,
        committer_date=parse_iso_date(cd),
        parents=parents.split(),
    )


def parse_iso_date(text: str) -> datetime:
    """A date git printed as ISO 8601 (%aI). A hand-crafted commit can carry a date git
    cannot print as ISO: it reads as the epoch, so the commit is kept."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return _EPOCH


def _log_records(chunks: Iterable[bytes], width: int = _LOG_FIELDS) -> Iterator[list[str]]:
    """Groups of `width` NUL-separated fields, decoded a chunk at a time."""
    for batch in _log_batches(chunks, width):
        yield from batch


def _log_batches(chunks: Iterable[bytes], width: int) -> Iterator[list[list[str]]]:
    """The records of each chunk git wrote, as one list per chunk (a writer can then write
    them at once): groups of `width` NUL-separated fields, decoded a chunk at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    pending: list[str] = []
    tail = ""
    for chunk in chunks:
        tokens = (tail + decoder.decode(chunk)).split("\0")
        tail = tokens.pop()
        if pending:
            tokens[:0] = pending
        whole = len(tokens) - len(tokens) % width
        if whole:
            yield [tokens[start : start + width] for start in range(0, whole, width)]
        pending = tokens[whole:]
    tail += decoder.decode(b"", final=True)
    if tail:
        pending.append(tail)
    if len(pending) == width:
        yield [pending]


def _as_git_date(value: datetime | str) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.isoformat()
    return value


def _normalise_repo_path(path: str) -> str | None:
    """A path inside the tree, or None when it would escape it (absolute, `..`)."""
    if not path or "\0" in path or path.startswith("/"):
        return None
    normal = posixpath.normpath(path)
    if normal == ".." or normal.startswith("../") or normal == ".":
        return None
    return normal


def _parse_numstat(out: bytes) -> list[FileStat]:
    from whys.core.repo_models import FileStat

    # -z numstat: "added\tdeleted\tpath\0", or for renames "added\tdeleted\t\0old\0new\0".
    tokens = out.split(b"\0")
    stats: list[FileStat] = []
    index = 0
    while index < len(tokens):
        token = tokens[index].lstrip(b"\n")
        index += 1
        if not token:
            continue
        fields = token.split(b"\t", 2)
        if len(fields) != 3:
            continue
        added, deleted, path = fields
        old_path = None
        if not path and index + 1 < len(tokens) + 1:
            old_path = tokens[index].decode("utf-8", "surrogateescape")
            path = tokens[index + 1] if index + 1 < len(tokens) else b""
            index += 2
        stats.append(
            FileStat(
                path=path.decode("utf-8", "surrogateescape"),
                old_path=old_path,
                added=int(added) if added.isdigit() else None,
                deleted=int(deleted) if deleted.isdigit() else None,
            )
        )
    return stats


_C_ESCAPES = {"n": 10, "t": 9, '"': 34, "\\": 92, "a": 7, "b": 8, "f": 12, "r": 13, "v": 11}


def _unquote_path(text: str) -> str:
    """A path git printed C-quoted ("new\\nline.py"), back to the path itself."""
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        return text
    body = text[1:-1].encode("utf-8", "surrogateescape")
    out = bytearray()
    index = 0
    while index < len(body):
        byte = body[index]
        if byte != 92 or index + 1 >= len(body):
            out.append(byte)
            index += 1
            continue
        following = chr(body[index + 1])
        if following in "01234567" and index + 3 < len(body) + 1:
            out.append(int(body[index + 1 : index + 4], 8) & 0xFF)
            index += 4
        else:
            out.append(_C_ESCAPES.get(following, body[index + 1]))
            index += 2
    return out.decode("utf-8", "surrogateescape")


def _parse_line_porcelain(out: bytes) -> list[BlameLine]:
    from whys.core.repo_models import BlameLine

    lines: list[BlameLine] = []
    current: dict[str, str] = {}
    header: list[str] = []
    for raw in out.split(b"\n"):
        if raw.startswith(b"\t"):
            author_time = int(current.get("author-time", "0") or 0)
            tz = current.get("author-tz", "+0000")
            _, _, when = _parse_ident_time(f"x <x> {author_time} {tz}")
            lines.append(
                BlameLine(
                    line=int(header[2]),
                    sha=header[0],
                    orig_path=_unquote_path(current.get("filename", "")),
                    orig_line=int(header[1]),
                    author_name=current.get("author", ""),
                    author_email=current.get("author-mail", "").strip("<>"),
                    author_date=when,
                    summary=current.get("summary", ""),
                    boundary="boundary" in current,
                    content=raw[1:].decode("utf-8", "replace"),
                )
            )
            current = {}
            header = []
            continue
        text = raw.decode("utf-8", "replace")
        if not header:
            parts = text.split()
            if len(parts) >= 3 and _FULL_SHA_RE.match(parts[0]):
                header = parts
            continue
        key, _, value = text.partition(" ")
        current[key] = value
    return lines
