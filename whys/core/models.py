"""The domain of an audit, as standard-library dataclasses.

Everything whys knows about an audit lives in these classes: what the analysis says
(Analysis, Why, Claim), what the repository says about it (ClaimCheck, Finding, CommitInfo,
Evidence) and what the auditor decided (Verdict). A Session holds them all and is what
gets autosaved; the verdict file is derived from it.

They are plain dataclasses, not pydantic models, so that importing them costs next to
nothing (`whys check` starts without pydantic). pydantic still guards the files: it reads
the classes, their `__pydantic_config__` and the `about(...)` metadata of their fields when
whys.core.model_io validates a session or verdict file, writes one, or builds a JSON schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Literal

SCHEMA_VERSION = 1

ClaimKind = Literal[
    "file",  # a path exists
    "lines",  # a line range holds a symbol or quoted code
    "symbol",  # a symbol is defined/used in a file
    "commit",  # a SHA (optionally with its quoted message)
    "message",  # a quoted commit message with no SHA
    "count",  # a grep count ("684 files contain X", "15+ files")
    "time",  # a date or ordering ("landed before the incident", "in revision X")
    "external",  # cloud logs, revenue, dashboards: nothing in the repo can settle it
]
CLAIM_KINDS: tuple[ClaimKind, ...] = (
    "file",
    "lines",
    "symbol",
    "commit",
    "message",
    "count",
    "time",
    "external",
)

CheckStatus = Literal["verified", "contradicted", "unverifiable"]
CHECK_STATUSES: tuple[CheckStatus, ...] = ("verified", "contradicted", "unverifiable")

Decision = Literal["approved", "rejected", "needs-evidence"]
DECISIONS: tuple[Decision, ...] = ("approved", "rejected", "needs-evidence")

VerdictTarget = Literal["analysis", "why", "claim"]

CountUnit = Literal["files", "matches", "references", "occurrences", "lines", "commits"]

TimeRelation = Literal[
    "before-incident",  # the commit landed before the incident started
    "after-incident",  # the commit landed after the incident started
    "in-revision",  # the commit is contained in (is an ancestor of) a revision
    "not-in-revision",
    "on-date",  # the commit landed on the stated date
    "before-commit",  # commit A is older than commit B
    "after-commit",
    "document-date",  # the date the analysis gives itself agrees with its own commits
    "recent-window",  # the commits listed as "recent (last week)" are, before its commit
    "added-on",  # the file a dated table row names was added on that date
    "ref-on-date",  # "PR #1054 (2025-09-14)": a commit naming #1054 landed that day
    "pr-changes",  # "PR #990 migrated X": the PR's merge or squash commit changes code
    "window-only",  # "all commits between A and B were docs changes": none changed code
]

CommitRole = Literal["cause", "fix", "mentioned"]
# How the analysis holds the claim: stated, proposed (an action item), denied, or quoted.
ClaimStance = Literal["asserted", "proposed", "negated", "quoted"]
# Where the claim was written: prose, a table row, or a code fence of some class.
ClaimOrigin = Literal[
    "prose", "table", "fence comment", "traceback", "git log", "diff", "shell", "config",
    "code", "output",
]  # fmt: skip


def about(description: str | None = None, *, ge: int | None = None) -> dict[str, Any]:
    """A field's metadata as pydantic reads it from a dataclass field: the description its
    JSON schema shows and the lower bound a file is validated against."""
    metadata: dict[str, Any] = {}
    if description is not None:
        metadata["description"] = description
    if ge is not None:
        metadata["ge"] = ge
    return metadata


class Model:
    """Base for all whys models: unknown keys are errors, so a typo in a session shows.

    Subclasses are `@dataclass(kw_only=True)`; the config is what pydantic applies when it
    validates one (a plain dict: pydantic's ConfigDict would import pydantic)."""

    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}


@dataclass(kw_only=True)
class Section(Model):
    """A block of the analysis (root cause, fix, problem) with its place in the file."""

    heading: str = ""
    text: str = ""
    line: int = field(metadata=about("1-based line of the heading or label", ge=1))
    end_line: int = field(metadata=about(ge=1))


@dataclass(kw_only=True)
class IncidentWindow(Model):
    """When the failure happened and what was running, as read from the analysis or set."""

    start: datetime | None = None
    end: datetime | None = None
    detected: datetime | None = None
    deployed_revision: str | None = None
    title_date: datetime | None = None
    # Where each value came from: "analysis:LINE" or "auditor".
    sources: dict[str, str] = field(default_factory=dict)


@dataclass(kw_only=True)
class Why(Model):
    """One level of the chain. `causes` lets a why branch into several deeper whys."""

    id: str = field(metadata=about('stable within the analysis: "1", "2", "3b"'))
    number: int = field(metadata=about("the number the author gave it (0 when unnumbered)", ge=0))
    question: str = ""
    answer: str = ""
    text: str = field(default="", metadata=about("the full text of the why's block"))
    line: int = field(metadata=about(ge=1))
    end_line: int = field(metadata=about(ge=1))
    parent: str | None = field(default=None, metadata=about("id of the why this one explains"))
    causes: list[str] = field(
        default_factory=list, metadata=about("ids of the whys below this one")
    )


