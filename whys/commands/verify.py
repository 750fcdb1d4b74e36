"""`whys verify OUT.json --repo DIR [--allowed-signers FILE] [--require P,Q] [--integrity-only]
[--rev REV] [--analysis-dir DIR] [--json]`: is this verdict file what its signers signed, and
does its evidence still hold?

The trust model, in order (nothing in the file is read, hashed or re-run before step 2):
1. Signatures are checked on the raw bytes against a trust list found the git way:
   --allowed-signers, git's gpg.ssh.allowedSignersFile, then the repository's
   .whys/allowed_signers or .github/allowed_signers. Without one, each signature is shown
   UNTRUSTED with its key's fingerprint and verify fails, unless --integrity-only. A file
   with no signature at all is never SOUND.
2. Only canonical JSON is accepted (no duplicate keys, the exact bytes whys writes).
3. Every recorded auditor must be a good signer (signers are bound to the verdicts they
   made); --require names signers who must have signed as well.
4. The result, summary and per-target verdicts are re-derived from the verdict history.
5. Then the analysis files are re-hashed (inside the analysis folder only) and every
   evidence item is re-run (at its pinned revision and, with --rev, at a newer one).
   Lines that only moved are reported, not failed.

Exit 0 sound (or, with --integrity-only, intact), 1 it does not hold, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whys.core.textsafe import visible_line
from whys.errors import BadInputError

if TYPE_CHECKING:
    from whys.core.drift import AnalysisFileCheck, DriftItem
    from whys.core.signing import SignatureCheck, TrustList

MAX_VERDICT_FILE_BYTES = 64 << 20


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="check a verdict file's signatures and re-run its evidence",
        description="Check every signature of a verdict file (OUT.json.sig, OUT.json.2.sig...) "
        "against a trust list (--allowed-signers, git's gpg.ssh.allowedSignersFile, or the "
        "repository's .whys/allowed_signers or .github/allowed_signers), bind the signers to "
        "the recorded auditors, re-derive the result from the verdict history, then re-hash "
        "the analysis files and re-run every evidence item. Without a trust list the "
        "signatures are UNTRUSTED and verify fails unless --integrity-only. "
        "Exit 0 sound, 1 it does not hold, 2 bad input.",
    )
    parser.add_argument("verdict_file", type=Path, metavar="OUT.json")
    parser.add_argument("--repo", type=Path, default=Path("."), metavar="DIR")
    parser.add_argument(
        "--allowed-signers",
        type=Path,
        metavar="FILE",
        help="who may sign (git's allowed_signers format); default: git's "
        "gpg.ssh.allowedSignersFile, then the repository's .whys/allowed_signers or "
        ".github/allowed_signers",
    )
    parser.add_argument(
        "--require",
        metavar="P,Q",
        default="",
        help="principals (as in the trust list) who must each have signed",
    )
    parser.add_argument(
        "--integrity-only",
        action="store_true",
        help="without a trust list: accept intact signatures by unknown keys (and an unsigned "
        "file), check the evidence; never reported as SOUND",
    )
    parser.add_argument(
        "--rev", metavar="REV", help="also re-run the evidence at this newer revision"
    )
    parser.add_argument(
        "--analysis-dir",
        type=Path,
        metavar="DIR",
        help="the folder holding the analysis files (default: the repository); files are "
        "looked for there by name, then by their recorded path, never outside it",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.set_defaults(run=run)


def _signature_line(check: SignatureCheck) -> str:
    mark = "UNTRUSTED" if check.ok and not check.trusted else "ok  " if check.ok else "FAIL"
    return f"{mark} signature {visible_line(check.signature.name)}: {visible_line(check.detail)}"


def _analysis_file_line(check: AnalysisFileCheck) -> str:
    mark = {"same": "ok  ", "changed": "DRIFT", "not-rehashed": "skip"}[check.status]
    return f"{mark} analysis {visible_line(check.analysis)}: {visible_line(check.detail)}"


def _drift_line(item: DriftItem) -> str:
    mark = {
        "same": "ok  ",
        "moved": "MOVED",
        "drifted": "DRIFT",
        "error": "FAIL",
        "skipped": "skip",
    }[item.status]
    where = f"at {item.revision[:12]}" if item.revision else ""
    label = "pinned" if item.at == "pinned" else "newer"
    pinned_to = f", {item.pinned_to}" if item.pinned_to else ""
    lines = [
        visible_line(
            f"{mark} evidence {item.evidence_id} ({item.analysis}{pinned_to}) {label} {where}: "
            f"{item.detail}"
        )
    ]
    lines += [f"       {visible_line(change)}" for change in item.changes]
    return "\n".join(lines)


def read_bounded(path: Path) -> bytes:
    """The verdict file's bytes: a regular file of sane size, read once."""
    try:
        status = path.stat()
    except OSError as error:
        raise BadInputError(f"no verdict file at {path}") from error
    if not stat.S_ISREG(status.st_mode):
        raise BadInputError(f"{path} is not a regular file")
    if status.st_size > MAX_VERDICT_FILE_BYTES:
        raise BadInputError(f"{path} is larger than {MAX_VERDICT_FILE_BYTES >> 20} MiB")
    try:
        with path.open("rb") as stream:
            return stream.read(MAX_VERDICT_FILE_BYTES + 1)
    except OSError as error:
        raise BadInputError(f"cannot read {path}: {error.strerror or error}") from error


