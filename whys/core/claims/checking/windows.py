"""Checks of time claims over whole days, and of what a numbered issue or PR changed (the
shapes of `whys.core.claims.time_shapes`).

A day is read as an auditor reads a date: in the commit author's own zone or in UTC. A
window is contradicted only by a commit outside it on both readings.
"""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from whys.core.claims.checking.common import result
from whys.core.claims.checking.own import added, mentions_number
from whys.core.claims.checking.paths import resolve_path
from whys.core.claims.time_shapes import ADDED
from whys.core.document.dates import NO_YEAR
from whys.core.lazyre import lazy_compile
from whys.core.models import Claim, ClaimCheck, CommitInfo
from whys.core.repo import subjects_matching
from whys.errors import BadInputError

if TYPE_CHECKING:
    from whys.core.claims.checking.context import CheckContext

# Commits of a window whose changed files are read, at most (one `git diff-tree` each).
MAX_WINDOW_COMMITS = 60
# How far below a "files created ..." line its listing of files may run.
LISTING_LINES = 25
# Documentation: what a PR that "changed the code" must change more than.
_DOCS = lazy_compile(
    r"\.(?:md|rst|txt|adoc)$|(?:^|/)docs?/|(?:^|/)(?:README|CHANGELOG|LICENSE)", re.IGNORECASE
)
# Test code, and code of any kind: what "docs/config/test changes" may and may not touch.
_TESTS = lazy_compile(r"(?:^|/)[\w.-]*tests?[\w.-]*/|(?:^|/)test_[^/]*$|_test\.\w+$", re.I)
_CODE = lazy_compile(
    r"\.(?:py|pyi|js|jsx|ts|tsx|mjs|go|java|kt|rb|rs|cs|cpp|cc|c|h|hpp|php|scala|swift|sh)$"
)


def window(claim: Claim, context: CheckContext | None = None) -> tuple[date, date] | None:
    """The first and last day a claim's window covers. A range written without a year
    ("Sept 15-16") in a document that dates nothing else is in the year of its commit."""
    if claim.when is None:
        return None
    first = claim.when.date()
    if first.year == NO_YEAR:
        year = _year_written(context) if context is not None else None
        if year is None:
            return None
        with contextlib.suppress(ValueError):
            first = first.replace(year=year)
        if first.year == NO_YEAR:
            return None
    return first, first + timedelta(days=max(1, claim.count or 1) - 1)


def _year_written(context: CheckContext) -> int | None:
    """The year the analysis was committed (else the checked revision's)."""
    own = context.own.get()
    if own is not None:
        return own.first.author_date.year
    with contextlib.suppress(BadInputError):
        return context.repo.commit_info(context.revision).author_date.year
    return None


def on_days(moment: datetime, first: date, last: date) -> bool:
    """Whether the moment falls on one of the days, in its own zone or in UTC."""
    return any(first <= day <= last for day in (moment.date(), moment.astimezone(UTC).date()))


def inside(moment: datetime, first: date, last: date) -> bool:
    """Whether the moment falls on one of the days in its own zone and in UTC."""
    return all(first <= day <= last for day in (moment.date(), moment.astimezone(UTC).date()))


def days_said(first: date, last: date) -> str:
    return f"{first}" if first == last else f"{first} to {last}"


def _local(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M %z}".strip()


def _bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """A git window holding every moment that is on those days somewhere."""
    start = datetime(first.year, first.month, first.day, tzinfo=UTC) - timedelta(days=1)
    end = datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=2)
    return start, end


def check_changed_in_window(context: CheckContext, claim: Claim) -> ClaimCheck:
    """A file named under a dated heading: a commit changed it on those days. Finding none
    is not evidence: the entry may be about changes to other files."""
    days = window(claim, context)
    resolved = resolve_path(claim.path or "", context.tree.files, context.tree.by_name)
    if days is None or not resolved.matches:
        return result(claim, "unverifiable", f"`{claim.path}` names no file of the tree to date")
    first, last = days
    since, until = _bounds(first, last)
    for path in sorted(resolved.matches, key=_likeliest)[:5]:
        commits: list[CommitInfo] = []
        with contextlib.suppress(BadInputError):
            commits = list(
                context.repo.iter_log(
                    context.revision, paths=(path,), since=since, until=until, max_count=50
                )
            )
        for info in commits:
            if len(info.parents) == 1 and on_days(info.author_date, first, last):
                return result(
                    claim,
                    "verified",
                    f'{path} was changed by {info.sha[:10]} "{info.subject[:70]}", authored '
                    f"{_local(info.author_date)}: within {days_said(first, last)}",
                )
    return result(
        claim,
        "unverifiable",
        f"no commit changed {', '.join(resolved.matches[:3])} on {days_said(first, last)}; "
        "the entry may be about other files",
    )


