"""`whys export SESSION -o OUT.json [--sign-key KEY | --sign]`: the verdict file (canonical
JSON, credentials redacted), its Markdown report OUT.md and, when asked, an SSH signature
OUT.json.sig. `--schema` prints the verdict file's JSON schema instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from whys.core.textsafe import visible_line
from whys.errors import BadInputError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write the verdict file, its report and an optional signature",
        description="Export a session as a verdict file OUT.json (canonical JSON), a Markdown "
        "report beside it and, with --sign-key or --sign, an SSH signature OUT.json.sig that "
        "anyone can check with: ssh-keygen -Y verify -f allowed_signers -I PRINCIPAL "
        "-n whys-verdict -s OUT.json.sig < OUT.json",
    )
    parser.add_argument("session", type=Path, nargs="?", metavar="SESSION")
    parser.add_argument("-o", "--output", type=Path, metavar="OUT.json")
    signing = parser.add_mutually_exclusive_group()
    signing.add_argument("--sign-key", type=Path, metavar="KEY", help="SSH private key to sign")
    signing.add_argument(
        "--sign",
        action="store_true",
        help="sign with git's user.signingkey (when gpg.format is ssh)",
    )
    parser.add_argument(
        "--schema", action="store_true", help="print the verdict file's JSON schema and exit"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from whys.core.session import load_session
    from whys.core.verdict import verdict_file_schema, write_export

    if args.schema:
        print(json.dumps(verdict_file_schema(), indent=2, sort_keys=True))
        return 0
    if args.session is None or args.output is None:
        raise BadInputError("usage: whys export SESSION -o OUT.json [--sign-key KEY | --sign]")
    session = load_session(args.session)
    result = write_export(
        session,
        args.output,
        sign_key=args.sign_key.expanduser() if args.sign_key else None,
        sign_with_git_key=args.sign,
        keep=[args.session],
    )
    for stale in result.stale_signatures_removed:
        print(
            visible_line(f"whys: removed {stale} (it signed the previous export)"),
            file=sys.stderr,
        )
    redactions = result.verdict_file.redactions
    if redactions:
        total = sum(item.count for item in redactions)
        places = len({item.where for item in redactions})
        print(
            visible_line(
                f"whys: redacted {total} credential-like value(s) in {places} place(s); "
                f"listed in {result.report_path.name}"
            ),
            file=sys.stderr,
        )
    for path in result.paths:
        print(visible_line(str(path)))
    return 0
