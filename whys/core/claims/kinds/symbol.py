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

from whys.core.claims.checking.names import is_code_line, is_value, value_literal
from whys.core.claims.checking.symbols import check_symbol, needles
from whys.core.claims.drafts import Draft
from whys.core.claims.kind import Prefetch
from whys.core.claims.mentions import (
    _IDENTIFIER,
    _PATH_TOKEN,
    _QUOTED,
    LineMentions,
    _code_spans,
    _last_symbol,
    _nearest_path,
    _symbols,
)
from whys.core.claims.symbol_shapes import (
    COMMAND,
    NODE_ID,
    bare_code_name,
    bare_names,
    code_line_draft,
    command_drafts,
    node_id_drafts,
    output_drafts,
    problem_in_span,
    prose_values,
    shows_failure,
    token_value,
)
from whys.core.lazyre import lazy_compile
from whys.core.models import Claim, ClaimCheck

if TYPE_CHECKING:
    from whys.core.claims.checking.context import CheckContext

NAME = "symbol"
IN_FENCES = True

# At most this many names or quotes per line become claims: a line listing twenty names is
# an inventory, and each is checked from the one batched search anyway.
MAX_PER_LINE = 8
_PROPOSAL_SECTIONS = {"fix", "action items"}


def assemble(line: LineMentions, earlier: list[Draft]) -> list[Draft]:
    """Symbol drafts of one line: in a fence, what its code says; in prose, names and
    quotes, tied to the line's path when the line ties them."""
    if line.in_fence:
        # A dotted path in a listing or log output reports what a program said (often the
        # very import that failed): quoted, so its absence is never held against the text.
        return _fence_drafts(line) or _dotted_drafts(line, set(), stance="quoted")
    named = {d.symbol for d in earlier} | {d.pattern for d in earlier}
    stance = "proposed" if _in_proposal_section(line) else None
    if line.spans:
        return []  # a line reference takes the line's names (the `lines` kind)
    listed = _listed_name(line, stance)
    if listed is not None:
        return [listed]
    dotted = _dotted_drafts(line, named)
    if dotted:
        return dotted
    found: list[Draft] = []
    symbols = line.symbols if (line.paths or line.may_count) else _symbols(line.raw, line.paths)
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(line.raw)]
    lacking = _LACKS.search(line.raw)
    members = _members_of(line.raw, lacking)
    for column, symbol, definition in symbols:
        if symbol in named or len(found) >= MAX_PER_LINE:
            continue
        if any(a < column < b for a, b in quoted):
            continue  # a name inside a quoted message or subject is the quote's, not a claim
        if any(symbol in p.path for p in line.paths):
            continue  # `test_framework` of `test_framework/x.py` is the path's, not a name
        if lacking and column == lacking.start():
            continue  # "`Config` lacks `a`": the claim is about `a`, a member of `Config`
        owner = None
        absent = _said_absent(line.raw, column, symbol) or column in members
        if line.paths:
            if not _tied_to_path(line.raw, column, symbol, definition):
                continue  # a name beside a file, not said to be in it: no claim about either
            owner = _nearest_path(line.paths, column, either_side=True)
        elif not (
            definition
            or _distinctive(line.raw, column, symbol)
            or _absent_name(line.raw, column, symbol, absent)
        ):
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
                said_defined=not owner and _said_to_be_a_type(line.raw, column),
                described=(
                    f"member of {lacking.group('owner')}"
                    if lacking and column in members
                    else "module"
                    if absent and _said_module(line.raw, column, symbol)
                    else None
                ),
            )
        )
        named.add(symbol)
    named |= {d.quoted_code for d in found}
    found += _quote_drafts(line, named, stance)
    found += _unticked_drafts(line, named, found, stance)
    taken = [(c, c + len(s) + 2) for c, s in _code_spans(line.raw)]
    taken += [(d.column, d.column + len(d.quoted_code or d.symbol or "")) for d in found]
    found += prose_values(line.raw, taken, stance)
    if _CHANGES_NAME.search(line.raw):
        # "Rename `A` → `B`", "Replace `x` imports": should the line propose, it is the
        # name that changes, so finding it says nothing of the proposal.
        for draft in found:
            if (draft.symbol or is_value(draft.quoted_code or "")) and not draft.described:
                draft.described = "changed"
    if not found and line.lead_in and _NAMELESS_ABSENCE.match(line.raw):
        # "**WHY 1:** `X` doesn't exist in the package" / "- Not found in any such module":
        # the bullet restates the lead-in's absence, scoped its own way.
        name = _last_symbol(line.lead_in)
        if name and _said_absent(line.lead_in, line.lead_in.find(name), name):
            found.append(Draft(0, "symbol", symbol=name, stance="negated"))
    members = _MISSING_MEMBERS.search(line.lead_in) if line.lead_in else None
    if members:
        # "#### Missing RealWebSocketTestConfig Attributes" over "- **Missing**: `x: int`":
        # the class the bullets' names are missing from is the place to look.
        for draft in found:
            if (
                draft.stance == "negated"
                and not (draft.path or draft.described)
                and draft.symbol != members.group("owner")
            ):
                draft.described = f"member of {members.group('owner')}"
    if stance == "proposed":
        # "Implement missing `authenticate()`": what the step would add, not a finding.
        for draft in found:
            if draft.stance == "negated":
                draft.stance = "proposed"
    return sorted(found, key=lambda d: d.column)[:MAX_PER_LINE]


