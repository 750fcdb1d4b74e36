"""Path resolution: a path as an analysis writes it, matched to the tree."""

from __future__ import annotations

import difflib
import posixpath
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field

from whys.core.claims.checking.common import MAX_LISTED, result
from whys.core.claims.checking.tree import Tree
from whys.core.lazyre import lazy_compile
from whys.core.models import Claim, ClaimCheck


@dataclass
class Resolved:
    """Where an abbreviated path of the analysis lands in the tree."""

    written: str
    matches: list[str] = field(default_factory=list)
    problem: str | None = None  # why it cannot be checked at all
    note: str = ""  # how it was matched, when not exactly as written


_DRIVE = lazy_compile(r"^[A-Za-z]:/")
_TOPS: dict[int, tuple[list[str], set[str]]] = {}


def _top_folders(files: list[str]) -> set[str]:
    """The tree's top-level folders (one pass per file listing)."""
    known = _TOPS.get(id(files))
    if known is None or known[0] is not files:
        _TOPS.clear()
        known = (files, {f.split("/", 1)[0] for f in files if "/" in f})
        _TOPS[id(files)] = known
    return known[1]


def resolve_path(written: str, files: list[str], by_name: dict[str, list[str]]) -> Resolved:
    """Match a path as written to the tree: exact or unique suffix; absolute paths from
    another machine lose their prefix until a repo-relative suffix matches."""
    resolved = Resolved(written)
    text = written.strip().replace("\\", "/")
    absolute = bool(_DRIVE.match(text)) or text.startswith(("/", "~/"))
    text = _DRIVE.sub("", text).lstrip("~").lstrip("/")
    while text.startswith("./"):
        text = text[2:]
    directory = text.endswith("/")
    parts = [p for p in text.split("/") if p]
    if not parts:
        resolved.problem = "empty path"
        return resolved
    if ".." in parts and not absolute:
        resolved.problem = "outside the repository: never read"
        return resolved
    if directory:
        return _resolve_directory(resolved, parts, files, absolute)
    candidates = by_name.get(parts[-1], [])
    starts: Iterable[int] = range(len(parts)) if absolute else range(1)
    if absolute:
        # `C:\\src\\netra\\app\\x.py` with `app/` a top-level folder means `app/x.py`.
        tops = _top_folders(files)
        rooted = [i for i, part in enumerate(parts[:-1]) if part in tops]
        starts = rooted[:1] or starts
    for start in starts:
        suffix = "/".join(parts[start:])
        if ".." in parts[start:]:
            continue
        matches = [f for f in candidates if f == suffix or f.endswith("/" + suffix)]
        if matches:
            if absolute and start == len(parts) - 1 and not _distinctive(parts[-1], matches):
                # `/usr/lib/python3/logging/config.py` is not the repo's `app/config.py`:
                # a bare, common file name says nothing about which file was meant.
                listed = ", ".join(f"`{m}`" for m in sorted(matches)[:MAX_LISTED])
                resolved.problem = (
                    f"outside the repository: never read (only the common file name "
                    f"`{suffix}` matches: {listed})"
                )
                return resolved
            resolved.matches = sorted(matches)
            if absolute:
                resolved.note = f"matched by suffix as `{suffix}`"
            return resolved
    return _resolve_folded(resolved, parts, by_name)


# `netra_backend.app.websocket_core`: a Python module by its dotted import path.
MODULE = lazy_compile(r"[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*){2,}")
_DOTTED = lazy_compile(r"[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)+")
_EXTENSION_WORDS = {"py", "md", "txt", "json", "yaml", "yml", "toml", "ini", "cfg", "env", "sh"}


def is_module(path: str) -> bool:
    """Whether a claim's path is a dotted import path (`infra.vpc_fix`), not a file name."""
    return bool(_DOTTED.fullmatch(path)) and path.rsplit(".", 1)[-1] not in _EXTENSION_WORDS


