"""Slow work on a repository with thousands of commits: the scan runs in a worker, shows
progress, and escape cancels it at once without freezing or losing the screen."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from whys.core.audit import check_files, record_in_session
from whys.core.repo import open_repo
from whys.core.session import SessionStore
from whys.tui.app import WhysApp
from whys.tui.widgets.timeline import TimelinePanel

COMMITS = 20_000


def build_history(repo: Path, commits: int) -> None:
    """Linear history via git fast-import, fixed dates; `NEEDLE` appears in commit 3 only."""
    parts: list[bytes] = []
    for number in range(1, commits + 1):
        data = f"value = {number}\n{'NEEDLE = 1' if number == 3 else ''}\n".encode()
        message = f"change {number}\n".encode()
        when = 1_700_000_000 + number * 600
        parts += [
            b"commit refs/heads/main",
            f"mark :{number}".encode(),
            f"author T <t@example.dev> {when} +0000".encode(),
            f"committer T <t@example.dev> {when} +0000".encode(),
            f"data {len(message)}".encode(),
            message,
            *([f"from :{number - 1}".encode()] if number > 1 else []),
            f"M 100644 inline src/f{number % 50}.py".encode(),
            f"data {len(data)}".encode(),
            data,
        ]
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    subprocess.run(
        ["git", "fast-import", "--quiet"], cwd=repo, input=b"\n".join(parts) + b"\n", check=True
    )
    subprocess.run(["git", "checkout", "-q", "main"], cwd=repo, check=True)


@pytest.fixture(scope="module")
def long_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo_dir = tmp_path_factory.mktemp("long") / "repo"
    build_history(repo_dir, COMMITS)
    return repo_dir


def open_review(repo_dir: Path, tmp_path: Path) -> tuple[SessionStore, object]:
    analysis = tmp_path / "analysis.md"
    analysis.write_text(
        "# Five Whys: long history\n\n## Why 1: Why?\n**Answer**: `src/f1.py` exists.\n",
        encoding="utf-8",
    )
    repo = open_repo(repo_dir)
    store = SessionStore.open_or_create(tmp_path / "s.json", repo=str(repo.root))
    record_in_session(store, check_files([analysis], repo))
    return store, repo


async def test_history_scan_loads_every_commit_with_progress(
    long_repo: Path, tmp_path: Path
) -> None:
    store, repo = open_review(long_repo, tmp_path)
    seen: list = []
    app = WhysApp(store, repo, auditor="t@example.dev")  # type: ignore[arg-type]
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        data = app.query_one(TimelinePanel).picture.data
        assert len(data.commits) == COMMITS
        assert "timeline" not in app._busy
        progress = [m for m in seen if type(m).__name__ == "WorkProgressed"]
        assert progress, "a long scan reports progress"


async def test_escape_cancels_a_pickaxe_and_the_screen_stays_live(
    long_repo: Path, tmp_path: Path
) -> None:
    store, repo = open_review(long_repo, tmp_path)
    app = WhysApp(store, repo, auditor="t@example.dev")  # type: ignore[arg-type]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("t")
        await app.workers.wait_for_complete()
        await pilot.pause()
        before = app.query_one(TimelinePanel).picture.data
        # Started directly (not by typing) so the scan is surely still running at escape.
        app._start_timeline_scan("NEEDLE", "")
        assert "timeline" in app._busy
        await pilot.press("escape")
        # At once: nothing is shown as running, the panel says so, keys still work.
        assert app._busy == {}
        assert "cancelled" in str(app.query_one("#timeline-status").render())
        await pilot.press("w")
        assert app.current_panel == "why"
        await app.workers.wait_for_complete()
        await pilot.pause()
        # The cancelled scan's late result does not replace the picture.
        assert app.query_one(TimelinePanel).picture.data is before
