"""Checks of code an analysis writes out: a code line with no file (held by the tree, by a
file the analysis names nearby, or condensed there), an import, a script's options, and
which of the tree's places are only copies of the analysis itself.

`contradicted` needs positive evidence: a setting the nearby file assigns otherwise, a
`def` the file writes `async def`, an option the script's argument parser does not know.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from whys.core.claims.checking.common import result
from whys.core.claims.checking.names import code_pattern, name_pattern, strip_comment
from whys.core.claims.checking.paths import paths_for, resolve_path
from whys.core.lazyre import lazy_compile
from whys.core.models import Claim, ClaimCheck

if TYPE_CHECKING:
    from whys.core.claims.checking.context import CheckContext

# A file the analysis names this many lines above a code line (or a few below) is where
# the line is looked for first: "`vpc-connector.tf` shows:" / a fence of its settings.
NEARBY_BEFORE = 15
NEARBY_AFTER = 3
MAX_NEARBY = 6
# Files holding a code line's longest word that are read to find the line itself.
MAX_READ = 40
# Places read to tell a copy of the analysis (a script pasting it) from code.
MAX_COPY_FILES = 8
COPY_TEXT = 25

CODE_TYPES = (
    ".py", ".pyi", ".js", ".ts", ".tsx", ".jsx", ".go", ".rs", ".java", ".kt", ".rb", ".php",
    ".c", ".h", ".cc", ".cpp", ".cs", ".swift", ".scala", ".sh", ".toml", ".yaml", ".yml",
    ".cfg", ".ini", ".tf",
)  # fmt: skip
CONFIG_NAMES = (".env", "Dockerfile", "Makefile", ".tfvars", ".conf", ".hcl")


def in_code(places: list[tuple[str, int]]) -> list[tuple[str, int]]:
    return [place for place in places if is_code_file(place[0])]


def is_code_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return path.endswith(CODE_TYPES) or name.endswith(CONFIG_NAMES) or ".env." in name


def not_the_analysis(context: CheckContext, places: list[tuple[str, int]]) -> list[tuple[str, int]]:
    own = context.analysis.path.replace("\\", "/")
    return [place for place in places if not own.endswith(place[0])]


def not_copies(
    context: CheckContext, claim: Claim, places: list[tuple[str, int]]
) -> list[tuple[str, int]]:
    """The places outside copies of the analysis: a file holding one of the analysis's own
    lines (a script posting it as a comment, a report pasting it) names every name it does."""
    own = _own_lines(context)
    if not own:
        return places
    copies: set[str] = set()
    for path in list(dict.fromkeys(p for p, _ in places))[:MAX_COPY_FILES]:
        lines = context.tree.lines_of(path) or []
        if any(_BULLET.sub("", line).strip() in own for line in lines):
            copies.add(path)
    return [place for place in places if place[0] not in copies]


_BULLET = lazy_compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")


def _own_lines(context: CheckContext) -> frozenset[str]:
    """The analysis's distinctive prose lines, as claim texts (no list marker); a code line
    it quotes is the code's own."""
    return frozenset(
        c.text.strip()
        for c in context.analysis.claims
        if len(c.text) >= COPY_TEXT and not c.in_code_fence
    )


def nearby_files(context: CheckContext, claim: Claim) -> list[str]:
    """The tree files the analysis names around the claim's line, nearest first."""
    written: list[tuple[float, str]] = []
    for other in context.analysis.claims:
        if other.path and claim.line - NEARBY_BEFORE <= other.line <= claim.line + NEARBY_AFTER:
            distance = claim.line - other.line if other.line <= claim.line else other.line
            written.append((distance, other.path))
    files: list[str] = []
    for _, path in sorted(written):
        resolved = resolve_path(path, context.tree.files, context.tree.by_name)
        if resolved.problem or not 0 < len(resolved.matches) <= 3:
            continue
        files += [m for m in resolved.matches if m not in files and is_code_file(m)]
    return files[:MAX_NEARBY]


def _read_loosely(
    context: CheckContext,
    claim: Claim,
    place: tuple[str, int],
    said: Callable[[int, str], str],
) -> ClaimCheck:
    """A code line found condensed, or as the message of a call: verified (a proposal that
    already holds stays unverifiable), quoting the line the tree has."""
    path, number = place
    text = (context.tree.lines_of(path) or [""])[number - 1].strip()
    return result(
        claim,
        "verified" if claim.stance != "proposed" else "unverifiable",
        f"{said(number, path)}: {text[:100]!r}",
    )


