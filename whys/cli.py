"""The command line: `main(argv) -> int`. One module per subcommand under whys.commands.

stdout carries only results; diagnostics go to stderr. A WhysError is one line and its exit
code; anything unexpected is logged to the state folder and reported as one line too.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import traceback
from collections.abc import Sequence

from whys import __version__, paths
from whys.errors import WhysError

# name -> module under whys.commands; each module has `register(subparsers)` and `run(args)`.
COMMANDS: tuple[str, ...] = (
    "demo",
    "open",
    "check",
    "grep",
    "timeline",
    "verdict",
    "export",
    "verify",
    "sign",
)

log = logging.getLogger("whys")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="whys",
        description="Audit Five Whys root-cause analyses against the code and git history "
        "they cite.",
    )
    parser.add_argument("--version", action="version", version=f"whys {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"whys.commands.{name}")
        module.register(subparsers)
    return parser


def _report_unexpected(error: BaseException) -> int:
    log_path = paths.log_file()
    try:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("a", encoding="utf-8") as log_stream:
            log_stream.write("".join(traceback.format_exception(error)))
        where = f"details in {log_path}"
    except OSError:
        where = "and the log could not be written"
    print(f"whys: internal error: {error.__class__.__name__}: {error} ({where})", file=sys.stderr)
    return 3


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exit_request:
        # argparse has printed its usage line (or --help / --version); callers of main()
        # get the code back instead of an exception.
        return exit_request.code if isinstance(exit_request.code, int) else 2
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.run(args))
    except WhysError as error:
        print(f"whys: {error.message}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("whys: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # noqa: BLE001 - last line of defence: never a traceback
        return _report_unexpected(error)


if __name__ == "__main__":
    sys.exit(main())
