"""The verdict file: its shape, its canonical bytes, and reading it back.

The verdict file is canonical JSON (sorted keys, fixed indent, UTF-8, trailing newline), so
the same session always exports to the same bytes and a signature over it stays meaningful.
Building one from a session is whys.core.verdict; this module knows no session.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from whys.core.model_io import InvalidDataError, from_data, json_schema, to_json_data
from whys.core.models import (
    CheckStatus,
    Decision,
    Finding,
    IncidentWindow,
    Model,
    Verdict,
    VerdictTarget,
    about,
)
from whys.errors import BadInputError

VERDICT_FILE_TYPE = "whys-verdict"
VERDICT_FILE_FORMAT = 1

Result = Literal["approved", "rejected", "needs-evidence", "undecided"]
RESULTS: tuple[Result, ...] = ("approved", "rejected", "needs-evidence", "undecided")


@dataclass(kw_only=True)
class Verifier(Model):
    """Who produced the verdict: the tool, its version and the version of its claim checks."""

    tool: str = "whys"
    version: str
    checks_version: str


@dataclass(kw_only=True)
class Resource(Model):
    """What was audited: the repository and the revision the checks ran at."""

    repo: str = field(metadata=about("the repository folder the session audited"))
    revision: str = field(metadata=about("the revision as the auditor gave it"))
    revision_sha: str | None = field(metadata=about("the full SHA it resolved to"))


@dataclass(kw_only=True)
class VerdictRecord(Model):
    """The verdict in force on one target (the latest recorded)."""

    decision: Decision
    note: str
    auditor: str
    at: datetime
    override: bool = False
    overrode: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class CheckRecord(Model):
    status: CheckStatus
    detail: str
    suggestion: str | None = None


@dataclass(kw_only=True)
class WhyResult(Model):
    id: str
    number: int
    question: str
    line: int
    parent: str | None
    causes: list[str]
    verdict: VerdictRecord | None
    evidence_ids: list[str]


@dataclass(kw_only=True)
class ClaimResult(Model):
    id: str
    line: int
    why: str | None
    kind: str
    text: str
    check: CheckRecord | None
    verdict: VerdictRecord | None
    evidence_ids: list[str]


@dataclass(kw_only=True)
class Digest(Model):
    sha256: str


@dataclass(kw_only=True)
class EvidenceRecord(Model):
    """One evidence item, with everything `whys verify` needs to re-run it and compare."""

    id: str
    source: Literal["auditor", "check"]
    kind: str
    summary: str
    query: dict[str, Any]
    revision: str
    digest: Digest
    content: str = field(metadata=about("the result as text, credentials redacted"))
    truncated: bool
    why: str | None
    claim: str | None
    created_at: datetime
    created_by: str


@dataclass(kw_only=True)
class OverrideRecord(Model):
    target: VerdictTarget
    target_id: str | None
    note: str
    auditor: str
    at: datetime
    overrode: list[str]
    in_force: bool = field(metadata=about("false when a later verdict on the target replaced it"))


@dataclass(kw_only=True)
class AnalysisResult(Model):
    path: str
    title: str
    sha256: str = field(metadata=about("sha256 of the analysis file as audited"))
    checked_revision: str | None
    result: Result
    reason: str = field(metadata=about("one line: why the analysis got its result"))
    corrected_root_cause: str | None
    incident: IncidentWindow
    check_summary: dict[str, int]
    whys: list[WhyResult]
    claims: list[ClaimResult]
    findings: list[Finding]
    overrides: list[OverrideRecord]
    evidence: list[EvidenceRecord]
    history: list[Verdict] = field(metadata=about("every verdict recorded, oldest first"))


@dataclass(kw_only=True)
class RedactionRecord(Model):
    where: str = field(metadata=about("JSON path in this file"))
    kind: str
    count: int


@dataclass(kw_only=True)
class VerdictFile(Model):
    """A signed-off audit, shaped like a verification summary (who verified what, when, with
    which result), from one session."""

    type: Literal["whys-verdict"] = VERDICT_FILE_TYPE
    format_version: int = VERDICT_FILE_FORMAT
    verifier: Verifier
    auditors: list[str]
    time_verified: datetime = field(metadata=about("when the latest verdict was recorded"))
    resource: Resource
    result: Result
    summary: dict[str, int] = field(metadata=about("analyses per result"))
    analyses: list[AnalysisResult]
    redactions: list[RedactionRecord]


def verdict_file_schema() -> dict[str, Any]:
    return json_schema(VerdictFile)


# The summary's count of approvals given by override (only present when there is one).
APPROVED_BY_OVERRIDE = "approved-by-override"


def approved_by_override(analysis: AnalysisResult) -> bool:
    """Approved, and the approval in force is an override."""
    return analysis.result == "approved" and any(
        override.target == "analysis" and override.in_force for override in analysis.overrides
    )


def canonical_json(verdict_file: VerdictFile) -> bytes:
    """Sorted keys, two-space indent, UTF-8, one trailing newline: stable bytes to sign."""
    document = to_json_data(verdict_file)
    text = json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


class NotCanonicalError(BadInputError):
    """A verdict file whose bytes are not the canonical JSON whys writes (duplicate keys,
    other spacing or key order, extra fields): what a signature over it means is unclear."""


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise NotCanonicalError(f"duplicate key {key!r}")
        seen[key] = value
    return seen


def parse_verdict_file(
    data: bytes, source: str = "<verdict file>", *, canonical: bool = False
) -> VerdictFile:
    """A verdict file from its bytes; BadInputError (one line) when it is not one.

    With `canonical`, only the exact bytes whys writes are accepted (NotCanonicalError):
    a duplicate key (two "result"s, which JSON readers resolve differently), other
    spacing, order or fields. `whys verify` and `whys sign` ask for it."""
    try:
        document = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except NotCanonicalError as error:
        raise NotCanonicalError(
            f"{source} is not canonical JSON ({error.message}); refused"
        ) from error
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        # RecursionError: JSON nested thousands deep, which no verdict file is.
        raise BadInputError(f"{source} is not a verdict file (not valid UTF-8 JSON)") from error
    if not isinstance(document, dict) or document.get("type") != VERDICT_FILE_TYPE:
        raise BadInputError(f"{source} is not a whys verdict file")
    try:
        verdict_file = from_data(VerdictFile, document)
    except InvalidDataError as error:
        raise BadInputError(f"{source} is a damaged verdict file ({error})") from error
    if canonical and canonical_json(verdict_file) != data:
        raise NotCanonicalError(
            f"{source} is not canonical JSON (its bytes differ from what whys writes for the "
            "same content: spacing, key order or number forms); refused"
        )
    return verdict_file
