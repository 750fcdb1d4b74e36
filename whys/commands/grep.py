"""`whys grep`: evidence search. ripgrep on the working tree, git grep at a past revision.

stdout carries only results: `path:line:text` lines, or with --json one JSON object per
line (JSON Lines) ending with a summary object. Diagnostics go to stderr. Exit 0 when
something matched, 1 when nothing did, 2 for bad input (invalid regex, bad revision).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from whys.errors import BadInputError

try:  # the C function json.encoder uses, without loading the json package (start-up)
    from _json import encode_basestring_ascii as _encode
except ImportError:  # pragma: no cover - an interpreter without json's C accelerator
    from json.encoder import encode_basestring_ascii as _encode

TYPE_CHECKING = False  # as typing's, without importing typing (start-up)
if TYPE_CHECKING:
    from collections.abc import Iterable

    from whys.core.repo import GitRepo
    from whys.core.search import HitRow

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
                f'{{"type": "count", "unit": {_encode(counted.unit)}, "count": {counted.count}, '
                f'"files": {counted.files}, "matches": {_json_value(counted.matches)}, '
                f'"engine": {_encode(engine)}, "revision": {_json_value(revision)}, '
                f'"pattern": {_encode(pattern)}}}'
            )
        else:
            _emit(str(counted.count))
        return 0 if counted.count else 1

    color = not args.json and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    stats = search_engine.SearchStats()
    batches = search_engine.search_rows(
        root,
        pattern,
        context=args.context,
        max_hits=args.max,
        stats=stats,
        repo=repo,
        rev=revision,
        **options,
    )
    files = _write_rows(batches, as_json=args.json, color=color)
    sys.stdout.flush()
    if args.json:
        _emit(
            f'{{"type": "summary", "engine": {_encode(engine)}, '
            f'"revision": {_json_value(revision)}, "pattern": {_encode(pattern)}, '
            f'"hits": {stats.hits}, "files": {files}, '
            f'"capped": {_json_value(stats.capped)}, '
            f'"binary_files_skipped": {stats.binary_files_skipped}}}'
        )
    notes = []
    if stats.capped:
        notes.append(f"stopped at {args.max} hits (--max)")
    if stats.binary_files_skipped:
        notes.append(f"{stats.binary_files_skipped} binary file(s) skipped")
    if not stats.hits:
        where = f"at {revision[:12]}" if revision else "in the working tree"
        notes.append(f"no match for {pattern!r} {where} ({engine})")
    if notes:
        from whys.core.textsafe import visible_line

        print(visible_line(f"whys: {'; '.join(notes)}"), file=sys.stderr)
    return 0 if stats.hits else 1


def _json_value(value: str | int | bool | None) -> str:
    """A scalar as json.dumps writes it."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    return _encode(value) if isinstance(value, str) else str(int(value))


def _write_rows(batches: Iterable[list[HitRow]], *, as_json: bool, color: bool) -> int:
    """Write every batch of hits with one write each; return how many files they are in.

    The JSON object of a hit is put together here rather than by json.dumps on a dict:
    the same text (json.dumps's separators, key order and ASCII escapes, from the same
    encoder), at a fraction of the cost over a hundred thousand hits."""
    encode = _encode
    if not as_json:
        from whys.core.textsafe import visible, visible_line
    write = sys.stdout.write
    seen: set[str] = set()
    last_path: str | None = None
    path_text = match_head = context_head = ""
    for batch in batches:
        out = []
        if as_json:
            for is_match, path, line, column, text, cut in batch:
                if path is not last_path:
                    last_path = path
                    seen.add(path)
                    path_text = encode(path)
                    match_head = f'{{"type": "match", "path": {path_text}, "line": '
                    context_head = f'{{"type": "context", "path": {path_text}, "line": '
                out.append(
                    f'{match_head if is_match else context_head}{line}, "column": {column}, '
                    f'"text": {encode(text)}, "truncated": {"true" if cut else "false"}}}\n'
                )
        else:
            for is_match, path, line, _column, text, cut in batch:
                if path is not last_path:
                    last_path = path
                    seen.add(path)
                    path_text = _color("35", visible_line(path), color)
                separator = ":" if is_match else "-"
                number = _color("32", str(line), color)
                cut_mark = " [...]" if cut else ""
                shown = visible_line(text) if color else text
                out.append(f"{path_text}{separator}{number}{separator}{shown}{cut_mark}\n")
        # Repository text is shown, never run by the terminal (one pass per batch when
        # there are no colour codes of our own to keep).
        write("".join(out) if as_json or color else visible("".join(out)))
    return len(seen)
