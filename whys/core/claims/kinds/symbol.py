"""Symbol claims: what a code name, a quoted string or a line of code says about the tree.

Each claim asserts one of:
- defined or used in a file: a name tied to a path ("`RETRY_LIMIT` in `client.py`"), code
  under `# In path` in a fence, a `# x.py defines routes: /a, /b` comment;
- exists in the tree: a code name with no file (`apply_discount()`), a quoted message, a
  member called in a code excerpt (`LedgerClient._read_token()`);
- absent: "`X` not defined", "lacks `y`", "`Z` class doesn't exist" (stance `negated`).

`contradicted` needs positive evidence: the name is elsewhere, defined where it is said to
be absent, or written as code yet found nowhere in a tree whose code files were all
readable. A proposal (fix section, "should", new code) that is absent is unverifiable.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from whys.core.claims.checking.common import MAX_LISTED, result
from whys.core.claims.checking.files import FileVerdict, combine
from whys.core.claims.checking.names import code_pattern, name_pattern, where_in
from whys.core.claims.checking.paths import paths_for, resolve_path
from whys.core.claims.drafts import Draft
from whys.core.claims.kind import Prefetch
from whys.core.claims.mentions import (
    _IDENTIFIER,
    _QUOTED,
    LineMentions,
    _code_spans,
    _nearest_path,
    _symbols,
)
from whys.core.models import Claim, ClaimCheck

if TYPE_CHECKING:
    from whys.core.claims.checking.context import CheckContext

NAME = "symbol"
IN_FENCES = True

# At most this many names or quotes per line become claims: a line listing twenty names is
# an inventory, and each is checked from the one batched search anyway.
MAX_PER_LINE = 8
# File types whose unreadable blobs make "found nowhere" say nothing about a code name.
_CODE_TYPES = (
    ".py", ".pyi", ".js", ".ts", ".tsx", ".jsx", ".go", ".rs", ".java", ".kt", ".rb", ".php",
    ".c", ".h", ".cc", ".cpp", ".cs", ".swift", ".scala", ".sh", ".toml", ".yaml", ".yml",
    ".cfg", ".ini", ".tf",
)  # fmt: skip
_PROPOSAL_SECTIONS = {"fix", "action items"}
# Absence from the tree is evidence while at most this share of its code files was unread.
MAX_UNREAD_SHARE = 0.05
# Files read to find where a name is defined (among those the tree search found it in).
MAX_DEFINITION_FILES = 8


def assemble(line: LineMentions, earlier: list[Draft]) -> list[Draft]:
    """Symbol drafts of one line: in a fence, what its code says; in prose, names and
    quotes, tied to the line's path when the line ties them."""
    if line.in_fence:
        # A dotted path in a listing or log output reports what a program said (often the
        # very import that failed): quoted, so its absence is never held against the text.
        return _fence_drafts(line) + _dotted_drafts(line, set(), stance="quoted")
    if line.spans:
        return []  # a line reference takes the line's names (the `lines` kind)
    named = {d.symbol for d in earlier} | {d.pattern for d in earlier}
    stance = "proposed" if _in_proposal_section(line) else None
    listed = _listed_name(line, stance)
    if listed is not None:
        return [listed]
    dotted = _dotted_drafts(line, named)
    if dotted:
        return dotted
    found: list[Draft] = []
    symbols = line.symbols if (line.paths or line.may_count) else _symbols(line.raw, line.paths)
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(line.raw)]
    for column, symbol, definition in symbols:
        if symbol in named or len(found) >= MAX_PER_LINE:
            continue
        if any(a < column < b for a, b in quoted):
            continue  # a name inside a quoted message or subject is the quote's, not a claim
        if any(symbol in p.path for p in line.paths):
            continue  # `test_framework` of `test_framework/x.py` is the path's, not a name
        owner = None
        absent = _said_absent(line.raw, column, symbol)
        if line.paths:
            if not _tied_to_path(line.raw, column, symbol, definition):
                continue  # a name beside a file, not said to be in it: no claim about either
            owner = _nearest_path(line.paths, column, either_side=True)
        elif not (absent or definition or _distinctive(line.raw, column, symbol)):
            continue
        if not definition and _is_call(line.raw, column, symbol):
            symbol += "()"
        found.append(
            Draft(
                column,
                "symbol",
                path=owner.path if owner else None,
                symbol=symbol,
                quoted_code=definition,
                uses_path=owner.start if owner else None,
                stance="negated" if absent else stance,
                said_used=bool(owner and _USE_TIE.search(line.raw)),
            )
        )
        named.add(symbol)
    named |= {d.quoted_code for d in found}
    found += _quote_drafts(line, named, stance)
    return found[:MAX_PER_LINE]


