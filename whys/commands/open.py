"""`whys open ANALYSIS.md [MORE.md ...] --repo DIR [--rev REV] [--session FILE]`: the
workbench on those analyses. The session autosaves to FILE (default: a file under the state
folder named after the repository and the analyses); reopening resumes it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from whys.errors import BadInputError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "open",
        help="the workbench on one or more analyses",
        description="Open the workbench (a terminal UI) on analyses and the repository they "
        "cite. Every change autosaves to the session file; reopening resumes the review.",
    )
    parser.add_argument("analyses", nargs="+", type=Path, metavar="ANALYSIS.md")
    parser.add_argument(
        "--repo",
        required=True,
        type=Path,
        metavar="DIR",
        help="the git repository the analyses talk about",
    )
    parser.add_argument(
        "--rev",
        default="HEAD",
        metavar="REV",
        help="revision to check the claims at (default: HEAD)",
    )
    parser.add_argument(
        "--session",
        type=Path,
        metavar="FILE",
        help="session file (default: under the state folder)",
    )
    parser.add_argument(
        "--auditor",
        metavar="NAME",
        help="who records the verdicts (default: git user.email, else $USER)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from whys.core.audit import open_session

    # Read and resume only: the checks run inside the workbench, so it opens at once.
    store, repo = open_session(args.analyses, args.repo, args.rev, args.session)
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise BadInputError(
            f"'whys open' needs a terminal (the session is saved in {store.path}); "
            "use 'whys check' for headless runs"
        )
    # Textual loads only here, so the rest of the CLI starts without it.
    from whys.tui.app import run_workbench

    code = run_workbench(store, repo, auditor=args.auditor)
    print(f"whys: session saved in {store.path}", file=sys.stderr)
    return code