def _required(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _signature_problems(
    signatures: list[SignatureCheck],
    trust: TrustList | None,
    required: list[str],
    integrity_only: bool,
) -> list[str]:
    problems: list[str] = []
    bad = [check for check in signatures if not check.ok]
    if bad:
        problems.append(f"{len(bad)} bad signature(s)")
    if not signatures and not (integrity_only and trust is None):
        problems.append("not signed")
    if trust is None and signatures and not integrity_only:
        problems.append(
            "UNTRUSTED: no trust list (give --allowed-signers, set git's "
            "gpg.ssh.allowedSignersFile or commit .whys/allowed_signers; --integrity-only "
            "checks integrity alone)"
        )
    if required:
        if trust is None:
            problems.append("--require needs a trust list to know who signed")
        else:
            signed = {p.lower() for check in signatures if check.ok for p in check.principals}
            missing = [name for name in required if name.lower() not in signed]
            if missing:
                problems.append(f"required signer(s) did not sign: {', '.join(missing)}")
    return problems


def run(args: argparse.Namespace) -> int:
    from whys.core.drift import check_analysis_files, check_drift
    from whys.core.repo import open_repo
    from whys.core.signing import find_trust_list, verify_signatures
    from whys.core.verdict import NotCanonicalError, parse_verdict_file, rederive_problems

    path: Path = args.verdict_file
    analysis_dir: Path | None = args.analysis_dir
    if analysis_dir is not None and not analysis_dir.is_dir():
        raise BadInputError(f"no analysis folder at {analysis_dir}")
    data = read_bounded(path)  # once: the signatures and the re-runs judge the same bytes
    repo = open_repo(args.repo)
    trust = find_trust_list(args.allowed_signers, repo)
    required = _required(args.require)
    signatures = verify_signatures(path, trust.path if trust else None, data=data)
    problems = _signature_problems(signatures, trust, required, args.integrity_only)
    try:
        # Parsing alone acts on nothing; a file that is no verdict file at all is bad input,
        # unless a signature already failed over it (then it was cut or tampered with).
        parse_verdict_file(data, str(path))
    except NotCanonicalError:
        pass  # said below, once the signatures are known to hold
    except BadInputError:
        if not any(not check.ok for check in signatures):
            raise

    drift: list[DriftItem] = []
    analysis_files: list[AnalysisFileCheck] = []
    not_rerun: str | None = None
    if problems:
        # Nothing the file names is read or run unless its signatures hold: a forged file
        # must not make verify hash /etc/passwd or run a pattern planted to hang.
        not_rerun = "the signatures do not hold, so nothing the file names was read or run"
    else:
        try:
            verdict_file = parse_verdict_file(data, str(path), canonical=True)
        except NotCanonicalError as error:
            problems.append(error.message.removeprefix(f"{path} is ").removesuffix("; refused"))
            not_rerun = "the file is not canonical JSON"
        else:
            if trust is not None:
                signed = {p.lower() for check in signatures if check.ok for p in check.principals}
                unsigned = [a for a in verdict_file.auditors if a.lower() not in signed]
                if unsigned:
                    problems.append(
                        f"auditor(s) who recorded verdicts did not sign: {', '.join(unsigned)}"
                    )
            problems += rederive_problems(verdict_file)
            if problems:
                not_rerun = "the file does not hold as signed"
            else:
                analysis_files = check_analysis_files(
                    verdict_file, analysis_dir, default_dir=repo.root
                )
                drift = check_drift(verdict_file, repo, args.rev)
    changed = [check for check in analysis_files if check.failed]
    if changed:
        problems.append(f"{len(changed)} analysis file(s) changed since the verdict")
    drifted = [item for item in drift if item.status == "drifted"]
    failed = [item for item in drift if item.status == "error"]
    moved = [item for item in drift if item.status == "moved"]
    if drifted:
        problems.append(f"{len(drifted)} evidence re-run(s) drifted")
    if failed:
        problems.append(f"{len(failed)} evidence re-run(s) failed")

    trusted = trust is not None and bool(signatures)
    sound = not problems and trusted
    passed = not problems
    if problems:
        headline = "NOT SOUND: " + ", ".join(problems)
    elif sound:
        headline = "SOUND"
    elif signatures:
        headline = "INTACT (integrity only: the signers were not checked against a trust list)"
    else:
        headline = "UNSIGNED (integrity only: nothing signed; the evidence was checked)"
    if moved and passed:
        headline += f" ({len(moved)} evidence result(s) moved, not changed)"

    if args.json:
        from dataclasses import asdict  # here: `whys --help` builds this parser too

        document: dict[str, Any] = {
            "sound": sound,
            "passed": passed,
            "problems": problems,
            "trust_list": (
                {"path": str(trust.path), "source": trust.source} if trust is not None else None
            ),
            "signatures": [
                {**asdict(check), "signature": str(check.signature)} for check in signatures
            ],
            "analysis_files": [asdict(check) for check in analysis_files],
            "evidence": [asdict(item) for item in drift],
            "evidence_not_rerun": not_rerun,
        }
        print(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False))
        return 0 if passed else 1
    if trust is not None:
        print(f"trust list: {visible_line(str(trust.path))} ({trust.source})")
    else:
        print("trust list: none found")
    if not signatures:
        print("unsigned: no signature file beside the verdict file")
    for check in signatures:
        print(_signature_line(check))
    for check in analysis_files:
        print(_analysis_file_line(check))
    if not_rerun is not None:
        print(f"evidence not re-run: {not_rerun}")
    for item in drift:
        print(_drift_line(item))
    print(visible_line(headline))
    return 0 if passed else 1
