"""Cited-file reads at a past revision: GitPython's object database against one
`git cat-file --batch` (whys.core.repo.BlobReader) and two processes a file (read_file).

    .venv/bin/python -m tests.bench.bench_blobs REPO REV [N]

Used by `tests.bench.run` (section "blobs"); GitPython is imported only here, and only when
it is installed (it is no longer a dependency of whys). Prints, for each way, the time to
read the same N files (best of a few rounds, interleaved) and whether they agree.
"""

from __future__ import annotations

import random
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from whys.core.repo import BlobReader, MissingObjectError, open_repo


def sample_paths(repo_path: Path, rev: str, count: int, seed: int = 7) -> list[str]:
    """`count` file paths of the tree at `rev` whose blobs the repository has, chosen with a
    fixed seed (a partial clone lacks some; those would only measure an error path)."""
    repo = open_repo(repo_path)
    files = repo.list_files(rev)
    chooser = random.Random(seed)
    chooser.shuffle(files)
    chosen: list[str] = []
    with BlobReader(repo) as blobs:
        for path in files:
            try:
                if blobs.read(rev, path) is not None:
                    chosen.append(path)
            except MissingObjectError:
                continue
            if len(chosen) == count:
                break
    return chosen


def _gitpython_reader(repo_path: Path, sha: str) -> Callable[[list[str]], list[bytes]]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "GitDB is deprecated as a GitPython backend"
            from git import Repo
            from gitdb import GitDB
    except ImportError as missing:
        raise RuntimeError(f"GitPython not installed ({missing})") from None

    def read_all(paths: list[str]) -> list[bytes]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            repo = Repo(str(repo_path), odbt=GitDB)
        tree = repo.commit(sha).tree
        return [(tree / path).data_stream.read() for path in paths]

    return read_all


def compare(repo_path: Path, rev: str, count: int, rounds: int = 3) -> dict[str, object]:
    """Seconds to read `count` cited files each way (best of `rounds`), plus the import
    time of GitPython itself (it runs `git version` while importing)."""
    repo = open_repo(repo_path)
    sha = repo.resolve_revision(rev)
    paths = sample_paths(repo_path, sha, count)
    began = time.perf_counter()
    try:
        gitpython: Callable[[list[str]], list[bytes]] | None = _gitpython_reader(repo_path, sha)
        import_seconds: float | None = time.perf_counter() - began
    except RuntimeError:
        gitpython, import_seconds = None, None

    def batch(paths: list[str]) -> list[bytes]:
        with BlobReader(open_repo(repo_path)) as blobs:
            return [blobs.read(sha, path) or b"" for path in paths]

    def per_file(paths: list[str]) -> list[bytes]:
        fresh = open_repo(repo_path)
        return [fresh.read_file(sha, path) or b"" for path in paths]

    ways: dict[str, Callable[[list[str]], list[bytes]]] = {
        "cat-file --batch": batch,
        "read_file": per_file,
    }
    if gitpython is not None:
        ways["gitpython GitDB"] = gitpython
    best = dict.fromkeys(ways, float("inf"))
    outputs: dict[str, list[bytes]] = {}
    for _ in range(rounds):
        for name, read_all in ways.items():
            began = time.perf_counter()
            outputs[name] = read_all(paths)
            best[name] = min(best[name], time.perf_counter() - began)
    reference = outputs["cat-file --batch"]
    return {
        "files": len(paths),
        "bytes": sum(len(blob) for blob in reference),
        "seconds": best,
        "agree": {name: out == reference for name, out in outputs.items()},
        "gitpython_import_seconds": import_seconds,
    }


def main(argv: list[str]) -> int:
    repo_path, rev = Path(argv[0]), argv[1]
    count = int(argv[2]) if len(argv) > 2 else 300
    result = compare(repo_path, rev, count)
    print(f"{result['files']} files, {result['bytes']:,} bytes at {rev} in {repo_path}")
    for name, seconds in result["seconds"].items():  # type: ignore[union-attr]
        agree = result["agree"][name]  # type: ignore[index]
        print(f"  {name:18s} {seconds * 1000:8.1f} ms  {'same bytes' if agree else 'DIFFER'}")
    if result["gitpython_import_seconds"] is not None:
        print(f"  import git (GitPython) {result['gitpython_import_seconds'] * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
