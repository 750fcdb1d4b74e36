"""`whys open ANALYSIS.md [MORE.md ...] --repo DIR [--rev REV] [--session FILE]`: the
workbench on those analyses. The session autosaves to FILE (default: a file under the state
folder named after the repository and the analyses); reopening resumes it.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from whys import paths
from whys.core.textsafe import visible_line
from whys.errors import BadInputError, WhysError

if TYPE_CHECKING:
    from whys.core.session import SessionStore


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
    return say_where_the_session_is(store, code)


def say_where_the_session_is(store: SessionStore, code: int, what: str = "session") -> int:
    """After the workbench: "saved" only when the file holds the session. When the last
    save failed (a read-only folder, a full disk), try once more, else keep the work in a
    rescue file under the state folder, say both paths, and exit 1."""
    from whys.core.session import save_session

    if store.unsaved:
        try:
            store.save()
        except WhysError as error:
            rescue_error: WhysError | None = None
            for rescue in rescue_paths(store.path):
                try:
                    save_session(store.session, rescue)
                except WhysError as failed:
                    rescue_error = failed
                    continue
                break
            else:
                print(
                    f"whys: {what} NOT saved: {visible_line(error.message)}; "
                    f"no rescue copy either: {visible_line(getattr(rescue_error, 'message', ''))}",
                    file=sys.stderr,
                )
                return 1
            print(
                f"whys: {what} NOT saved in {visible_line(str(store.path))}: "
                f"{visible_line(error.message)}; your work is in {visible_line(str(rescue))}",
                file=sys.stderr,
            )
            return 1
    print(f"whys: {what} saved in {visible_line(str(store.path))}", file=sys.stderr)
    return code


def rescue_paths(session_path: Path) -> list[Path]:
    """Where a session that cannot be saved in place goes: the state folder, else the
    temporary folder (the state folder may be the read-only one)."""
    import tempfile

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    name = f"{paths.slug(session_path.stem)}.rescued-{stamp}.json"
    return [paths.sessions_dir() / name, Path(tempfile.gettempdir()) / name]