def _likeliest(path: str) -> tuple[bool, int]:
    """Candidates for a bare name, the working copy first: backups and copies last."""
    return "backup" in path.lower(), len(path)


def _one_file(context: CheckContext, written: str) -> str | None:
    """The file a name means: the one match, or the one that is not a backup copy."""
    matches = resolve_path(written, context.tree.files, context.tree.by_name).matches
    working = [path for path in matches if "backup" not in path.lower()]
    if len(matches) == 1:
        return matches[0]
    return working[0] if len(working) == 1 else None


def listed_files(context: CheckContext, claim: Claim) -> list[str]:
    """The files named on the lines just below the claim (its listing), as written."""
    found: list[str] = []
    previous = claim.line
    for other in context.analysis.claims:
        if other.line > claim.line and other.kind == "time" and other.relation == "added-on":
            break  # the next listing's
        if other.line <= claim.line or other.kind != "file" or not other.path:
            continue
        if other.line - previous > 6 or other.line > claim.line + LISTING_LINES:
            break
        previous = other.line
        if other.path not in found:
            found.append(other.path)
    return found


def check_listed_added(context: CheckContext, claim: Claim) -> ClaimCheck:
    """ "Test files created Sept 15-16" above a listing: each listed file was added on those
    days; one added on another day on both readings contradicts it."""
    days = window(claim, context)
    if days is None:
        return result(claim, "unverifiable", "no date could be read")
    first, last = days
    seen: list[str] = []
    outside: list[str] = []
    for written in listed_files(context, claim):
        path = _one_file(context, written)
        if path is None:
            continue
        info = added(context, path)
        if info is None:
            continue
        said = f"{path} added by {info.sha[:10]} {_local(info.author_date)}"
        if not first <= info.author_date.date() <= last:
            said += f" ({info.author_date.astimezone(UTC):%Y-%m-%d %H:%M} UTC)"
        seen.append(said)
        if not on_days(info.author_date, first, last):
            outside.append(said)
    if not seen:
        return result(claim, "unverifiable", "no file listed under it could be dated")
    listing = "; ".join(seen[:4]) + ("; ..." if len(seen) > 4 else "")
    if outside:
        return result(
            claim, "contradicted", f"{outside[0]}: not on {days_said(first, last)} ({listing})"
        )
    return result(
        claim, "verified", f"every listed file was added on {days_said(first, last)}: {listing}"
    )


# "#824", "Issue #824", "issue-824", "PR 824" in a message: the number of an issue or PR.
def _names_number(info: CommitInfo, number: str) -> bool:
    digits = number.lstrip("#")
    text = info.message or info.subject
    return mentions_number(info, number) or bool(
        re.search(rf"(?:issue|pr)[-_ ]?{digits}(?!\d)", text, re.IGNORECASE)
    )


def _first_naming(context: CheckContext, number: str) -> CommitInfo | None:
    """The oldest commit reachable from the revision whose message names the number."""
    digits = number.lstrip("#")
    found = subjects_matching(context.repo, [context.revision], [digits])
    infos = context.repo.commits_info([sha for sha, _ in found]) if found else {}
    naming = [info for info in infos.values() if _names_number(info, number)]
    return min(naming, key=lambda info: info.committer_date) if naming else None