def settle(claims: list[Claim], paragraphs: dict[str, int]) -> None:
    """Nothing to settle across lines."""


def prefetch(context: CheckContext, claims: list[Claim]) -> Prefetch:
    """The tree listing, the files it will read, and every name and quote for the run's
    one tree search (with the definition forms of names said to be absent)."""
    named = [c for c in claims if c.path]
    wanted: list[str] = []
    for claim in claims:
        wanted += _needles(claim)
    context.tree_search.want(wanted)
    return Prefetch(path_claims=named, read_claims=named)


def check(context: CheckContext, claim: Claim) -> ClaimCheck:
    if claim.stance == "negated":
        return _check_absent(context, claim)
    if claim.path:
        return _pinned(context, claim, _check_in_file(context, claim))
    return _check_in_tree(context, claim)


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


# --- extraction -------------------------------------------------------------------------

# "`X` is used in `f.py`", "`f.py` imports `X`": the name's very text is said to be in the
# file, so finding it only in other files is evidence (a runtime "raised KeyError" is not).
_USE_TIE = re.compile(
    r"\b(?:is|are)\s+(?:used|read|imported|called|referenced)\s+(?:in|by|from)\b"
    r"|\b(?:uses|imports|calls|references|reads)\s+`",
    re.IGNORECASE,
)
_TIE_WORDS = re.compile(
    r"\b(?:in|from|inside|within|defined|declared|read|used|set|lives?|found|exists?|is|are)\b",
    re.IGNORECASE,
)
# "`X` not defined", "`Y` class doesn't exist", "MockAgent is missing": after the name ...
_ABSENT_AFTER = re.compile(
    r"^[`'\"*]*(?:\s+(?:class|function|method|module|fixture|attribute|field|alias|export))?"
    r"\s*(?:is\s+|was\s+|are\s+)?(?:not\s+(?:defined|found|present|declared|implemented)"
    r"|(?:does\s*n[o']t|doesn't|do\s+not|don't|did\s+not)\s+exist|never\s+defined"
    r"|(?:is\s+)?missing(?=\s*(?:[.,;:)!]|$))|undefined|absent)",
    re.IGNORECASE,
)
# ... or before it: "lacks `required_agent_events`", "**Missing**: `x`", "no `y` fixture".
_ABSENT_BEFORE = re.compile(
    r"(?:\blacks?|\blacking|\bwithout|\bmissing\**\s*:\**|\bno(?:\s+such)?)\s*[`'\"*]*$",
    re.IGNORECASE,
)


def _said_absent(raw: str, column: int, symbol: str) -> bool:
    end = raw.find(symbol, column) + len(symbol)
    after = raw[end : end + 60].removeprefix("()")
    return bool(
        _ABSENT_AFTER.match(after) or _ABSENT_BEFORE.search(raw[max(0, column - 30) : column])
    )


