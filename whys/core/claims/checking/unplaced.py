"""Line claims that name no file: `class TestRetry:  # Line 476` in a fence, or
"`port = env.get('PORT', '8081')` (line 33)" in prose. The run's tree search says which
files hold the code; each of them (a few at most) is checked at the cited lines, as the
files of an ambiguous name are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from whys.core.claims.checking.common import MAX_LISTED, result
from whys.core.claims.checking.files import FileVerdict
from whys.core.claims.checking.tree_search import PROSE
from whys.core.lazyre import lazy_compile
from whys.core.models import Claim, ClaimCheck

if TYPE_CHECKING:
    from whys.core.claims.checking.context import CheckContext

# Past this many files holding the name, the claim could be about any of them; quoted
# code, rarer and checked whole in each file, may be in a few more (copies, backups).
MAX_HOLDERS = 5
MAX_CODE_HOLDERS = 12
# A needle shorter than this matches in too many places to pick a file by.
MIN_NEEDLE = 6

_DEFINITION_HEAD = lazy_compile(r"^\s*(?:async\s+)?(def|class)\s+(\w{3,})\b")
_ELLIPSIS = lazy_compile(r"\s*(?:\.\.\.|\u2026)")
_TRAILING_COMMENT = lazy_compile(r"\s+(?:#|//)\s.*$")


def trimmed(code: str) -> str:
    """Quoted code without what the author added: a trailing `# comment` and whatever
    follows an ellipsis (`def get_manager(...)` -> `def get_manager(`)."""
    cut = _TRAILING_COMMENT.sub("", code).rstrip()
    ellipsis = _ELLIPSIS.search(cut)
    if ellipsis:
        cut = cut[: ellipsis.start()].rstrip()
    return cut if len(cut) >= 8 else code


def needle_of(claim: Claim) -> str | None:
    """The fixed string the tree search looks for: the longest word of the quoted code
    (spacing may differ from the file's), else the bare name."""
    if claim.quoted_code:
        head = _DEFINITION_HEAD.match(trimmed(claim.quoted_code))
        if head:
            # `def get_manager(...)`: where it is defined, not every call of it.
            return f"{head.group(1)} {head.group(2)}"
        words = trimmed(claim.quoted_code).split()
        longest = max(words, key=len) if words else ""
        return longest if len(longest) >= MIN_NEEDLE else None
    if claim.symbol:
        name = claim.symbol.removesuffix("()").split(".")[-1]
        return name if len(name) >= MIN_NEEDLE else None
    return None


def other_names(claim: Claim, needle: str | None) -> list[str]:
    """The other names the sentence gives, as searched: what may pick the file when the
    claim's own name is everywhere (`asyncSetUp` in 300 files)."""
    names = (name.removesuffix("()").split(".")[-1] for name in claim.names)
    return [name for name in names if len(name) >= MIN_NEEDLE and name != needle]


def _narrowed(context: CheckContext, claim: Claim, needle: str, holders: list[str]) -> list[str]:
    """Of the many files holding the claim's name, those that also hold the rarest other
    name of the sentence ("`_prepare_scenarios()` is called in `asyncSetUp()` (line 36)")."""
    search, held = context.tree_search, set(holders)
    best = holders
    for name in other_names(claim, needle):
        if not search.searched(name):
            continue
        both = sorted(path for path in search.files(name) if path in held)
        if both and len(both) < len(best):
            best = both
    return best


def check_unplaced(
    context: CheckContext,
    claim: Claim,
    judge: Callable[[str], FileVerdict | None],
) -> ClaimCheck:
    """Verified when a file holding the code has it on the cited lines; contradicted when
    every file holding it (at most MAX_HOLDERS) has it elsewhere; else unverifiable.
    `judge(path)` checks one file, or says None when the file does not hold the code."""
    needle = needle_of(claim)
    search = context.tree_search
    shown = f"`{claim.quoted_code or claim.symbol}`"
    if needle is None or not search.searched(needle):
        return result(claim, "unverifiable", "names no file to look in")
    holders = [path for path in sorted(search.files(needle)) if not path.endswith(PROSE)]
    most = MAX_CODE_HOLDERS if claim.quoted_code else MAX_HOLDERS
    narrowed = len(holders) > most
    if narrowed:
        holders = _narrowed(context, claim, needle, holders)
    if len(holders) > most:
        return result(
            claim,
            "unverifiable",
            f"names no file, and {len(holders)} files hold `{needle}`; not checked further",
        )
    verdicts = [v for v in (judge(path) for path in holders) if v is not None]
    if not verdicts:
        if search.unreadable:
            return result(claim, "unverifiable", "names no file to look in")
        return result(
            claim,
            "unverifiable",
            f"names no file, and no file of the tree holds {shown} as written",
        )
    passing = [v for v in verdicts if v.status == "verified"]
    if passing:
        return result(claim, "verified", f"names no file; {passing[0].detail}")
    if all(v.status == "contradicted" for v in verdicts) and not narrowed:
        # Positive evidence: each file holding the code has it elsewhere (a blob git could
        # not read is no code file that might hold it at the line).
        listed = "; ".join(v.detail for v in verdicts[:MAX_LISTED])
        return result(
            claim,
            "contradicted",
            f"names no file; every file holding {shown} has it elsewhere: {listed}",
            verdicts[0].suggestion,
        )
    listed = "; ".join(f"`{v.path}`: {v.status}" for v in verdicts[:MAX_LISTED])
    return result(claim, "unverifiable", f"names no file; the files holding {shown}: {listed}")
