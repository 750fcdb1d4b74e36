"""Opening shows the review at once and checks it in a worker: the outline is there before
the checks, the status line says they run, approval waits for them, escape cancels them,
and the marks fill in when they arrive."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from whys.core.audit import needs_checks, open_session
from whys.core.session import SessionStore
from whys.tui.app import WhysApp
from whys.tui.screens.verdict import NoteDialog
from whys.tui.widgets.outline import Outline

AUDITOR = "ines@example.dev"
NAMES = ("confirmation-mail-five-whys.md", "db-pool-five-whys.md")


async def settle(app: WhysApp, pilot) -> None:
    # The checks' worker starts once the first screen is painted, so it may not be running
    # yet: wait until the status line no longer says they run, then for every worker.
    for _ in range(600):
        if "checks" not in app._busy:
            break
        await pilot.pause(0.05)
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def opened(review: Any, tmp_path: Path) -> tuple[SessionStore, Any]:
    return open_session(review.analyses, review.repo_dir, "HEAD", tmp_path / "fresh.json")


def claim_marks(app: WhysApp) -> list[str]:
    first = app.query_one(Outline).tree.root.children[0]
    return [str(leaf.label)[0] for why in first.children for leaf in why.children]


async def test_the_screen_comes_first_and_the_marks_fill_in(review: Any, tmp_path: Path) -> None:
    store, repo = opened(review, tmp_path)
    assert [a.checks for a in store.session.analyses] == [[], []]
    seen: list = []
    app = WhysApp(store, repo, auditor=AUDITOR, check_on_open=True)
    async with app.run_test(size=(120, 40), message_hook=seen.append, notifications=True) as pilot:
        # Mounted: the review is on screen, not yet checked (every claim shows the "not
        # checked" dot) while the worker checks. No pause here: it would wait for the worker.
        assert "checks" in app._busy
        assert "checking" in str(app.query_one("#status").render())
        assert set(claim_marks(app)) == {"·"}
        await settle(app, pilot)
        assert "checks" not in app._busy
        assert not any(needs_checks(a, store.session.revision_sha) for a in store.session.analyses)
        assert "✗" in claim_marks(app) and "✓" in claim_marks(app)
        assert any(type(m).__name__ == "WorkProgressed" for m in seen)
        assert any("checks done" in n.message for n in app._notifications)
    # What arrived is in the session file, for the next opening.
    reopened = SessionStore(store.path)
    assert all(audit.checks for audit in reopened.session.analyses)


async def test_approval_waits_for_the_checks_and_says_so(review: Any, tmp_path: Path) -> None:
    store, repo = opened(review, tmp_path)
    app = WhysApp(store, repo, auditor=AUDITOR, check_on_open=True)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        assert "checks" in app._busy
        await pilot.press("escape")  # cancels the checks
        assert "checks" not in app._busy
        await settle(app, pilot)
        assert all(audit.checks == [] for audit in store.session.analyses)
        await pilot.press("down")  # why 1
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert store.session.analyses[0].verdicts == []
        assert any("R runs them" in n.message for n in app._notifications)
        # Reject does not depend on what the checks find: it stays available.
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await pilot.press("escape")
        await pilot.press("R")
        await settle(app, pilot)
        # Once the checks are in, the same key approves.
        await pilot.press("a")
        await settle(app, pilot)
        verdicts = store.session.analyses[0].verdicts
        assert [(v.target, v.target_id, v.decision) for v in verdicts] == [("why", "1", "approved")]


async def checked_and_quit(review: Any, tmp_path: Path, then: Any = None) -> SessionStore:
    """The review opened, its checks arrived, `then(pilot)` done if given, then quit."""
    store, repo = opened(review, tmp_path)
    app = WhysApp(store, repo, auditor=AUDITOR, check_on_open=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        if then is not None:
            await then(pilot)
            await settle(app, pilot)
        await pilot.press("q")
    return store


async def test_reopening_keeps_verdicts_and_shows_the_marks_on_record(
    review: Any, tmp_path: Path
) -> None:
    async def note_on_why_1(pilot) -> None:
        await pilot.press("down", "n")
        await pilot.pause()
        for char in "show it":
            await pilot.press(char)
        await pilot.press("enter")

    await checked_and_quit(review, tmp_path, note_on_why_1)
    store, repo = opened(review, tmp_path)
    assert [v.note for v in store.session.analyses[0].verdicts] == ["show it"]
    again = WhysApp(store, repo, auditor=AUDITOR, check_on_open=True)
    async with again.run_test(size=(120, 40)) as pilot:
        assert "checks" in again._busy
        # Unchanged analyses at the same revision show their marks on record at once.
        assert "✗" in claim_marks(again)
        await settle(again, pilot)
        assert str(again.query_one(Outline).tree.cursor_node.label).startswith("N ")
        assert [v.note for v in store.session.analyses[0].verdicts] == ["show it"]


async def test_reopening_an_unchanged_review_keeps_its_checks_until_asked(
    review: Any, tmp_path: Path
) -> None:
    store = await checked_and_quit(review, tmp_path)
    # A check run again would replace this detail; one kept from the record shows it.
    document = json.loads(store.path.read_text(encoding="utf-8"))
    document["analyses"][0]["checks"][0]["detail"] = "as the session file says"
    store.path.write_text(json.dumps(document), encoding="utf-8")

    store, repo = opened(review, tmp_path)
    again = WhysApp(store, repo, auditor=AUDITOR, check_on_open=True)
    async with again.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(again, pilot)
        assert store.session.analyses[0].checks[0].detail == "as the session file says"
        kept = [n.message for n in again._notifications if "checks on record kept" in n.message]
        assert kept and "R checks again" in kept[0]
        await pilot.press("R")  # asked for: every check runs again
        await settle(again, pilot)
        assert store.session.analyses[0].checks[0].detail != "as the session file says"
        assert any("checks done" in n.message for n in again._notifications)