def _holds(pattern: re.Pattern[str], code: str, text: str) -> bool:
    """The line holds the code (a quoted `def f` is not the file's `async def f`)."""
    match = pattern.search(text)
    if not match:
        return False
    return not (code.startswith("def ") and text[: match.start()].rstrip().endswith("async"))


def _find(context: CheckContext, code: str, files: list[str]) -> tuple[str, int] | None:
    pattern = code_pattern(code)
    for path in files:
        lines = context.tree.lines_of(path) or []
        for number, text in enumerate(lines, start=1):
            if _holds(pattern, code, text):
                return path, number
    return None


# `pool_size = 50`, `min_instances=3`, `timeout: 30`: a setting and its literal value.
_SETTING = lazy_compile(
    r"^\s*(?:-\s+)?\"?(?P<name>[A-Za-z_][\w.-]*)\"?\s*(?:=|:)\s*(?P<value>.+?)\s*,?\s*$"
)
_LITERAL = lazy_compile(r"-?\d+(?:\.\d+)?|\"[^\"]*\"|'[^']*'|True|False|true|false")


def setting_of(code: str) -> tuple[str, str] | None:
    match = _SETTING.match(code)
    if not match or match.group("name") in {"return", "await", "assert"}:
        return None
    return match.group("name"), match.group("value")


def _assignments(lines: list[str], name: str) -> list[int]:
    target = re.compile(r"^\s*(?:-\s+)?[\"']?" + re.escape(name) + r"[\"']?\s*(?::[^=]*)?[=:]")
    return [n for n, text in enumerate(lines, start=1) if target.search(text)]


def _condensed(context: CheckContext, code: str, files: list[str]) -> tuple[str, int] | None:
    """`pool_size = 50` written for `pool_size = getattr(config, 'pool_size', 50)`: the
    line assigning the name holds the value."""
    setting = setting_of(code)
    if not setting or not _LITERAL.fullmatch(setting[1]):
        return None
    name, value = setting
    token = re.compile(r"(?<![\w.])" + re.escape(value.strip("\"'")) + r"(?![\w.])")
    for path in files:
        lines = context.tree.lines_of(path) or []
        for number in _assignments(lines, name):
            if token.search(lines[number - 1].split("=", 1)[-1].split(":", 1)[-1]):
                return path, number
    return None


def check_code_line(context: CheckContext, claim: Claim) -> ClaimCheck | None:
    """A line of code with no file: verified where the tree holds it (a nearby named file
    first, then anywhere in code), or holds it condensed; contradicted when the file
    named next to it assigns the same setting otherwise. None: not found either way."""
    written = claim.quoted_code or ""
    # `# @require_docker()  # Commented out - Docker issues`: the comment may paraphrase.
    bare = strip_comment(written)
    variants = [written] + ([bare] if bare != written and len(bare) >= 8 else [])
    search = context.tree_search
    nearby = [p for p in nearby_files(context, claim) if context.tree.readable(p)[0] == p]
    found = None
    for code in variants:
        found = _find(context, code, nearby)
        if found is not None:
            break
    code = written
    if found is None and search.searched(code):
        places = in_code(not_the_analysis(context, search.places(code)))
        found = places[0] if places else None
    holding: list[str] = []
    if found is None:
        needle = longest_word(code)
        if needle and search.searched(needle):
            own = context.analysis.path.replace("\\", "/")
            holding = sorted(
                f for f in search.files(needle) if is_code_file(f) and not own.endswith(f)
            )[:MAX_READ]
            for code in variants:
                found = _find(context, code, holding)
                if found is not None:
                    break
    if found is not None:
        path, number = found
        if claim.stance == "proposed":
            return result(
                claim, "unverifiable", f"a proposal; `{code}` is already at {path}:{number}"
            )
        return result(claim, "verified", f"`{code}` is at line {number} of `{path}`")
    condensed = _condensed(context, code, nearby + holding)
    if condensed is not None:
        return _read_loosely(
            context, claim, condensed, lambda n, p: f"`{code}` is line {n} of `{p}` condensed"
        )
    logged = _call_holding(context, written)
    if logged is not None:
        return _read_loosely(
            context, claim, logged, lambda n, p: f"the call's message is at line {n} of `{p}`"
        )
    if claim.stance != "asserted":
        return None
    return _set_otherwise(context, claim, code, nearby)


