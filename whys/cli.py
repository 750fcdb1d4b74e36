"""The command line: `main(argv) -> int`. One module per subcommand under whys.commands.

stdout carries only results; diagnostics go to stderr. A WhysError is one line and its exit
code; anything unexpected is logged to the state folder and reported as one line too.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
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


def _terminal_columns() -> int:
    """What shutil.get_terminal_size() gives: $COLUMNS, else the terminal's, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


_FORMATTERS: dict[type, type] = {}


def _sized(formatter: type[argparse.HelpFormatter]) -> type[argparse.HelpFormatter]:
    """`formatter` given the terminal's width up front. argparse's own asks shutil, whose
    import (bz2, lzma and more) is 2 ms of every command's start-up, and argparse builds a
    formatter for every option it adds, not only for --help."""
    if formatter not in _FORMATTERS:

        def __init__(self, prog: str, indent_increment=2, max_help_position=24, width=None):
            width = _terminal_columns() - 2 if width is None else width
            formatter.__init__(self, prog, indent_increment, max_help_position, width)

        _FORMATTERS[formatter] = type(formatter.__name__, (formatter,), {"__init__": __init__})
    return _FORMATTERS[formatter]


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose help formatter (its own, or the one a command names) is sized."""

    def __init__(self, *args, formatter_class=argparse.HelpFormatter, **kwargs) -> None:
        super().__init__(*args, formatter_class=_sized(formatter_class), **kwargs)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; with `command` (one of COMMANDS) only that subcommand is
    registered, so a run imports its own command module and no other (start-up time)."""
    parser = _Parser(
        prog="whys",
        description="Audit Five Whys root-cause analyses against the code and git history "
        "they cite.",
    )
    parser.add_argument("--version", action="version", version=f"whys {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in (command,) if command in COMMANDS else COMMANDS:
        module = importlib.import_module(f"whys.commands.{name}")
        module.register(subparsers)
    return parser


def _report_unexpected(error: BaseException) -> int:
    import traceback  # only here: it costs start-up time on every run otherwise

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
    arguments = list(sys.argv[1:] if argv is None else argv)
    # The first word names the subcommand when it is one; anything else (no command, an
    # option such as --help, an unknown word) gets the whole parser and its messages.
    parser = build_parser(arguments[0] if arguments else None)
    try:
        args = parser.parse_args(arguments)
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
        from whys.core.textsafe import visible_line  # messages can quote untrusted text

        print(f"whys: {visible_line(error.message)}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("whys: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # noqa: BLE001 - last line of defence: never a traceback
        return _report_unexpected(error)


# Commands that are done once main() returns: output written, no thread left working.
QUICK_EXIT_COMMANDS = frozenset({"check", "grep", "timeline"})


def entry() -> None:
    """The `whys` program: main(), then, for a headless command that has finished, an exit
    that skips the interpreter's teardown (freeing every object one by one: 10-30 ms of a
    0.5 s check). Anything still running, or output that cannot be flushed, gets the normal
    exit."""
    code = main()
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command in QUICK_EXIT_COMMANDS and _nothing_left_running():
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BrokenPipeError:
            os._exit(code)  # the reader is gone (`| head`): nothing left to say to it
        except (OSError, ValueError):
            sys.exit(code)  # a full disk: the normal exit reports it
        os._exit(code)
    sys.exit(code)


def _nothing_left_running() -> bool:
    threading = sys.modules.get("threading")
    if threading is None:
        return True
    main_thread = threading.main_thread()
    return all(t is main_thread or t.daemon for t in threading.enumerate())


if __name__ == "__main__":
    entry()
