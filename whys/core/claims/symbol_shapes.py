"""Symbol shapes real analyses write beyond a backticked name (extraction only; the
`symbol` kind assembles them and `checking/symbols.py` says what each one claims).

- a code name without backticks: `MockIntegrationAgent vs RealIntegrationAgent`,
  `### **test_agent_started_event_structure FAILURE**`, `E2E_OAUTH_SIMULATION_KEY`;
- a code line in a fence: an import (`from a.b import X`), an assignment, a call, a config
  entry (`python_classes = ["Test*"]`, `- id: check-yaml`): the tree holds the line;
- a pytest node id (`tests/x.py::TestX::test_y`): the file defines the class and test;
- a script's command line (`python tests/runner.py --category e2e --env staging`): the
  script accepts those options;
- error and log text (`AssertionError: tool_executing missing tool_name`): a message the
  code writes; Python's own runtime messages name code instead (`cannot import name 'X'
  from 'a.b'`: `X` is not in `a/b.py`).
"""

from __future__ import annotations

import builtins
import re

from whys.core.claims.checking.names import ADDRESS, strip_comment
from whys.core.claims.drafts import Draft
from whys.core.claims.mentions import LineMentions, _code_spans
from whys.core.lazyre import lazy_compile

MAX_PER_LINE = 8

# --- bare names -------------------------------------------------------------------------

# The humps of a CamelCase name: `GCPDeployer` is GCP + Deployer, `IWebSocket` I + Web + Socket.
_HUMP = lazy_compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z0-9]+|[A-Z]+")
# Two-hump names that end like a code type (`DataManager`), unlike a product (`ClickHouse`).
_CODE_SUFFIX = lazy_compile(
    r"(?:Manager|Factory|Error|Exception|Agent|Handler|Client|Service|Engine|Bridge|Adapter"
    r"|Registry|Config|Context|State|Tests?|TestCase|Helper|Validator|Deployer|Monitor"
    r"|Router|Builder|Provider|Wrapper|Executor|Dispatcher|Runner|Loader|Session|Interface"
    r"|Protocol|Mixin|Schema|Emitter|Tracker|Breaker|Middleware|Controller|Repository"
    r"|Orchestrator|Coordinator|Generator|Parser|Checker|Detector|Collector|Reporter"
    r"|Fixture|Enum|Type|Mode|Policy|Settings|Spec|Util|Utils)$"
)
# Three-hump names of products and platforms, not of code.
_PRODUCT_WORDS = frozenset(
    {
        "GitHubActions",
        "GoogleCloudPlatform",
        "GoogleCloudRun",
        "AmazonWebServices",
        "VisualStudioCode",
    }
)
# Python's own exceptions and warnings (`ImportError on missing X`): not the tree's names.
_BUILTIN_NAMES = frozenset(
    name for name in dir(builtins) if name.endswith(("Error", "Exception", "Warning"))
)
_SNAKE = lazy_compile(r"_{0,2}[a-z][a-z0-9]*(?:_[a-z0-9]+)+_{0,2}")
_CONSTANT = lazy_compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
# A word of code in prose, dotted (`SSotBaseTestCase.add_cleanup()`) or not.
_WORD = lazy_compile(r"(?<![\w./@#$%:-])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?:\(\))?(?![\w/@-])")


