"""`whys sign OUT.json [--key KEY]`: add a signature to a verdict file (a second reviewer's
sign-off). The first signature is OUT.json.sig, the next OUT.json.2.sig, and so on; each
verifies with plain `ssh-keygen -Y verify ... -n whys-verdict -s SIG < OUT.json`. A key
that signed the file already is refused (exit 2, naming its signature) unless --force, which
replaces that key's signature rather than adding a duplicate.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from whys.errors import BadInputError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sign",
        help="add an SSH signature to a verdict file (another reviewer's sign-off)",
        description="Sign an exported verdict file with an SSH key, namespace whys-verdict. "
        "Earlier signatures are kept; this one goes to the next free OUT.json.N.sig.",
    )
    parser.add_argument("verdict_file", type=Path, metavar="OUT.json")
    parser.add_argument(
        "--key",
        type=Path,
        metavar="KEY",
        help="SSH private key (default: git's user.signingkey when gpg.format is ssh)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="sign even if this key signed the file already (replaces that signature)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from whys.core.signing import sign_file
    from whys.core.verdict import parse_verdict_file

    path: Path = args.verdict_file
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BadInputError(f"cannot read {path}: {error.strerror or error}") from error
    parse_verdict_file(data, str(path))  # sign only what is a verdict file
    signature = sign_file(path, args.key.expanduser() if args.key else None, force=args.force)
    print(signature)
    return 0
