"""`whys verify OUT.json --repo DIR [--allowed-signers FILE] [--rev REV] [--analysis-dir DIR]
[--json]`: check every signature of a verdict file, re-hash the analysis files it names
(where they can be found), then re-run every evidence item at its pinned revision and, with
--rev, at a newer one. Exit 0 sound, 1 a bad signature, a changed analysis or drift, 2 bad
input.

Signatures are checked on the raw bytes before anything parses them, so a file changed by
one byte fails as a bad signature (exit 1), not as bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from whys.errors import BadInputError, WhysError

if TYPE_CHECKING:
    from whys.core.drift import AnalysisFileCheck, DriftItem
    from whys.core.signing import SignatureCheck


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="check a verdict file's signatures and re-run its evidence",
        description="Check every signature of a verdict file (OUT.json.sig, OUT.json.2.sig...) "
        "against an allowed_signers file in git's format, re-hash the analysis files it "
        "names, then re-run every evidence item. "
        "Exit 0 sound, 1 a bad signature, a changed analysis or drift, 2 bad input.",
    )
    parser.add_argument("verdict_file", type=Path, metavar="OUT.json")
    parser.add_argument("--repo", type=Path, default=Path("."), metavar="DIR")
    parser.add_argument(
        "--allowed-signers",
        type=Path,
        metavar="FILE",
        help="who may sign (git's allowed_signers format; default: git's "
        "gpg.ssh.allowedSignersFile); without one, signatures are only checked for integrity",
    )
    parser.add_argument(
        "--rev", metavar="REV", help="also re-run the evidence at this newer revision"
    )
    parser.add_argument(
        "--analysis-dir",
        type=Path,
        metavar="DIR",
        help="look for the analysis files here by name (before their recorded paths) to "
        "check their sha256; a file found nowhere is reported as not re-hashed",
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.set_defaults(run=run)


def _signature_line(check: SignatureCheck) -> str:
    mark = "ok  " if check.ok else "FAIL"
    return f"{mark} signature {check.signature.name}: {check.detail}"


def _analysis_file_line(check: AnalysisFileCheck) -> str:
    mark = {"same": "ok  ", "changed": "DRIFT", "not-rehashed": "skip"}[check.status]
    return f"{mark} analysis {check.analysis}: {check.detail}"


def _drift_line(item: DriftItem) -> str:
    mark = {"same": "ok  ", "drifted": "DRIFT", "error": "FAIL", "skipped": "skip"}[item.status]
    where = f"at {item.revision[:12]}" if item.revision else ""
    label = "pinned" if item.at == "pinned" else "newer"
    pinned_to = f", {item.pinned_to}" if item.pinned_to else ""
    lines = [
        f"{mark} evidence {item.evidence_id} ({item.analysis}{pinned_to}) {label} {where}: "
        f"{item.detail}"
    ]
    lines += [f"       {change}" for change in item.changes]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from whys.core.drift import check_analysis_files, check_drift
    from whys.core.repo import open_repo
    from whys.core.signing import configured_allowed_signers, verify_signatures
    from whys.core.verdict import parse_verdict_file

    path: Path = args.verdict_file
    analysis_dir: Path | None = args.analysis_dir
    if analysis_dir is not None and not analysis_dir.is_dir():
        raise BadInputError(f"no analysis folder at {analysis_dir}")
    if not path.is_file():
        raise BadInputError(f"no verdict file at {path}")
    try:
        data = path.read_bytes()  # once: the signatures and the re-runs judge the same bytes
    except OSError as error:
        raise BadInputError(f"cannot read {path}: {error.strerror or error}") from error
    allowed = args.allowed_signers or configured_allowed_signers()
    signatures = verify_signatures(path, allowed, data=data)
    problems: list[str] = []
    bad_signatures = [check for check in signatures if not check.ok]
    if bad_signatures:
        problems.append(f"{len(bad_signatures)} bad signature(s)")
    if allowed is not None and not signatures:
        problems.append("not signed")

    drift: list[DriftItem] = []
    analysis_files: list[AnalysisFileCheck] = []
    not_rerun: WhysError | None = None
    try:
        verdict_file = parse_verdict_file(data, str(path))
        analysis_files = check_analysis_files(verdict_file, analysis_dir)
        drift = check_drift(verdict_file, open_repo(args.repo), args.rev)
    except WhysError as error:
        if not problems:
            raise
        not_rerun = error  # a bad signature already decides; still say why nothing re-ran
    changed = [check for check in analysis_files if check.failed]
    if changed:
        problems.append(f"{len(changed)} analysis file(s) changed since the verdict")
    drifted = [item for item in drift if item.status == "drifted"]
    failed = [item for item in drift if item.status == "error"]
    if drifted:
        problems.append(f"{len(drifted)} evidence re-run(s) drifted")
    if failed:
        problems.append(f"{len(failed)} evidence re-run(s) failed")

    if args.json:
        document = {
            "sound": not problems,
            "problems": problems,
            "signatures": [
                {**asdict(check), "signature": str(check.signature)} for check in signatures
            ],
            "analysis_files": [asdict(check) for check in analysis_files],
            "evidence": [asdict(item) for item in drift],
            "evidence_not_rerun": not_rerun.message if not_rerun is not None else None,
        }
        print(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False))
    else:
        if not signatures:
            print("unsigned: no signature file beside the verdict file")
        for check in signatures:
            print(_signature_line(check))
        for check in analysis_files:
            print(_analysis_file_line(check))
        if not_rerun is not None:
            print(f"evidence not re-run: {not_rerun.message}")
        for item in drift:
            print(_drift_line(item))
        verdict = "SOUND" if not problems else "NOT SOUND: " + ", ".join(problems)
        print(verdict)
    if not problems and not signatures and allowed is None:
        print(
            "whys: the verdict file is unsigned; only its analysis files and evidence were checked",
            file=sys.stderr,
        )
    return 1 if problems else 0
