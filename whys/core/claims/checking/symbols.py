"""Checks of symbol claims: a name or code in a file, in the tree, or said to be absent.

`contradicted` needs positive evidence: the name is elsewhere, defined where it is said to
be absent, or written as code yet found nowhere in a tree whose code files were all
readable. A proposal (fix section, "should", new code) that is absent is unverifiable.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from whys.core.claims.checking.code_lines import (
    CODE_TYPES,
    call_message,
    check_code_line,
    check_import,
    check_options,
    check_value,
    longest_word,
    nearby_files,
    not_copies,
    not_the_analysis,
    setting_of,
    value_needles,
)
from whys.core.claims.checking.common import MAX_LISTED, result
from whys.core.claims.checking.files import FileVerdict, combine, found_in, lines_or_verdict
from whys.core.claims.checking.names import (
    code_pattern,
    indented_block_end,
    is_code_line,
    is_value,
    name_pattern,
    where_in,
)
from whys.core.claims.checking.paths import paths_for, resolve_path
from whys.core.lazyre import lazy_compile
from whys.core.models import Claim, ClaimCheck

if TYPE_CHECKING:
    from whys.core.claims.checking.context import CheckContext

# Absence from the tree is evidence while at most this share of its code files was unread.
MAX_UNREAD_SHARE = 0.05
# Files read to find where a name is defined (among those the tree search found it in).
MAX_DEFINITION_FILES = 8


def check_symbol(context: CheckContext, claim: Claim) -> ClaimCheck:
    if claim.stance == "negated":
        return _check_absent(context, claim)
    if claim.path and _OPTIONS.fullmatch(claim.quoted_code or ""):
        return check_options(context, claim)
    if claim.path:
        return _pinned(context, claim, _check_in_file(context, claim))
    if claim.described == "comment" and claim.quoted_code:
        return _check_comment(context, claim)
    if claim.described == "module" and claim.symbol and not claim.path:
        return _check_module(context, claim)
    if (claim.described or "").startswith("document:") and claim.quoted_code:
        documents = _documents_titled(context, claim.described.removeprefix("document:"))
        if documents:
            return _check_in_document(context, claim, documents)
    if (claim.described or "").startswith("timeout") and claim.quoted_code:
        return check_value(context, claim)
    return _check_in_tree(context, claim)


_OPTIONS = lazy_compile(r"--[A-Za-z][\w-]*(?: --[A-Za-z][\w-]*)*")


def _pinned(context: CheckContext, claim: Claim, check: ClaimCheck) -> ClaimCheck:
    """The word search in the claimed file(s), kept as evidence that re-runs to a digest."""
    resolved = resolve_path(claim.path or "", context.tree.files, context.tree.by_name)
    readable = [r for r, problem in map(context.tree.readable, resolved.matches) if r]
    target = _last_name(claim.symbol) if claim.symbol else claim.quoted_code
    if readable and target:
        query = {
            "op": "grep",
            "pattern": target,
            "fixed_strings": True,
            "word": bool(claim.symbol),
            "globs": readable[:MAX_LISTED],
        }
        check.evidence = context.pins.collect(claim, query)
    return check


# --- checking ---------------------------------------------------------------------------


def _last_name(symbol: str) -> str:
    return symbol.removesuffix("()").split(".")[-1]


def _quote_needle(text: str) -> str:
    """The longest literal run of a quote or code line: `{err}` placeholders, an f-prefix
    and spacing differ between a log call and its rendering."""
    parts = re.split(r"\{[^{}]*\}|\s{2,}|\\n", text)
    best = max(parts, key=len).strip() if parts else text
    if re.search(r"[=(]", text):  # code: an identifier-ish run, spacing may differ
        runs = re.findall(r"[\w.:/\-]{4,}", text)
        if runs:
            best = max(runs, key=len)
    return best


def needles(claim: Claim) -> list[str]:
    if claim.described == "comment" and claim.quoted_code:
        return [claim.quoted_code]
    if (claim.described or "").startswith("timeout") and claim.quoted_code and not claim.path:
        return value_needles(claim)
    if claim.symbol and not claim.quoted_code:
        described = claim.described or ""
        owner = described.removeprefix("member of ")
        return [_last_name(claim.symbol)] + ([owner] if owner != described else [])
    if claim.quoted_code:
        wanted = _tree_needles(claim)
        if is_code_line(claim.quoted_code):
            wanted += [claim.quoted_code.strip(), longest_word(claim.quoted_code)]
            wanted += [call_message(claim.quoted_code) or ""]
            setting = setting_of(claim.quoted_code)
            if setting and ("_" in setting[0] or len(setting[0]) >= 8):
                wanted.append(setting[0])  # `pool_size`, not `port`: a word every file has
        if claim.symbol:
            wanted.append(_last_name(claim.symbol))
        return wanted
    return []


def _unreadable_code(context: CheckContext) -> list[str]:
    return [p for p in context.tree_search.unreadable_paths if p.endswith(CODE_TYPES)]


def _code_readable(context: CheckContext) -> bool:
    """Whether "found nowhere" is evidence: (nearly) every code file was read. A partial
    clone missing a few blobs out of many still shows where a name is not: the share left
    unread must stay small, and the detail says how many were skipped."""
    missing = len(_unreadable_code(context))
    if not missing:
        return True
    code_files = sum(1 for path in context.tree.files if path.endswith(CODE_TYPES))
    return missing <= MAX_UNREAD_SHARE * code_files


def _skipped(context: CheckContext) -> str:
    missing = len(_unreadable_code(context))
    return f" ({missing} unreadable code files skipped)" if missing else ""


def _shown(places: list[tuple[str, int]]) -> str:
    listed: list[str] = []
    for path, line in places:
        if len(listed) >= 3:
            break
        listed.append(f"`{path}:{line}`")
    return ", ".join(listed)


# "doesn't exist in the circuit breaker package", "not found in any circuit breaker module":
# the words name a module of the tree, or every module holding them.
_SCOPE = lazy_compile(
    r"\b(?:in|from)\s+(?P<which>the|any)\s+(?P<words>(?:[A-Za-z][a-z0-9]*\s+){0,3}?"
    r"[A-Za-z][a-z0-9]*)\s+(?P<kind>package|module)s?\b",
)


def _scoped_absence(context: CheckContext, claim: Claim, name: str) -> ClaimCheck | None:
    """A name said absent from the package (or from any module) its words name: read
    every such file of the tree for its definition. None when the words name no module."""
    scope = _SCOPE.search(claim.text)
    if scope is None:
        return None
    stem = "_".join(scope.group("words").lower().split())
    every = scope.group("which").lower() == "any"
    modules = _scope_modules(context, stem, every=every, packages=scope.group("kind") == "package")
    if not modules:
        return None
    files = [p for p in sorted(context.tree_search.files(name)) if p.endswith(CODE_TYPES)]
    inside = [p for p in files if any(p == m or p.startswith(m) for m in modules)]
    for path in inside:
        line = _first_definition(context, path, name)
        if line:
            return result(
                claim,
                "contradicted",
                f"`{name}` is defined at `{path}:{line}`, in {_shown_modules(modules)}",
                f"{path}:{line}",
            )
    unread = context.tree_search.unreadable_paths
    if any(p == m or p.startswith(m) for p in unread for m in modules):
        return None  # a file of the scope could not be read: its absence is not shown
    return result(claim, "verified", f"{_shown_modules(modules)} define no `{name}`")


def _scope_modules(context: CheckContext, stem: str, *, every: bool, packages: bool) -> list[str]:
    """Package folders (`a/stem/`) and modules (`a/stem.py`) named by the words; with
    `every`, those whose name holds them too (`core/circuit_breaker_types.py`). "The X
    package" is one package folder of the code (tests and backup copies aside), or none."""
    found: set[str] = set()
    for path in context.tree.files:
        parts = path.split("/")
        for depth, part in enumerate(parts):
            name = part.removesuffix(".py") if depth == len(parts) - 1 else part
            if depth == len(parts) - 1 and not part.endswith(".py"):
                continue
            if name == stem or (every and stem in name):
                found.add("/".join(parts[: depth + 1]) + ("" if depth == len(parts) - 1 else "/"))
    code = [m for m in found if m.endswith(".py") or f"{m}__init__.py" in context.tree.file_set]
    if every:
        return sorted(code)
    code = [m for m in code if not _ASIDE.search(m) and (m.endswith("/") or not packages)]
    return code if len(code) == 1 else []