# `logger.error("SSOT VIOLATION: Direct X instantiation attempted")`: a call and its text.
_CALL = lazy_compile(r"^\s*(?:await\s+)?(?:[\w.]+\.)?(?P<callee>\w+)\(")
_STRING = lazy_compile(r"f?\"([^\"{}]{15,})|f?'([^'{}]{15,})")


def call_message(code: str) -> str | None:
    """The literal text a call in the code line passes (before any placeholder)."""
    if not _CALL.match(code):
        return None
    texts = [(m.group(1) or m.group(2) or "").strip() for m in _STRING.finditer(code)]
    texts = [t for t in texts if " " in t]
    return max(texts, key=len) if texts else None


def _call_holding(context: CheckContext, code: str) -> tuple[str, int] | None:
    """Where the code makes the same call with the same text (other arguments or an
    f-string's placeholders may differ): `logger.error(f"... attempted from {caller}")`."""
    message = call_message(code)
    call = _CALL.match(code)
    if not message or not call or not context.tree_search.searched(message):
        return None
    callee = call.group("callee") + "("
    for path, number in in_code(not_the_analysis(context, context.tree_search.places(message))):
        lines = context.tree.lines_of(path) or []
        # The call may open a line or two above its text (`logger.error(` / `    f"..."`).
        if 0 < number <= len(lines) and any(
            callee in lines[at - 1] for at in range(max(1, number - 2), number + 1)
        ):
            return path, number
    return None


def _set_otherwise(
    context: CheckContext, claim: Claim, code: str, nearby: list[str]
) -> ClaimCheck | None:
    setting = setting_of(code)
    if not setting or not nearby:
        return None
    name, value = setting
    shown = " ".join(value.split())
    for path in nearby:
        lines = context.tree.lines_of(path) or []
        assigned = _assignments(lines, name)
        if len(assigned) != 1:
            continue
        text = lines[assigned[0] - 1].strip()
        if shown in " ".join(text.split()):
            return None
        return result(
            claim,
            "contradicted",
            f"`{path}` sets `{name}` otherwise: line {assigned[0]} reads {text[:100]!r}",
            f"{path}:{assigned[0]}",
        )
    return None


def longest_word(code: str) -> str:
    """The longest identifier-ish run of a code line: what the tree search looks for (not
    a call every module makes, `logger.warning`, when the line has a word of its own)."""
    runs = re.findall(r"[\w.:/\-]{4,}", code)
    own = [r for r in runs if not _COMMON_CALL.match(r)]
    return max(own or runs, key=len) if runs else ""


_COMMON_CALL = lazy_compile(r"(?:self|cls|logger|logging|log|os|sys|json|print|asyncio)\b")


_IMPORT = lazy_compile(r"^\s*from\s+(?P<module>[\w.]+)\s+import\s+\(?(?P<names>[\w ,]+?)\)?\s*$")


def check_import(context: CheckContext, claim: Claim) -> ClaimCheck | None:
    """`from a.b import X, Y`: `a/b.py` (or `a/b/__init__.py`) has each name, or `a/b/X.py`
    is a module. None when the module is not the tree's (a library's)."""
    match = _IMPORT.match(claim.quoted_code or "")
    if not match:
        return None
    base = match.group("module").replace(".", "/")
    module = next(
        (f for f in (f"{base}.py", f"{base}/__init__.py") if f in context.tree.file_set), None
    )
    if module is None:
        return None
    lines = context.tree.lines_of(module) or []
    names = [part.split(" as ")[0].strip() for part in match.group("names").split(",")]
    found: list[str] = []
    missing: list[str] = []
    for name in filter(None, names):
        hits = [n for n, text in enumerate(lines, start=1) if name_pattern(name).search(text)]
        if hits:
            found.append(f"`{name}` (line {hits[0]})")
        elif f"{base}/{name}.py" in context.tree.file_set:
            found.append(f"`{name}` (module `{base}/{name}.py`)")
        else:
            missing.append(name)
    if not missing:
        return result(claim, "verified", f"`{module}` has {', '.join(found)}")
    return result(
        claim,
        "unverifiable",
        f"`{module}` has no {', '.join(f'`{m}`' for m in missing)}: the import would fail "
        "(the analysis may be showing a failing import)",
    )


_OPTION_DEFINED = lazy_compile(r"""["'](--[A-Za-z][\w-]*)["']""")


