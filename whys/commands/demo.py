"""`whys demo`: the bundled sample incident, built into the cache folder and opened.

No arguments and no network: the sample repositories are built locally from plain files
with fixed authors and dates, so every machine sees the same SHAs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from whys import paths
from whys.commands.check import FORMATS
from whys.errors import BadInputError

DEMO_CASE = "checkout"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="open the workbench on the bundled sample incident",
        description="Build the bundled sample repositories (in the cache folder, rebuilt "
        "when missing or stale) and open the workbench on the sample review: three Five "
        "Whys analyses of one checkout service, one sound, one with a timeline that cannot "
        "be true, one with hallucinated evidence.",
    )
    parser.add_argument(
        "--check", action="store_true", help="print the headless check instead of the workbench"
    )
    parser.add_argument(
        "--format",
        dest="fmt",
        default="text",
        choices=FORMATS,
        help="output format with --check (default: text)",
    )
    parser.add_argument(
        "--all", action="store_true", help="include every sample analysis, not only the three"
    )
    parser.set_defaults(run=run)


def demo_inputs(include_all: bool = False) -> tuple[Path, list[Path]]:
    """The built sample repository and the analyses the demo reviews."""
    from whys.samples.build import build_case, case_analyses

    repo_dir = build_case(DEMO_CASE, paths.samples_cache_dir())
    analyses = case_analyses(DEMO_CASE)
    return repo_dir, analyses if include_all else analyses[:3]


def run(args: argparse.Namespace) -> int:
    repo_dir, analyses = demo_inputs(args.all)
    if args.check:
        from whys.commands import check

        return check.run(
            argparse.Namespace(
                analyses=analyses, repo=repo_dir, rev="HEAD", fmt=args.fmt, session=None
            )
        )
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise BadInputError(
            "'whys demo' opens a terminal UI and needs a terminal; "
            "try 'whys demo --check' for the headless check"
        )
    from whys.core.audit import open_session

    session_path = paths.sessions_dir() / "demo.json"
    store, repo = open_session(analyses, repo_dir, "HEAD", session_path)
    from whys.tui.app import run_workbench

    code = run_workbench(store, repo)
    from whys.commands.open import say_where_the_session_is

    return say_where_the_session_is(store, code, "demo session")