# Paths a "the X package" does not mean: tests and backup copies of the code.
_ASIDE = lazy_compile(r"(?:^|/)(?:tests?|backups?)(?:/|_)|backup", re.IGNORECASE)


def _shown_modules(modules: list[str]) -> str:
    shown = ", ".join(f"`{m}`" for m in modules[:MAX_LISTED])
    more = len(modules) - MAX_LISTED
    return shown + (f" (+{more} more)" if more > 0 else "")


def _absence_tied_elsewhere(
    context: CheckContext, claim: Claim, name: str, defined: list[tuple[str, int]]
) -> tuple[tuple[str, int], Claim] | None:
    """A definition in the file another line of the analysis says lacks the same name."""
    for other in context.analysis.claims:
        if (
            other is claim
            or other.kind != "symbol"
            or other.symbol != name
            or other.stance != "negated"
            or not other.path
        ):
            continue
        files = resolve_path(other.path, context.tree.files, context.tree.by_name).matches
        for place in defined:
            if place[0] in files:
                return place, other
    return None


def _first_definition(context: CheckContext, path: str, name: str) -> int | None:
    """The first line of `path` defining `name`."""
    pattern = _definition_pattern(name)
    lines = context.tree.lines_of(path) or []
    return next((n for n, text in enumerate(lines, start=1) if pattern.search(text)), None)


