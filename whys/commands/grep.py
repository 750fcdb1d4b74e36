"""`whys grep`: evidence search. ripgrep on the working tree, git grep at a past revision.

stdout carries only results: `path:line:text` lines, or with --json one JSON object per
line (JSON Lines) ending with a summary object. Diagnostics go to stderr. Exit 0 when
something matched, 1 when nothing did, 2 for bad input (invalid regex, bad revision).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from whys.errors import BadInputError

if TYPE_CHECKING:
    from whys.core.repo import GitRepo
    from whys.core.search import SearchHit

EPILOG = """\
output:
  text    path:line:text for each match (path-line-text for context lines)
  --json  JSON Lines: {"type": "match"|"context", "path", "line", "column", "text",
          "truncated"} per line, then {"type": "summary", "engine", "revision", "pattern",
          "hits", "files", "capped", "binary_files_skipped"}; with --count one
          {"type": "count", "unit", "count", "files", "matches", "engine", "revision"}

The pattern is always searched for as text, never read as an option. To search for text
that starts with '-', write --regexp=-TEXT, -e=-TEXT, or put it after `--`:
  whys grep --repo . -- --pre=sh

exit status: 0 found, 1 nothing found, 2 bad input
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "grep",
        help="search the code (ripgrep), or a past revision (git grep)",
        description="Search a repository for evidence: ripgrep on the working tree, "
        "git grep at --rev.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("pattern", nargs="?", metavar="PATTERN", help="regex (or text with -F)")
    parser.add_argument("-e", "--regexp", dest="regexp", metavar="PATTERN", help="the pattern")
    parser.add_argument("--repo", type=Path, default=Path("."), metavar="DIR")
    parser.add_argument("--rev", metavar="REV", help="search this revision with git grep")
    parser.add_argument(
        "--glob", "-g", action="append", default=[], metavar="G", help="only files matching G"
    )
    parser.add_argument("--fixed-strings", "-F", action="store_true", help="pattern is text")
    parser.add_argument("--ignore-case", "-i", action="store_true")
    parser.add_argument("--word", "-w", action="store_true", help="match whole words only")
    parser.add_argument("--context", "-C", type=int, default=0, metavar="N")
    parser.add_argument("--max", type=int, default=1000, metavar="N", help="stop after N hits")
    parser.add_argument(
        "--count",
        choices=("files", "matches"),
        help="print only how many files (or matches) contain the pattern",
    )
    parser.add_argument("--json", action="store_true", help="JSON Lines on stdout")
    parser.set_defaults(run=run)


def _color(code: str, text: str, enabled: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if enabled else text


def _open(args: argparse.Namespace) -> tuple[GitRepo | None, Path]:
    from whys.core.repo import NotARepositoryError, open_repo

    try:
        repo = open_repo(args.repo)
    except NotARepositoryError:
        # The working tree of a plain folder can still be searched; a revision cannot.
        if args.rev is None and Path(args.repo).is_dir():
            return None, Path(args.repo)
        raise
    return repo, repo.root


def _emit(line: str) -> None:
    sys.stdout.write(line + "\n")


def run(args: argparse.Namespace) -> int:
    # Imported here so that building the parser for another command stays cheap.
    from whys.core import search as search_engine
    from whys.core.search import SearchStats

    pattern = args.regexp if args.regexp is not None else args.pattern
    if args.regexp is not None and args.pattern is not None:
        raise BadInputError("give the pattern once: as PATTERN or with -e, not both")
    if not pattern:
        raise BadInputError("no pattern given (whys grep PATTERN --repo DIR)")
    if args.max < 1 or args.context < 0:
        raise BadInputError("--max must be at least 1 and --context at least 0")
    repo, root = _open(args)
    rev = args.rev
    if rev is None and repo is not None and repo.is_bare:
        rev = "HEAD"  # a bare repository has no working tree
    revision = repo.resolve_revision(rev) if repo is not None and rev is not None else None
    engine = "git grep" if revision else "rg"
    options = {
        "fixed_strings": args.fixed_strings,
        "ignore_case": args.ignore_case,
        "word": args.word,
        "globs": tuple(args.glob),
    }
    if args.count:
        counted = search_engine.count(
            root, pattern, unit=args.count, repo=repo, rev=revision, **options
        )
        if args.json:
            _emit(
                json.dumps(
                    {
                        "type": "count",
                        "unit": counted.unit,
                        "count": counted.count,
                        "files": counted.files,
                        "matches": counted.matches,
                        "engine": engine,
                        "revision": revision,
                        "pattern": pattern,
                    }
                )
            )
        else:
            _emit(str(counted.count))
        return 0 if counted.count else 1

    color = not args.json and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    stats = SearchStats()
    files: set[str] = set()
    hits = search_engine.search(
        root,
        pattern,
        context=args.context,
        max_hits=args.max,
        stats=stats,
        repo=repo,
        rev=revision,
        **options,
    )
    for hit in hits:
        files.add(hit.path)
        _emit(_format_hit(hit, as_json=args.json, color=color))
    sys.stdout.flush()
    summary = {
        "type": "summary",
        "engine": engine,
        "revision": revision,
        "pattern": pattern,
        "hits": stats.hits,
        "files": len(files),
        "capped": stats.capped,
        "binary_files_skipped": stats.binary_files_skipped,
    }
    if args.json:
        _emit(json.dumps(summary))
    notes = []
    if stats.capped:
        notes.append(f"stopped at {args.max} hits (--max)")
    if stats.binary_files_skipped:
        notes.append(f"{stats.binary_files_skipped} binary file(s) skipped")
    if not stats.hits:
        where = f"at {revision[:12]}" if revision else "in the working tree"
        notes.append(f"no match for {pattern!r} {where} ({engine})")
    if notes:
        print(f"whys: {'; '.join(notes)}", file=sys.stderr)
    return 0 if stats.hits else 1


def _format_hit(hit: SearchHit, *, as_json: bool, color: bool) -> str:
    if as_json:
        fields = hit.to_dict()
        fields.pop("kind")
        return json.dumps({"type": hit.kind, **fields})
    separator = ":" if hit.kind == "match" else "-"
    path = _color("35", hit.path, color)
    line = _color("32", str(hit.line), color)
    cut = " [...]" if hit.truncated else ""
    return f"{path}{separator}{line}{separator}{hit.text}{cut}"
