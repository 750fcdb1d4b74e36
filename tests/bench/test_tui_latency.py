"""Input latency of the workbench while a long history scan runs in its worker.

Builds a repository of N commits with `git fast-import` (default 80,000; WHYS_BENCH_COMMITS
overrides), opens the workbench headless on an analysis citing one of them, starts a
pickaxe (-S) over the whole history and a plain history scan, and while each runs presses
arrow keys in the outline, timing each key from press to the handled, repainted screen.
Prints the figures next to the same keys pressed on an idle workbench.

Run: .venv/bin/pytest tests/bench/test_tui_latency.py -s
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import time
from pathlib import Path

from textual import events

from whys.core.audit import check_files, record_in_session
from whys.core.repo import open_repo
from whys.core.session import SessionStore
from whys.tui.app import WhysApp
from whys.tui.widgets.timeline import TimelinePanel

COMMITS = int(os.environ.get("WHYS_BENCH_COMMITS", "80000"))
KEYS = 40


def build_history(repo: Path, commits: int) -> None:
    """N commits, each changing one of 200 files; the needle appears once, near the start."""
    lines: list[bytes] = []
    start = 1_700_000_000
    for number in range(1, commits + 1):
        body = f"value = {number}\n"
        if number == 10:
            body += "NEEDLE_FLAG = True\n"
        data = body.encode()
        message = f"change {number}\n".encode()
        when = start + number * 600
        lines += [
            b"commit refs/heads/main",
            f"mark :{number}".encode(),
            f"author Bench <bench@example.dev> {when} +0000".encode(),
            f"committer Bench <bench@example.dev> {when} +0000".encode(),
            f"data {len(message)}".encode(),
            message,
        ]
        if number > 1:
            lines.append(f"from :{number - 1}".encode())
        lines += [
            f"M 100644 inline src/f{number % 200}.py".encode(),
            f"data {len(data)}".encode(),
            data,
        ]
    stream = b"\n".join(lines) + b"\n"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=stream, check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=repo, check=True)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * fraction), len(ordered) - 1)]


async def press_and_time(app: WhysApp, pilot, keys: int, busy: str | None = None) -> list[float]:
    """Milliseconds from a key arriving (as the terminal driver delivers it) to its
    handler having moved the selection. Pilot.press would also wait for scroll animations
    to end, which is not latency."""
    timings = []
    for index in range(keys):
        if busy is not None and busy not in app._busy and index >= KEYS // 4:
            break
        before = app.selection
        key = "down" if index % 2 == 0 else "up"
        started = time.perf_counter()
        app._driver.send_message(events.Key(key, None))
        while app.selection == before:
            await asyncio.sleep(0.0005)
            if time.perf_counter() - started > 10:
                raise AssertionError("the workbench did not react within 10 s")
        timings.append((time.perf_counter() - started) * 1000)
        await asyncio.sleep(0.05)  # a person types a few keys a second, not a burst
    return timings


def describe(name: str, timings: list[float]) -> str:
    return (
        f"{name:<34} median {statistics.median(timings):6.1f} ms  "
        f"p95 {percentile(timings, 0.95):6.1f} ms  max {max(timings):6.1f} ms"
    )


async def test_input_latency_during_history_scans(tmp_path: Path) -> None:
    repo_dir = tmp_path / "big"
    started = time.perf_counter()
    build_history(repo_dir, COMMITS)
    print(f"\nbuilt {COMMITS:,} commits in {time.perf_counter() - started:.1f}s")
    cited = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD~5"],
        cwd=repo_dir,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    analysis = tmp_path / "analysis.md"
    analysis.write_text(
        "# Five Whys: bench\n\n**Incident start**: 2023-11-14 22:00 UTC\n\n"
        "## Why 1: Why?\n**Answer**: because.\n"
        f"- commit `{cited}` changed `src/f1.py`\n\n"
        "## Why 2: Why again?\n**Answer**: again.\n- `src/f2.py` exists\n",
        encoding="utf-8",
    )
    repo = open_repo(repo_dir)
    store = SessionStore.open_or_create(tmp_path / "s.json", repo=str(repo.root))
    record_in_session(store, check_files([analysis], repo))

    app = WhysApp(store, repo, auditor="bench")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await press_and_time(app, pilot, 10)  # warm up: first paints of every row
        idle = await press_and_time(app, pilot, KEYS)

        # A pickaxe over the whole history: git does the diffing; the worker streams results.
        app.query_one(TimelinePanel).query_one("#timeline-pickaxe").value = "NEEDLE_FLAG"
        app._open_panel("timeline")
        await app.workers.wait_for_complete()
        scan_started = time.perf_counter()
        app._start_timeline_scan("NEEDLE_FLAG", "")
        app.query_one("#outline-tree").focus()
        await pilot.pause()
        during_pickaxe = await press_and_time(app, pilot, 1000, busy="timeline")
        await app.workers.wait_for_complete()
        pickaxe_seconds = time.perf_counter() - scan_started

        # A plain history scan: every commit is parsed in the worker thread (GIL pressure).
        scan_started = time.perf_counter()
        app._start_timeline_scan("", "")
        await pilot.pause()
        during_log = await press_and_time(app, pilot, 1000, busy="timeline")
        await app.workers.wait_for_complete()
        log_seconds = time.perf_counter() - scan_started
        await pilot.pause()
        loaded = len(app.query_one(TimelinePanel).picture.data.commits)

        # Escape: the screen drops the scan at once (the git process itself stops when
        # its stream next yields: a quiet -S pickaxe may run on until it finishes).
        app._start_timeline_scan("NEEDLE_FLAG", "")
        await pilot.pause()
        cancel_started = time.perf_counter()
        await pilot.press("escape")
        screen_ms = (time.perf_counter() - cancel_started) * 1000
        assert "timeline" not in app._busy

    print(describe("idle", idle))
    print(
        describe(f"during pickaxe ({pickaxe_seconds:.1f}s scan)", during_pickaxe)
        + f"  ({len(during_pickaxe)} keys)"
    )
    print(
        describe(f"during log scan ({log_seconds:.1f}s)", during_log)
        + f"  ({len(during_log)} keys)"
    )
    print(f"log scan loaded {loaded:,} commits")
    print(f"escape during a pickaxe: the screen shows it cancelled after {screen_ms:.0f} ms")
    # A generous bound: the screen must never freeze while git works.
    assert percentile(during_pickaxe, 0.95) < 500
    assert loaded >= COMMITS
