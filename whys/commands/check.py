"""`whys check`: every claim of one or more analyses checked headless, for people or CI.

Exit 0 when nothing is contradicted, 1 when a claim is contradicted, 2 for bad input.
stdout carries only the report; progress goes to stderr when it is a terminal.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

FORMATS = ("text", "json", "markdown", "sarif")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check",
        help="check every claim of an analysis against a repository",
        description="Check the claims of Five Whys analyses against a git repository: "
        "exit 0 when nothing is contradicted, 1 when something is, 2 for bad input.",
    )
    parser.add_argument("analyses", nargs="+", type=Path, metavar="ANALYSIS.md")
    parser.add_argument("--repo", type=Path, default=Path("."), metavar="DIR")
    parser.add_argument("--rev", default="HEAD", metavar="REV", help="revision to check at")
    parser.add_argument("--format", choices=FORMATS, default="text", dest="fmt")
    parser.add_argument(
        "--session", type=Path, metavar="FILE", help="also write the results into this session"
    )
    parser.set_defaults(run=run)


def _progress(message: str) -> None:
    if sys.stderr.isatty():
        print(f"whys: {message}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    # Imported here so that `whys --help` and the other commands start without the core.
    from whys.core.audit import check_files, record_in_session
    from whys.core.repo import open_repo
    from whys.core.report import render_many
    from whys.core.session import SessionStore

    repo = open_repo(args.repo)
    store = None
    if args.session is not None:
        store = SessionStore.open_or_create(
            args.session,
            repo=str(repo.root),
            revision=args.rev,
            revision_sha=repo.resolve_revision(args.rev),
        )
    checked = check_files(args.analyses, repo, args.rev, store=store, progress=_progress)
    if store is not None:
        record_in_session(store, checked)
    color = args.fmt == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    output = render_many([(item.analysis, item.run) for item in checked], args.fmt, color=color)
    sys.stdout.write(output)
    sys.stdout.flush()
    contradicted = any(
        check.status == "contradicted" for item in checked for check in item.run.checks
    )
    return 1 if contradicted else 0
