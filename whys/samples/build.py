"""Sample cases -> real git repositories, with the same SHAs on every machine and every run.

A case is a folder under `whys/sample_repos/<case>/` holding `history.json` (people,
commits in order, tags), the snapshot files it names, the analyses (`*.md`) and the ground
truth (`expected.json`). The builder feeds the history to `git fast-import` with explicit
author and committer lines, so the object ids depend only on the case files. A built repo
carries a fingerprint of those files under `.git/`; an unchanged case is not rebuilt, a
changed or missing one is rebuilt into a temporary folder and moved into place.

history.json:

```
{"default_branch": "main",
 "people": {"maya": {"name": "Maya Okafor", "email": "maya@example.dev"}},
 "commits": [
   {"id": "init", "branch": "main", "author": "maya",
    "author_date": "2026-02-09T09:14:00+01:00", "committer": "maya",
    "committer_date": "2026-02-09T09:14:00+01:00", "message": "subject\\n\\nbody",
    "from": "other-id", "merge": ["hotfix-id"],
    "changes": {"path": "inline text" | {"snapshot": "files/x.py"}
                       | {"replace": [["old", "new"]]} | {"append": "text"} | null},
    "renames": [["old/path", "new/path"]]}],
 "tags": [{"name": "v1.4.2", "commit": "id", "tagger": "maya",
           "date": "2026-03-02T09:30:00+00:00", "message": "annotated when present"}]}
```

`committer` and `committer_date` default to the author's. A commit's first parent is the
tip of its branch, or `from` when the branch starts there; `merge` adds parents and brings
in the files the merged side changed since the merge base. `replace` edits the previous
content of the file (each old text must occur exactly once).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from whys.errors import WhysError

CASES_ROOT = Path(__file__).resolve().parent.parent / "sample_repos"
HISTORY_FILE = "history.json"
FINGERPRINT_FILE = "whys-sample-fingerprint"
# Bump when the builder's output changes for the same case files.
BUILDER_VERSION = "1"


class SampleError(WhysError):
    """A sample case is missing or malformed, or git could not build it."""


@dataclass
class _Commit:
    id: str
    mark: int
    branch: str
    parents: list[str]
    tree: dict[str, tuple[str, bytes]]  # path -> (mode, content)
    spec: dict[str, Any] = field(repr=False)


def list_cases() -> list[str]:
    """Names of the bundled cases, sorted."""
    if not CASES_ROOT.is_dir():
        return []
    return sorted(p.name for p in CASES_ROOT.iterdir() if (p / HISTORY_FILE).is_file())


def case_dir(name: str) -> Path:
    """The folder of a bundled case (analyses, history, expected.json)."""
    folder = CASES_ROOT / name
    unsafe = name in ("", ".", "..") or "/" in name or "\\" in name
    if unsafe or not (folder / HISTORY_FILE).is_file():
        known = ", ".join(list_cases()) or "none"
        raise SampleError(f"no sample case named {name!r} (known: {known})")
    return folder


def case_analyses(name: str) -> list[Path]:
    """The analyses of a case, in the order its expected.json lists them (demo order)."""
    folder = case_dir(name)
    try:
        truth = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SampleError(f"{folder.name}: cannot read expected.json ({exc})") from exc
    return [folder / analysis for analysis in truth["analyses"]]


def build_all(dest: Path) -> dict[str, Path]:
    """Build every bundled case under `dest`; returns case name -> repo folder."""
    return {name: build_case(name, dest) for name in list_cases()}


def build_case(name: str, dest: Path, *, source: Path | None = None) -> Path:
    """Build case `name` into `dest/name` (unless it is already built and current).

    `source` is the case folder to read instead of the bundled one (tests use a copy).
    Returns the repository folder, with `main` checked out and a clean working tree.
    """
    folder = source if source is not None else case_dir(name)
    repo_dir = Path(dest) / name
    fingerprint = case_fingerprint(folder)
    built = _built_fingerprint(repo_dir)
    if built == fingerprint:
        return repo_dir
    if built is None and repo_dir.exists():
        # Only a folder this builder made may be replaced: never delete someone's files.
        raise SampleError(f"{repo_dir} exists and is not a built sample; move it away first")
    try:
        repo_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{name}.building-", dir=repo_dir.parent))
    except OSError as exc:
        raise SampleError(f"cannot create {repo_dir.parent}: {exc.strerror or exc}") from exc
    try:
        _build_into(folder, staging)
        (staging / ".git" / FINGERPRINT_FILE).write_text(fingerprint + "\n", encoding="utf-8")
        _swap_into_place(staging, repo_dir)
    except OSError as exc:
        # Another process built the same case at the same moment: theirs is as good.
        if _built_fingerprint(repo_dir) != fingerprint:
            raise SampleError(f"cannot build {repo_dir}: {exc.strerror or exc}") from exc
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return repo_dir


def case_fingerprint(folder: Path) -> str:
    """Digest of everything that decides the repo's content: history.json and its files."""
    history = _load_history(folder)
    digest = hashlib.sha256(f"whys-sample-builder {BUILDER_VERSION}\n".encode())
    digest.update((folder / HISTORY_FILE).read_bytes())
    for relative in sorted(_snapshot_paths(history)):
        digest.update(b"\0" + relative.encode() + b"\0")
        digest.update(_read_snapshot(folder, relative))
    return digest.hexdigest()