_CHANGES_NAME = lazy_compile(
    r"\u2192|->|\b(?:renam|replac|updat|remov|delet|migrat|deprecat|creat|implement"
    r"|introduc|restor|chang)(?:e|es|ed|ing|s)?\b|\badd(?:s|ed|ing)?\b",
    re.IGNORECASE,
)


# "`RealWebSocketTestConfig` lacks `required_agent_events` and `concurrent_connections`".
_LACKS = lazy_compile(r"`(?P<owner>[A-Z]\w+)`\s+(?:lacks?|lacking|is\s+missing|has\s+no)\s+(?=`)")
# "- **Evidence:** Not found in any circuit breaker module": an absence naming no name.
_NAMELESS_ABSENCE = lazy_compile(
    r"^\s*[-*+]\s+(?:\*\*[^*]{1,30}\*\*:?\s*)?(?:not\s+(?:found|defined|present)|absent|missing)"
    r"\s+(?:in|from)\b",
    re.IGNORECASE,
)
# "#### Missing RealWebSocketTestConfig Attributes" above "- **Missing**: `x: int`": the
# bullets name members the class is said to lack.
_MISSING_MEMBERS = lazy_compile(
    r"\bmissing\W+`?(?P<owner>[A-Z][a-z0-9]+[A-Z]\w*)`?\s+"
    r"(?:attributes?|fields?|members?|properties|methods?)\b",
    re.IGNORECASE,
)
_CLAUSE_END = lazy_compile(r"[.;]\s|\sbut\s|\swhile\s|$")


def _members_of(raw: str, lacking: re.Match[str] | None) -> set[int]:
    """The columns of the names the owner is said to lack, up to the clause's end."""
    if lacking is None:
        return set()
    end = _CLAUSE_END.search(raw, lacking.end())
    stop = end.start() if end else len(raw)
    return {c for c, _ in _code_spans(raw) if lacking.end() <= c < stop}


def _absent_name(raw: str, column: int, symbol: str, absent: bool) -> bool:
    """Said absent and written as code (`x`, or `MockAgent` bare); "no user_id found in
    the request" is a run-time condition, not a claim about the tree."""
    return absent and (raw[column : column + 1] == "`" or bare_code_name(symbol))


