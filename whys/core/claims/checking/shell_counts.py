"""The result a fence gives for a command (`grep -r "x" . --include="*.py" | grep -v backup |
wc -l` then `# Result: 5`), asked again of the checked tree or history: the fixed string in
the files the command would read, or the commits `git log --since` would list."""

from __future__ import annotations

import fnmatch
import posixpath
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from whys.core.claims.checking.common import result
from whys.core.claims.checking.count_judge import judge
from whys.core.claims.shell_counts import SHELL, Command, read_command, since_days
from whys.core.models import Claim, ClaimCheck
from whys.core.repo import subjects_matching
from whys.errors import BadInputError

if TYPE_CHECKING:
    from whys.core.claims.checking.context import CheckContext


def command_of(claim: Claim) -> Command | None:
    pattern = claim.pattern or ""
    return read_command(pattern.removeprefix(SHELL)) if pattern.startswith(SHELL) else None


def wanted_strings(claims: list[Claim]) -> list[str]:
    """The fixed strings the commands grep for, to join the run's one tree search."""
    return [
        command.needle
        for claim in claims
        if (command := command_of(claim)) is not None and command.kind == "grep"
    ]


def check_shell_count(context: CheckContext, claim: Claim) -> ClaimCheck:
    command = command_of(claim)
    if command is None:
        return result(claim, "unverifiable", "the command cannot be read")
    if command.kind == "grep":
        return _grep_count(context, claim, command)
    return _log_count(context, claim, command)


def _grep_count(context: CheckContext, claim: Claim, command: Command) -> ClaimCheck:
    """Lines (or with -l, files) holding the string in the files the command reads; `grep
    -v WORD` filters are read as dropping paths holding the word."""
    search = context.tree_search
    needle = command.needle
    if command.kept or not search.searched(needle):
        why = "a filter that keeps lines" if command.kept else (search.failed or "not searched")
        return result(claim, "unverifiable", f"could not count {needle!r}: {why}")
    by_file = {
        path: n
        for path, n in search.matches_by_file(needle).items()
        if _included(path, command.includes) and not any(w in path for w in command.dropped)
    }
    noun = "files" if command.files_only else "matches"
    real = len(by_file) if command.files_only else sum(by_file.values())
    how = f"git grep -F {needle!r} at {context.revision[:12]}"
    if command.includes:
        how += f" in {', '.join(command.includes)}"
    if command.dropped:
        how += f", paths without {', '.join(command.dropped)}"
    if command.ignore_case:
        # A case-sensitive count is a lower bound of the case-blind one the command made.
        if claim.at_least and real >= (claim.count or 0):
            return judge(claim, real, search.unreadable, noun, how, [])
        return result(claim, "unverifiable", f"{real} {noun} with its case ({how}); grep -i")
    return judge(claim, real, search.unreadable, noun, how, [])


def _included(path: str, includes: list[str]) -> bool:
    name = posixpath.basename(path)
    return not includes or any(fnmatch.fnmatchcase(name, glob) for glob in includes)


def _log_count(context: CheckContext, claim: Claim, command: Command) -> ClaimCheck:
    """Commits `git log --oneline [--since="N days ago"] | grep [-i] WORD` lists, dated from
    when the analysis was committed (the author ran it then)."""
    since: datetime | None = None
    if command.since is not None:
        days = since_days(command)
        written = _written(context)
        if days is None or written is None:
            return result(claim, "unverifiable", f"the window {command.since!r} cannot be dated")
        since = written - timedelta(days=days)
    texts = command.kept or [""]
    try:
        found = subjects_matching(
            context.repo, [context.revision], texts, since=since, all_match=True
        ) if command.kept else [(info.sha, info.subject) for info in context.repo.iter_log(
            context.revision, since=since, cancel=context.cancel)]  # fmt: skip
    except BadInputError as error:
        return result(claim, "unverifiable", f"could not list the commits: {error}")
    fold = (lambda text: text.casefold()) if command.ignore_case else (lambda text: text)
    listed = [
        sha
        for sha, subject in found
        if all(fold(w) in fold(subject) for w in command.kept)
        and not any(fold(w) in fold(subject) for w in command.dropped)
    ]
    window = f" since {since:%Y-%m-%d %H:%M %z}" if since else ""
    how = f"git log --oneline{window} {context.revision[:12]}"
    if command.kept:
        how += f", subjects holding {', '.join(command.kept)}"
    return judge(claim, len(listed), 0, "commits", how, [])


def _written(context: CheckContext) -> datetime | None:
    """When the analysis was committed (else the checked revision)."""
    own = context.own.get()
    if own is not None:
        return own.first.committer_date
    try:
        return context.repo.commit_info(context.revision).committer_date
    except BadInputError:
        return None