def _built_fingerprint(repo_dir: Path) -> str | None:
    marker = repo_dir / ".git" / FINGERPRINT_FILE
    try:
        return marker.read_text(encoding="utf-8").strip()
    except OSError:
        return None


def _swap_into_place(staging: Path, repo_dir: Path) -> None:
    if not repo_dir.exists():
        os.rename(staging, repo_dir)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{repo_dir.name}.old-", dir=repo_dir.parent))
    os.rename(repo_dir, retired / repo_dir.name)
    os.rename(staging, repo_dir)
    shutil.rmtree(retired, ignore_errors=True)


def _load_history(folder: Path) -> dict[str, Any]:
    path = folder / HISTORY_FILE
    try:
        history = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SampleError(f"{path}: cannot read the case history ({exc})") from exc
    if not isinstance(history, dict) or not history.get("commits"):
        raise SampleError(f"{path}: no commits in the case history")
    return history


def _snapshot_paths(history: dict[str, Any]) -> set[str]:
    paths: set[str] = set()
    for commit in history["commits"]:
        for change in (commit.get("changes") or {}).values():
            if isinstance(change, dict) and "snapshot" in change:
                paths.add(change["snapshot"])
    return paths


def _read_snapshot(folder: Path, relative: str) -> bytes:
    path = (folder / relative).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise SampleError(f"snapshot {relative!r} is outside the case folder")
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise SampleError(f"{folder.name}: cannot read snapshot {relative!r} ({exc})") from exc
    # A checkout of whys with autocrlf must not change the sample's SHAs.
    return content.replace(b"\r\n", b"\n")


def _git_env() -> dict[str, str]:
    # Nothing from the user's git setup or an enclosing git process may change the result.
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_TERMINAL_PROMPT="0",
        LC_ALL="C",
    )
    return env