def bare_code_name(name: str) -> bool:
    """A name written without backticks that only code would have: CamelCase of three
    humps (`MockIntegrationAgent`), or two with an acronym head (`GCPDeployer`) or a type's
    ending (`DemoBridge`); snake case private, a test, or of three words; a constant of three
    words (`E2E_OAUTH_SIMULATION_KEY`). `ClickHouse`, `FastAPI`, `auth_client` are not."""
    name = name.removesuffix("()")
    if "." in name:
        parts = name.split(".")
        return any(bare_code_name(part) for part in parts) and all(parts)
    if name in _PRODUCT_WORDS or name in _BUILTIN_NAMES or len(name) < 6:
        return False
    if _CONSTANT.fullmatch(name):
        # `SERVICE_TOKEN` may be a word in capitals; `E2E_OAUTH_SIMULATION_KEY` is code.
        return sum(1 for part in name.split("_") if sum(c.isalpha() for c in part) >= 2) >= 3
    if _SNAKE.fullmatch(name):
        core = name.strip("_")
        # `test_charge_retries`, `_cleanup_connections`; not `test_framework`, `auth_client`.
        return len(name) >= 8 and (core.count("_") >= 2 or (name[0] == "_" and "_" in core))
    name = name.lstrip("_")  # `_WebSocketManagerFactory`: a private type
    if name[:1].isupper() and "_" not in name and any(c.islower() for c in name):
        humps = _HUMP.findall(name)
        if len(humps) >= 3:
            return True
        if len(humps) == 2:
            return (len(humps[0]) >= 2 and humps[0].isupper()) or bool(_CODE_SUFFIX.search(name))
    return False


def bare_names(raw: str, taken: list[tuple[int, int]]) -> list[tuple[int, str]]:
    """(column, name) of the code names written without backticks on a prose line, outside
    code spans, quotes, paths and URLs (`taken`)."""
    found: list[tuple[int, str]] = []
    for match in _WORD.finditer(raw):
        word = match.group(0)
        if any(a <= match.start() < b for a, b in taken) or not bare_code_name(word):
            continue
        token_start = raw.rfind(" ", 0, match.start()) + 1
        token_end = raw.find(" ", match.end())
        token = raw[token_start : token_end if token_end >= 0 else len(raw)]
        if "://" in token or "/" in token.strip("`*()[],.:;"):
            continue  # a URL or a path's part
        found.append((match.start(), word))
        if len(found) >= MAX_PER_LINE:
            break
    return found


# --- fences: output, traceback and shell lines ------------------------------------------

# `tests/x.py::TestX::test_y` (pytest's node id), with an optional parametrisation.
NODE_ID = lazy_compile(
    r"(?P<path>[\w./-]+\.py)::(?P<first>[A-Za-z_]\w*)(?:::(?P<second>[A-Za-z_]\w*))?"
)
# `XError: message`, `DeprecationWarning: ...`, `AssertionError: ...`: what a program said.
_PROBLEM = lazy_compile(
    r"(?:^|[\s\"'`(])(?P<kind>[A-Z]\w*(?:Error|Exception|Warning)|ERROR|WARNING|CRITICAL|FAILED"
    r"|(?:[A-Z]+\s)?(?:WARNING|VIOLATION|ERROR)):\s+(?P<message>\S.*)$"
)
# Python writes these itself: the names in them are the claim, not the words.
_RUNTIME = lazy_compile(
    r"has no attribute|cannot import name|No module named|was never awaited|can't be used in"
    r"|is not callable|is not defined|unexpected keyword|required positional|not subscriptable"
    r"|positional arguments? but|object is not|not awaitable|is not iterable|^coroutine\s+'",
    re.IGNORECASE,
)
_SINGLE_QUOTED = lazy_compile(r"'([A-Za-z_][\w.]*)'")
_CANNOT_IMPORT = lazy_compile(r"cannot import name '(?P<name>\w+)' from '(?P<module>[\w.]+)'")
_TEST_RESULT = lazy_compile(r"\b(?P<name>test_\w+)\b")
_TREE_DRAWING = lazy_compile(r"^[\s\u2502|]*(?:[\u251c\u2514]\u2500+|[|`]--)\s*")


