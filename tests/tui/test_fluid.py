"""What the workbench's fast paths must still show right: the footer greys the keys that do
not apply as the cursor moves (it re-dims its keys instead of rebuilding them), and the
timeline picture, drawn per column rather than per commit, puts every commit, cited mark,
caret and deployed marker where its time falls."""

from __future__ import annotations

import gc
from datetime import datetime
from pathlib import Path
from typing import Any

from gitbuild import make_repo
from textual.widgets._footer import FooterKey

from whys.core.repo import open_repo
from whys.core.timeline_view import TimelineRequest, build_timeline
from whys.tui.app import WhysApp
from whys.tui.widgets.footer import WhysFooter
from whys.tui.widgets.outline import NodeRef
from whys.tui.widgets.timeline import draw_timeline
from whys.tui.widgets.why_text import WhyText

AUDITOR = "ines@example.dev"
APPROVE = "verdict('approved')"


async def settle(app: WhysApp, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def greyed(app: WhysApp) -> dict[str, bool]:
    keys = app.query_one(WhysFooter).query(FooterKey)
    return {key.action: key.has_class("-disabled") for key in keys}


async def test_the_footer_greys_what_does_not_apply_as_the_cursor_moves(review: Any) -> None:
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.selection == NodeRef("analysis", 0)
        assert greyed(app)[APPROVE], "approve applies to a why or a claim, not the analysis"
        for _ in range(2):
            await pilot.press("down")  # why 1
            await settle(app, pilot)
            assert app.selection is not None and app.selection.kind == "why"
            assert not greyed(app)[APPROVE]
            await pilot.press("up")
            await settle(app, pilot)
            assert greyed(app)[APPROVE]


async def test_the_why_text_follows_the_claims_of_one_why(review: Any) -> None:
    # Moving between a why and its claims shows the same lines (kept, not rebuilt): the
    # highlight still lands on each claim's line, and on the why's first line.
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("down")
        await settle(app, pilot)
        why_text = app.query_one(WhyText)
        audit = review.store.session.analyses[0]
        why = audit.analysis.whys[0]
        first_line = why_text.line_of_highlight()
        assert first_line == why.line
        claims = [claim for claim in audit.analysis.claims if claim.why == why.id]
        assert len({claim.line for claim in claims}) >= 2
        for claim in claims:
            await pilot.press("down")
            await settle(app, pilot)
            assert app.selection == NodeRef("claim", 0, claim.id)
            assert why_text.line_of_highlight() == claim.line
        for _ in claims:
            await pilot.press("up")
        await settle(app, pilot)
        assert app.selection == NodeRef("why", 0, why.id)
        assert why_text.line_of_highlight() == first_line


async def test_memory_is_collected_again_once_the_first_screen_is_up(review: Any) -> None:
    # The collector rests while the first screen is built (it would only hold it up); a
    # review that runs for hours must not keep its garbage: it runs again once the screen
    # is up, and after the workbench closes (a quit before that included).
    assert gc.isenabled()
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.selection == NodeRef("analysis", 0)
        assert gc.isenabled()
    assert gc.isenabled()
    quitting = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with quitting.run_test(size=(120, 40)):
        quitting.exit()
    assert gc.isenabled()
    # Reopened on the timeline: its history loads (the collector rests for that too) while
    # the first screen is built; both done, it runs again.
    review.store.session.ui = {**review.store.session.ui, "panel": "timeline"}
    reopened = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with reopened.run_test(size=(120, 40)) as pilot:
        await settle(reopened, pilot)
        assert reopened.current_panel == "timeline"
        assert gc.isenabled()
    assert gc.isenabled()


def test_the_picture_puts_each_commit_where_its_time_falls(tmp_path: Path) -> None:
    days = [
        "2024-01-01T00:00:00+00:00",  # cited, before the view
        "2024-01-02T00:00:00+00:00",
        "2024-01-03T00:00:00+00:00",  # cited, verified
        "2024-01-04T00:00:00+00:00",  # deployed (tag v1)
        *(f"2024-01-05T01:{minute}0:00+00:00" for minute in range(1, 6)),  # one column
        "2024-01-06T00:00:00+00:00",  # cited, contradicted
        "2024-01-10T00:00:00+00:00",  # cited, after the view
    ]
    commits = [
        {"files": {"log.txt": f"{number}\n"}, "message": f"change {number}", "date": day}
        for number, day in enumerate(days)
    ]
    commits[3]["tag"] = "v1"
    repo = open_repo(make_repo(tmp_path / "repo", commits=commits))
    shas = [commit.sha for commit in repo.iter_log("HEAD")][::-1]  # oldest first
    cited = {shas[0][:8]: ["c0"], shas[2][:8]: ["c2"], shas[9][:8]: ["c9"], shas[10][:8]: ["c10"]}
    request = TimelineRequest(
        revision="HEAD",
        cited_prefixes=cited,
        claim_status={"c0": "verified", "c2": "verified", "c9": "contradicted"},
        deployed="v1",
    )
    data, _label = build_timeline(repo, request)
    start, end = datetime.fromisoformat(days[1]), datetime.fromisoformat("2024-01-07T00:00+00:00")
    width = 61  # a column every 2 hours and 24 minutes

    def column(day: str) -> int:
        return int((datetime.fromisoformat(day) - start) / (end - start) * (width - 1))

    rows = draw_timeline(data, width, start, end, selected=shas[1]).plain.split("\n")
    _labels, _axis, _band, deployed, ticks, caret, *_claims, notes = rows
    assert ticks[column(days[1])] == "│"
    assert ticks[column(days[2])] == "●"
    assert ticks[column(days[4])] == "┃", "five commits in one column"
    assert ticks[column(days[9])] == "●"
    assert ticks.count("●") == 2 and ticks.count("│") + ticks.count("┃") == 3
    assert deployed[column(days[3]) :].startswith("▼ deployed v1")
    assert caret[column(days[1]) :].startswith(f"▲ {shas[1][:9]}")
    assert "◀ 1 cited earlier" in notes and "1 cited later ▶" in notes
    # Zoomed onto the five: each in its own column now, the rest out of view.
    near, far = datetime.fromisoformat(days[4]), datetime.fromisoformat(days[8])
    rows = draw_timeline(data, width, near, far, selected=None).plain.split("\n")
    assert rows[4].count("│") == 5 and "●" not in rows[4]
    assert "◀ 2 cited earlier" in rows[-1] and "2 cited later ▶" in rows[-1]