# "- ✅ ExecutionEngine", "- ❌ `execute_agent()`": a bullet that is only a name.
_LISTED = re.compile(
    r"^\s*[-*+]\s+(?P<mark>\u2705|\u274c|\u2714\ufe0f?|\u2716\ufe0f?)?\s*`?"
    r"(?P<name>[A-Za-z_][\w.]*?)(?:\(\))?`?\s*$"
)
_ABSENT_LEAD = re.compile(r"\b(?:missing|absent|not\s+(?:found|defined|exported)|removed)\b", re.I)


def _listed_name(line: LineMentions, stance: str | None) -> Draft | None:
    """A bullet listing one name under a lead-in ("**Available exports in x.py:**"): the
    name is said to be in the file named just above; under "**Missing exports:**", or
    marked ❌, said to be absent from it."""
    match = _LISTED.match(line.raw)
    if not match:
        return None
    name = match.group("name")
    if "_" not in name and not any(c.isupper() for c in name[1:]):
        return None  # "- staging", "- Done": a word, not a code name
    path = line.context_path or line.earlier_path
    absent = match.group("mark") == "\u274c" or bool(_ABSENT_LEAD.search(line.lead_in))
    if not path and not absent:
        return None
    return Draft(
        match.start("name"),
        "symbol",
        path=path,
        symbol=name,
        stance="negated" if absent else stance,
    )


# `pkg.module.Name` (a log record, an import path, a pytest listing): Name in pkg/module.py.
_DOTTED = re.compile(r"(?<![\w./])((?:[a-z_][a-z0-9_]*\.)+)([A-Za-z_]\w*)(?![\w(/])")


def _dotted_drafts(
    line: LineMentions, named: set[str | None], stance: str | None = None
) -> list[Draft]:
    found: list[Draft] = []
    for match in _DOTTED.finditer(line.raw):
        module, name = match.group(1).rstrip("."), match.group(2)
        if module.count(".") < 1 and "_" not in module:
            continue  # `os.environ`, `log.info`: too short to name a module of the tree
        if not (name[:1].isupper() or "_" in name) or name in named or module.startswith("self"):
            continue
        if module.split(".")[-1] in {"py", "md", "json", "yaml", "yml", "txt", "toml"}:
            continue
        if line.raw.startswith(" import", match.end()):
            continue  # `from a.b.module import X`: the last part is a module, not a name
        found.append(
            Draft(
                match.start(),
                "symbol",
                path=module.replace(".", "/") + ".py",
                symbol=name,
                stance=stance,  # type: ignore[arg-type]
            )
        )
        if len(found) >= MAX_PER_LINE:
            break
    return found


def _distinctive(raw: str, column: int, symbol: str) -> bool:
    """A name with no file is a claim when written as code and shaped like a code name
    only: a call (`apply_discount()`), a type (`LedgerClient`), a constant (`MAX_RETRY`), a
    dotted or long snake name. Bare prose words (PagerDuty) and short snake words
    (`place_order`, a table, a queue, an event) name too many things to look for."""
    if raw[column : column + 1] != "`":
        return False
    if _is_call(raw, column, symbol) or "." in symbol:
        return True
    if symbol[:1].isupper() and any(c.islower() for c in symbol[1:]):
        return any(c.isupper() for c in symbol[1:])
    return (symbol.isupper() and "_" in symbol) or symbol.strip("_").count("_") >= 2


def _is_call(raw: str, column: int, symbol: str) -> bool:
    at = raw.find(symbol, column)
    return at >= 0 and raw.startswith("()", at + len(symbol))


def _tied_to_path(line: str, column: int, symbol: str, definition: str | None) -> bool:
    """A name only becomes a symbol claim about a file when the line ties it to one."""
    if definition:
        return True
    if line[column : column + 1] == "`":
        return bool(_TIE_WORDS.search(line)) or ":" in line
    # Bare names (SERVICE_SECRET, WebSocketState) only when they read like a constant or type.
    return "_" in symbol or symbol[:1].isupper()