def resolve_module(dotted: str, files: list[str], by_name: dict[str, list[str]]) -> Resolved:
    """A dotted import path as the file (`a/b/c.py`) or package folder (`a/b/c/`) the tree
    holds for it, from the top or as a suffix (`app.core.x` inside `backend/`)."""
    base = dotted.replace(".", "/")
    resolved = resolve_path(base + ".py", files, by_name)
    if not resolved.matches:
        resolved = resolve_path(base + "/", files, by_name)
    resolved.written = dotted
    resolved.note = f"the module `{dotted}`"
    return resolved


def _resolve_folded(
    resolved: Resolved, parts: list[str], by_name: dict[str, list[str]]
) -> Resolved:
    """`contributing.md` for `CONTRIBUTING.md`: the same path but for letter case, noted."""
    name = parts[-1].lower()
    suffix = "/".join(parts).lower()
    matches = [
        f
        for other, paths in by_name.items()
        if other.lower() == name
        for f in paths
        if f.lower() == suffix or f.lower().endswith("/" + suffix)
    ]
    if matches:
        resolved.matches = sorted(matches)
        resolved.note = "the letter case differs"
    return resolved


def _in_folder(path: str, folder: str) -> bool:
    return path.startswith(folder) or "/" + folder in path


def _folder_of(path: str, folder: str) -> str:
    at = 0 if path.startswith(folder) else path.index("/" + folder) + 1
    return path[: at + len(folder)]


def _resolve_directory(
    resolved: Resolved, parts: list[str], files: list[str], absolute: bool
) -> Resolved:
    """`tests/unit/ledger_lock/`: a folder exists when a file of the tree lies in it."""
    for start in range(len(parts)) if absolute else range(1):
        folder = "/".join(parts[start:]) + "/"
        inside = sorted({_folder_of(f, folder) for f in files if _in_folder(f, folder)})
        if inside:
            resolved.matches = inside[:MAX_LISTED]
            resolved.note = "a folder"
            return resolved
    return resolved


# File names too common to identify a file by themselves.
_COMMON_NAMES = {
    "__init__", "__main__", "index", "main", "app", "config", "settings", "utils", "util",
    "helpers", "common", "base", "core", "client", "server", "api", "models", "views",
    "urls", "types", "constants", "errors", "exceptions", "setup", "conftest", "test",
    "tests", "manage", "cli", "run", "mod", "lib", "readme", "changelog", "license",
    "package", "makefile", "dockerfile", "passwd", "hosts", "shadow", "profile",
}  # fmt: skip


def _distinctive(name: str, matches: list[str]) -> bool:
    """A bare file name identifies a repo file only when one file has it and it is not a
    name every project has (`config.py`, `index.js`, `passwd`)."""
    stem = name.split(".")[0].lower()
    return len(matches) == 1 and len(stem) >= 4 and stem not in _COMMON_NAMES


def _entry_above(tree: Tree, written: str) -> str | None:
    """The tree entry that is not a folder yet holds the path (`vendor/sub` for
    `vendor/sub/lib/x.py`): a submodule or a symlink, whose insides this tree cannot show."""
    parts = posixpath.normpath(written.strip().replace("\\", "/")).split("/")
    for end in range(1, len(parts)):
        entry = "/".join(parts[:end])
        if entry in tree.file_set:
            return entry
    return None


def _closest_paths(written: str, tree: Tree) -> list[str]:
    """Files a wrong path may have meant; once per path as written, since each answer is a
    pass over every file of the tree and a long analysis repeats its wrong paths."""
    if written not in tree.closest_paths:
        tree.closest_paths[written] = _close_paths(written, tree)
    return tree.closest_paths[written]


def _close_paths(written: str, tree: Tree) -> list[str]:
    name = posixpath.basename(written.replace("\\", "/"))
    folded = {other for other in tree.by_name if other.lower() == name.lower()}
    if folded:
        return [f for f in tree.files if posixpath.basename(f) in folded][:MAX_LISTED]
    close = _similar_names(name, tree.by_name)
    return [path for other in close for path in tree.by_name[other]][:MAX_LISTED]