def _unticked_drafts(
    line: LineMentions, named: set[str | None], found: list[Draft], stance: str | None
) -> list[Draft]:
    """Code names written without backticks (`MockIntegrationAgent`, a test's name), and
    the names or message of an error quoted in a code span: each exists in the tree."""
    raw = line.raw
    if line.paths and NODE_ID.search(raw):
        return node_id_drafts(raw, stance)
    taken = [(c, c + len(s) + 2) for c, s in _code_spans(raw)]
    taken += [(m.start(), m.end()) for m in _QUOTED.finditer(raw)]
    taken += [(p.start, p.end) for p in line.paths]
    taken += [(d.column, d.column + len(d.symbol or "")) for d in found]
    drafts = problem_in_span(raw, stance)
    claimed = {d.column for d in found}
    for column, span in _code_spans(raw):
        annotated = _ANNOTATION.fullmatch(span)
        component = column == _component_column(raw)
        name = annotated.group(1) if annotated else span if component else None
        if name and column not in claimed and name not in named and _IDENTIFIER.fullmatch(name):
            # `concurrent_connections: int` (a field); "- `websocket_protocols` - Protocols".
            absent = _said_absent(raw, column, span)
            # "- `websocket_protocols` - Protocols": a listed component, a module.
            module = component and name.islower() and "_" in name and name.isidentifier()
            drafts.append(
                Draft(
                    column,
                    "symbol",
                    symbol=name,
                    stance="negated" if absent else stance,  # type: ignore[arg-type]
                    described="module" if module else None,
                )
            )
    for column, name in bare_names(raw, taken):
        if name.removesuffix("()") in named or any(d.column == column for d in drafts):
            continue
        absent = _said_absent(raw, column, name)
        drafts.append(
            Draft(column, "symbol", symbol=name, stance="negated" if absent else stance)  # type: ignore[arg-type]
        )
    return drafts


_ANNOTATION = lazy_compile(r"([A-Za-z_]\w*)\s*:\s*[A-Za-z_][\w\[\], |.]*")
# "- `websocket_protocols` - Protocol definitions": a bullet listing a component.
_COMPONENT = lazy_compile(r"^\s*[-*+]\s+(?=`[A-Za-z_]\w*`\s+[-\u2013\u2014:]\s+\w)")


# "Actual classes are named `A`, `B`", "- `IWebSocketManager` - Interface (...)": the
# sentence says the name is a type of the code, not merely that it did something.
_NAMED_AS = lazy_compile(
    r"\b(?:class(?:es)?|interfaces?|types?)\s+(?:is|are)\s+(?:named|called)\b", re.IGNORECASE
)


def _said_to_be_a_type(raw: str, column: int) -> bool:
    named = _NAMED_AS.search(raw, 0, column)
    return bool(named) or column == _component_column(raw)


def _component_column(raw: str) -> int | None:
    match = _COMPONENT.match(raw)
    return match.end() if match else None


def settle(claims: list[Claim], paragraphs: dict[str, int]) -> None:
    """Nothing to settle across lines."""


def prefetch(context: CheckContext, claims: list[Claim]) -> Prefetch:
    """The tree listing, the files it will read, and every name and quote for the run's
    one tree search (with the definition forms of names said to be absent)."""
    named = [c for c in claims if c.path]
    wanted: list[str] = []
    for claim in claims:
        wanted += needles(claim)
    context.tree_search.want(wanted)
    return Prefetch(path_claims=named, read_claims=named)


def check(context: CheckContext, claim: Claim) -> ClaimCheck:
    return check_symbol(context, claim)


# --- extraction -------------------------------------------------------------------------

# "`X` is used in `f.py`", "`f.py` imports `X`": the name's very text is said to be in the
# file, so finding it only in other files is evidence (a runtime "raised KeyError" is not).
_USE_TIE = lazy_compile(
    r"\b(?:is|are)\s+(?:used|read|imported|called|referenced)\s+(?:in|by|from)\b"
    r"|\b(?:uses|imports|calls|references|reads)\s+`",
    re.IGNORECASE,
)
_TIE_WORDS = lazy_compile(
    r"\b(?:in|from|inside|within|defined|declared|read|used|set|lives?|found|exists?|is|are)\b",
    re.IGNORECASE,
)
# "`X` not defined", "`Y` class doesn't exist", "MockAgent is missing": after the name ...
_ABSENT_AFTER = lazy_compile(
    r"^[`'\"*]*(?:\s+(?:class|function|method|module|fixture|attribute|field|alias|export))?"
    r"\s*(?:is\s+|was\s+|are\s+)?(?:not\s+(?:defined|found|present|declared|implemented|exported)"
    r"|(?:does\s*n[o']t|doesn't|do\s+not|don't|did\s+not)\s+exist|never\s+defined"
    r"|(?:is\s+)?missing(?=\s*(?:[.,;:)!]|$))|undefined|absent)",
    re.IGNORECASE,
)
# ... or before it: "lacks `required_agent_events`", "**Missing**: `x`", "no `y` fixture".
_ABSENT_BEFORE = lazy_compile(
    r"(?:\blacks?|\blacking|\bwithout|\bmissing\**\s*:\**|\bno(?:\s+such)?)\s*[`'\"*]*$",
    re.IGNORECASE,
)


