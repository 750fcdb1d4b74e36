"""`whys check`: every claim of one or more analyses checked headless, for people or CI.

Exit 0 when nothing is contradicted, 1 when a claim is contradicted, 2 for bad input.
stdout carries only the report; progress goes to stderr when it is a terminal.

A contradiction stops failing the run when an auditor accepted it in the session
(`--session S`: the claim approved with an override, or the analysis approved with an
override), or when it is in the committed baseline (`--baseline FILE`, written by
`--write-baseline FILE`), as a linter's baseline works. The report itself is unchanged.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from whys.errors import WhysError

if TYPE_CHECKING:
    from whys.core.baseline import BaselineEntry
    from whys.core.repo import GitRepo
    from whys.core.session import SessionStore

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
    parser.add_argument(
        "--rev",
        default=None,
        metavar="REV",
        help="revision to check at (default: the last commit that changed the analysis when "
        "the repository tracks it, with what changed since reported as drift; else HEAD)",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", dest="fmt")
    parser.add_argument(
        "--session",
        type=Path,
        metavar="FILE",
        help="also write the results into this session; contradictions an auditor approved "
        "there with an override no longer fail the run",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="contradictions listed in this committed baseline file do not fail the run",
    )
    parser.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="write every current contradiction to FILE (a baseline to commit) and exit 0",
    )
    parser.set_defaults(run=run)


def _progress(message: str) -> None:
    if sys.stderr.isatty():
        print(f"whys: {message}", file=sys.stderr, flush=True)


def _checks_the_working_tree(repo: GitRepo, rev: str | None) -> bool:
    """Whether the check's searches will read the working tree: at HEAD, or with no
    revision given (an analysis is then checked at its own commit and again at HEAD)."""
    if rev is None:
        return True
    try:
        return repo.resolve_revision(rev) == repo.resolve_revision("HEAD")
    except WhysError:
        return False  # said in its turn, after the analyses are read


def run(args: argparse.Namespace) -> int:
    # Imported here so that `whys --help` and the other commands start without the core.
    from whys.core.repo import open_repo

    repo = open_repo(args.repo)
    if _checks_the_working_tree(repo, args.rev):
        # git reads the working tree's state while Python reads the analyses.
        repo.ask_working_tree_early()

    from whys.core.audit import check_files, record_in_session
    from whys.core.baseline import contradictions, read_baseline, write_baseline
    from whys.core.report import render_many
    from whys.core.textsafe import visible_line

    store = None
    if args.session is not None:
        from whys.core.session import SessionStore  # only with a session: its models load

        store = SessionStore.open_or_create(
            args.session,
            repo=str(repo.root),
            revision=args.rev or "HEAD",
            revision_sha=repo.resolve_revision(args.rev or "HEAD"),
        )
    baseline: Path | None = getattr(args, "baseline", None)
    write_to: Path | None = getattr(args, "write_baseline", None)
    accepted_by_baseline = read_baseline(baseline) if baseline is not None else set()
    checked = check_files(args.analyses, repo, args.rev, store=store, progress=_progress)
    if store is not None:
        record_in_session(store, checked)
    color = args.fmt == "text" and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    output = render_many(
        [(item.analysis, item.run) for item in checked], args.fmt, color=color, root=repo.root
    )
    sys.stdout.write(output)
    sys.stdout.flush()

    entries: list[BaselineEntry] = []
    overridden: list[str] = []
    for item in checked:
        contradicted = [c.claim_id for c in item.run.checks if c.status == "contradicted"]
        accepted = _accepted_in_session(store, item.analysis.path) if store else set()
        if "*" in accepted:
            accepted = set(contradicted)
        name = visible_line(Path(item.analysis.path).name)
        overridden += [f"{name}:{c}" for c in contradicted if c in accepted]
        still = [c for c in contradicted if c not in accepted]
        entries += contradictions(item.analysis, still, [], repo.root)
    if write_to is not None:
        written = write_baseline(write_to, entries)
        print(f"whys: wrote {written} contradiction(s) to {write_to}", file=sys.stderr)
        return 0
    if overridden:
        print(
            f"whys: {len(overridden)} contradicted claim(s) accepted by an auditor's override "
            f"in the session: {', '.join(overridden)}",
            file=sys.stderr,
        )
    failing = [entry for entry in entries if entry.fingerprint not in accepted_by_baseline]
    baselined = len(entries) - len(failing)
    if baselined:
        print(
            f"whys: {baselined} contradiction(s) are in the baseline {baseline}; "
            f"{len(failing)} new",
            file=sys.stderr,
        )
    return 1 if failing else 0


def _accepted_in_session(store: SessionStore, analysis_path: str) -> set[str]:
    """The contradicted claims an auditor has accepted in the session: claims approved (an
    approval over a contradiction needs an override with a note), or every claim ("*") when
    the analysis itself stands approved with an override."""
    from whys.core.verdict import latest_verdict, latest_verdicts

    index = store.index_of(analysis_path)
    if index is None:
        return set()
    audit = store.session.analyses[index]
    decided = latest_verdict(audit, "analysis")
    if decided is not None and decided.decision == "approved" and decided.override:
        return {"*"}
    return {
        target_id
        for (target, target_id), verdict in latest_verdicts(audit).items()
        if target == "claim" and target_id and verdict.decision == "approved"
    }