@dataclass(kw_only=True)
class Claim(Model):
    """One checkable statement in the analysis. Fields beyond `text` are what was parsed."""

    id: str = field(metadata=about('stable within the analysis, in document order: "c1", "c2"'))
    line: int = field(metadata=about("1-based line in the analysis file", ge=1))
    why: str | None = field(default=None, metadata=about("id of the why it belongs to"))
    kind: ClaimKind
    text: str = field(metadata=about("the claim as written (the sentence or bullet)"))
    in_code_fence: bool = False
    path: str | None = None
    line_start: int | None = None
    line_end: int | None = None
    line_numbers: list[int] = field(default_factory=list, metadata=about("for 'lines 74, 77, 88'"))
    symbol: str | None = None
    quoted_code: str | None = None
    sha: str | None = None
    message: str | None = None
    count: int | None = None
    at_least: bool = field(default=False, metadata=about('"15+" means at least 15'))
    count_unit: CountUnit | None = None
    pattern: str | None = field(default=None, metadata=about("what was counted, as written"))
    relation: TimeRelation | None = None
    when: datetime | None = None
    other_sha: str | None = field(default=None, metadata=about("the second commit of a relation"))
    revision: str | None = field(default=None, metadata=about("the revision named by the claim"))
    role: CommitRole | None = None
    stance: ClaimStance = "asserted"
    origin: ClaimOrigin = "prose"
    names: list[str] = field(default_factory=list, metadata=about("code names the text gives"))
    clock: str | None = field(
        default=None, metadata=about('"by 03:44": a time claim\'s clock time')
    )
    approximate: bool = field(default=False, metadata=about('"~03:44", "around": slack allowed'))
    lent: bool = field(default=False, metadata=about("its commit was taken from a line near it"))
    context_names: list[str] = field(
        default_factory=list, metadata=about("code names the bullets next to it give")
    )
    described: str | None = field(
        default=None, metadata=about("what a line range is said to hold, in words")
    )
    said_defined: bool = field(
        default=False, metadata=about('"line 9 defines `f`": the definition is on that line')
    )
    said_used: bool = field(
        default=False, metadata=about('"`X` is used in `f.py`": the name\'s text is in the file')
    )


@dataclass(kw_only=True)
class CommitInfo(Model):
    sha: str
    subject: str
    message: str = ""
    author_name: str = ""
    author_email: str = ""
    author_date: datetime
    committer_name: str = ""
    committer_email: str = ""
    committer_date: datetime
    parents: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class Evidence(Model):
    """Something pinned to a why or claim. Re-runnable: `query` says how it was obtained."""

    id: str
    kind: Literal["grep", "count", "commit", "file", "blame", "log", "pickaxe", "check"]
    summary: str = field(metadata=about("one line a person reads"))
    query: dict[str, Any] = field(
        metadata=about('how it was obtained, e.g. {"op": "grep", "pattern": ..., "options": ...}')
    )
    revision: str = field(metadata=about("full SHA the evidence was taken at"))
    content: str = field(default="", metadata=about("the result as text (may be truncated)"))
    content_sha256: str = field(metadata=about("sha256 of the full normalised result"))
    truncated: bool = False
    why: str | None = None
    claim: str | None = None
    created_at: datetime
    created_by: str = ""


@dataclass(kw_only=True)
class ClaimCheck(Model):
    claim_id: str
    status: CheckStatus
    detail: str
    suggestion: str | None = None
    evidence: list[Evidence] = field(default_factory=list)


# Every rule a timeline finding can come from, in the order reports list them.
TIMELINE_RULES: tuple[str, ...] = (
    "cause-after-incident",
    "fix-not-in-revision",
    "fix-before-cause",
    "unreachable-from-deployed",
    "dates-diverge",
    "outside-window",
)


@dataclass(kw_only=True)
class Finding(Model):
    """A timeline inconsistency: what cannot be true, and which claims say it."""

    rule: str = field(metadata=about('e.g. "cause-after-incident", "fix-not-in-revision"'))
    severity: Literal["error", "warning"]
    message: str
    claim_ids: list[str] = field(default_factory=list)
    commits: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class Verdict(Model):
    target: VerdictTarget
    target_id: str | None = field(
        default=None, metadata=about("why or claim id; None for analysis")
    )
    decision: Decision
    note: str = ""
    auditor: str
    at: datetime
    override: bool = field(
        default=False, metadata=about("approved despite a rejected why or contradicted claim")
    )
    overrode: list[str] = field(
        default_factory=list, metadata=about("what the override approved over, one phrase each")
    )


@dataclass(kw_only=True)
class Analysis(Model):
    """One Five Whys document as read, with every element keeping its line number."""

    path: str
    title: str = ""
    sha256: str
    line_count: int = 0
    problem: Section | None = None
    incident: IncidentWindow = field(default_factory=IncidentWindow)
    whys: list[Why] = field(default_factory=list)
    root_cause: Section | None = None
    fix: Section | None = None
    claims: list[Claim] = field(default_factory=list)
    warnings: list[str] = field(
        default_factory=list, metadata=about("what the reader could not take as written")
    )

    @property
    def has_why_chain(self) -> bool:
        return bool(self.whys)


@dataclass(kw_only=True)
class AnalysisAudit(Model):
    """An analysis in a session: its checks, findings, evidence and verdicts."""

    analysis: Analysis
    checked_revision: str | None = field(default=None, metadata=about("full SHA of the checks"))
    checks: list[ClaimCheck] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    verdicts: list[Verdict] = field(
        default_factory=list, metadata=about("every verdict recorded, oldest first; latest wins")
    )
    corrected_root_cause: str | None = None


@dataclass(kw_only=True)
class Session(Model):
    schema_version: int = SCHEMA_VERSION
    repo: str = field(metadata=about("absolute path of the repository audited"))
    revision: str = field(default="HEAD", metadata=about("the revision as the auditor gave it"))
    revision_sha: str | None = None
    created_at: datetime
    updated_at: datetime
    analyses: list[AnalysisAudit] = field(default_factory=list)
    ui: dict[str, Any] = field(
        default_factory=dict, metadata=about("where the auditor was (selection, panel)")
    )