def check_options(context: CheckContext, claim: Claim) -> ClaimCheck:
    """`python tests/runner.py --category e2e --env staging`: the script's argument parser
    defines each option (or one it abbreviates); one it lacks would be rejected."""
    resolved, failed = paths_for(context.tree, claim)
    if failed is not None or resolved is None:
        if failed is not None and failed.status == "contradicted":
            failed.status = "unverifiable"  # the file claim of the line says the path is wrong
        return failed  # type: ignore[return-value]
    options = (claim.quoted_code or "").split()
    path = resolved.matches[0]
    readable, problem = context.tree.readable(path)
    lines = context.tree.lines_of(readable) if readable else None
    if lines is None or len(resolved.matches) > 1:
        why = problem or ("several files match" if lines is not None else "not readable")
        return result(claim, "unverifiable", f"`{claim.path}`: {why}; options not checked")
    text = "\n".join(lines)
    if "add_argument" not in text or "parse_known_args" in text or re.search(r"f[\"']--", text):
        return result(
            claim,
            "unverifiable",
            f"`{path}` does not parse its options with a fixed argparse parser: not checked",
        )
    defined = set(_OPTION_DEFINED.findall(text))
    negatable = "BooleanOptionalAction" in text
    unknown = [
        o
        for o in options
        if not any(d.startswith(o) for d in defined)
        and not (negatable and o.startswith("--no-") and any(d == "--" + o[5:] for d in defined))
    ]
    if not unknown:
        return result(claim, "verified", f"`{path}` defines {', '.join(options)}")
    what = ", ".join(f"`{o}`" for o in unknown)
    if claim.stance != "asserted":
        return result(claim, "unverifiable", f"a proposal; `{path}` defines no {what}")
    close = sorted(d for d in defined if any(d[2:5] == o[2:5] for o in unknown))
    return result(
        claim,
        "contradicted",
        f"`{path}` defines no {what}: its argument parser would reject the command",
        ("did you mean " + ", ".join(f"`{d}`" for d in close[:3])) if close else None,
    )


def value_needles(claim: Claim) -> list[str]:
    """What the tree search looks for to find a value said of a setting ("75s timeout"):
    the number as code writes a float (`75.0`). A bare integer is too common a string to
    search the tree for: it is looked for in the files named beside the claim only."""
    number = claim.quoted_code or ""
    whole = number.split(".")[0]
    forms = {number if "." in number else "", f"{whole}.0"}
    return sorted(f for f in forms if len(f) >= 4)


def check_value(context: CheckContext, claim: Claim) -> ClaimCheck:
    """ "75.0s timeout", "timeout of 30s": a line of code or config sets a timeout to that
    number (a comment saying it was "increased from 75.0" does not)."""
    number = claim.quoted_code or ""
    word, _, qualifier = (claim.described or "").partition(":")
    shown = f"{qualifier} {word}".strip()
    whole = number.split(".")[0]
    written = re.escape(whole) + r"(?:\.0+)?"
    if "." in number and number.split(".")[1].strip("0"):
        written = re.escape(number)
    # `"connection_timeout": 75.0`, `TIMEOUT=30`, `timeout=getattr(c, "t", 75)`: the setting
    # named before the value it is given (not "75% faster" in a message).
    setting = re.compile(
        re.escape(word).replace(r"\ ", r"[\s_-]?")
        + r"[^\n]*?[:=(,]\s*(?:[\w.]+\()?[^\n]*?(?<![\w.])"
        + written
        + r"(?![\w.%])",
        re.IGNORECASE,
    )
    search = context.tree_search
    own = context.analysis.path.replace("\\", "/")
    files = [p for p in nearby_files(context, claim) if context.tree.readable(p)[0] == p]
    for needle in value_needles(claim):
        if search.searched(needle):
            # A test's own timeout is no setting of the system the sentence is about.
            files += sorted(
                f
                for f in search.files(needle)
                if is_code_file(f) and f not in files and "test" not in f.lower()
            )
    for path in [f for f in files if not own.endswith(f)][:MAX_READ]:
        for number_at, text in enumerate(context.tree.lines_of(path) or [], start=1):
            code = text.split("#", 1)[0] if not path.endswith(".json") else text
            if setting.search(code) and qualifier in f"{path} {code}".lower():
                return result(
                    claim,
                    "verified",
                    f"`{path}` line {number_at} sets a {shown} of {number}: {text.strip()[:100]!r}",
                )
    return result(
        claim,
        "unverifiable",
        f"no line of code or config read sets a {shown} of {number}: a runtime figure, or "
        "a setting outside the tree",
    )
