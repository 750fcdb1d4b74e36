"""Counts written inside fences: a command and its result (`grep -r "x" . | wc -l` then
`# Result: 5`), a comment with a figure (`# Only 5 await get_manager calls remain`), a
tree diagram's leaf (`└── Used by 15+ test files` under `├── RealConfig`).

The command is read, never run: a few shapes of `grep` and `git log` piped to `wc -l` are
understood (what is searched, in which files, which lines are filtered out), and the check
asks the same of the tree or the history. Pure: no git.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from whys.core.claims.drafts import Draft
from whys.core.claims.mentions import LineMentions
from whys.core.lazyre import lazy_compile

# How a count of what a command printed is written as its pattern: `shell: <command>`.
SHELL = "shell: "
# "# Result: 5 (ALL in test files only)", "# Output: 62+ commits".
_RESULT = lazy_compile(
    r"^\s*(?:#|//)\s*(?:result|output|returns?|count)\s*:?\s*(?P<number>\d{1,6})(?P<plus>\+)?"
    r"(?![\d.:%])",
    re.IGNORECASE,
)
# "# Only 5 await get_manager calls remain", "# 12 usages of `x` found".
_COMMENT_COUNT = lazy_compile(
    r"^\s*(?:#|//)\s*(?:only\s+|still\s+)?(?P<number>\d{1,6})(?P<plus>\+)?\s+"
    r"(?P<words>(?:[\w.`()]+\s+){1,3}?)(?P<unit>calls|usages|references|occurrences|uses)\b",
    re.IGNORECASE,
)
# "└── Used by 15+ test files", "│   ├── 12 files import it".
_TREE = lazy_compile(r"^[\s\u2502|]*[\u251c\u2514`+]\u2500*\s*")
_TREE_FIGURE = lazy_compile(
    r"(?<![\w.,])(?P<number>\d{1,6})(?P<plus>\+)?\s+(?P<scope>(?:test\s+)?)files?\b",
    re.IGNORECASE,
)
_IDENTIFIER = lazy_compile(r"\b([A-Za-z_][A-Za-z0-9_]*(?:[A-Z_][A-Za-z0-9_]*)+)\b")


def fence_counts(line: LineMentions) -> list[Draft]:
    """The count claims a fence line makes (only comments and tree-diagram leaves)."""
    raw = line.raw
    match = _RESULT.match(raw)
    if match:
        rest = raw[match.end() : match.end() + 40].lower()
        unit = "commits" if "commit" in rest else "files" if " file" in rest[:12] else None
        return [_draft(match, unit or "occurrences")]
    match = _COMMENT_COUNT.match(raw)
    if match:
        words = match.group("words").replace("`", "").split()
        name = words[-1].removesuffix("()")
        if _IDENTIFIER.fullmatch(name) or "_" in name:
            calls = match.group("unit").lower() == "calls"
            pattern = " ".join([*words[:-1], name]) + ("(" if calls else "")
            return [_draft(match, "matches", pattern=pattern)]
        return []
    tree = _TREE.match(raw)
    if tree:
        figure = _TREE_FIGURE.search(raw, tree.end())
        if figure:
            described = "test" if figure.group("scope").strip() else None
            return [_draft(figure, "files", described=described)]
    # "- agents.registry.AgentRegistry (64 methods)" in a program's output: a figure it
    # printed of what git cannot count; listed, unverifiable.
    return [_draft(m, "occurrences", uncounted=True) for m in _BRACKETED.finditer(raw)][:2]


_BRACKETED = lazy_compile(
    r"\((?P<number>\d{1,6})(?P<plus>\+)?\s+(?:methods|classes|implementations|violations"
    r"|definitions|tests|failures|errors)\)",
    re.IGNORECASE,
)


def _draft(match: re.Match[str], unit: str, **fields: object) -> Draft:
    return Draft(
        match.start("number"),
        "count",
        count=int(match.group("number")),
        at_least=bool(match.group("plus")),
        count_unit=unit,  # type: ignore[arg-type]
        **fields,  # type: ignore[arg-type]
    )


# How far up a fence a result's command or a leaf's parent node may be.
FENCE_LOOKBACK = 6


def fence_subject(lines: list[str], index: int) -> str | None:
    """What a figure in a fence counts: the command a `# Result:` line answers (the last
    command line above it), or the name of the node a tree leaf hangs from."""
    raw = lines[index]
    if _RESULT.match(raw):
        for at in range(index - 1, max(-1, index - FENCE_LOOKBACK - 1), -1):
            text = lines[at].strip()
            if text.startswith(("```", "~~~")):
                return None
            if text and not text.startswith(("#", "//")):
                return SHELL + text if read_command(text) else None
        return None
    tree = _TREE.match(raw)
    if tree is None:
        return None
    depth = tree.end()
    for at in range(index - 1, max(-1, index - 3 * FENCE_LOOKBACK), -1):
        text = lines[at]
        if text.strip().startswith(("```", "~~~")):
            return None
        parent = _TREE.match(text)
        start = parent.end() if parent else len(text) - len(text.lstrip())
        if start < depth:
            # "├── RealWebSocketTestConfig (BROKEN)": a node named by code, not by prose.
            name = _NODE_NAME.match(text[start:])
            return name.group(1) if name and _code_like(name.group(1)) else None
    return None


_NODE_NAME = lazy_compile(r"[`*]*([A-Za-z_][A-Za-z0-9_.]*[A-Za-z0-9_])\b")


def _code_like(name: str) -> bool:
    """`RealConfig`, `get_config`, `app.config` yes; `SSOT`, `Import` no."""
    word = name.rsplit(".", 1)[-1]
    mixed = any(c.islower() for c in word) and any(c.isupper() for c in word[1:])
    return mixed or "_" in word.strip("_")


@dataclass
class Command:
    """What a `grep ... | wc -l` or `git log ... | wc -l` counts."""

    kind: str  # "grep" or "log"
    needle: str = ""
    files_only: bool = False  # grep -l: files, not lines
    ignore_case: bool = False
    includes: list[str] = field(default_factory=list)  # --include=*.py
    dropped: list[str] = field(default_factory=list)  # | grep -v backup
    kept: list[str] = field(default_factory=list)  # | grep -i websocket
    since: str | None = None  # git log --since="2 days ago"


_SINCE_AGO = lazy_compile(r"^(\d{1,3})\s+(day|week)s?\s+ago$", re.IGNORECASE)


def read_command(text: str) -> Command | None:
    """The shapes understood: `grep -r[ilnE] PATTERN [PATH] [--include=G]` or `git log
    [--oneline] [--since=...]`, then `| grep [-v|-i] WORD` filters, ending in `| wc -l`."""
    stages = [stage.strip() for stage in text.strip().removeprefix("$ ").split("|")]
    if len(stages) < 2 or stages[-1].replace(" ", "") != "wc-l":
        return None
    try:
        words = [shlex.split(stage) for stage in stages[:-1]]
    except ValueError:
        return None
    command = _source(words[0])
    if command is None:
        return None
    for stage in words[1:]:
        if not stage or stage[0] != "grep" or len(stage) < 2:
            return None
        flags = "".join(w[1:] for w in stage[1:-1] if w.startswith("-"))
        word = stage[-1]
        if set(flags) - {"v", "i", "F"}:
            return None
        (command.dropped if "v" in flags else command.kept).append(word)
        command.ignore_case = command.ignore_case or "i" in flags
    return command


def _source(words: list[str]) -> Command | None:
    if words[:2] == ["git", "log"]:
        command = Command("log")
        for word in words[2:]:
            if word.startswith("--since="):
                command.since = word.removeprefix("--since=")
            elif word not in {"--oneline", "--no-merges"}:
                return None
        return command
    if not words or words[0] not in {"grep", "rg"}:
        return None
    command = Command("grep")
    rest: list[str] = []
    for word in words[1:]:
        if word.startswith("--include="):
            command.includes.append(word.removeprefix("--include="))
        elif word.startswith("-") and not rest:
            flags = set(word[1:])
            if flags - {"r", "R", "l", "n", "i", "F", "E", "w"} or "E" in flags:
                return None  # a regex (-E) is not read here
            command.files_only = command.files_only or "l" in flags
            command.ignore_case = command.ignore_case or "i" in flags
        else:
            rest.append(word)
    if not rest or len(rest) > 2 or (len(rest) == 2 and rest[1] not in {".", "./"}):
        return None
    command.needle = rest[0]
    return command


def since_days(command: Command) -> int | None:
    """The days of `--since="2 days ago"`, the only relative window read."""
    match = _SINCE_AGO.match((command.since or "").strip())
    if match is None:
        return None
    return int(match.group(1)) * (7 if match.group(2).lower() == "week" else 1)
