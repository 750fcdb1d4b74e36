"""Build real git repositories for tests, with pinned names and dates so SHAs are stable.

    from gitbuild import make_repo, commit, git, tag, branch, checkout  # tests/ is on sys.path

    repo = make_repo(tmp_path, commits=[
        {"files": {"app/config.py": "TIMEOUT = 5\\n"}, "message": "init",
         "date": "2024-01-01T10:00:00+00:00"},
        {"files": {"app/config.py": "TIMEOUT = 30\\n", "old.txt": None},  # None deletes
         "message": "raise timeout", "date": "2024-01-02T10:00:00+00:00",
         "author": ("Bob", "bob@example.com"), "committer_date": "2024-03-01T00:00:00+00:00",
         "tag": "v1.0"},
    ])
    sha = commit(repo, {"x.py": b"bytes are fine"}, "more", "2024-01-03T00:00:00+00:00")
    rename(repo, "x.py", "y.py")  # then commit(repo, {}, "rename", date)

Every commit dict accepts: files (path -> str | bytes | None), message, date (ISO 8601,
default a fixed date), author (name, email), committer_date, tag, branch (commit on this
branch, created from the current HEAD if missing). The helpers run git with a clean
environment (no user or system config), so the host's settings never change a SHA.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DEFAULT_DATE = "2024-01-01T00:00:00+00:00"
DEFAULT_AUTHOR = ("Ada Auditor", "ada@example.com")


def git_env(
    date: str = DEFAULT_DATE,
    author: tuple[str, str] = DEFAULT_AUTHOR,
    committer_date: str | None = None,
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME=author[0],
        GIT_AUTHOR_EMAIL=author[1],
        GIT_AUTHOR_DATE=date,
        GIT_COMMITTER_NAME=author[0],
        GIT_COMMITTER_EMAIL=author[1],
        GIT_COMMITTER_DATE=committer_date or date,
        GIT_TERMINAL_PROMPT="0",
    )
    return env


def git(repo: Path, *args: str, env: dict[str, str] | None = None, check: bool = True) -> str:
    """Run git in `repo` (test setup only: this is not how whys runs git)."""
    completed = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        env=env or git_env(),
        capture_output=True,
        check=False,
    )
    if check and completed.returncode != 0:
        raise RuntimeError(
            f"git {' '.join(args)} failed: {completed.stderr.decode('utf-8', 'replace')}"
        )
    return completed.stdout.decode("utf-8", "replace")


def init_repo(path: Path, *, bare: bool = False) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", *(["--bare"] if bare else []), ".")
    return path


def write_files(repo: Path, files: dict[str, str | bytes | None]) -> None:
    for name, content in files.items():
        target = repo / name
        if content is None:
            if target.exists():
                target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8", newline="\n")


def commit(
    repo: Path,
    files: dict[str, str | bytes | None],
    message: str,
    date: str = DEFAULT_DATE,
    *,
    author: tuple[str, str] = DEFAULT_AUTHOR,
    committer_date: str | None = None,
) -> str:
    """Write `files` (None deletes), commit everything, return the new full SHA."""
    write_files(repo, files)
    env = git_env(date, author, committer_date)
    git(repo, "add", "-A", env=env)
    git(repo, "commit", "-q", "--allow-empty", "--no-verify", "-m", message, env=env)
    return head(repo)


def head(repo: Path, rev: str = "HEAD") -> str:
    return git(repo, "rev-parse", rev).strip()


def rename(repo: Path, old: str, new: str) -> None:
    (repo / new).parent.mkdir(parents=True, exist_ok=True)
    git(repo, "mv", old, new)


def tag(repo: Path, name: str, rev: str = "HEAD", message: str | None = None) -> None:
    args = ["tag", name, rev] if message is None else ["tag", "-a", "-m", message, name, rev]
    git(repo, *args)


def branch(repo: Path, name: str, rev: str = "HEAD") -> None:
    git(repo, "branch", name, rev)


def checkout(repo: Path, name: str, *, create: bool = False) -> None:
    git(repo, "checkout", "-q", *(["-b"] if create else []), name)


def merge(repo: Path, other: str, message: str, date: str = DEFAULT_DATE) -> str:
    git(repo, "merge", "-q", "--no-ff", "-m", message, other, env=git_env(date))
    return head(repo)


def make_repo(
    tmp_path: Path,
    commits: Sequence[dict[str, Any]] = (),
    *,
    name: str = "repo",
) -> Path:
    """A repository at tmp_path/name holding `commits` in order (on `main` by default)."""
    repo = init_repo(tmp_path / name)
    for spec in commits:
        target_branch = spec.get("branch")
        if target_branch:
            exists = git(repo, "rev-parse", "--verify", "--quiet", target_branch, check=False)
            checkout(repo, target_branch, create=not exists.strip())
        commit(
            repo,
            spec.get("files", {}),
            spec.get("message", "change"),
            spec.get("date", DEFAULT_DATE),
            author=tuple(spec.get("author", DEFAULT_AUTHOR)),
            committer_date=spec.get("committer_date"),
        )
        if spec.get("tag"):
            tag(repo, spec["tag"])
    return repo


def add_many_commits(
    repo: Path,
    count: int,
    *,
    start: int = 1_704_067_200,
    step: int = 60,
    path: str = "counter.txt",
    ref: str = "refs/heads/main",
) -> list[str]:
    """Append `count` commits to `ref` in one `git fast-import` (fast: thousands a second).

    Commit i sets `path` to "i" and is dated `start + i * step` (epoch seconds, UTC).
    Returns the new SHAs, oldest first."""
    parent = git(repo, "rev-parse", "--verify", "--quiet", ref, check=False).strip()
    lines: list[str] = []
    for number in range(count):
        when = start + number * step
        message = f"commit {number}"
        content = f"{number}\n"
        lines += [
            f"commit {ref}",
            f"mark :{number + 1}",
            f"author {DEFAULT_AUTHOR[0]} <{DEFAULT_AUTHOR[1]}> {when} +0000",
            f"committer {DEFAULT_AUTHOR[0]} <{DEFAULT_AUTHOR[1]}> {when} +0000",
            f"data {len(message.encode())}",
            message,
        ]
        if number == 0 and parent:
            lines.append(f"from {parent}")
        lines += [f"M 100644 inline {path}", f"data {len(content.encode())}", content.rstrip("\n")]
        lines.append("")
    stream = "\n".join(lines) + "\n"
    subprocess.run(
        ["git", "fast-import", "--quiet", "--done"],
        input=(stream + "done\n").encode(),
        cwd=repo,
        env=git_env(),
        check=True,
        capture_output=True,
    )
    shas = git(repo, "rev-list", "--reverse", f"-n{count}", ref).split()
    return shas