def node_id_drafts(raw: str, stance: str | None) -> list[Draft]:
    """`tests/x.py::TestX::test_y`: the file defines `TestX` (and `test_y` in it)."""
    found: list[Draft] = []
    for match in NODE_ID.finditer(raw):
        path = match.group("path").removeprefix("./")
        for group in ("first", "second"):
            name = match.group(group)
            if name:
                found.append(
                    Draft(
                        match.start(group),
                        "symbol",
                        path=path,
                        symbol=name,
                        said_defined=True,
                        stance=stance,  # type: ignore[arg-type]
                    )
                )
    return found


def output_drafts(line: LineMentions, stance: str | None) -> list[Draft]:
    """A line of program output: node ids, a test's result, an error or log message (or
    the names in one Python wrote itself), the names a tree drawing lists."""
    raw = line.raw
    found = node_id_drafts(raw, stance)
    if found:
        return found[:MAX_PER_LINE]
    problem = _PROBLEM.search(raw)
    if problem:
        return _problem_drafts(raw, problem, stance)
    if line.block is not None and line.block.fence == "traceback":
        return []
    statement = code_line_draft(line, stance) if "=" in raw else None
    if statement:
        return [statement]  # `python_classes = ["Test*"]` in an unlabelled fence
    taken: list[tuple[int, int]] = [(m.start(), m.end()) for m in re.finditer(r"'[^']*'", raw)]
    listing = _TREE_DRAWING.match(raw) or _LABELLED.match(raw)
    names = bare_names(raw, taken) if listing else []
    entry = _ENTRY.match(raw, listing.end()) if listing else None
    if entry and not any(c == entry.start() for c, _ in names):
        names.insert(0, (entry.start(), entry.group(0)))  # `└── websocket_utilities (Helpers)`
    # `├── IWebSocketManager (Interface)`, `Class: X`: the entry is said to be code.
    listed = names[0][0] if names and listing and names[0][0] <= listing.end() + 1 else None
    names += [
        (m.start(), m.group("name"))
        for m in _TEST_RESULT.finditer(raw)
        if not any(c == m.start() for c, _ in names)
    ]
    drafts = [
        Draft(
            column,
            "symbol",
            symbol=name,
            said_defined=column == listed,
            stance=stance,  # type: ignore[arg-type]
            # `└── websocket_utilities (Helpers)`: a listed lower-case entry is a module.
            described="module" if column == listed and name.islower() else None,
        )
        for column, name in sorted(names)[:MAX_PER_LINE]
    ]
    return drafts or prose_values(raw, [], stance)  # "VALIDATED (75s timeout configured)"


# The entry a listing line names: a snake module as well as a CamelCase type.
_ENTRY = lazy_compile(r"_?[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?=\s|$)")


# `Class: AgentToolTests (Expected: TestAgentTool)`, `Function: run_all()`.
_LABELLED = lazy_compile(r"^\s*(?:[-*]\s+)?(?:Class|Function|Method|Module|Test|Fixture)\s*:\s")


def _problem_drafts(raw: str, problem: re.Match[str], stance: str | None) -> list[Draft]:
    message = problem.group("message").strip().rstrip("`")
    cannot = _CANNOT_IMPORT.search(message)
    if cannot:
        module = cannot.group("module")
        return [
            Draft(
                problem.start("message") + cannot.start("name"),
                "symbol",
                path=module.replace(".", "/") + ".py",
                symbol=cannot.group("name"),
                stance="negated",
            )
        ]
    runtime = _RUNTIME.search(message)
    if runtime:
        # `'X' object has no attribute 'y'`: X is the code's; y is what it lacks at run time.
        before = message[: runtime.start()] if "attribute" in runtime.group(0) else message
        names = [
            (problem.start("message") + m.start(1), m.group(1))
            for m in _SINGLE_QUOTED.finditer(before)
            if _code_shaped(m.group(1))
        ]
        quoted = [(m.start(), m.end()) for m in _SINGLE_QUOTED.finditer(before)]
        names += [
            (problem.start("message") + column, name) for column, name in bare_names(before, quoted)
        ]
        return [
            Draft(column, "symbol", symbol=name, stance=stance)  # type: ignore[arg-type]
            for column, name in names[:2]
        ]
    if len(message) < 12 or " " not in message:
        return []
    return [
        Draft(
            problem.start("message"),
            "symbol",
            quoted_code=message[:300],
            stance=stance,  # type: ignore[arg-type]
        )
    ]


