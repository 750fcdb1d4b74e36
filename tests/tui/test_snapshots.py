"""Layout snapshots, few on purpose: the main screen at 120x40 and 80x24, the timeline
picture, and the analysis verdict dialog. Review an update before accepting it
(`pytest tests/tui/test_snapshots.py --snapshot-update`)."""

from __future__ import annotations

from typing import Any

from whys.tui.app import WhysApp

AUDITOR = "ines@example.dev"


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def test_main_screen_120x40(review: Any, snap_compare) -> None:
    async def open_why_two(pilot) -> None:
        await settle(pilot)
        await pilot.press("down", "down", "down", "down")
        await settle(pilot)

    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    assert snap_compare(app, terminal_size=(120, 40), run_before=open_why_two)


def test_main_screen_80x24(review: Any, snap_compare) -> None:
    async def open_a_claim(pilot) -> None:
        await settle(pilot)
        await pilot.press("down", "down")
        await settle(pilot)

    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_a_claim)


def test_timeline_picture_120x40(review: Any, snap_compare) -> None:
    async def open_timeline(pilot) -> None:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)

    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    assert snap_compare(app, terminal_size=(120, 40), run_before=open_timeline)


def test_analysis_verdict_dialog_80x24(review: Any, snap_compare) -> None:
    async def open_dialog(pilot) -> None:
        await settle(pilot)
        await pilot.press("A")
        await settle(pilot)

    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_dialog)


def test_main_screen_light_theme_120x40(review: Any, snap_compare) -> None:
    async def light_theme_on_a_why(pilot) -> None:
        await settle(pilot)
        await pilot.press("ctrl+t", "down")
        await settle(pilot)

    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    assert snap_compare(app, terminal_size=(120, 40), run_before=light_theme_on_a_why)
