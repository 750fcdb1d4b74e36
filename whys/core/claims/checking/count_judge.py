"""How a count is judged against what git measured (within 10%, "N+" a lower bound, a
part of the tree bounded from above by the whole), and the counts of definitions: classes
whose name holds some words, and the definitions of one name."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from whys.core.claims.checking.common import result
from whys.core.lazyre import lazy_compile
from whys.core.models import Claim, ClaimCheck

if TYPE_CHECKING:
    from whys.core.claims.checking.context import CheckContext


# Counts are compared as an auditor does: within 10%, and "N+" is a lower bound.
TOLERANCE = 0.10


def agrees(real: int, claimed: int, at_least: bool) -> bool:
    if at_least:
        return real >= claimed
    return abs(real - claimed) <= max(TOLERANCE * claimed, 0)


def judge(
    claim: Claim,
    real: int,
    unreadable: int,
    noun: str,
    how: str,
    evidence: list[Any],
    *,
    whole: bool = True,
    measured: bool = False,
) -> ClaimCheck:
    """The status of a count. A count over the whole tree bounds any count of a part of it
    from above, so "too few" is positive evidence whatever part the analysis counted; it
    bounds from below only when the claim counts the whole tree (`whole`: no "test files",
    no scope in words) and every blob was read. More than claimed is not evidence: the
    analysis may have counted a part."""
    claimed = claim.count or 0
    said = f"{claimed}{'+' if claim.at_least else ''}"
    found = f"{real} {noun}"
    skipped = f"; {unreadable} unreadable blob(s) skipped" if unreadable else ""
    upper = real + unreadable if noun in ("files", "lines") else (None if unreadable else real)
    if whole and agrees(real, claimed, claim.at_least):
        holds = (
            f"at least the {claimed} claimed"
            if claim.at_least
            else ("as claimed" if real == claimed else f"within 10% of the {said} claimed")
        )
        part = " in the readable part" if unreadable else ""
        return result(claim, "verified", f"{found}{part}, {holds} ({how}{skipped})", None, evidence)
    if upper is not None and upper < claimed * (1 - TOLERANCE):
        bound = found if upper == real else f"at most {upper} {noun}"
        return result(
            claim, "contradicted", f"{bound}, not {said} ({how}{skipped})", bound, evidence
        )
    if measured and real > claimed * (1 + TOLERANCE) and not claim.at_least:
        return result(claim, "contradicted", f"{found}, not {said} ({how})", found, evidence)
    if not whole:
        why = "counted over the whole tree, an upper bound for the part the claim counts"
    elif real > claimed:
        why = "more than claimed: the analysis may count a part of the tree"
    else:
        why = "the count is partial"
    return result(claim, "unverifiable", f"{found}, {said} claimed: {why} ({how}{skipped})")


# Source files, where a class an analysis counts is defined (not docs, reports or data).
SOURCE = lazy_compile(
    r"\.(?:py|pyi|js|jsx|ts|tsx|mjs|go|java|kt|rb|rs|cs|cpp|cc|c|h|hpp|php|scala|swift)$"
)


def source_count(by_file: dict[str, int], noun: str) -> int:
    """Files (or matches) in source files: where code lives, not the docs quoting it."""
    kept = [n for path, n in by_file.items() if SOURCE.search(path)]
    return len(kept) if noun == "files" else sum(kept)


# Test code, where test doubles are defined: a file in a folder named for tests (tests/,
# test_framework/, e2e_tests/) or named as a test.
TEST_CODE = lazy_compile(
    r"(?:^|/)[\w.-]*tests?[\w.-]*/|(?:^|/)test_[^/]*$|_tests?\.\w+$|\.(?:test|spec)\.\w+$",
    re.IGNORECASE,
)


def count_definitions(context: CheckContext, claim: Claim, pattern: str) -> ClaimCheck:
    """Classes are counted where they are implemented: source files outside tests (a test
    double or a class quoted in a report is not one of the codebase's classes). The count
    over every file bounds any reading from above: too few there is evidence."""
    counted = context.counts.regex_lines(pattern)
    if counted.failed:
        return result(claim, "unverifiable", f"could not count definitions: {counted.failed}")
    how = f"git grep -E {pattern!r} at {context.revision[:12]}"
    source = sum(
        n
        for path, n in counted.by_file.items()
        if SOURCE.search(path) and not TEST_CODE.search(path)
    )
    if source and agrees(source, claim.count or 0, claim.at_least):
        how += ", source files outside tests"
        return judge(claim, source, counted.unreadable, "definitions", how, [])
    how += f" ({source} in source files outside tests)"
    if claim.at_least:
        loose = _loose_definitions(context, claim, loose_regex(pattern))
        if loose is not None:
            return loose
    whole = source == counted.count
    return judge(claim, counted.count, counted.unreadable, "definitions", how, [], whole=whole)


# A name that holds the words, whatever follows: `WebSocketManagerFactory`, `...Mode`.
LOOSE_TAIL = "[A-Za-z0-9_]*"


def loose_regex(strict: str) -> str:
    """A class-name regex read widely: the name may go on after its words (`...Factory`)."""
    return strict.removesuffix(r"\b") + LOOSE_TAIL + r"\b"


def _loose_definitions(context: CheckContext, claim: Claim, pattern: str) -> ClaimCheck | None:
    """ "10+ WebSocket Manager implementations" read widely: classes outside tests whose
    name holds the words, factories, adapters and enums among them. Enough of them bound
    the count from below; the detail says which reading holds."""
    counted = context.counts.regex_lines(pattern)
    if counted.failed:
        return None
    source = sum(
        n
        for path, n in counted.by_file.items()
        if SOURCE.search(path) and not TEST_CODE.search(path)
    )
    if not agrees(source, claim.count or 0, True):
        return None
    how = (
        f"git grep -E {pattern!r} at {context.revision[:12]}, source files outside tests: "
        "names holding the words, factories, adapters and enums among them"
    )
    return judge(claim, source, counted.unreadable, "definitions", how, [])


def count_name_definitions(
    context: CheckContext, claim: Claim, name: str, pattern: str
) -> ClaimCheck:
    """ "`f` exists in multiple locations": `def f` / `class f` in at least two files
    outside tests (or, counting tests and copies, anywhere). One definition in a fully read
    tree contradicts it; none says nothing (the name may be assigned, not defined)."""
    counted = context.counts.regex_lines(pattern)
    if counted.failed:
        return result(claim, "unverifiable", f"could not count definitions: {counted.failed}")
    places = sorted(counted.by_file)
    outside = [p for p in places if SOURCE.search(p) and not TEST_CODE.search(p)]
    shown = outside if len(outside) >= 2 else places
    where = ", ".join(shown[:4]) + (", ..." if len(shown) > 4 else "")
    how = f"git grep -E {pattern!r} at {context.revision[:12]}"
    if len(places) >= 2:
        reading = "outside tests" if len(outside) >= 2 else "counting tests and copies"
        return result(
            claim,
            "verified",
            f"`{name}` is defined in {len(shown)} files {reading}: {where} ({how})",
        )
    if counted.unreadable or not places:
        found = f"defined in {where}" if places else "not defined by `def` or `class`"
        skipped = f"; {counted.unreadable} blob(s) could not be read" if counted.unreadable else ""
        return result(claim, "unverifiable", f"`{name}` is {found}{skipped} ({how})")
    return result(
        claim,
        "contradicted",
        f"`{name}` is defined in one file only: {where} ({how})",
        "1 definition",
    )