def _defined_at(context: CheckContext, name: str) -> list[tuple[str, int]]:
    """Where code defines the name (a document quoting `class X:` defines nothing)."""
    pattern = _definition_pattern(name)
    found: list[tuple[str, int]] = []
    files = list(dict.fromkeys(path for path, _ in _in_code(context.tree_search.places(name))))
    for path in files[:MAX_DEFINITION_FILES]:
        lines = context.tree.lines_of(path) or []
        found += [(path, n) for n, text in enumerate(lines, start=1) if pattern.search(text)]
    return found


def _definition_pattern(name: str) -> re.Pattern[str]:
    """`def name(`, `class name`, `name = ...` / `name: T = ...` at the start of a line."""
    return re.compile(
        r"^\s*(?:async\s+)?(?:def|class)\s+"
        + re.escape(name)
        + r"\b|^\s*"
        + re.escape(name)
        + r"\s*(?::[^=]*)?=|^\s*"
        + re.escape(name)
        + r"\s*:\s*[\w\[\]., |]+$"  # `required_events: Set[str]`, a field with no default
    )


def _in_code(places: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return [place for place in places if place[0].endswith(CODE_TYPES)]


_DOCUMENT_TYPES = (".md", ".rst", ".txt", ".xml", ".adoc")


def _is_code_name(claim: Claim) -> bool:
    """Written as code (in backticks, or a call in a code excerpt) and shaped like one:
    `apply_discount()`, `LedgerClient`, `MAX_RETRY`, `a.b`; a bare lower-case word may be a
    module, a table or a concept, whose absence from the tree says little."""
    symbol = claim.symbol or ""
    name = symbol.removesuffix("()")
    # `said_defined`: listed as a component (`├── IWebSocketManager`, `Class: X`).
    written = name in claim.names or claim.origin == "code" or claim.said_defined
    shaped = (
        symbol.endswith("()")
        or "." in name
        or (name[:1].isupper() and any(c.islower() for c in name))
        or (name.isupper() and "_" in name)
    )
    return written and shaped


def _check_in_tree(context: CheckContext, claim: Claim) -> ClaimCheck:
    """A name or quote with no file: it holds when the tree has it somewhere."""
    search = context.tree_search
    quote = claim.quoted_code
    if quote and _IMPORT_LINE.match(quote):
        imported = check_import(context, claim)
        if imported is not None:
            return imported
    code = bool(quote and is_code_line(quote))
    value = bool(quote and not code and is_value(quote))
    if quote and code:
        checked = check_code_line(context, claim)
        if checked is not None:
            return checked
    wanted = _tree_needles(claim)
    if not wanted:
        return result(claim, "unverifiable", "names nothing to look for")
    what = f'"{quote}"' if quote else f"`{claim.symbol}`"
    if not all(search.searched(n) for n in wanted):
        return result(claim, "unverifiable", f"the tree search for {what} did not finish")
    needle = wanted[-1]
    everywhere: list[tuple[str, int]] = []
    for needle in wanted:
        everywhere = not_the_analysis(context, search.places(needle))
        if not quote:
            # A file pasting the analysis's own line (a script posting it) names every name.
            everywhere = not_copies(context, claim, everywhere)
        if everywhere:
            break
    places = everywhere
    if not quote or code or value:
        places = _in_code(everywhere)  # a code name or code: documents quoting it do not count
    if quote and code:
        if places:
            return result(
                claim,
                "unverifiable",
                f"{what} is not in the tree as written (`{needle}` is, in other code)",
            )
        everywhere = []
    readable = _code_readable(context)
    if everywhere and not places:
        if claim.said_defined and _is_code_name(claim) and readable and claim.stance == "asserted":
            # "Actual classes are named `X`", `├── IWebSocketManager`: said to be a type of
            # the code, yet no code file names it (a document naming it defines nothing).
            return result(
                claim,
                "contradicted",
                f"{what} is in no code file at {context.revision[:12]}, only in documents "
                f"({_shown(everywhere)}){_skipped(context)}",
            )
        return result(
            claim,
            "unverifiable",
            f"{what} is named only in documents ({_shown(everywhere)}), in no code file",
        )
    if places:
        if claim.stance == "proposed" and (value or not quote) and claim.described == "changed":
            return result(
                claim, "unverifiable", f"a proposal; {what} already exists at {_shown(places)}"
            )
        if claim.stance == "proposed" and (value or not quote):
            # "Extend the existing `GCPDeployer`", "`SSotAsyncTestCase` should handle this".
            return result(
                claim,
                "verified",
                f"{what}, which the proposal builds on, is in the tree at {_shown(places)}",
            )
        return result(claim, "verified", f"{what} is in the tree at {_shown(places)}")
    if claim.stance == "proposed" or (claim.quoted_code and claim.quoted_code.startswith("def")):
        return result(claim, "unverifiable", f"a proposal: {what} is not in the tree yet")
    if not quote and _is_code_name(claim) and readable and claim.stance == "asserted":
        return result(
            claim,
            "contradicted",
            f"{what} appears nowhere in the tree at {context.revision[:12]}{_skipped(context)}",
        )
    why = "" if readable else f" ({len(_unreadable_code(context))} code files could not be read)"
    return result(
        claim,
        "unverifiable",
        f"{what} was searched for verbatim and not found{why}: a runtime text, a paraphrase "
        "or a name outside the code",
    )


_IMPORT_LINE = lazy_compile(r"^\s*from\s+[\w.]+\s+import\s")
# What a program fills in at run time: values in brackets or quotes, numbers, placeholders.
_RUNTIME_PART = lazy_compile(
    r"\{[^{}]*\}|\[[^\]]*\]|'[^']*'|\"[^\"]*\"|\s{2,}|\\n|(?<![\w#])\d[\w.:,%/-]*|\([^()]*\)"
)
MIN_MESSAGE_PART = 15


def _tree_needles(claim: Claim) -> list[str]:
    """What the tree search looks for: a name; a quote as written, then its longest
    literal part, then the part a program wrote before its run-time values."""
    quote = claim.quoted_code
    if not quote:
        name = _last_name(claim.symbol or "")
        return [name] if len(name) >= 3 else []
    if is_code_line(quote):
        needle = _quote_needle(quote)
        return [needle] if len(needle) >= 3 else []
    wanted = [quote.strip(), _quote_needle(quote)]
    parts = [p.strip(" :-,.") for p in _RUNTIME_PART.split(quote)]
    best = max(parts, key=len) if parts else ""
    if len(best) >= MIN_MESSAGE_PART and " " in best:
        wanted.append(best)
    return [n for n in dict.fromkeys(wanted) if len(n) >= 3]


def _confirm_code(
    context: CheckContext, code: str, places: list[tuple[str, int]]
) -> list[tuple[str, int]] | None:
    """The places whose line holds the code itself (spacing and string prefixes aside)."""
    pattern = code_pattern(code)
    confirmed: list[tuple[str, int]] = []
    for path in list(dict.fromkeys(p for p, _ in places))[:MAX_LISTED]:
        lines = context.tree.lines_of(path) or []
        confirmed += [(path, n) for n, text in enumerate(lines, start=1) if pattern.search(text)]
    return confirmed


def _check_absent(context: CheckContext, claim: Claim) -> ClaimCheck:
    """ "`X` not defined", "lacks `y`": holds when no definition of it is where it is said
    to be missing (the file, else the tree); a definition there contradicts it."""
    name = _last_name(claim.symbol or "")
    if not name:
        return result(claim, "unverifiable", "names nothing to look for")
    if claim.path:
        resolved = resolve_path(claim.path, context.tree.files, context.tree.by_name)
        if resolved.problem or not resolved.matches:
            return result(claim, "unverifiable", f"`{claim.path}` is not in the tree; not read")
        for path in resolved.matches[:MAX_LISTED]:
            line = _first_definition(context, path, name)
            if line:
                return result(
                    claim,
                    "contradicted",
                    f"`{name}` is defined in `{path}` at line {line}",
                    f"{path}:{line}",
                )
        return result(claim, "verified", f"`{claim.path}` defines no `{name}`")
    if (claim.described or "").startswith("member of "):
        member = _member_check(context, claim, name, claim.described.removeprefix("member of "))
        if member is not None:
            return member
    if claim.described == "module":
        modules = _module_files(context, name)
        if modules:
            return result(
                claim,
                "contradicted",
                f"module `{modules[0]}` is in the tree at {context.revision[:12]}",
                modules[0],
            )
    search = context.tree_search
    if not search.searched(name):
        return result(claim, "unverifiable", f"the tree search for `{name}` did not finish")
    defined = _defined_at(context, name)
    nearby = set(nearby_files(context, claim))
    beside = [place for place in defined if place[0] in nearby]
    if beside:
        # "missing `EngineConfig` class" next to the file that defines it.
        path, number = beside[0]
        return result(
            claim,
            "contradicted",
            f"`{name}` is defined at `{path}:{number}`, in the file the analysis names beside "
            "the sentence",
            f"{path}:{number}",
        )
    scoped = _scoped_absence(context, claim, name)
    if scoped is not None:
        return scoped
    tied = _absence_tied_elsewhere(context, claim, name, defined)
    if tied:
        # "missing `EngineConfig` class" here; "cannot import name 'EngineConfig' from
        # 'a.engine'" further on: the analysis itself says which module lacks it.
        (path, number), other = tied
        return result(
            claim,
            "contradicted",
            f"`{name}` is defined at `{path}:{number}`, the module the analysis says lacks it "
            f"(line {other.line})",
            f"{path}:{number}",
        )
    if defined:
        # "X doesn't exist" names no file: it may mean the module the paragraph is about.
        return result(
            claim,
            "unverifiable",
            f"`{name}` is defined at {_shown(defined)}; the sentence names no file, so which "
            "module it says lacks it is left to the auditor",
        )
    used = search.places(name)
    if used and name.isupper():
        # "Missing `E2E_OAUTH_KEY` configuration": read from the environment, never defined;
        # whether a deployment sets it is a run-time fact.
        return result(
            claim,
            "unverifiable",
            f"`{name}` is read, not defined, in the tree ({_shown(used)}): a setting whose "
            "presence at run time git cannot show",
        )
    if used:
        return result(
            claim,
            "verified",
            f"no definition of `{name}` in the tree; it is only named at {_shown(used)}",
        )
    if not _code_readable(context):
        return result(
            claim, "unverifiable", f"`{name}` is found nowhere, but code files were unreadable"
        )
    return result(claim, "verified", f"`{name}` appears nowhere in the tree{_skipped(context)}")


def _documents_titled(context: CheckContext, titles: str) -> list[str]:
    """The documents of the tree a title names: `MASTER_WIP_STATUS` (or a prefix of two
    words or more, "Master WIP") is every `MASTER_WIP_STATUS.md` (a few copies may share
    the name: each is checked)."""
    stems: dict[str, list[str]] = {}
    for path in context.tree.files:
        if path.endswith(".md"):
            stems.setdefault(path.rsplit("/", 1)[-1][:-3].upper(), []).append(path)
    for title in titles.split("|"):
        words = title.split("_")
        for size in range(len(words), 1, -1):
            stem = "_".join(words[:size])
            exact = stems.get(stem, [])
            longer = {s for s in stems if s.startswith(stem + "_")}
            chosen = exact or (stems[longer.pop()] if len(longer) == 1 else [])
            if 0 < len(chosen) <= MAX_LISTED:
                return sorted(chosen)
    return []


def _check_in_document(context: CheckContext, claim: Claim, documents: list[str]) -> ClaimCheck:
    """ "claims in Master WIP Status": the quote is the document's (any copy of it); a file
    other than those holding it is where it is instead."""
    quote = claim.quoted_code or ""
    wanted = _plain(quote)
    for document in documents:
        lines = context.tree.lines_of(document) or []
        at = next((n for n, text in enumerate(lines, start=1) if wanted in _plain(text)), None)
        if at is not None:
            # Case and Markdown emphasis aside: "GOLDEN PATH FULLY OPERATIONAL" says it.
            return result(claim, "verified", f'"{quote}" is at line {at} of `{document}`')
    search = context.tree_search
    if not search.searched(quote):
        return result(claim, "unverifiable", f'the tree search for "{quote}" did not finish')
    places = not_the_analysis(context, search.places(quote))
    elsewhere = [p for p in places if p[0] not in documents]
    named = ", ".join(f"`{d}`" for d in documents)
    if elsewhere and claim.stance == "asserted":
        return result(
            claim,
            "contradicted",
            f'"{quote}" is not in {named} at {context.revision[:12]}; it is at {_shown(elsewhere)}',
            found_in(elsewhere),
        )
    return result(claim, "unverifiable", f'"{quote}" is not in {named}, nor elsewhere')


def _plain(text: str) -> str:
    return " ".join(text.replace("*", "").replace("`", "").split()).casefold()


def _check_module(context: CheckContext, claim: Claim) -> ClaimCheck:
    """ "- `websocket_protocols` - Protocol definitions": a module of the tree; a module it
    is not is no evidence against it (the author may mean a part of another)."""
    name = _last_name(claim.symbol or "")
    modules = _module_files(context, name)
    if modules:
        return result(claim, "verified", f"module `{name}` is `{modules[0]}`")
    near = sorted(p for p in context.tree.files if p.endswith(f"{name}.py"))[:MAX_LISTED]
    also = f"; similar: {', '.join(f'`{p}`' for p in near)}" if near else ""
    return result(claim, "unverifiable", f"no module `{name}` in the tree{also}")


def _check_comment(context: CheckContext, claim: Claim) -> ClaimCheck:
    """ "Comments in file show "X"": a comment of the code, in the file named above it (a
    document quoting it is no comment); elsewhere only in documents: contradicted."""
    quote = claim.quoted_code or ""
    search = context.tree_search
    if not search.searched(quote):
        return result(claim, "unverifiable", f'the tree search for "{quote}" did not finish')
    places = not_the_analysis(context, search.places(quote))
    in_code = _in_code(places)
    if in_code:
        return result(claim, "verified", f'"{quote}" is in the code at {_shown(in_code)}')
    nearby = [p for p in nearby_files(context, claim) if p.endswith(CODE_TYPES)]
    if nearby and places and claim.stance == "asserted" and _code_readable(context):
        return result(
            claim,
            "contradicted",
            f'"{quote}" is no comment of `{nearby[0]}` (the file named above it) nor of any '
            f"code; only documents hold it ({_shown(places)})",
            nearby[0],
        )
    return result(claim, "unverifiable", f'"{quote}" is in no code file')


def _member_check(context: CheckContext, claim: Claim, name: str, owner: str) -> ClaimCheck | None:
    """ "`Config` lacks `retries`": the class `Config` defines no `retries` (a field, a
    method, an assignment in its block). None when `Config` is not defined in the tree."""
    homes = _class_homes(context, owner)
    if not homes:
        return None
    pattern = _definition_pattern(name)
    for path, start in homes[:MAX_LISTED]:
        lines = context.tree.lines_of(path) or []
        end = indented_block_end(lines, start)
        hits = [n for n in range(start + 1, end + 1) if pattern.search(lines[n - 1])]
        if hits:
            return result(
                claim,
                "contradicted",
                f"`{owner}` (`{path}:{start}`) defines `{name}` at line {hits[0]}: "
                f"{lines[hits[0] - 1].strip()[:100]!r}",
                f"{path}:{hits[0]}",
            )
    where = ", ".join(f"`{p}:{n}`" for p, n in homes[:MAX_LISTED])
    return result(claim, "verified", f"`{owner}` ({where}) defines no `{name}`")


# Files read to find the class a member is said to be missing from.
MAX_CLASS_FILES = 40


def _class_homes(context: CheckContext, owner: str) -> list[tuple[str, int]]:
    """Where code defines the class `owner` (among every file naming it)."""
    pattern = re.compile(r"^\s*class\s+" + re.escape(owner) + r"\b")
    files = sorted(p for p in context.tree_search.files(owner) if p.endswith(CODE_TYPES))
    found: list[tuple[str, int]] = []
    for path in files[:MAX_CLASS_FILES]:
        lines = context.tree.lines_of(path) or []
        found += [(path, n) for n, text in enumerate(lines, start=1) if pattern.search(text)]
    return found


def _module_files(context: CheckContext, name: str) -> list[str]:
    """The tree's files that are the module `name` (`name.py`, `name/__init__.py`)."""
    found = list(context.tree.by_name.get(f"{name}.py", []))
    found += [
        p for p in context.tree.by_name.get("__init__.py", []) if p.endswith(f"{name}/__init__.py")
    ]
    return sorted(found)


def _symbol_in(context: CheckContext, claim: Claim, path: str) -> FileVerdict:
    lines = lines_or_verdict(context.tree, path)
    if isinstance(lines, FileVerdict):
        return lines
    symbol = claim.symbol or ""
    name = _last_name(symbol)
    code = claim.quoted_code
    if code:
        pattern = code_pattern(code)
        hits = [n for n, text in enumerate(lines, start=1) if pattern.search(text)]
        if code.startswith("def "):
            # `def f(self)` quoted where the file has `async def f(self)`: another function.
            sync = [n for n in hits if not re.search(r"\basync\s+def\s", lines[n - 1])]
            if hits and not sync:
                text = lines[hits[0] - 1].strip()
                return FileVerdict(
                    path,
                    "contradicted",
                    f"`{path}` line {hits[0]} defines it async: {text[:100]!r}",
                    f"{path}:{hits[0]}",
                )
            hits = sync
        if hits:
            return FileVerdict(path, "verified", f"`{code}` is at line {hits[0]} of `{path}`")
        if symbol:
            used = [n for n, text in enumerate(lines, start=1) if name_pattern(name).search(text)]
            if used:
                return FileVerdict(
                    path,
                    "unverifiable",
                    f"`{path}` has `{name}` (line {used[0]}: {lines[used[0] - 1].strip()[:80]!r})"
                    f" but not `{code}` as written",
                )
        return FileVerdict(path, "absent", f"`{code}` is not in `{path}`")
    hits = [n for n, text in enumerate(lines, start=1) if name_pattern(name).search(text)]
    if hits:
        where = where_in(lines, symbol, hits)
        return FileVerdict(path, "verified", f"`{symbol}` is in `{path}` at {where}")
    return FileVerdict(path, "absent", f"`{symbol}` does not appear in `{path}`")


def _elsewhere(
    context: CheckContext, claim: Claim, needle: str, matches: set[str]
) -> list[tuple[str, int]]:
    """Positive evidence that the thing is not where the sentence puts it but elsewhere: a
    name defined in other code; code found as written in other code; a quote said to be in
    a document, found in another file."""
    code = claim.quoted_code
    if claim.symbol and not (code and code.startswith(("def ", "class ", "async def "))):
        places = _defined_at(context, _last_name(claim.symbol))
        if not places and claim.said_used:
            places = _in_code(not_the_analysis(context, context.tree_search.places(needle)))
        return [p for p in places if p[0] not in matches]
    places = not_the_analysis(context, context.tree_search.places(needle))
    places = [p for p in places if p[0] not in matches]
    if code and (claim.symbol or is_code_line(code)):
        return _confirm_code(context, code, _in_code(places)) or []
    if code and (claim.path or "").endswith(_DOCUMENT_TYPES):
        return places
    return []


def _check_in_file(context: CheckContext, claim: Claim) -> ClaimCheck:
    """A name or code said to be in a file: verified there; contradicted only when it is
    somewhere else (suggesting where); absent from the whole tree: unverifiable."""
    resolved, failed = paths_for(context.tree, claim)
    if failed or resolved is None:
        if failed is not None and failed.status == "contradicted":
            failed.status = "unverifiable"  # the file claim of the line says the path is wrong
            failed.detail += "; the name was not looked for"
        return failed  # type: ignore[return-value]
    if not claim.symbol and not claim.quoted_code:
        return result(claim, "unverifiable", "names nothing to look for")
    matches = resolved.matches
    search = context.tree_search
    needle = _last_name(claim.symbol) if claim.symbol else _quote_needle(claim.quoted_code or "")
    if len(matches) > MAX_LISTED and search.searched(needle):
        # Many files share the name: those holding the needle go first, so a match is seen.
        holding = search.files(needle)
        matches = sorted(matches, key=lambda m: m not in holding)
    verdicts = [_symbol_in(context, claim, path) for path in matches[:MAX_LISTED]]
    if any(v.status == "verified" for v in verdicts) or all(
        v.status == "unverifiable" for v in verdicts
    ):
        return combine(claim, resolved, verdicts)
    if claim.stance == "asserted" and all(v.status == "contradicted" for v in verdicts):
        return combine(claim, resolved, verdicts)
    named_here = claim.said_defined and claim.stance == "asserted" and len(matches) <= MAX_LISTED
    if named_here and all(v.status == "absent" for v in verdicts):
        # `tests/x.py::TestX::test_y`: pytest finds nothing the file does not define.
        absent = "; ".join(v.detail for v in verdicts)
        return result(claim, "contradicted", f"{absent}: the node id names nothing there")
    what = f"`{claim.quoted_code or claim.symbol}`"
    elsewhere = _elsewhere(context, claim, needle, set(matches))
    absent = "; ".join(v.detail for v in verdicts if v.status == "absent")
    if claim.stance == "proposed":
        return result(claim, "unverifiable", f"a proposal: {absent}")
    if claim.stance == "quoted":
        return result(claim, "unverifiable", f"quoted, not asserted: {absent}")
    if elsewhere and not (claim.quoted_code or "").startswith("from "):
        return result(
            claim,
            "contradicted",
            f"{absent}; {what} is elsewhere: {_shown(elsewhere)}",
            found_in(elsewhere),
        )
    return result(
        claim,
        "unverifiable",
        f"{absent}, and {what} is in no other file either: a runtime name, new code or a "
        "paraphrase",
    )