def check_reference_added(context: CheckContext, claim: Claim) -> ClaimCheck:
    """ "Issue #824 created `unified_manager.py`": the commit that added the file names the
    issue (verified); a file that existed days before any commit names the issue was not
    created by it (contradicted); otherwise unsettled."""
    number = claim.pattern or ""
    path = _one_file(context, claim.path or "")
    if path is None:
        return result(claim, "unverifiable", f"`{claim.path}` names no one file of the tree")
    info = added(context, path)
    if info is None:
        return result(claim, "unverifiable", f"no commit adds {path}")
    made = f'{path} was added by {info.sha[:10]} "{info.subject[:70]}" {_local(info.author_date)}'
    if _names_number(info, number):
        return result(claim, "verified", f"{made}, which names {number}")
    first = _first_naming(context, number)
    if first is None:
        return result(claim, "unverifiable", f"{made}; no commit message names {number}")
    if info.committer_date < first.committer_date - timedelta(days=1):
        return result(
            claim,
            "contradicted",
            f"{made}, which does not name {number}; the first commit naming {number} is "
            f'{first.sha[:10]} "{first.subject[:70]}" {_local(first.author_date)}',
        )
    return result(
        claim,
        "unverifiable",
        f"{made}, which does not name {number}; the first commit naming it is {first.sha[:10]} "
        f"{_local(first.author_date)}",
    )


def _pull_request_commits(context: CheckContext, number: str) -> list[CommitInfo]:
    """The merge or squash commits of a PR: "... (#990)", "Merge pull request #990 ..."."""
    digits = number.lstrip("#")
    shape = re.compile(
        rf"\(#{digits}\)\s*$|^Merge (?:pull request|PR) #{digits}(?!\d)", re.IGNORECASE
    )
    found = [sha for sha, subject in subjects_matching(context.repo, [context.revision], [number])
             if shape.search(subject)]  # fmt: skip
    infos = context.repo.commits_info(found[:5]) if found else {}
    return [infos[sha] for sha in found[:5] if sha in infos]


def _changed(context: CheckContext, info: CommitInfo) -> list[str] | None:
    if not info.parents:
        return None
    try:
        return context.repo.changed_paths(info.parents[0], info.sha)
    except BadInputError:
        return None


def check_pr_changes(context: CheckContext, claim: Claim) -> ClaimCheck:
    """ "PR #990 migrated X": a PR whose merge or squash commits change documentation only
    changed no code (contradicted); one that changes code may or may not have done X."""
    number = claim.pattern or ""
    commits = _pull_request_commits(context, number)
    if not commits:
        return result(claim, "unverifiable", f"no merge or squash commit names PR {number}")
    paths: list[str] = []
    for info in commits:
        changed = _changed(context, info)
        if changed is None:
            return result(claim, "unverifiable", f"the changes of {info.sha[:10]} cannot be read")
        paths += changed
    named = ", ".join(f'{c.sha[:10]} "{c.subject[:60]}"' for c in commits)
    code = [p for p in paths if not _DOCS.search(p)]
    if paths and not code:
        listed = ", ".join(paths[:3]) + (", ..." if len(paths) > 3 else "")
        return result(
            claim,
            "contradicted",
            f"PR {number} is {named}, which changes documentation only: {listed}",
        )
    return result(
        claim,
        "unverifiable",
        f"PR {number} is {named}, changing {len(code)} file(s) beyond documentation; what the "
        "change did is not settled by its paths",
    )


def _allowed(path: str, kinds: set[str]) -> bool:
    """Whether a changed path is of the kinds of change the claim allows."""
    if not _CODE.search(path):
        return True  # not code: documentation, configuration, data
    return bool({"test", "tests"} & kinds) and bool(_TESTS.search(path))