# "- Update all `x()` calls", "3. Implement missing `y()`": a step to take, not a fact.
_IMPERATIVE = re.compile(
    r"^\s*(?:[-*+]|\d{1,3}[.)])\s+(?:\[[ xX]\]\s+)?(?:\*\*)?(?:update|implement|add|create"
    r"|restore|rename|replace|fix|remove|change|migrate|refactor|introduce|ensure|use|convert"
    r"|move|wrap|make|set|enable|disable|deprecate|delete)\b",
    re.IGNORECASE,
)


def _in_proposal_section(line: LineMentions) -> bool:
    if _IMPERATIVE.match(line.raw):
        return True
    return line.block is not None and line.block.section in _PROPOSAL_SECTIONS


_SHA = re.compile(r"\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b")
_CONVENTIONAL_START = re.compile(r"^[a-z]+(?:\([^)]*\))?!?:\s")


def _quote_drafts(line: LineMentions, named: set[str | None], stance: str | None) -> list[Draft]:
    """Quoted strings ("Created sandbox ledger for tenant: t-001") and code spans that are
    code (`log.info("Ledger down: {err}")`): each is looked for verbatim."""
    if not line.has_quote and '"' not in line.raw and "`" not in line.raw:
        return []
    found: list[Draft] = []
    if _SHA.search(line.raw):
        return []  # quotes beside a SHA are its subject: the `commit` kind's
    spans = [
        (c, s)
        for c, s in _code_spans(line.raw)
        if _is_code_line(s)
        and not _IDENTIFIER.fullmatch(s)
        and s not in named
        and not _CONVENTIONAL_START.match(s)
    ]
    covered = [(c, c + len(s) + 2) for c, s in spans]
    for column, span in spans:
        found.append(_quote_draft(line, column, span, stance))
    for match in _QUOTED.finditer(line.raw):
        text = (match.group(1) or match.group(2) or "").strip()
        if any(a <= match.start() < b for a, b in covered) or text in named:
            continue
        if len(text) < 8 or " " not in text or _CONVENTIONAL_START.match(text):
            continue  # a word, or a commit subject (the `message` kind's)
        found.append(_quote_draft(line, match.start(), text, stance))
    return found


def _is_code_line(span: str) -> bool:
    """`min_instances = 10`, `log.info("x")`, `from a import b`: code, not a bare name."""
    if len(span) < 6 or span.startswith(("-", "/", "$")) or "://" in span:
        return False
    return bool(re.search(r"\w\s*(?:=|\(|\.\w+\()|^(?:from|import|class|def|async def)\s", span))


def _quote_draft(line: LineMentions, column: int, text: str, stance: str | None) -> Draft:
    # A path inside the quote is part of what is quoted, not where the quote is said to be.
    outside = [p for p in line.paths if not column <= p.start <= column + len(text) + 2]
    owner = _nearest_path(outside, column, either_side=True) if outside else None
    if owner is not None:
        # `From x.md: "..."` or `"..." in x.md` quotes the file; `x.md shows "..."` may
        # paraphrase it, so that quote is only looked for in the tree.
        between = (
            line.raw[owner.end : column]
            if owner.start < column
            else line.raw[column + len(text) + 2 : owner.start]
        )
        if not _VERBATIM_TIE.fullmatch(between):
            owner = None
    return Draft(
        column,
        "symbol",
        path=owner.path if owner else None,
        quoted_code=text,
        uses_path=owner.start if owner else None,
        stance=stance,
    )


_VERBATIM_TIE = re.compile(r"[\s`*:,(]*(?:(?:in|from|at|of)\b[\s`*:,(]*)?", re.IGNORECASE)
_FENCE_DEF = re.compile(r"^\s*(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)")
_MEMBER_CALL = re.compile(r"\b([A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*)\.(_?[a-z]\w*)\(")
_DEFINES = re.compile(r"^\s*(?:#|//)\s*.*?\bdefines?\b[^:]*:\s*(?P<items>.+)$", re.IGNORECASE)
_COMMENT = re.compile(r"^\s*(?:#|//)")


