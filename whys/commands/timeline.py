"""`whys timeline`: commits in a window, for a path, by message, or by content change.

stdout carries only results: one line per commit (`sha  author-date  author  subject`), or
with --json one JSON object per line (JSON Lines) ending with a summary that says which
search ran (`log`, `-S` or `-G`) and, for a shallow clone, where history ends. Progress
goes to stderr when it is a terminal. Exit 0 when commits were found, 1 when none, 2 for
bad input.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from functools import cache
from pathlib import Path

from whys.errors import BadInputError

try:  # the C function json.encoder uses, without loading the json package (start-up)
    from _json import encode_basestring_ascii as _encode
except ImportError:  # pragma: no cover - an interpreter without json's C accelerator
    from json.encoder import encode_basestring_ascii as _encode

TYPE_CHECKING = False  # as typing's, without importing typing (start-up)
if TYPE_CHECKING:
    from whys.core.repo import GitRepo

EPILOG = """\
output:
  text    <sha12>  <author date>  <author>  <subject>, newest first
  --json  JSON Lines: {"type": "commit", "sha", "subject", "author_name", "author_email",
          "author_date", "committer_date", "parents"} per commit, then {"type": "summary",
          "revision", "mode": "log"|"-S"|"-G", "commits", "shallow", "history_ends_at"}

times (--since/--until): ISO 8601 (2024-02-01, 2024-02-01T10:00:00+00:00) or "N days ago"
(seconds, minutes, hours, days, weeks, months, years).

exit status: 0 commits found, 1 none, 2 bad input
"""

_PROGRESS_EVERY_SECONDS = 0.5
# Encoded author names and emails, reused: a history has few authors and many commits.
_PEOPLE_CACHE_LIMIT = 4096


@cache
def _relative_time() -> re.Pattern[str]:
    # Compiled on first use, not at start-up.
    return re.compile(r"^\d{1,6} (second|minute|hour|day|week|month|year)s? ago$", re.IGNORECASE)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "timeline",
        help="list commits in a window, for a path, by message or content change",
        description="Walk the commit history of a repository: a time window, a path (across "
        "renames with --follow), a message, or when a string appeared or vanished (-S/-G).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--repo", type=Path, default=Path("."), metavar="DIR")
    parser.add_argument("--rev", default="HEAD", metavar="REV", help="walk back from REV")
    parser.add_argument("--since", metavar="T", help="commits after T")
    parser.add_argument("--until", metavar="T", help="commits before T")
    parser.add_argument("--path", action="append", default=[], metavar="P", help="only P")
    parser.add_argument("--follow", action="store_true", help="follow one --path across renames")
    parser.add_argument("--grep", metavar="TEXT", help="message contains TEXT (any case)")
    parser.add_argument("--author", metavar="TEXT", help="author name or email contains TEXT")
    content = parser.add_mutually_exclusive_group()
    content.add_argument(
        "-S", dest="pickaxe", metavar="TEXT", help="commits that add or remove TEXT"
    )
    content.add_argument(
        "-G",
        dest="pickaxe_regex",
        metavar="REGEX",
        help="commits changing lines matching REGEX (POSIX extended, as git log -G)",
    )
    parser.add_argument("--max", type=int, metavar="N", help="at most N commits")
    parser.add_argument("--json", action="store_true", help="JSON Lines on stdout")
    parser.set_defaults(run=run)


def _time(value: str | None, flag: str) -> str | None:
    if value is None:
        return None
    from datetime import datetime

    text = value.strip()
    if _relative_time().match(text):
        return text
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
    except ValueError:
        raise BadInputError(
            f"{flag} {value!r} is not a date (use 2024-02-01, an ISO time, or 'N days ago')"
        ) from None


# What each output asks git for, in this order: nothing more (no %B for a subject).
_JSON_FIELDS = (
    "sha",
    "subject",
    "author_name",
    "author_email",
    "author_date",
    "committer_date",
    "parents",
)
_TEXT_FIELDS = ("sha", "author_date", "author_name", "subject")


def _date_json(text: str) -> str:
    """git's ISO 8601 date as Python's isoformat() writes it (the JSON contract), without
    parsing it: the two agree except for UTC written as Z (git 2.45+) and impossible dates."""
    if len(text) == 25 and text[10] == "T" and text[:4] != "0000":
        return text
    from whys.core.repo import parse_iso_date

    return parse_iso_date(text).isoformat()


def _date_text(text: str) -> str:
    """git's ISO 8601 date as `%Y-%m-%d %H:%M %z`."""
    iso = _date_json(text)
    return f"{iso[:10]} {iso[11:16]} {iso[19:22]}{iso[23:25]}"


def _parents_json(parents: str) -> str:
    return '["' + '", "'.join(parents.split()) + '"]' if parents else "[]"


