"""`whys sign OUT.json [--key KEY]`: add a signature to a verdict file (a second reviewer's
sign-off). The first signature is OUT.json.sig, the next OUT.json.2.sig, and so on; each
verifies with plain `ssh-keygen -Y verify ... -n whys-verdict -s SIG < OUT.json`. A key
that signed the file already is refused (exit 2, naming its signature) unless --force, which
replaces that key's signature rather than adding a duplicate.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from whys.core.textsafe import visible_line
from whys.errors import BadInputError

if TYPE_CHECKING:
    from whys.core.verdict import VerdictFile

CLAIMS_BY_STATUS = ("verified", "contradicted", "unverifiable")


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
    parser.add_argument(
        "--yes",
        "-y",
        action="store_true",
        help="sign without asking (the summary of what is signed is still printed)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from whys.commands.verify import read_bounded
    from whys.core.signing import sign_file
    from whys.core.verdict import parse_verdict_file

    path: Path = args.verdict_file
    data = read_bounded(path)
    # Sign only a verdict file in the exact bytes whys writes: a duplicate "result" key or
    # any other non-canonical form would make the signature mean two things.
    verdict_file = parse_verdict_file(data, str(path), canonical=True)
    if not confirm_signing(path, verdict_file, assume_yes=args.yes):
        print("whys: not signed", file=sys.stderr)
        return 1
    signature = sign_file(path, args.key.expanduser() if args.key else None, force=args.force)
    print(visible_line(str(signature)))
    return 0


def signing_summary(path: Path, verdict_file: VerdictFile) -> list[str]:
    """What a signer signs, in a few lines: the decision, each analysis, its claims by check
    status, every override, who audited and who signed already (by key fingerprint)."""
    from whys.core.signing import key_fingerprint, key_type, signature_paths, signer_public_key
    from whys.core.verdict import summary_line

    def shown(text: str) -> str:
        return visible_line(text)

    result = verdict_file.result.upper().replace("-", " ")
    lines = [
        f"You are signing {shown(str(path))}:",
        f"  decision   {result} ({shown(summary_line(verdict_file))})",
    ]
    for analysis in verdict_file.analyses:
        name = analysis.title or analysis.path
        decision = analysis.result.upper().replace("-", " ")
        counts = ", ".join(
            f"{analysis.check_summary.get(status, 0)} {status}" for status in CLAIMS_BY_STATUS
        )
        lines.append(f"  analysis   {decision}: {shown(name)}")
        lines.append(f"             claims: {counts}")
        for override in analysis.overrides:
            target = override.target + (f" {override.target_id}" if override.target_id else "")
            replaced = "" if override.in_force else " (since replaced)"
            lines.append(
                f"             override: {shown(target)} approved by {shown(override.auditor)}"
                f" over {shown('; '.join(override.overrode) or 'the rules')}{replaced}"
            )
    lines.append(f"  auditors   {shown(', '.join(verdict_file.auditors) or 'none')}")
    signed = []
    for signature in signature_paths(path):
        key = signer_public_key(signature)
        who = f"{key_type(key)} {key_fingerprint(key)}" if key else "unreadable signature"
        signed.append(f"{signature.name} ({who})")
    lines.append(f"  signed by  {shown('; '.join(signed)) if signed else 'nobody yet'}")
    return lines


def confirm_signing(path: Path, verdict_file: VerdictFile, *, assume_yes: bool) -> bool:
    """Print the summary (stderr: stdout carries only the signature's path) and ask."""
    for line in signing_summary(path, verdict_file):
        print(line, file=sys.stderr)
    if assume_yes:
        return True
    if not sys.stdin.isatty():
        raise BadInputError(
            "whys sign asks before signing and there is no terminal to ask on; "
            "read the summary above and pass --yes to sign"
        )
    print("Sign it? [y/N] ", end="", file=sys.stderr, flush=True)
    try:
        answer = sys.stdin.readline()
    except (OSError, KeyboardInterrupt):
        return False
    return answer.strip().lower() in ("y", "yes")
