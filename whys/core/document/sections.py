"""Section roles: what a heading (or a section label) says its section is about.

The reader's own section names (root cause, fix, problem) come first, from `labels`;
the rest are listed here. A new section name is one more entry in `_ROLES`.
"""

from __future__ import annotations

import re
from typing import Literal

from whys.core.document.labels import _header_key, _section_kind, _strip_symbols
from whys.core.lazyre import lazy_compile

SectionRole = Literal[
    "problem", "root cause", "fix", "action items", "evidence", "timeline", "impact",
    "lessons",
]  # fmt: skip

_READER_ROLES: dict[str, SectionRole] = {
    "root_cause": "root cause",
    "fix": "fix",
    "problem": "problem",
}
_ROLES: tuple[tuple[SectionRole, re.Pattern[str]], ...] = (
    (
        "action items",
        lazy_compile(
            r"(?:\d+[.)]?\s*)?(?:(?:priority|immediate|suggested|short[- ]term|long[- ]term)\s+"
            r"(?:actions?|recommendations?)\b"
            r"|action items?|next steps?|follow[- ]?ups?|recommendations?"
            r"|recommended|prevention|preventive measures?|preventative measures?|todo|to do"
            r"|improvements?|remaining work|open items?)(?![a-z])"
        ),
    ),
    ("evidence", lazy_compile(r"(?:\d+[.)]?\s*)?(?:evidence|proof|findings?|verification)\b")),
    ("timeline", lazy_compile(r"(?:\d+[.)]?\s*)?(?:timeline|chronology|sequence of events)\b")),
    ("impact", lazy_compile(r"(?:\d+[.)]?\s*)?(?:(?:business |customer )?impact)\b")),
    ("lessons", lazy_compile(r"(?:\d+[.)]?\s*)?lessons?\b")),
)


def section_role(heading: str) -> SectionRole | None:
    """The role a heading's text gives its section, or None."""
    found = _section_kind(heading)
    if found is not None:
        return _READER_ROLES.get(found[0])
    key = _strip_symbols(_header_key(heading))[:120]
    for role, pattern in _ROLES:
        if pattern.match(key):
            return role
    return None