def _json_lines(batch: list[list[str]], people: dict[str, str]) -> str:
    """The JSON line of each commit, written by hand: the text json.dumps gave for the same
    dict (its separators, key order and ASCII escapes, from the same C encoder). `people`
    keeps the encoded names and emails, which repeat from commit to commit."""
    encode = _encode
    out = []
    append = out.append
    for sha, subject, name, email, authored, committed, parents in batch:
        if len(authored) != 25 or authored[10] != "T" or authored[:4] == "0000":
            authored = _date_json(authored)
        if len(committed) != 25 or committed[10] != "T" or committed[:4] == "0000":
            committed = _date_json(committed)
        name_json = people.get(name)
        if name_json is None:
            name_json = people[name] = encode(name)
        email_json = people.get(email)
        if email_json is None:
            email_json = people[email] = encode(email)
        parents_json = f'["{parents}"]' if len(parents) == 40 else _parents_json(parents)
        append(
            f'{{"type": "commit", "sha": "{sha}", "subject": {encode(subject)}, '
            f'"author_name": {name_json}, "author_email": {email_json}, '
            f'"author_date": "{authored}", "committer_date": "{committed}", '
            f'"parents": {parents_json}}}\n'
        )
    if len(people) > _PEOPLE_CACHE_LIMIT:
        people.clear()
    return "".join(out)


def _text_lines(batch: list[list[str]], color: bool) -> str:
    from whys.core.textsafe import visible_line

    out = []
    for sha, authored, name, subject in batch:
        short = f"\x1b[33m{sha[:12]}\x1b[0m" if color else sha[:12]
        # Names and subjects come from the repository: shown, never run by the terminal.
        out.append(
            f"{short}  {_date_text(authored)}  {visible_line(name)}  {visible_line(subject)}\n"
        )
    return "".join(out)


def _summary_json(
    revision: str | None, mode: str, commits: int, shallow: bool, ends: list[str]
) -> str:
    """The summary line, as json.dumps wrote the same dict."""
    revision_json = "null" if revision is None else _encode(revision)
    ends_json = f"[{', '.join(_encode(sha) for sha in ends)}]"
    return (
        f'{{"type": "summary", "revision": {revision_json}, "mode": {_encode(mode)}, '
        f'"commits": {commits}, "shallow": {"true" if shallow else "false"}, '
        f'"history_ends_at": {ends_json}}}\n'
    )


def _revision(repo: GitRepo, rev: str) -> str | None:
    """The full SHA to walk from; None for HEAD of an empty repository. One git process
    in the usual case: emptiness is asked about only when the revision does not resolve."""
    from whys.errors import BadRevisionError

    try:
        return repo.resolve_revision(rev)
    except BadRevisionError:
        if rev == "HEAD" and repo.is_empty:
            return None
        raise


def run(args: argparse.Namespace) -> int:
    from whys.core.repo import open_repo  # here, so building the parser stays cheap

    if args.max is not None and args.max < 1:
        raise BadInputError("--max must be at least 1")
    since = _time(args.since, "--since")
    until = _time(args.until, "--until")
    repo = open_repo(args.repo)
    mode = "-G" if args.pickaxe_regex else "-S" if args.pickaxe else "log"
    revision = _revision(repo, args.rev)
    progress = sys.stderr.isatty()
    if mode != "log" and progress:
        print(f"whys: scanning history with {mode} (escape: ctrl+c)", file=sys.stderr)
    color = not args.json and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    found = 0
    last_report = time.monotonic()
    batches = repo.log_batches(
        revision or "HEAD",
        fields=_JSON_FIELDS if args.json else _TEXT_FIELDS,
        since=since,
        until=until,
        paths=tuple(args.path),
        message=args.grep,
        author=args.author,
        pickaxe=args.pickaxe_regex or args.pickaxe,
        pickaxe_regex=bool(args.pickaxe_regex),
        follow=args.follow,
        max_count=args.max,
    )
    write = sys.stdout.write
    people: dict[str, str] = {}
    for batch in batches:
        found += len(batch)
        write(_json_lines(batch, people) if args.json else _text_lines(batch, color))
        if progress and time.monotonic() - last_report > _PROGRESS_EVERY_SECONDS:
            last_report = time.monotonic()
            print(f"whys: {found} commits…", file=sys.stderr, flush=True)
    ends = sorted(repo.shallow_roots) if repo.is_shallow else []
    if args.json:
        sys.stdout.write(_summary_json(revision, mode, found, repo.is_shallow, ends))
    sys.stdout.flush()
    if ends:
        print(
            f"whys: shallow clone: history ends at {', '.join(sha[:12] for sha in ends)}",
            file=sys.stderr,
        )
    if mode != "log":
        print(f"whys: {found} commit(s) found with {mode}", file=sys.stderr)
    elif not found:
        reason = "the repository has no commits yet" if repo.is_empty else "no commit matches"
        print(f"whys: {reason}", file=sys.stderr)
    return 0 if found else 1
