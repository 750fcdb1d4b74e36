"""The pydantic models `whys.core.repo` returns for blame, commit stats and commit detail.

Kept apart from repo.py so that the commands that only list history or search (`whys
timeline`, `whys grep`) start without pydantic: repo.py imports these on first use.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from whys.core.models import CommitInfo, Model


class BlameLine(Model):
    line: int = Field(ge=1, description="line number in the blamed file at the revision")
    sha: str
    orig_path: str
    orig_line: int
    author_name: str = ""
    author_email: str = ""
    author_date: datetime
    summary: str = ""
    boundary: bool = Field(default=False, description="history ends here (root or shallow)")
    content: str = ""


class FileStat(Model):
    path: str
    old_path: str | None = Field(default=None, description="set when the file was renamed")
    added: int | None = Field(default=None, description="None for binary files")
    deleted: int | None = None


class CommitDetail(Model):
    info: CommitInfo
    stats: list[FileStat] = Field(default_factory=list)
    diff: str = ""
    truncated: bool = Field(default=False, description="the diff was cut at the size limit")
