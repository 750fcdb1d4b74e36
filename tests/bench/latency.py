"""TUI input latency while a history scan runs: the workbench, headless, on a big history.

    .venv/bin/python -m tests.bench.latency REPO ANALYSIS PICKAXE PRESSES

Opens the analysis the way `whys open` does (read, check, session), starts the app with
`run_test`, then, while a scan runs in the app's worker, presses up/down in the outline and
times each press from the key event entering the app's queue until the app's selection has
moved (the handler ran; the repaint follows from it). Two scans: the plain history listing
that opening the timeline panel starts (`t`,
Python parsing every commit: the GIL-heavy case) and a pickaxe typed into the timeline's
pickaxe field (git works, Python waits). Prints one JSON line; exit 3 when the workbench is
not built yet. Run by tests.bench.run in its own process, so Textual stays out of the
benchmark's other measurements.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

SETTLE_TIMEOUT = 10.0
PRESS_GAP = 0.05


async def _press_and_wait(app, key: str) -> float:
    # A key event enters the app's queue the way the terminal driver delivers one. Not
    # pilot.press: it waits for the whole process to go idle, which never happens while a
    # worker thread is busy, and would time the wait instead of the app.
    before = app.selection
    began = time.perf_counter()
    app.simulate_key(key)
    while app.selection == before:
        if time.perf_counter() - began > SETTLE_TIMEOUT:
            raise TimeoutError(f"the selection did not move after {key!r}")
        await asyncio.sleep(0.0005)
    return (time.perf_counter() - began) * 1000


def _scanning(app) -> bool:
    return "timeline" in getattr(app, "_busy", {})


async def _presses_during_scan(app, pilot, presses: int) -> tuple[list[float], bool, bool]:
    """Timings of up/down presses in the outline; whether the scan ran through all of
    them; whether the slowest press is the one during which the scan ended (its results
    being handed to the screen)."""
    from whys.tui.widgets.outline import OutlineTree

    app.query_one(OutlineTree).focus()
    timings: list[float] = []
    ended_during: list[bool] = []
    scan_running = True
    for number in range(presses):
        before = _scanning(app)
        scan_running = scan_running and before
        timings.append(await _press_and_wait(app, "down" if number % 2 == 0 else "up"))
        ended_during.append(before and not _scanning(app))
        await asyncio.sleep(PRESS_GAP)
    scan_running = scan_running and _scanning(app)
    worst = timings.index(max(timings))
    return timings, scan_running, ended_during[worst]


async def _wait_for_scan(app, scans_before: int, timeout: float = 5.0) -> bool:
    """Until the requested scan has started; True when it is still running (then give the
    worker a moment to get into its stride), False when it is already over."""
    began = time.perf_counter()
    while getattr(app, "_scan_id", scans_before + 1) <= scans_before:
        if time.perf_counter() - began > timeout:
            raise TimeoutError("the scan did not start")
        await asyncio.sleep(0.01)
    if not _scanning(app):
        return False
    await asyncio.sleep(0.3)
    return _scanning(app)


def _summary(
    name: str, timings: list[float], scan_running: bool, worst_at_end: bool = False
) -> dict[str, object]:
    return {
        "name": name,
        "p50_ms": statistics.median(timings),
        "max_ms": max(timings),
        "presses": len(timings),
        "scan_running": scan_running,
        "worst_at_scan_end": worst_at_end,
    }


async def measure(repo_path: Path, analysis: Path, pickaxe: str, presses: int) -> dict:
    from textual.widgets import Input

    from whys.core.audit import open_audit
    from whys.tui.app import WhysApp

    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as scratch:
        began = time.perf_counter()
        store, repo = open_audit([analysis], repo_path, "HEAD", Path(scratch) / "session.json")
        app = WhysApp(store, repo, auditor="bench")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            results["open_s"] = time.perf_counter() - began
            if presses == 0:  # the opening time alone
                return results
            rows = []

            # Select the first why: with nothing selected the timeline has no analysis to
            # draw and scans nothing. The same keys on the idle workbench are the reference.
            await pilot.press("down")
            idle, _, _ = await _presses_during_scan(app, pilot, presses)
            results["idle"] = _summary("idle", idle, False)
            scans = app._scan_id
            await pilot.press("t")  # the timeline panel starts a history scan
            started = await _wait_for_scan(app, scans)
            timings, running, at_end = await _presses_during_scan(app, pilot, presses)
            rows.append(_summary("history scan", timings, started and running, at_end))

            # As an auditor would: escape, t (timeline), s (its -S field), the text, enter.
            await pilot.press("escape", "t", "s")
            field = app.query_one("#timeline-pickaxe", Input)
            if app.focused is not field:
                raise RuntimeError(f"'s' on the timeline focused {app.focused}, not -S")
            field.value = pickaxe
            scans = app._scan_id
            await pilot.press("enter")
            started = await _wait_for_scan(app, scans)
            timings, running, at_end = await _presses_during_scan(app, pilot, presses)
            rows.append(_summary("pickaxe scan", timings, started and running, at_end))

            await pilot.press("escape")  # cancels the scan, so the app can close at once
            await pilot.pause()
            results["rows"] = rows
    return results


def main(argv: list[str]) -> int:
    repo_path, analysis, pickaxe, presses = Path(argv[0]), Path(argv[1]), argv[2], int(argv[3])
    try:
        import whys.core.audit  # noqa: F401
        import whys.tui.app  # noqa: F401
    except ImportError as error:
        print(f"workbench not available: {error}")
        return 3
    result = asyncio.run(measure(repo_path, analysis, pickaxe, presses))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
