"""The import graph of whys: no cycles, and the layers of the claim machinery kept apart.

Read from the source (every import, also those inside functions; `if TYPE_CHECKING:`
imports do not run, so they do not count), so a violation names the file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "whys"

MAX_MODULE_LINES = 800
MAX_CLASS_LINES = 300


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _runtime_nodes(tree: ast.Module) -> list[ast.AST]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            for part in node.body:
                skipped.update(id(inner) for inner in ast.walk(part))
    return [node for node in ast.walk(tree) if id(node) not in skipped]


def _imports(name: str) -> dict[str, int]:
    """Every module `name` imports at run time (whys modules and third-party roots),
    with the line of the first import."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: dict[str, int] = {}
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                targets.append(full if full in MODULES else base)
        for target in targets:
            found.setdefault(target, node.lineno)  # type: ignore[attr-defined]
    return found


GRAPH = {name: _imports(name) for name in MODULES}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in GRAPH:
        if root in index:
            continue
        work = [(root, iter(sorted(t for t in GRAPH[root] if t in GRAPH)))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(t for t in GRAPH[child] if t in GRAPH))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


GIT_RUNNER = "whys.core.repo"


def _runs_git(name: str) -> bool:
    """whys.core.repo and its parts (whys/core/repo_*.py): the one place that runs git."""
    return _under(name, GIT_RUNNER) or name.startswith(GIT_RUNNER + "_")


def _forbidden(target: str, bad: str) -> bool:
    return _runs_git(target) if bad == GIT_RUNNER else _under(target, bad)


def _violations(sources: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{name} imports {target} ({MODULES[name].relative_to(ROOT)}:{line})"
        for name, targets in sorted(GRAPH.items())
        if _under(name, sources)
        for target, line in targets.items()
        if any(_forbidden(target, bad) for bad in forbidden)
    ]


def test_the_graph_is_read_from_the_real_package() -> None:
    # Guards the tests below against passing on an empty or misread graph.
    assert "whys.core.claims.kinds.lines" in GRAPH
    assert "whys.core.claims.mentions" in GRAPH["whys.core.claims.kinds.lines"]
    assert "whys.core.repo" in GRAPH["whys.core.history"]


def test_no_import_cycle_anywhere_in_whys() -> None:
    assert _cycles() == []


def test_a_cycle_would_be_found() -> None:
    GRAPH["whys.core.document.lines"]["whys.core.claims.extract"] = 1
    try:
        assert any("whys.core.document.lines" in cycle for cycle in _cycles())
    finally:
        del GRAPH["whys.core.document.lines"]["whys.core.claims.extract"]


def test_the_document_layer_knows_nothing_of_claims_checks_or_git() -> None:
    forbidden = (
        "whys.core.claims",
        "whys.core.checks",
        "whys.core.reader",
        "whys.core.repo",
        "whys.core.search",
        "whys.core.history",
    )
    assert _violations("whys.core.document", forbidden) == []


def test_kinds_never_import_each_other() -> None:
    kinds = sorted(n for n in GRAPH if n.startswith("whys.core.claims.kinds."))
    assert len(kinds) >= 8
    for kind in kinds:
        others = [k for k in kinds if k != kind]
        assert [t for t in GRAPH[kind] if t in others] == [], kind


def test_only_check_services_and_history_touch_git_and_rg() -> None:
    allowed = ("whys.core.claims.checking", "whys.core.history")
    touching = [
        name
        for name, targets in GRAPH.items()
        if _under(name, "whys.core.claims") or _under(name, "whys.core.document")
        if any(_runs_git(t) or _under(t, "whys.core.search") for t in targets)
    ]
    assert [name for name in touching if not any(_under(name, a) for a in allowed)] == []
    assert touching, "the check services do reach git"


def test_the_core_imports_no_textual() -> None:
    assert _violations("whys.core", ("textual", "rich.console")) == []


def _oversize() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, path in MODULES.items():
        if not _under(name, "whys.core"):
            continue
        source = path.read_text(encoding="utf-8")
        problems = []
        lines = source.count("\n")
        if lines > MAX_MODULE_LINES:
            problems.append(f"{lines} lines")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ClassDef):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > MAX_CLASS_LINES:
                    problems.append(f"class {node.name}: {size} lines")
        if problems:
            found[name] = problems
    return found


def test_no_core_module_over_800_lines_and_no_class_over_300() -> None:
    oversize = _oversize()
    assert oversize == {}