def _similar_names(name: str, names: Iterable[str]) -> list[str]:
    """`difflib.get_close_matches(name, names, 3, 0.75)` over a shortlist: a name with too
    few characters in common to reach the cutoff (an upper bound of difflib's own quick
    ratio, counted by `str.translate` in C) cannot be among the matches."""
    ours = dict.fromkeys(map(ord, set(name)))
    shortlist = [
        other
        for other in names
        if 2 * (len(other) - len(other.translate(ours))) >= 0.75 * (len(name) + len(other))
    ]
    return difflib.get_close_matches(name, shortlist, n=3, cutoff=0.75)


def _foreign(written: str, tree: Tree) -> bool:
    """An absolute path from another machine (`/usr/lib/python3/...`, a library's stack
    frame) that never enters the repository: a path with one of the tree's top-level
    folders in it (`C:\\src\\netra\\app\\x.py`, `/app/x.py`) is about the repo."""
    text = written.strip().replace("\\", "/")
    if not (_DRIVE.match(text) or text.startswith(("/", "~/"))):
        return False
    tops = _top_folders(tree.files)
    return not any(part in tops for part in text.split("/")[:-1])


def _standard_library(written: str, tree: Tree) -> str | None:
    """The standard-library module a bare `asyncio.tasks.py` or `asyncio/tasks.py` names,
    when the tree has no such top-level folder of its own."""
    text = written.strip().replace("\\", "/").removeprefix("./")
    head = re.split(r"[./]", text, maxsplit=1)[0]
    if "/" not in text and text.count(".") < 2:
        return None  # a bare `token.py` is as likely the repository's own
    if "/" in text and not text.startswith(head + "/"):
        return None
    if head in sys.stdlib_module_names and head not in _top_folders(tree.files):
        return head
    return None


def _package_named(written: str, tree: Tree) -> str | None:
    """`name/__init__.py` of the tree for a written `name.py` (the only one, as written)."""
    text = written.strip().replace("\\", "/")
    if not text.endswith(".py"):
        return None
    stem = text.removesuffix(".py")
    found = [
        path
        for path in tree.by_name.get("__init__.py", [])
        if ("/" + path).endswith("/" + stem + "/__init__.py")
    ]
    return found[0].removesuffix("__init__.py") if len(found) == 1 else None


def _not_in_tree_because(written: str, tree: Tree) -> str | None:
    """Why a path no tree file matches says nothing of the tree, when it does not."""
    entry = _entry_above(tree, written)
    if entry:
        return (
            f"`{written}` lies under `{entry}`, a submodule or symlink the check does not "
            "enter; not read"
        )
    if _foreign(written, tree):
        return (
            f"`{written}` is outside the repository (no part of it is a top-level folder of "
            "the tree): never read"
        )
    library = _standard_library(written, tree)
    if library:
        # "`asyncio.tasks.py:520: wait_for timeout`": a frame of Python's own code.
        return (
            f"`{written}` is Python's own `{library}` module, not a file of the repository: "
            "never read"
        )
    package = _package_named(written, tree)
    if package:
        # `race_condition_prevention.py` when the tree has `race_condition_prevention/`.
        return f"no file `{written}`, but the module is a package here: `{package}`"
    return None


def paths_for(tree: Tree, claim: Claim) -> tuple[Resolved | None, ClaimCheck | None]:
    if not claim.path:
        return None, result(claim, "unverifiable", "names no file to look in")
    resolved = resolve_path(claim.path, tree.files, tree.by_name)
    if resolved.problem:
        return None, result(claim, "unverifiable", f"`{claim.path}`: {resolved.problem}")
    if not resolved.matches:
        unread = _not_in_tree_because(claim.path, tree)
        if unread:
            return None, result(claim, "unverifiable", unread)
        close = _closest_paths(claim.path, tree)
        suggestion = ("did you mean " + ", ".join(f"`{p}`" for p in close)) if close else None
        return None, result(
            claim,
            "contradicted",
            f"no file matches `{claim.path}` at {tree.revision[:12]}",
            suggestion,
        )
    return resolved, None


def files_written_as(tree: Tree, written: str) -> list[str]:
    """The tree's files an analysis means by `written` (`execution_engine.py` for its one
    deep path), as the checks resolve it: for a viewer that needs the real file."""
    if written in tree.file_set:
        return [written]
    return [path for path in resolve_path(written, tree.files, tree.by_name).matches if path]
