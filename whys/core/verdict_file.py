"""The verdict file: its shape, its canonical bytes, and reading it back.

The verdict file is canonical JSON (sorted keys, fixed indent, UTF-8, trailing newline), so
the same session always exports to the same bytes and a signature over it stays meaningful.
Building one from a session is whys.core.verdict; this module knows no session.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import Field, ValidationError

from whys.core.models import (
    CheckStatus,
    Decision,
    Finding,
    IncidentWindow,
    Model,
    Verdict,
    VerdictTarget,
)
from whys.errors import BadInputError

VERDICT_FILE_TYPE = "whys-verdict"
VERDICT_FILE_FORMAT = 1

Result = Literal["approved", "rejected", "needs-evidence", "undecided"]
RESULTS: tuple[Result, ...] = ("approved", "rejected", "needs-evidence", "undecided")


class Verifier(Model):
    """Who produced the verdict: the tool, its version and the version of its claim checks."""

    tool: str = "whys"
    version: str
    checks_version: str


class Resource(Model):
    """What was audited: the repository and the revision the checks ran at."""

    repo: str = Field(description="the repository folder the session audited")
    revision: str = Field(description="the revision as the auditor gave it")
    revision_sha: str | None = Field(description="the full SHA it resolved to")


class VerdictRecord(Model):
    """The verdict in force on one target (the latest recorded)."""

    decision: Decision
    note: str
    auditor: str
    at: datetime
    override: bool = False
    overrode: list[str] = Field(default_factory=list)


class CheckRecord(Model):
    status: CheckStatus
    detail: str
    suggestion: str | None = None


class WhyResult(Model):
    id: str
    number: int
    question: str
    line: int
    parent: str | None
    causes: list[str]
    verdict: VerdictRecord | None
    evidence_ids: list[str]


class ClaimResult(Model):
    id: str
    line: int
    why: str | None
    kind: str
    text: str
    check: CheckRecord | None
    verdict: VerdictRecord | None
    evidence_ids: list[str]


class Digest(Model):
    sha256: str


class EvidenceRecord(Model):
    """One evidence item, with everything `whys verify` needs to re-run it and compare."""

    id: str
    source: Literal["auditor", "check"]
    kind: str
    summary: str
    query: dict[str, Any]
    revision: str
    digest: Digest
    content: str = Field(description="the result as text, credentials redacted")
    truncated: bool
    why: str | None
    claim: str | None
    created_at: datetime
    created_by: str


class OverrideRecord(Model):
    target: VerdictTarget
    target_id: str | None
    note: str
    auditor: str
    at: datetime
    overrode: list[str]
    in_force: bool = Field(description="false when a later verdict on the target replaced it")


class AnalysisResult(Model):
    path: str
    title: str
    sha256: str = Field(description="sha256 of the analysis file as audited")
    checked_revision: str | None
    result: Result
    reason: str = Field(description="one line: why the analysis got its result")
    corrected_root_cause: str | None
    incident: IncidentWindow
    check_summary: dict[str, int]
    whys: list[WhyResult]
    claims: list[ClaimResult]
    findings: list[Finding]
    overrides: list[OverrideRecord]
    evidence: list[EvidenceRecord]
    history: list[Verdict] = Field(description="every verdict recorded, oldest first")


class RedactionRecord(Model):
    where: str = Field(description="JSON path in this file")
    kind: str
    count: int


class VerdictFile(Model):
    """A signed-off audit, shaped like a verification summary (who verified what, when, with
    which result), from one session."""

    type: Literal["whys-verdict"] = VERDICT_FILE_TYPE
    format_version: int = VERDICT_FILE_FORMAT
    verifier: Verifier
    auditors: list[str]
    time_verified: datetime = Field(description="when the latest verdict was recorded")
    resource: Resource
    result: Result
    summary: dict[str, int] = Field(description="analyses per result")
    analyses: list[AnalysisResult]
    redactions: list[RedactionRecord]


def verdict_file_schema() -> dict[str, Any]:
    return VerdictFile.model_json_schema()


# The summary's count of approvals given by override (only present when there is one).
APPROVED_BY_OVERRIDE = "approved-by-override"


def approved_by_override(analysis: AnalysisResult) -> bool:
    """Approved, and the approval in force is an override."""
    return analysis.result == "approved" and any(
        override.target == "analysis" and override.in_force for override in analysis.overrides
    )


def canonical_json(verdict_file: VerdictFile) -> bytes:
    """Sorted keys, two-space indent, UTF-8, one trailing newline: stable bytes to sign."""
    document = verdict_file.model_dump(mode="json")
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
        verdict_file = VerdictFile.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "top level"
        raise BadInputError(
            f"{source} is a damaged verdict file ({where}: {first.get('msg', 'invalid')})"
        ) from error
    if canonical and canonical_json(verdict_file) != data:
        raise NotCanonicalError(
            f"{source} is not canonical JSON (its bytes differ from what whys writes for the "
            "same content: spacing, key order or number forms); refused"
        )
    return verdict_file