def _code_shaped(name: str) -> bool:
    last = name.split(".")[-1]
    return bare_code_name(name) or bare_code_name(last) or ("_" in last and len(last) >= 6)


def problem_in_span(raw: str, stance: str | None) -> list[Draft]:
    """A code span holding an error (`AttributeError: 'X' object has no attribute 'y'`,
    `GOLDEN PATH VIOLATION: ...`): the names Python wrote, or the message the code did."""
    found: list[Draft] = []
    for column, span in _code_spans(raw):
        if _STATEMENT.match(span):
            continue  # `logger.error("VIOLATION: ...")`: the code that writes it, a code line
        problem = _PROBLEM.search(span)
        if problem:
            drafts = _problem_drafts(span, problem, stance)
        elif _RUNTIME.search(span):
            # `object _UnifiedManager can't be used in 'await' expression`: Python's words.
            drafts = [
                Draft(at, "symbol", symbol=name, stance=stance)  # type: ignore[arg-type]
                for at, name in bare_names(span, [])[:2]
            ]
        else:
            continue
        for draft in drafts:
            draft.column += column + 1
            found.append(draft)
    return found


# `python tests/unified_test_runner.py --category e2e --no-fast-fail`: the script's options.
_SCRIPT_RUN = lazy_compile(
    r"(?:^|[\s$>])(?:python3?|py)\s+(?P<path>[\w./-]+\.py)(?P<args>(?:\s+[^\s|;&>]+)*)"
)
_OPTION = lazy_compile(r"(?<!\S)--[a-z][\w-]*")


# A command of a shell session (else the line is the command's output).
COMMAND = lazy_compile(
    r"^\s*(?:[$>]\s+\S|(?:python3?|py|pytest|uv|poetry|pip|git|gcloud|docker|kubectl|npm|npx"
    r"|node|cd|export|set|source|bash|sh|make|curl|terraform)\s)"
)


def command_drafts(line: LineMentions, stance: str | None) -> list[Draft]:
    """A shell line: node ids, and the options a Python script is run with; a line that
    is no command is the output of one."""
    raw = line.raw
    if not COMMAND.match(raw):
        return output_drafts(line, None)  # a command's output is evidence, not a plan
    found = node_id_drafts(raw, stance)
    run = _SCRIPT_RUN.search(raw)
    if run and not found:
        options = [o.split("=")[0] for o in _OPTION.findall(run.group("args"))]
        if options:
            found.append(
                Draft(
                    run.start("args"),
                    "symbol",
                    path=run.group("path"),
                    quoted_code=" ".join(dict.fromkeys(options)),
                    stance=stance,  # type: ignore[arg-type]
                )
            )
    found += [
        Draft(m.start("name"), "symbol", symbol=m.group("name"), stance=stance)  # type: ignore[arg-type]
        for m in re.finditer(r"-k\s+[\"']?(?P<name>test_\w+)", raw)
    ]
    return found[:MAX_PER_LINE]


# --- fences: code and config lines ------------------------------------------------------

