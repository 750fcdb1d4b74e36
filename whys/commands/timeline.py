"""`whys timeline`: commits in a window, for a path, by message, or by content change.

stdout carries only results: one line per commit (`sha  author-date  author  subject`), or
with --json one JSON object per line (JSON Lines) ending with a summary that says which
search ran (`log`, `-S` or `-G`) and, for a shallow clone, where history ends. Progress
goes to stderr when it is a terminal. Exit 0 when commits were found, 1 when none, 2 for
bad input.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from whys.errors import BadInputError

if TYPE_CHECKING:
    from whys.core.models import CommitInfo

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

_RELATIVE_TIME = re.compile(
    r"^\d{1,6} (second|minute|hour|day|week|month|year)s? ago$", re.IGNORECASE
)
_PROGRESS_EVERY_SECONDS = 0.5


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
    text = value.strip()
    if _RELATIVE_TIME.match(text):
        return text
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
    except ValueError:
        raise BadInputError(
            f"{flag} {value!r} is not a date (use 2024-02-01, an ISO time, or 'N days ago')"
        ) from None


def _commit_json(info: CommitInfo) -> str:
    return json.dumps(
        {
            "type": "commit",
            "sha": info.sha,
            "subject": info.subject,
            "author_name": info.author_name,
            "author_email": info.author_email,
            "author_date": info.author_date.isoformat(),
            "committer_date": info.committer_date.isoformat(),
            "parents": info.parents,
        }
    )


def _commit_text(info: CommitInfo, color: bool) -> str:
    sha = f"\x1b[33m{info.sha[:12]}\x1b[0m" if color else info.sha[:12]
    when = info.author_date.strftime("%Y-%m-%d %H:%M %z")
    return f"{sha}  {when}  {info.author_name}  {info.subject}"


def run(args: argparse.Namespace) -> int:
    from whys.core.repo import open_repo  # here, so building the parser stays cheap

    if args.max is not None and args.max < 1:
        raise BadInputError("--max must be at least 1")
    since = _time(args.since, "--since")
    until = _time(args.until, "--until")
    repo = open_repo(args.repo)
    mode = "-G" if args.pickaxe_regex else "-S" if args.pickaxe else "log"
    revision = None if repo.is_empty and args.rev == "HEAD" else repo.resolve_revision(args.rev)
    progress = sys.stderr.isatty()
    if mode != "log" and progress:
        print(f"whys: scanning history with {mode} (escape: ctrl+c)", file=sys.stderr)
    color = not args.json and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    found = 0
    last_report = time.monotonic()
    commits = repo.iter_log(
        revision or "HEAD",
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
    for info in commits:
        found += 1
        sys.stdout.write((_commit_json(info) if args.json else _commit_text(info, color)) + "\n")
        if progress and time.monotonic() - last_report > _PROGRESS_EVERY_SECONDS:
            last_report = time.monotonic()
            print(f"whys: {found} commits…", file=sys.stderr, flush=True)
    ends = sorted(repo.shallow_roots) if repo.is_shallow else []
    if args.json:
        summary = {
            "type": "summary",
            "revision": revision,
            "mode": mode,
            "commits": found,
            "shallow": repo.is_shallow,
            "history_ends_at": ends,
        }
        sys.stdout.write(json.dumps(summary) + "\n")
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
