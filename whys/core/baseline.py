"""Stable fingerprints of check results, and the CI baseline file built from them.

A fingerprint names a result by what it says, not where it sits: the analysis path
relative to the repository, the claim's kind and its text (or the timeline rule and the
texts of the claims it involves). Editing lines above a claim or renumbering claims keeps
its fingerprint; changing the claim makes it a new result. SARIF carries the same value in
`partialFingerprints`, so code scanning tracks a result across commits.

The baseline is a committed JSON file of the contradictions a team has accepted for now,
like a linter's baseline: `whys check --baseline FILE` fails only on contradictions not in
it, and `--write-baseline FILE` records the current ones.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from whys.core.atomic import atomic_write_bytes
from whys.core.models import Analysis, Claim, Finding
from whys.errors import BadInputError

BASELINE_TYPE = "whys-baseline"
BASELINE_FORMAT = 1
FINGERPRINT_KEY = "whys/v1"
MAX_BASELINE_BYTES = 16 << 20


def relative_path(path: str, root: Path | None) -> str:
    """`path` relative to the repository `root` (POSIX separators) when it is inside it,
    else as given: what CI on another machine can match."""
    if root is not None:
        try:
            return PurePosixPath(Path(path).resolve().relative_to(root.resolve())).as_posix()
        except (ValueError, OSError):
            pass
    return Path(path).as_posix()


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def _normal(text: str) -> str:
    return " ".join(text.split())


def claim_fingerprint(analysis_path: str, claim: Claim) -> str:
    return _digest("claim", analysis_path, claim.kind, _normal(claim.text))


def finding_fingerprint(analysis_path: str, analysis: Analysis, finding: Finding) -> str:
    texts = {claim.id: _normal(claim.text) for claim in analysis.claims}
    involved = sorted(texts.get(claim_id, claim_id) for claim_id in finding.claim_ids)
    return _digest("timeline", analysis_path, finding.rule, *involved)


@dataclass(frozen=True)
class BaselineEntry:
    fingerprint: str
    analysis: str
    what: str  # "claim" or "timeline"
    line: int
    text: str


def write_baseline(path: Path, entries: Iterable[BaselineEntry]) -> int:
    """Write the baseline file (sorted, stable bytes for a clean diff); how many entries."""
    unique = {entry.fingerprint: entry for entry in entries}
    document: dict[str, Any] = {
        "type": BASELINE_TYPE,
        "format_version": BASELINE_FORMAT,
        "results": [
            {
                "fingerprint": entry.fingerprint,
                "analysis": entry.analysis,
                "what": entry.what,
                "line": entry.line,
                "text": entry.text,
            }
            for entry in sorted(unique.values(), key=lambda e: (e.analysis, e.line, e.fingerprint))
        ],
    }
    data = (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
    atomic_write_bytes(path, data, what="write baseline", private=False)
    return len(unique)


def read_baseline(path: Path) -> set[str]:
    """The fingerprints a baseline file accepts; BadInputError (one line) when it is not one."""
    try:
        with Path(path).open("rb") as stream:
            data = stream.read(MAX_BASELINE_BYTES + 1)
    except OSError as error:
        raise BadInputError(f"cannot read baseline {path}: {error.strerror or error}") from error
    if len(data) > MAX_BASELINE_BYTES:
        raise BadInputError(f"baseline {path} is larger than {MAX_BASELINE_BYTES >> 20} MiB")
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise BadInputError(f"{path} is not a whys baseline (not valid JSON)") from error
    if not isinstance(document, dict) or document.get("type") != BASELINE_TYPE:
        raise BadInputError(f"{path} is not a whys baseline")
    results = document.get("results")
    if not isinstance(results, list) or not all(
        isinstance(item, dict) and isinstance(item.get("fingerprint"), str) for item in results
    ):
        raise BadInputError(f"{path} is a damaged whys baseline (results)")
    return {item["fingerprint"] for item in results}


def contradictions(
    analysis: Analysis,
    contradicted_claim_ids: Sequence[str],
    findings: Sequence[Finding],
    root: Path | None,
) -> list[BaselineEntry]:
    """Baseline entries for the contradicted claims and timeline errors of one analysis."""
    where = relative_path(analysis.path, root)
    claims = {claim.id: claim for claim in analysis.claims}
    entries = [
        BaselineEntry(
            claim_fingerprint(where, claims[claim_id]),
            where,
            "claim",
            claims[claim_id].line,
            _normal(claims[claim_id].text)[:200],
        )
        for claim_id in contradicted_claim_ids
        if claim_id in claims
    ]
    for finding in findings:
        if finding.severity != "error":
            continue
        lines = [claims[i].line for i in finding.claim_ids if i in claims]
        entries.append(
            BaselineEntry(
                finding_fingerprint(where, analysis, finding),
                where,
                "timeline",
                min(lines, default=1),
                f"{finding.rule}: {_normal(finding.message)[:180]}",
            )
        )
    return entries