_MISSING_BEFORE = lazy_compile(r"\bmissing\s+`?$", re.IGNORECASE)
# "`port_conflict_fix` module exists in old commits but is missing from the tree".
_MODULE_GONE = lazy_compile(
    r"^[`'\"*]*\s+module\b[^.;]{0,60}?\b(?:missing|absent|deleted|gone|does\s*n[o']t\s+exist)\b",
    re.IGNORECASE,
)


def _said_absent(raw: str, column: int, symbol: str) -> bool:
    end = raw.find(symbol, column) + len(symbol)
    after = raw[end : end + 80].removeprefix("()")
    before = raw[max(0, column - 30) : column]
    return bool(
        _ABSENT_AFTER.match(after)
        or _MODULE_GONE.match(after)
        or _ABSENT_BEFORE.search(before)
        # "ImportError on missing `EngineConfig` class": a type (a field may be what lacks).
        or (_MISSING_BEFORE.search(before) and _distinctive(raw, column, symbol))
    )


def _said_module(raw: str, column: int, symbol: str) -> bool:
    """ "`docker_circuit_breaker` module doesn't exist": a module, so a file."""
    end = raw.find(symbol, column) + len(symbol)
    return bool(re.match(r"[`'\"*]*\s+module\b", raw[end : end + 20]))


# "- ✅ ExecutionEngine", "- ❌ `execute_agent()`": a bullet that is only a name.
_LISTED = lazy_compile(
    r"^\s*[-*+]\s+(?P<mark>\u2705|\u274c|\u2714\ufe0f?|\u2716\ufe0f?)?\s*`?"
    r"(?P<name>[A-Za-z_][\w.]*?)(?:\(\))?`?\s*$"
)
_ABSENT_LEAD = lazy_compile(
    r"\b(?:missing|absent|not\s+(?:found|defined|exported)|removed)\b", re.I
)


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
_DOTTED = lazy_compile(r"(?<![\w./])((?:[a-z_][a-z0-9_]*\.)+)([A-Za-z_]\w*)(?![\w(/])")


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
        quoted = line.raw[match.start() - 1 : match.start()] in {"'", '"'}
        if quoted and line.raw[match.end() : match.end() + 1] in {"'", '"'} and name.islower():
            continue  # `from 'a.b.websocket_core'`: a module's dotted name, no name in it
        library = module.split(".")[0] in _LIBRARIES
        found.append(
            Draft(
                match.start(),
                "symbol",
                # `@pytest.mark.gcp_staging`: a library's namespace, the name is the tree's.
                path=None if library else module.replace(".", "/") + ".py",
                symbol=name,
                stance=stance,  # type: ignore[arg-type]
            )
        )
        if len(found) >= MAX_PER_LINE:
            break
    return found


_LIBRARIES = frozenset(
    {"pytest", "unittest", "os", "sys", "asyncio", "typing", "logging", "json", "re",
     "datetime", "collections", "pathlib", "subprocess", "mock", "django", "flask", "fastapi",
     "sqlalchemy", "pydantic", "requests", "httpx", "starlette", "uvicorn", "celery"}
)  # fmt: skip