def _fence_drafts(line: LineMentions) -> list[Draft]:
    """In a code excerpt: a def/class line (defined in the file the fence is about), a
    member called on a class (exists in the tree), `# x.py defines routes: /a, /b`."""
    block = line.block
    if block is None or block.fence in {"traceback", "git log", "diff"}:
        return []
    stance = "proposed" if block.section in _PROPOSAL_SECTIONS else None
    raw = line.raw
    defines = _DEFINES.match(raw)
    if defines and line.paths:
        owner = line.paths[0]
        items = [i.strip().strip("`'\"") for i in defines.group("items").split(",")]
        return [
            Draft(raw.find(item), "symbol", path=owner.path, symbol=item, uses_path=owner.start)
            for item in items[:MAX_PER_LINE]
            if 1 < len(item) <= 80 and " " not in item
        ]
    if _COMMENT.match(raw) or block.fence not in {"code", None}:
        return []
    found: list[Draft] = []
    definition = _FENCE_DEF.match(raw)
    if definition:
        code = raw.strip().split("  #")[0].strip()
        found.append(
            Draft(
                definition.start(1),
                "symbol",
                path=line.context_path,
                symbol=definition.group(1),
                quoted_code=code,
                stance=stance,
            )
        )
    for call in _MEMBER_CALL.finditer(raw):
        found.append(
            Draft(call.start(), "symbol", symbol=f"{call.group(1)}.{call.group(2)}", stance=stance)
        )
    return found[:MAX_PER_LINE]


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


def _needles(claim: Claim) -> list[str]:
    if claim.symbol and not claim.quoted_code:
        name = _last_name(claim.symbol)
        return [name]
    if claim.quoted_code:
        wanted = [_quote_needle(claim.quoted_code)]
        if claim.symbol:
            wanted.append(_last_name(claim.symbol))
        return wanted
    return []


def _unreadable_code(context: CheckContext) -> list[str]:
    return [p for p in context.tree_search.unreadable_paths if p.endswith(_CODE_TYPES)]


def _code_readable(context: CheckContext) -> bool:
    """Whether "found nowhere" is evidence: (nearly) every code file was read. A partial
    clone missing a few blobs out of many still shows where a name is not: the share left
    unread must stay small, and the detail says how many were skipped."""
    missing = len(_unreadable_code(context))
    if not missing:
        return True
    code_files = sum(1 for path in context.tree.files if path.endswith(_CODE_TYPES))
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
        + r"\s*(?::[^=]*)?="
    )


