"""`t` right after opening, before moving in the outline, draws the selected analysis's
history; the picture follows the analysis the auditor is on."""

from __future__ import annotations

from typing import Any

from whys.tui.app import WhysApp
from whys.tui.screens.verdict import AnalysisVerdictDialog
from whys.tui.widgets.outline import NodeRef, Outline
from whys.tui.widgets.timeline import TimelinePanel

AUDITOR = "ines@example.dev"


async def settle(app: WhysApp, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def cited_shas(review: Any, index: int) -> set[str]:
    analysis = review.store.session.analyses[index].analysis
    return {
        review.repo.resolve_prefix(sha)[0]
        for claim in analysis.claims
        for sha in (claim.sha, claim.other_sha)
        if sha and len(review.repo.resolve_prefix(sha)) == 1
    }


async def test_t_right_after_opening_scans_even_when_the_saved_row_is_gone(review: Any) -> None:
    # The session was left on a row this opening does not show (a third analysis, since
    # dropped from the file by hand): the cursor falls back to the first analysis.
    review.store.set_ui_state({"kind": "why", "analysis": 2, "item": "1", "panel": "why"})
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("t")  # at once, as a quick auditor does
        await settle(app, pilot)
        data = app.query_one(TimelinePanel).picture.data
        assert data.commits, "the timeline scanned the history"
        assert set(data.cited) == cited_shas(review, 0)
        # Pressed again it shows the same picture, scanned once.
        await pilot.press("w", "t")
        await settle(app, pilot)
        assert app.query_one(TimelinePanel).picture.data is data
        # And what the cursor shows is what the actions act on.
        assert review.store.session.ui["analysis"] == 0
        assert review.store.session.ui["kind"] == "analysis"


async def test_a_right_after_opening_opens_the_analysis_verdict(review: Any) -> None:
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, AnalysisVerdictDialog)


async def test_the_timeline_follows_the_selected_analysis(review: Any) -> None:
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("t")
        await settle(app, pilot)
        panel = app.query_one(TimelinePanel)
        assert set(panel.picture.data.cited) == cited_shas(review, 0)
        first = panel.picture.data
        # Back to the why panel and the same analysis: no second scan.
        await pilot.press("w", "t")
        await settle(app, pilot)
        assert panel.picture.data is first
        # Another analysis, chosen in the outline (where the focus is when a person picks
        # one; a key pressed in the commit list's search box would be text): its commits.
        app.action_focus_outline()
        app.query_one(Outline).select(NodeRef("analysis", 1))
        await settle(app, pilot)
        assert app.selection == NodeRef("analysis", 1)
        await pilot.press("t")
        # The scan for the newly selected analysis starts after a refresh: wait for its
        # result (bounded), not merely for the workers running at this instant.
        wanted = cited_shas(review, 1)
        for _ in range(50):
            await settle(app, pilot)
            if set(panel.picture.data.cited) == wanted:
                break
        assert set(panel.picture.data.cited) == wanted
        assert "db-pool" in str(app.query_one("#timeline-status").render())