def _distinctive(raw: str, column: int, symbol: str) -> bool:
    """A name with no file is a claim when written as code and shaped like a code name
    only: a call (`apply_discount()`), a type (`LedgerClient`), a constant (`MAX_RETRY`), a
    dotted or long snake name. Bare prose words (PagerDuty) and short snake words
    (`place_order`, a table, a queue, an event) name too many things to look for."""
    if raw[column : column + 1] != "`":
        return False
    if _is_call(raw, column, symbol) or "." in symbol:
        return True
    name = symbol.lstrip("_")  # `_WebSocketManagerFactory` is a private type
    if name[:1].isupper() and any(c.islower() for c in name[1:]):
        return any(c.isupper() for c in name[1:])
    if name[:1].islower() and "_" not in name and len(name) >= 6:
        return any(c.isupper() for c in name)  # `asyncSetUpClass`, a method
    return (symbol.isupper() and "_" in symbol) or symbol.strip("_").count("_") >= 2


def _is_call(raw: str, column: int, symbol: str) -> bool:
    at = raw.find(symbol, column)
    return at >= 0 and raw.startswith("()", at + len(symbol))


def _tied_to_path(line: str, column: int, symbol: str, definition: str | None) -> bool:
    """A name only becomes a symbol claim about a file when the line ties it to one."""
    if definition:
        return True
    if line[column : column + 1] == "`":
        return bool(_TIE_WORDS.search(line) or _USE_TIE.search(line)) or ":" in line
    # Bare names (SERVICE_SECRET, WebSocketState) only when they read like a constant or type.
    return "_" in symbol or symbol[:1].isupper()


# "- Update all `x()` calls", "3. Implement missing `y()`": a step to take, not a fact.
_IMPERATIVE = lazy_compile(
    r"^\s*(?:[-*+]|\d{1,3}[.)])\s+(?:\[[ xX]\]\s+)?(?:\*\*)?(?:update|implement|add|create"
    r"|restore|rename|replace|fix|remove|change|migrate|refactor|introduce|ensure|use|convert"
    r"|move|wrap|make|set|enable|disable|deprecate|delete)\b",
    re.IGNORECASE,
)


def _in_proposal_section(line: LineMentions) -> bool:
    if _IMPERATIVE.match(line.raw):
        return True
    return line.block is not None and line.block.section in _PROPOSAL_SECTIONS


_SHA = lazy_compile(r"\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b")
_CONVENTIONAL_START = lazy_compile(r"^[a-z]+(?:\([^)]*\))?!?:\s")


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
        if is_code_line(s)
        and not _IDENTIFIER.fullmatch(s)
        and s not in named
        and not _CONVENTIONAL_START.match(s)
    ]
    values = [
        (c, literal)
        for c, s in _code_spans(line.raw)
        if not is_code_line(s) and (literal := value_literal(s)) and literal not in named
    ]
    covered = [(c, c + len(s) + 2) for c, s in spans + values]
    for column, span in sorted(spans + values):
        found.append(_quote_draft(line, column, span, stance))
    for match in _QUOTED.finditer(line.raw):
        text = (match.group(1) or match.group(2) or "").strip()
        if any(a <= match.start() < b for a, b in covered) or text in named:
            continue
        if token_value(text) and not _PATH_TOKEN.fullmatch(text):
            found.append(_quote_draft(line, match.start(), text, stance))  # "service:backend"
            continue
        if len(text) < 8 or " " not in text or _CONVENTIONAL_START.match(text):
            continue  # a word, or a commit subject (the `message` kind's)
        found.append(_quote_draft(line, match.start(), text, stance))
    return found


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
    # "Comments in file show "...": the code's own comment, in the file named above.
    comment = owner is None and bool(_COMMENT_SAID.search(line.raw[:column]))
    # "despite "99% System Health" claims in Master WIP Status": a document by its title.
    titles = _document_titles(line.raw) if owner is None and not comment else []
    if _EARLIER.search(line.raw):
        titles = []  # "Master WIP Status (Sept 15):": a version the tree no longer holds
    return Draft(
        column,
        "symbol",
        path=owner.path if owner else None,
        quoted_code=text,
        uses_path=owner.start if owner else None,
        stance=stance,
        described="comment" if comment else "document:" + "|".join(titles) if titles else None,
    )


_EARLIER = lazy_compile(
    r"\((?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{4}-\d{2}-\d{2})[^)]*\)|\b(?:previous(?:ly)?|earlier|"
    r"used\s+to|formerly|before\s+the)\b",
    re.IGNORECASE,
)


