"""Messages the workbench's thread workers post. Past tense: each says what happened.

Workers never touch widgets; they post one of these and an `@on` handler on the main
thread changes state (the session, through the core) and hands attributes down.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.message import Message

from whys.core.models import Evidence


@dataclass
class WorkProgressed(Message):
    """Slow work is still running; `text` replaces the previous progress line."""

    group: str
    text: str

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, WorkProgressed) and message.group == self.group


@dataclass
class WorkFailed(Message):
    """A worker hit a known error; shown as a notification, never a traceback."""

    group: str
    error: str


@dataclass
class SearchHitsFound(Message):
    """A batch of grep hits (batched so a million hits do not flood the queue)."""

    search_id: int
    hits: list[Any]


@dataclass
class SearchFinished(Message):
    search_id: int
    total: int
    cancelled: bool
    capped: bool
    note: str = ""


@dataclass
class TimelineLoaded(Message):
    """The picture's data, built in the worker (whys.tui.widgets.timeline.TimelineData)."""

    scan_id: int
    data: Any
    label: str
    cancelled: bool = False


@dataclass
class CommitLoaded(Message):
    detail: Any
    refs: tuple[list[str], list[str]] = field(default_factory=lambda: ([], []))


@dataclass
class BlameLoaded(Message):
    """A blame ran (whys.tui.screens.blame.BlameRequest, pinned to a full SHA)."""

    request: Any
    lines: list[Any]
    ignore_revs_file: str | None = None


@dataclass
class FileLoaded(Message):
    path: str
    revision: str
    line: int
    text: str | None


@dataclass
class ChecksFinished(Message):
    """Checks ran to the end; `checked` is what `whys.core.audit.check_analyses` returned,
    `kept` how many analyses kept their checks on record instead (still valid)."""

    checked: list[Any]
    kept: int = 0


@dataclass
class ExportFinished(Message):
    paths: list[str]
    summary: str = ""


@dataclass
class EvidenceCollected(Message):
    """A query ran and its result is pinned; the handler attaches it to the session."""

    analysis_index: int
    evidence: Evidence
