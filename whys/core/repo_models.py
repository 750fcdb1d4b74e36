"""The dataclasses `whys.core.repo` returns for blame, commit stats and commit detail.

Kept apart from repo.py so that the commands that only list history or search (`whys
timeline`, `whys grep`) load only what they use: repo.py imports these on first use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from whys.core.models import CommitInfo, Model, about


@dataclass(kw_only=True)
class BlameLine(Model):
    line: int = field(metadata=about("line number in the blamed file at the revision", ge=1))
    sha: str
    orig_path: str
    orig_line: int
    author_name: str = ""
    author_email: str = ""
    author_date: datetime
    summary: str = ""
    boundary: bool = field(default=False, metadata=about("history ends here (root or shallow)"))
    content: str = ""


@dataclass(kw_only=True)
class FileStat(Model):
    path: str
    old_path: str | None = field(default=None, metadata=about("set when the file was renamed"))
    added: int | None = field(default=None, metadata=about("None for binary files"))
    deleted: int | None = None


@dataclass(kw_only=True)
class CommitDetail(Model):
    info: CommitInfo
    stats: list[FileStat] = field(default_factory=list)
    diff: str = ""
    truncated: bool = field(default=False, metadata=about("the diff was cut at the size limit"))