_IMPORT = lazy_compile(r"^\s*(?:from\s+[\w.]+\s+import\s+\(?[\w, ]+\)?|import\s+[\w.]+)\s*$")
_STATEMENT = lazy_compile(
    r"^\s*(?:(?:await|return|yield)\s+)?[A-Za-z_][\w.]{2,}(?:\[[^\]]*\])?\s*"
    r"(?::\s*[\w\[\], .|]+)?(?:=(?!=)\s*\S|\()"
    r"|^\s*@[A-Za-z_][\w.]*"
    r"|^\s*(?:await|return)\s+\S"
    # `if current_active >= total_capacity * 0.9:`: a condition long enough to be its own
    r"|^\s*(?:if|elif|while)\s+\S.{14,}:\s*$"
)
_CONFIG = lazy_compile(
    r"^\s*(?:-\s+)?[\w.\-\"]+\s*(?:=|:\s)\s*\S"
    r"|^\s*[\w\-]+\s+\"[\w\-]+\"\s+\"[\w\-]+\"\s*\{"
    r"|^\s*[\w.\-]+\s*=\s*\[\s*$"
)
# A word of the line's own: not a keyword every file has (`return`, `self`, `None`).
_OWN_WORD = lazy_compile(
    r"\b(?!(?:return|await|async|self|None|True|False|print|import|from|yield|lambda)\b)"
    r"[A-Za-z_]\w{3,}"
)
# What a changed line is marked with: it shows a change (to come or done), not the tree.
_CHANGE_MARK = lazy_compile(r"#\s*(?:ADD|NEW|CHANGED?|FIX|TODO|REMOVED?)\b", re.I)


def code_line_draft(
    line: LineMentions, stance: str | None, *, config: bool = False
) -> Draft | None:
    """A statement of a code or config fence: the tree holds it (as written, or condensed).
    A diff's added line is one too (its removed lines are gone)."""
    raw = line.raw
    config = config or (line.block is not None and line.block.fence == "config")
    if line.block is not None and line.block.fence == "diff":
        if not raw.startswith("+") or raw.startswith("+++"):
            return None
        raw = " " + raw[1:]
    code = strip_comment(raw)
    if not (_IMPORT.match(code) or _STATEMENT.match(code) or (config and _CONFIG.match(code))):
        return None
    if len(code) < 8 or code.startswith(("#", "//")) or not _OWN_WORD.search(code):
        return None  # `return {`: nothing of its own to look for
    if _CHANGE_MARK.search(raw[len(code) :]):
        stance = stance or "proposed"
    return Draft(
        len(raw) - len(raw.lstrip()),
        "symbol",
        quoted_code=_cut(code),
        stance=stance,  # type: ignore[arg-type]
    )


def _cut(code: str, limit: int = 300) -> str:
    """A long line cut to `limit`, an import's list at its last whole name."""
    if len(code) <= limit:
        return code
    cut = code[:limit]
    return cut[: cut.rfind(",")] if code.lstrip().startswith("from ") and "," in cut else cut


# "**Failing Import:**", "**Before (Broken):**": the fence shows what is wrong or gone.
_FAILING_LABEL = lazy_compile(
    r"\b(?:fail(?:ing|ed|s)?|broken|wrong|incorrect|old|before|previous(?:ly)?|original"
    r"|removed|deprecated|legacy)\b",
    re.IGNORECASE,
)


def shows_failure(lead: str) -> bool:
    """Whether the label just above a fence says its code is the broken or old state."""
    text = lead.strip()
    if not text or text.startswith("#"):
        return False
    label = text.split(":", 1)[0] if ":" in text else text
    return len(label) <= 60 and bool(_FAILING_LABEL.search(label))


# --- values -----------------------------------------------------------------------------

# A double-quoted token a configuration would hold: "service:netra-backend".
_TOKEN_VALUE = lazy_compile(r"(?=[^\s]*[A-Za-z])[\w]+(?:[:.-][\w]+)+")


def token_value(text: str) -> bool:
    """`"service:netra-backend"`: a lower-case id with a colon or two separators."""
    if len(text) < 8 or "://" in text or text != text.lower():
        return False
    return bool(_TOKEN_VALUE.fullmatch(text)) and (
        ":" in text or len(re.findall(r"[.:-]", text)) >= 2
    )


