"""The evidence layer (whys.core.repo, search, evidence) against the raw tools, op by op.

    .venv/bin/python -m tests.bench.bench_evidence                    # 200k commits, 10k files
    .venv/bin/python -m tests.bench.bench_evidence --commits 5000 --files 500   # quick
    .venv/bin/python -m tests.bench.bench_evidence --work /tmp/whys-bench-mine/big

`tests.bench.run` is the project's benchmark (whole commands, `whys check`, memory, TUI);
this one times each repo/search call in-process beside the git or rg command that does the
same job, with the same output fields where the formats differ (`iter_log` is timed against
`git log -z` with the very format whys parses, and against `--pretty=fuller` for scale).
Best of N; figures and ratios are printed, never asserted.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.bench.generate import CONFIG_PATH, generate_repo
from whys.core import evidence, search
from whys.core.repo import _LOG_FORMAT, open_repo
from whys.core.search import rg_executable


def best(repeats: int, job: Callable[[], object]) -> tuple[float, object]:
    fastest, result = float("inf"), None
    for _ in range(repeats):
        began = time.perf_counter()
        result = job()
        fastest = min(fastest, time.perf_counter() - began)
    return fastest, result


def raw(*argv: str) -> Callable[[], int]:
    def run() -> int:
        return len(subprocess.run(argv, capture_output=True, check=False).stdout)

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=200_000)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/whys-bench-evidence"))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    meta = generate_repo(args.work, args.commits, args.files, seed=7)
    root = Path(meta.repo)
    repo = open_repo(root)
    git = ["git", "-C", str(root)]
    rg = rg_executable()
    pattern = meta.search_pattern
    fix = meta.story["fix"]
    window = {"since": meta.month_since, "until": meta.month_until}
    rows: list[tuple[str, Callable[[], object], Callable[[], object] | None]] = [
        (
            "iter_log full vs git log -z (same format)",
            lambda: sum(1 for _ in repo.iter_log()),
            raw(*git, "log", "-z", f"--format={_LOG_FORMAT}"),
        ),
        (
            "iter_log full vs git log --pretty=fuller",
            lambda: sum(1 for _ in repo.iter_log()),
            raw(*git, "log", "--pretty=fuller"),
        ),
        (
            "iter_log one month vs git log --since/--until",
            lambda: sum(1 for _ in repo.iter_log(**window)),
            raw(
                *git,
                "log",
                "--pretty=fuller",
                f"--since={window['since']}",
                f"--until={window['until']}",
            ),
        ),
        (
            f"pickaxe -S {meta.pickaxe}",
            lambda: sum(1 for _ in repo.iter_log(pickaxe=meta.pickaxe)),
            raw(*git, "log", f"-S{meta.pickaxe}", "--format=%H"),
        ),
        (
            f"pickaxe -G {meta.pickaxe} in {CONFIG_PATH}",
            lambda: sum(
                1
                for _ in repo.iter_log(
                    pickaxe=meta.pickaxe, pickaxe_regex=True, paths=[CONFIG_PATH]
                )
            ),
            raw(*git, "log", f"-G{meta.pickaxe}", "--format=%H", "--", CONFIG_PATH),
        ),
        (
            "find_commits_by_subject (near miss)",
            lambda: len(
                repo.find_commits_by_subject(meta.subjects["fix"].replace("restore", "restores"))
            ),
            raw(*git, "log", "-z", "--format=%H%x00%s"),
        ),
        (
            f"blame -M -C {CONFIG_PATH} 1-10",
            lambda: len(repo.blame("HEAD", CONFIG_PATH, 1, 10)),
            raw(*git, "blame", "--line-porcelain", "-M", "-C", "-L1,10", "HEAD", "--", CONFIG_PATH),
        ),
        (
            f"line_history {CONFIG_PATH} 1-5",
            lambda: len(repo.line_history("HEAD", CONFIG_PATH, 1, 5)),
            raw(*git, "log", "-s", "--format=%H", f"-L1,5:{CONFIG_PATH}", "HEAD"),
        ),
        ("show_commit fix", lambda: len(repo.show_commit(fix).diff), raw(*git, "show", fix)),
        ("szz_origins fix", lambda: len(repo.szz_origins(fix)), None),
        (
            f"search {pattern!r} (rg)",
            lambda: sum(1 for _ in search.search(root, pattern, max_hits=10**9)),
            raw(rg, "-n", "-e", pattern, str(root)),
        ),
        (
            f"count files {pattern!r} (rg)",
            lambda: search.count(root, pattern).count,
            raw(rg, "-l", "-e", pattern, str(root)),
        ),
        (
            f"grep {pattern!r} at HEAD (git grep)",
            lambda: sum(1 for _ in repo.grep("HEAD", pattern, fixed_strings=True, max_hits=10**9)),
            raw(*git, "grep", "-n", "-F", "-e", pattern, "HEAD"),
        ),
        (
            f"grep_count files {pattern!r} at HEAD",
            lambda: repo.grep_count("HEAD", pattern, fixed_strings=True).count,
            raw(*git, "grep", "-l", "-F", "-e", pattern, "HEAD"),
        ),
        (
            "evidence collect + rerun (count at HEAD)",
            lambda: (
                evidence.rerun(
                    evidence.collect(
                        repo, {"op": "count", "pattern": pattern, "fixed_strings": True}
                    ),
                    repo,
                ).content
            ),
            None,
        ),
    ]
    print(f"repo: {root} ({meta.commits:,} commits, {meta.files:,} files), best of {args.repeats}")
    print(f"{'measurement':58} {'whys':>9} {'raw':>9} {'ratio':>7}")
    for title, whys_job, raw_job in rows:
        whys_s, _ = best(args.repeats, whys_job)
        if raw_job is None:
            print(f"{title:58} {whys_s:8.3f}s {'':>9} {'':>7}")
            continue
        raw_s, _ = best(args.repeats, raw_job)
        print(f"{title:58} {whys_s:8.3f}s {raw_s:8.3f}s {whys_s / raw_s:6.2f}x", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