def check_window_only(context: CheckContext, claim: Claim) -> ClaimCheck:
    """ "All commits between A and B were configuration/documentation changes except #N":
    a commit on those days (on both readings), not naming #N, that changed code
    contradicts it; verified when every such commit was read and none did."""
    days = window(claim, context)
    if days is None:
        return result(claim, "unverifiable", "no window could be read")
    first, last = days
    said = (claim.pattern or "").split(" except ")
    kinds = set(said[0].split()[1:])
    excepted = said[1] if len(said) > 1 else None
    since, until = _bounds(first, last)
    own = context.own.get()
    mine = {info.sha for info in own.commits} if own is not None else set()
    commits = [
        info
        for info in context.own.landed_between(since, until)
        if inside(info.author_date, first, last)
        and info.sha not in mine  # the analysis's own commits are not what it describes
        and len(info.parents) == 1
        and not (excepted and _names_number(info, excepted))
    ]
    example: tuple[CommitInfo, list[str]] | None = None
    for info in commits[:MAX_WINDOW_COMMITS]:
        changed = _changed(context, info) or []
        code = [path for path in changed if not _allowed(path, kinds)]
        if code and (example is None or not all(_TESTS.search(p) for p in code)):
            example = (info, code)
            if not all(_TESTS.search(p) for p in code):
                break  # code beyond tests: the plainest example
    if example is not None:
        info, code = example
        code.sort(key=lambda path: bool(_TESTS.search(path)))
        more = f" and {len(code) - 1} more" if len(code) > 1 else ""
        return result(
            claim,
            "contradicted",
            f'{info.sha[:10]} "{info.subject[:70]}" ({_local(info.author_date)}) changed '
            f"code: {code[0]}{more}; {len(commits)} commits on {days_said(first, last)}"
            + (f" do not name {excepted}" if excepted else ""),
        )
    if not commits:
        return result(claim, "unverifiable", f"no commit landed on {days_said(first, last)}")
    if len(commits) > MAX_WINDOW_COMMITS:
        return result(
            claim,
            "unverifiable",
            f"the first {MAX_WINDOW_COMMITS} of {len(commits)} commits on "
            f"{days_said(first, last)} change no code; the rest were not read",
        )
    return result(
        claim,
        "verified",
        f"none of the {len(commits)} commits on {days_said(first, last)}"
        + (f" not naming {excepted}" if excepted else "")
        + " changes code",
    )


def _added_name(claim: Claim) -> tuple[str, str | None] | None:
    """(name, class it was added to) of "added <name> [to <Class>]"."""
    described = claim.described or ""
    if not described.startswith(ADDED):
        return None
    name, _, target = described.removeprefix(ADDED).partition(" to ")
    return name, target or None


def definitions_wanted(context: CheckContext, claims: list[Claim]) -> list[str]:
    """`def name` / `class name` for the names whose addition a claim with an unresolved
    SHA dates (where they are defined is where their history is), and the class it was
    added to."""
    wanted: list[str] = []
    for claim in claims:
        added_name = _added_name(claim) if claim.kind == "time" and claim.sha else None
        cited = context.commits.get((claim.sha or "").lower())
        if added_name and not (cited and cited.shas):
            name, target = added_name
            wanted += [f"def {name}", f"class {name}"] + ([f"class {target}"] if target else [])
    return wanted


def check_name_added(context: CheckContext, claim: Claim) -> ClaimCheck | None:
    """A date for a SHA that does not resolve, said of adding a name ("`f` was added to
    `Cls` on 2025-09-14 (commit 60f5fc6)"): the commit that added the definition (`git log
    -S` on the file defining it) holds or breaks the date. Contradicted only when one file
    is meant (the one name, or the one holding the class); None when nothing defines it."""
    added_name = _added_name(claim)
    days = window(claim, context)
    if added_name is None or days is None:
        return None
    name, target = added_name
    search = context.tree_search
    files: list[str] = []
    for needle in (f"def {name}", f"class {name}"):
        if search.searched(needle):
            files += [p for p, _ in search.places(needle) if p not in files and _CODE.search(p)]
    if target and search.searched(f"class {target}"):
        holding = search.files(f"class {target}")
        files = [path for path in files if path in holding] or files
    first, last = days
    seen: list[str] = []
    for path in files[:3]:
        commits: list[CommitInfo] = []
        with contextlib.suppress(BadInputError):
            commits = list(
                context.repo.iter_log(context.revision, paths=(path,), pickaxe=f"def {name}")
            )
        if not commits:
            continue
        info = commits[-1]  # the oldest: the one that added it
        made = (
            f"commit {claim.sha} does not resolve; `{name}` was added to {path} by "
            f'{info.sha[:10]} "{info.subject[:70]}", authored {_local(info.author_date)}'
        )
        if on_days(info.author_date, first, last) or on_days(info.committer_date, first, last):
            return result(claim, "verified", f"{made}: on {days_said(first, last)}")
        seen.append(made)
    if len(files) == 1 and seen:
        return result(claim, "contradicted", f"{seen[0]}: not on {days_said(first, last)}")
    if seen:
        return result(
            claim,
            "unverifiable",
            f"{seen[0]}; `{name}` is defined in {len(files)} files, none added on "
            f"{days_said(first, last)}",
        )
    return None