# Prose settings: `pool_size=20, max_overflow=30`, `machine_type="e2-standard-4"`.
_PROSE_SETTING = lazy_compile(
    r"(?<![\w.`/-])(?P<setting>[a-z][a-z0-9]*(?:_[a-z0-9]+)+\s?=\s?"
    r"(?:\"[^\"\n]{1,60}\"|'[^'\n]{1,60}'|-?\d+(?:\.\d+)?(?![\w.])|True|False))"
)
# "75.0s timeout", "timeout of 30s", "increased to 90 seconds" (a timeout's value).
_SECONDS = lazy_compile(r"(?<![\w.])(?P<number>\d{1,5}(?:\.\d+)?)\s?(?:s|secs?|seconds)\b")
_TIMEOUT_WORD = lazy_compile(r"\btime[- ]?outs?\b", re.IGNORECASE)
# "(per CLAUDE.md)", "according to `docs/SLO.md`": the document a figure comes from.
_PER_DOCUMENT = lazy_compile(
    r"\b(?:per|according\s+to|as\s+(?:set|stated)\s+in|from)\s+`?(?P<path>[\w./-]+\.md)\b",
    re.IGNORECASE,
)
_PERCENT = lazy_compile(r"(?<![\w.])\d{1,3}(?:\.\d+)?%")
# "exits with code 3": the code's `exit(3)`.
_EXIT_CODE = lazy_compile(r"\bexits?\s+(?:\w+\s+)?with\s+(?:exit\s+)?code\s+(?P<code>\d{1,3})\b")


def prose_values(raw: str, taken: list[tuple[int, int]], stance: str | None) -> list[Draft]:
    """Settings and values written in prose: each is looked for in the code and config."""
    found: list[Draft] = []

    def free(start: int) -> bool:
        return not any(a <= start < b for a, b in taken)

    for match in _PROSE_SETTING.finditer(raw):
        if free(match.start()):
            found.append(_value(match.start(), match.group("setting"), stance))
    for match in _EXIT_CODE.finditer(raw):
        if free(match.start()):
            found.append(_value(match.start(), f"exit({match.group('code')})", stance))
    for match in ADDRESS.finditer(raw):
        if free(match.start()) and "/" in match.group(0):
            found.append(_value(match.start(), match.group(0), stance))
    source = _PER_DOCUMENT.search(raw)
    if source:
        for match in _PERCENT.finditer(raw):
            if free(match.start()):
                # "Target Threshold: >87.5% (per CLAUDE.md)": the figure is the document's.
                draft = _value(match.start(), match.group(0), stance)
                draft.path = source.group("path")
                found.append(draft)
    for match in _SECONDS.finditer(raw):
        clause = raw[max(0, match.start() - 50) : match.end() + 30]
        if not free(match.start()) or not _TIMEOUT_WORD.search(clause):
            continue
        if _OLD_VALUE.search(raw[max(0, match.start() - 12) : match.start()]) or _NEW_VALUE.match(
            raw, match.end()
        ):
            continue  # "8.0s → 75.0s", "(previously 45.0s)": the value it had, not has
        draft = _value(match.start(), match.group("number"), stance)
        # "Database timeout extended to 75.0s": the setting is a database one.
        kind = _QUALIFIED.search(clause)
        draft.described = f"timeout:{kind.group(1).lower()}" if kind else "timeout"
        found.append(draft)
    return found


_OLD_VALUE = lazy_compile(r"\b(?:from|previously|was|were|formerly|old)\s*$", re.IGNORECASE)
_NEW_VALUE = lazy_compile(r"\s*(?:\u2192|->|to\s+\d)")
_QUALIFIED = lazy_compile(
    r"\b(database|db|connection|redis|socket|websocket|request|initialization|startup|pool"
    r"|clickhouse|postgres|health|auth)[\s_-]+(?:connection\s+)?time[- ]?outs?\b",
    re.IGNORECASE,
)


def _value(column: int, text: str, stance: str | None) -> Draft:
    return Draft(column, "symbol", quoted_code=text, stance=stance)  # type: ignore[arg-type]