def _document_titles(raw: str) -> list[str]:
    """Titles a line may name a document by, as file stems: "Master WIP Status" is
    `MASTER_WIP_STATUS` (the check keeps those that are one document of the tree)."""
    found = []
    for match in _DOCUMENT_TITLE.finditer(raw):
        words = match.group(0).split()
        if words[0] in {"The", "A", "An", "Our", "This", "That", "In", "Per"}:
            words = words[1:]
        if len(words) < 2:
            continue
        if any(w.isupper() and len(w) >= 2 for w in words) and not all(w.isupper() for w in words):
            found.append("_".join(words).upper())
    return found[:3]


# A title of capitalised words with an acronym in it ("Master WIP Status"), as documents
# of a repository are often named (`MASTER_WIP_STATUS.md`).
_DOCUMENT_TITLE = lazy_compile(
    r"\b(?:[A-Z][a-z]+|[A-Z]{2,})(?:\s+(?:[A-Z][a-z]+|[A-Z]{2,})){1,3}\b"
)


_COMMENT_SAID = lazy_compile(
    r"\b(?:code\s+)?comments?\s+(?:in\s+(?:the\s+)?(?:file|code|module)\s+)?"
    r"(?:show|shows|say|says|read|reads|state|states)\b[^\"`]*$",
    re.IGNORECASE,
)


_VERBATIM_TIE = lazy_compile(r"[\s`*:,(]*(?:(?:in|from|at|of)\b[\s`*:,(]*)?", re.IGNORECASE)
_FENCE_DEF = lazy_compile(r"^\s*(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)")
_MEMBER_CALL = lazy_compile(r"\b([A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*)\.(_?[a-z]\w*)\(")
_DEFINES = lazy_compile(r"^\s*(?:#|//)\s*.*?\bdefines?\b[^:]*:\s*(?P<items>.+)$", re.IGNORECASE)
_COMMENT = lazy_compile(r"^\s*(?:#|//)")
# A comment in a fix's fence saying the code under it is today's, to be replaced.
_CURRENT_CODE = lazy_compile(
    r"^\W*(?:instead\s+of\s+this|current(?:ly)?\b|existing\b|today\b|as\s+it\s+stands)",
    re.IGNORECASE,
)
# `ImportError: cannot import name 'X' from 'a.b'` pasted into a ```python fence: what
# Python printed, not a line of code (no statement starts with `XError: `).
_RAISED_LINE = lazy_compile(r"^\s*(?:[a-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Warning):\s+\S")


def _fence_drafts(line: LineMentions) -> list[Draft]:
    """In a code excerpt: a def/class line (defined in the file the fence is about), a
    member called on a class (exists in the tree), `# x.py defines routes: /a, /b`, else
    the statement itself (held by the tree); in output, the names and messages a program
    printed; in a shell session, the options a script is run with."""
    block = line.block
    if block is None or block.fence == "git log":
        return []
    stance = "proposed" if block.section in _PROPOSAL_SECTIONS else None
    if stance and _CURRENT_CODE.search(line.fence_comment):
        stance = None  # "# Instead of this (mock pattern):" in a fix: the code as it stands
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
    if block.fence in {"output", "traceback"} or (
        block.fence in {"code", None} and _RAISED_LINE.match(raw)
    ):
        return output_drafts(line, None)  # what a program printed is evidence, not a plan
    if block.fence == "shell" or (block.fence in {"code", None} and COMMAND.match(raw)):
        return command_drafts(line, stance)
    if block.fence == "diff":
        added = code_line_draft(line, stance)
        return [added] if added else []
    if _COMMENT.match(raw) or block.fence not in {"code", "config", None}:
        return []
    if shows_failure(line.fence_lead):
        return []  # "**Failing Import:**": the fence shows what is broken, not the tree
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
    if not found and not line.fence_quoted:  # code a line reference quotes is that claim's
        statement = code_line_draft(line, stance)
        found = [statement] if statement else []
    return found[:MAX_PER_LINE]