_GIT_CONFIG = (
    "-c",
    "init.defaultBranch=main",
    "-c",
    "commit.gpgsign=false",
    "-c",
    "tag.gpgsign=false",
    "-c",
    f"core.hooksPath={os.devnull}",
    "-c",
    "core.autocrlf=false",
    "-c",
    "core.fsmonitor=false",
)


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    result = subprocess.run(
        ["git", *_GIT_CONFIG, *args],
        cwd=repo,
        env=_git_env(),
        input=stdin,
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SampleError(f"git {args[0]} failed: {message[-1] if message else 'no output'}")
    return result.stdout


def _build_into(folder: Path, repo: Path) -> None:
    history = _load_history(folder)
    default_branch = history.get("default_branch", "main")
    _git(repo, "init", "-q", f"--initial-branch={default_branch}")
    _git(repo, "config", "core.hooksPath", os.devnull)
    commits = _plan_commits(folder, history)
    stream = _fast_import_stream(history, commits)
    _git(repo, "fast-import", "--quiet", "--done", stdin=stream)
    _git(repo, "symbolic-ref", "HEAD", f"refs/heads/{default_branch}")
    _git(repo, "reset", "--hard", "-q")


def _plan_commits(folder: Path, history: dict[str, Any]) -> dict[str, _Commit]:
    commits: dict[str, _Commit] = {}
    tips: dict[str, str] = {}
    for index, spec in enumerate(history["commits"], start=1):
        commit_id = spec.get("id") or f"commit-{index}"
        if commit_id in commits:
            raise SampleError(f"commit id {commit_id!r} appears twice")
        branch = spec.get("branch", history.get("default_branch", "main"))
        first_parent = spec.get("from") or tips.get(branch)
        parents = [first_parent] if first_parent else []
        parents += list(spec.get("merge", []))
        for parent in parents:
            if parent not in commits:
                raise SampleError(f"commit {commit_id!r}: unknown parent {parent!r}")
        tree = dict(commits[first_parent].tree) if first_parent else {}
        for merged in spec.get("merge", []):
            _merge_tree(commits, tree, first_parent, merged, commit_id)
        for old, new in spec.get("renames", []):
            if old not in tree:
                raise SampleError(f"commit {commit_id!r}: cannot rename missing {old!r}")
            tree[new] = tree.pop(old)
        for path, change in (spec.get("changes") or {}).items():
            _apply_change(folder, tree, path, change, commit_id)
        commits[commit_id] = _Commit(commit_id, index, branch, parents, tree, spec)
        tips[branch] = commit_id
    return commits


def _apply_change(
    folder: Path, tree: dict[str, tuple[str, bytes]], path: str, change: Any, commit_id: str
) -> None:
    if change is None:
        if tree.pop(path, None) is None:
            raise SampleError(f"commit {commit_id!r}: cannot delete missing {path!r}")
        return
    mode = "100644"
    if isinstance(change, str):
        tree[path] = (mode, change.encode("utf-8"))
        return
    if not isinstance(change, dict):
        raise SampleError(f"commit {commit_id!r}: bad change for {path!r}")
    mode = change.get("mode", tree.get(path, (mode, b""))[0])
    if "snapshot" in change:
        tree[path] = (mode, _read_snapshot(folder, change["snapshot"]))
        return
    if path not in tree:
        raise SampleError(f"commit {commit_id!r}: cannot edit missing {path!r}")
    text = tree[path][1].decode("utf-8")
    for old, new in change.get("replace", []):
        if text.count(old) != 1:
            found = text.count(old)
            raise SampleError(
                f"commit {commit_id!r}: {path!r} holds the text to replace {found} times: {old!r}"
            )
        text = text.replace(old, new)
    text += change.get("append", "")
    tree[path] = (mode, text.encode("utf-8"))


def _ancestors(commits: dict[str, _Commit], start: str) -> set[str]:
    seen: set[str] = set()
    pending = [start]
    while pending:
        current = pending.pop()
        if current not in seen:
            seen.add(current)
            pending.extend(commits[current].parents)
    return seen


def _merge_tree(
    commits: dict[str, _Commit],
    tree: dict[str, tuple[str, bytes]],
    ours: str | None,
    theirs: str,
    commit_id: str,
) -> None:
    ours_history = _ancestors(commits, ours) if ours else set()
    base_id = theirs
    while base_id not in ours_history:
        parents = commits[base_id].parents
        if not parents:
            raise SampleError(f"merge {commit_id!r}: no common ancestor with {theirs!r}")
        base_id = parents[0]
    base = commits[base_id].tree
    their_tree = commits[theirs].tree
    for path in set(base) | set(their_tree):
        if base.get(path) == their_tree.get(path):
            continue
        if tree.get(path) not in (base.get(path), their_tree.get(path)):
            raise SampleError(f"merge {commit_id!r}: both sides changed {path!r}")
        if path in their_tree:
            tree[path] = their_tree[path]
        else:
            tree.pop(path, None)


def _person(history: dict[str, Any], key: str) -> tuple[str, str]:
    try:
        person = history["people"][key]
    except KeyError as exc:
        raise SampleError(f"unknown person {key!r} in the case history") from exc
    return person["name"], person["email"]


def _signature(history: dict[str, Any], key: str, when: str) -> str:
    name, email = _person(history, key)
    try:
        moment = datetime.fromisoformat(when)
    except ValueError as exc:
        raise SampleError(f"bad date {when!r} in the case history") from exc
    offset = moment.utcoffset()
    if offset is None:
        raise SampleError(f"date {when!r} has no time zone")
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    zone = f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
    return f"{name} <{email}> {int(moment.timestamp())} {zone}"


def _data(payload: bytes) -> bytes:
    return b"data %d\n" % len(payload) + payload + b"\n"


def _fast_import_stream(history: dict[str, Any], commits: dict[str, _Commit]) -> bytes:
    out: list[bytes] = []
    for commit in commits.values():
        spec = commit.spec
        author = spec["author"]
        author_date = spec["author_date"]
        committer = spec.get("committer", author)
        committer_date = spec.get("committer_date", author_date)
        out.append(f"commit refs/heads/{commit.branch}\nmark :{commit.mark}\n".encode())
        out.append(f"author {_signature(history, author, author_date)}\n".encode())
        out.append(f"committer {_signature(history, committer, committer_date)}\n".encode())
        message = spec["message"]
        if not message.endswith("\n"):
            message += "\n"
        out.append(_data(message.encode("utf-8")))
        for index, parent in enumerate(commit.parents):
            keyword = "from" if index == 0 else "merge"
            out.append(f"{keyword} :{commits[parent].mark}\n".encode())
        out.append(b"deleteall\n")
        for path in sorted(commit.tree):
            mode, content = commit.tree[path]
            out.append(f"M {mode} inline {path}\n".encode())
            out.append(_data(content))
        out.append(b"\n")
    for tag in history.get("tags", []):
        target = commits.get(tag["commit"])
        if target is None:
            raise SampleError(f"tag {tag['name']!r} names unknown commit {tag['commit']!r}")
        if "message" in tag:
            tagger = _signature(history, tag["tagger"], tag["date"])
            out.append(f"tag {tag['name']}\nfrom :{target.mark}\ntagger {tagger}\n".encode())
            out.append(_data(tag["message"].encode("utf-8")))
        else:
            out.append(f"reset refs/tags/{tag['name']}\nfrom :{target.mark}\n\n".encode())
    out.append(b"done\n")
    return b"".join(out)
