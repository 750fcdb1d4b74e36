"""The workbench, headless, on a big history: how soon it opens, and input latency while
slow work runs in its workers.

    .venv/bin/python -m tests.bench.latency REPO ANALYSIS PICKAXE PRESSES

Opens the analysis the way `whys open` does (read and resume the session, then the screen;
the checks run in the app's worker) and times the first screen (`open_s`: the outline drawn,
its cursor on a row; `first_frame_s`: its first frame painted, the outline drawn) and the
checks arriving (`checks_s`). Then, while slow work runs in a worker, presses up/down in
the outline and times each press from the key event entering the app's queue until the
app's selection has moved (the handler ran: `p50_ms`, `max_ms`) and until the first frame
painted after that (what the auditor sees: `paint_p50_ms`,
`paint_max_ms`); `stall_max_ms` is the longest the app's event loop ran nothing during the
phase (the worst frame freeze, whatever caused it: on a loaded machine, often the system
running other processes). Three kinds of work: the checks of the opening (the presses
start at once), the plain history listing that opening the timeline panel starts (`t`,
Python parsing every commit: the GIL-heavy case) and a pickaxe typed into the timeline's
pickaxe field (git works, Python waits); the same keys on the idle workbench are the
reference. Last, escape during
the pickaxe: how long until the screen shows it cancelled (`escape_ms`).

Prints one JSON line; exit 3 when the workbench is not built yet. Run by tests.bench.run in
its own process, so Textual stays out of the benchmark's other measurements.
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
STALL_TICK = 0.005


class Frames:
    """What the screen did, seen from inside the app's event loop: when each frame was
    painted (the app hands every frame to its driver, headless too), and the longest time
    the loop could not run anything (a heartbeat that sleeps STALL_TICK and measures how
    late it wakes up: a frame frozen for that long), per phase of the measurement."""

    def __init__(self, app) -> None:
        self.painted: list[float] = []
        self.phase = "open"
        self.stalls: dict[str, float] = {}
        display = app._display

        def counted(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is not None:
                self.painted.append(time.perf_counter())

        app._display = counted
        self._beat = asyncio.get_running_loop().create_task(self._heartbeat())

    async def _heartbeat(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(STALL_TICK)
            late = (time.perf_counter() - before - STALL_TICK) * 1000
            self.stalls[self.phase] = max(self.stalls.get(self.phase, 0.0), late)

    def worst_stall(self, phase: str) -> float:
        return self.stalls.get(phase, 0.0)

    async def painted_after(self, moment: float) -> float:
        """When the first frame painted after `moment` was handed over."""
        began = time.perf_counter()
        while not self.painted or self.painted[-1] <= moment:
            if time.perf_counter() - began > SETTLE_TIMEOUT:
                raise TimeoutError("no frame was painted")
            await asyncio.sleep(0.0005)
        return next(when for when in self.painted if when > moment)

    def stop(self) -> None:
        self._beat.cancel()


async def _press_and_wait(app, key: str, frames: Frames | None = None) -> tuple[float, float]:
    """Milliseconds from the key event entering the app's queue until the app's selection
    moved (its handler ran), and until the first frame painted after that (what the
    auditor sees; 0 without `frames`)."""
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
    moved = time.perf_counter()
    painted = await frames.painted_after(moved) if frames is not None else began
    return (moved - began) * 1000, (painted - began) * 1000


def _scanning(app, group: str = "timeline") -> bool:
    return group in getattr(app, "_busy", {})


async def _presses_during_scan(
    app, pilot, presses: int, group: str = "timeline", frames: Frames | None = None
) -> tuple[list[float], bool, bool, list[float]]:
    """Timings of up/down presses in the outline; whether the work of `group` ran through
    all of them; whether the slowest press is the one during which it ended (its results
    being handed to the screen); the same presses timed until their frame was painted."""
    from whys.tui.widgets.outline import OutlineTree

    app.query_one(OutlineTree).focus()
    timings: list[float] = []
    painted: list[float] = []
    ended_during: list[bool] = []
    scan_running = True
    for number in range(presses):
        before = _scanning(app, group)
        scan_running = scan_running and before
        moved, shown = await _press_and_wait(app, "down" if number % 2 == 0 else "up", frames)
        timings.append(moved)
        painted.append(shown)
        ended_during.append(before and not _scanning(app, group))
        await asyncio.sleep(PRESS_GAP)
    scan_running = scan_running and _scanning(app, group)
    worst = timings.index(max(timings))
    return timings, scan_running, ended_during[worst], painted


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
    name: str,
    timings: list[float],
    scan_running: bool,
    worst_at_end: bool = False,
    painted: list[float] | None = None,
    stall: float | None = None,
) -> dict[str, object]:
    ordered = sorted(timings)
    summary: dict[str, object] = {
        "name": name,
        "p50_ms": statistics.median(timings),
        "p95_ms": ordered[min(int(len(ordered) * 0.95), len(ordered) - 1)],
        "max_ms": max(timings),
        "presses": len(timings),
        "scan_running": scan_running,
        "worst_at_scan_end": worst_at_end,
    }
    if painted:
        # Until the frame showing the move was painted, and the longest freeze of the
        # screen (the event loop running nothing) during the whole phase.
        summary["paint_p50_ms"] = statistics.median(painted)
        summary["paint_max_ms"] = max(painted)
    if stall is not None:
        summary["stall_max_ms"] = stall
    return summary


async def _until(condition, what: str, timeout: float = 600.0) -> float:
    """Seconds until `condition()` holds, polled without blocking the app."""
    began = time.perf_counter()
    while not condition():
        if time.perf_counter() - began > timeout:
            raise TimeoutError(f"{what} did not happen within {timeout:.0f} s")
        await asyncio.sleep(0.002)
    return time.perf_counter() - began


async def measure(repo_path: Path, analysis: Path, pickaxe: str, presses: int) -> dict:
    from textual.widgets import Input

    from whys.core.audit import open_session
    from whys.tui.app import WhysApp
    from whys.tui.widgets.outline import OutlineTree
    from whys.tui.widgets.timeline import TimelinePanel

    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as scratch:
        began = time.perf_counter()
        store, repo = open_session([analysis], repo_path, "HEAD", Path(scratch) / "session.json")
        app = WhysApp(store, repo, auditor="bench", check_on_open=True)
        # Counting from before the app starts: its first frame is the outline drawn.
        frames = Frames(app)
        async with app.run_test(size=(120, 40)) as pilot:
            # Not pilot.pause: it would wait for the checks' worker. The first screen is
            # there once the outline's cursor sits on a row (placed after the first refresh).
            tree = app.query_one(OutlineTree)
            await _until(lambda: tree.cursor_node is not None, "the first screen")
            results["open_s"] = time.perf_counter() - began
            results["first_frame_s"] = frames.painted[0] - began
            rows = []
            frames.phase = "checks"
            if presses:
                # While the checks of the opening run: the auditor starts at once. First
                # onto why 1, so the presses move between rows where the same keys apply
                # (a change in what applies redraws the footer: a cost of its own).
                running = _scanning(app, "checks")
                await _press_and_wait(app, "down")
                timings, still, at_end, painted = await _presses_during_scan(
                    app, pilot, presses, "checks", frames
                )
                check_run = _summary("check run", timings, running and still, at_end, painted)
                rows.append(check_run)
            await _until(lambda: not _scanning(app, "checks"), "the checks")
            results["checks_s"] = time.perf_counter() - began
            if presses == 0:  # the opening alone, then once more on the session it saved
                frames.stop()
                await pilot.press("q")
                results.update(await _reopen(repo_path, analysis, Path(scratch) / "session.json"))
                return results
            check_run["stall_max_ms"] = frames.worst_stall("checks")

            await pilot.pause()
            frames.phase = "idle"
            idle, _, _, painted = await _presses_during_scan(app, pilot, presses, frames=frames)
            results["idle"] = _summary(
                "idle", idle, False, painted=painted, stall=frames.worst_stall("idle")
            )
            scans = app._scan_id
            scan_began = time.perf_counter()
            frames.phase = "history scan"
            await pilot.press("t")  # the timeline panel starts a history scan
            started = await _wait_for_scan(app, scans)
            timings, running, at_end, painted = await _presses_during_scan(
                app, pilot, presses, frames=frames
            )
            history = _summary("history scan", timings, started and running, at_end, painted)
            await _until(lambda: not _scanning(app), "the history scan")
            history["scan_s"] = time.perf_counter() - scan_began
            history["stall_max_ms"] = frames.worst_stall("history scan")
            history["commits_loaded"] = len(app.query_one(TimelinePanel).picture.data.commits)
            rows.append(history)
            frames.phase = "between"

            # As an auditor would: escape, t (timeline), s (its -S field), the text, enter.
            await pilot.press("escape", "t", "s")
            field = app.query_one("#timeline-pickaxe", Input)
            if app.focused is not field:
                raise RuntimeError(f"'s' on the timeline focused {app.focused}, not -S")
            field.value = pickaxe
            scans = app._scan_id
            frames.phase = "pickaxe scan"
            await pilot.press("enter")
            started = await _wait_for_scan(app, scans)
            timings, running, at_end, painted = await _presses_during_scan(
                app, pilot, presses, frames=frames
            )
            pickaxe_scan = _summary("pickaxe scan", timings, started and running, at_end, painted)
            await _until(lambda: not _scanning(app), "the pickaxe")
            pickaxe_scan["stall_max_ms"] = frames.worst_stall("pickaxe scan")
            rows.append(pickaxe_scan)
            frames.phase = "cancel"

            # Escape while a pickaxe runs: the screen drops it at once (the git process
            # itself stops when its stream next yields).
            scans = app._scan_id
            app._start_timeline_scan(pickaxe, "")
            await _wait_for_scan(app, scans)
            cancel_began = time.perf_counter()
            await pilot.press("escape")
            await _until(lambda: not _scanning(app), "the cancel")
            results["escape_ms"] = (time.perf_counter() - cancel_began) * 1000
            await pilot.pause()
            frames.stop()
            results["rows"] = rows
    return results


async def _reopen(repo_path: Path, analysis: Path, session: Path) -> dict[str, object]:
    """The same analysis opened again on the session the first opening saved, nothing
    changed: `reopen_s` until every status mark is on screen and the status line no longer
    says checks run; `reopen_kept`: the workbench said it kept the checks on record."""
    from whys.core.audit import open_session
    from whys.tui.app import WhysApp
    from whys.tui.widgets.outline import OutlineTree

    began = time.perf_counter()
    store, repo = open_session([analysis], repo_path, "HEAD", session)
    app = WhysApp(store, repo, auditor="bench", check_on_open=True)
    async with app.run_test(size=(120, 40), notifications=True):
        tree = app.query_one(OutlineTree)
        await _until(lambda: tree.cursor_node is not None, "the first screen")
        await _until(lambda: not _scanning(app, "checks"), "the reopened checks")
        reopen_s = time.perf_counter() - began
        kept = any("checks on record kept" in n.message for n in app._notifications)
    return {"reopen_s": reopen_s, "reopen_kept": kept}


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