def _in_code(places: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return [place for place in places if place[0].endswith(_CODE_TYPES)]


def _not_the_analysis(
    context: CheckContext, places: list[tuple[str, int]]
) -> list[tuple[str, int]]:
    own = context.analysis.path.replace("\\", "/")
    return [place for place in places if not own.endswith(place[0])]


_DOCUMENT_TYPES = (".md", ".rst", ".txt", ".xml", ".adoc")


def _is_code_name(claim: Claim) -> bool:
    """Written as code (in backticks, or a call in a code excerpt) and shaped like one:
    `apply_discount()`, `LedgerClient`, `MAX_RETRY`, `a.b`; a bare lower-case word may be a
    module, a table or a concept, whose absence from the tree says little."""
    symbol = claim.symbol or ""
    name = symbol.removesuffix("()")
    written = name in claim.names or claim.origin == "code"
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
    needle = _quote_needle(quote) if quote else _last_name(claim.symbol or "")
    if not needle or len(needle) < 3:
        return result(claim, "unverifiable", "names nothing to look for")
    what = f'"{quote}"' if quote else f"`{claim.symbol}`"
    if not search.searched(needle):
        return result(claim, "unverifiable", f"the tree search for {what} did not finish")
    everywhere = _not_the_analysis(context, search.places(needle))
    places = everywhere
    if not quote or _is_code_line(quote):
        places = _in_code(everywhere)  # a code name or code: documents quoting it do not count
    if quote and places and _is_code_line(quote):
        places = _confirm_code(context, quote, places) or []
        if not places:
            return result(
                claim,
                "unverifiable",
                f"{what} is not in the tree as written (`{needle}` is, in other code)",
            )
    if everywhere and not places:
        return result(
            claim,
            "unverifiable",
            f"{what} is named only in documents ({_shown(everywhere)}), in no code file",
        )
    if places:
        if claim.stance == "proposed" and not quote:
            return result(
                claim, "unverifiable", f"a proposal; {what} already exists at {_shown(places)}"
            )
        return result(claim, "verified", f"{what} is in the tree at {_shown(places)}")
    if claim.stance == "proposed" or (claim.quoted_code and claim.quoted_code.startswith("def")):
        return result(claim, "unverifiable", f"a proposal: {what} is not in the tree yet")
    readable = _code_readable(context)
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
            lines = context.tree.lines_of(path) or []
            pattern = _definition_pattern(name)
            hits = [n for n, text in enumerate(lines, start=1) if pattern.search(text)]
            if hits:
                return result(
                    claim,
                    "contradicted",
                    f"`{name}` is defined in `{path}` at line {hits[0]}",
                    f"{path}:{hits[0]}",
                )
        return result(claim, "verified", f"`{claim.path}` defines no `{name}`")
    search = context.tree_search
    if not search.searched(name):
        return result(claim, "unverifiable", f"the tree search for `{name}` did not finish")
    defined = _defined_at(context, name)
    if defined:
        # "X doesn't exist" names no file: it may mean the module the paragraph is about.
        return result(
            claim,
            "unverifiable",
            f"`{name}` is defined at {_shown(defined)}; the sentence names no file, so which "
            "module it says lacks it is left to the auditor",
        )
    used = search.places(name)
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


def _symbol_in(context: CheckContext, claim: Claim, path: str) -> FileVerdict:
    readable, problem = context.tree.readable(path)
    if problem or readable is None:
        return FileVerdict(path, "unverifiable", problem or "not readable")
    lines = context.tree.lines_of(readable)
    if lines is None:
        return FileVerdict(path, "unverifiable", f"`{path}` is binary or unreadable")
    symbol = claim.symbol or ""
    name = _last_name(symbol)
    code = claim.quoted_code
    if code:
        pattern = code_pattern(code)
        hits = [n for n, text in enumerate(lines, start=1) if pattern.search(text)]
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
            places = _in_code(_not_the_analysis(context, context.tree_search.places(needle)))
        return [p for p in places if p[0] not in matches]
    places = _not_the_analysis(context, context.tree_search.places(needle))
    places = [p for p in places if p[0] not in matches]
    if code and (claim.symbol or _is_code_line(code)):
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
    what = f"`{claim.quoted_code or claim.symbol}`"
    elsewhere = _elsewhere(context, claim, needle, set(matches))
    absent = "; ".join(v.detail for v in verdicts if v.status == "absent")
    if claim.stance == "proposed":
        return result(claim, "unverifiable", f"a proposal: {absent}")
    if claim.stance == "quoted":
        return result(claim, "unverifiable", f"quoted, not asserted: {absent}")
    if elsewhere and not (claim.quoted_code or "").startswith("from "):
        files = list(dict.fromkeys(p for p, _ in elsewhere))
        return result(
            claim,
            "contradicted",
            f"{absent}; {what} is elsewhere: {_shown(elsewhere)}",
            "found in " + ", ".join(f"`{f}`" for f in files[:3]),
        )
    return result(
        claim,
        "unverifiable",
        f"{absent}, and {what} is in no other file either: a runtime name, new code or a "
        "paraphrase",
    )
