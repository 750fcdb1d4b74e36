"""Evidence beyond the last three (list and detach), keys that do not apply saying why,
another process saving the session meanwhile, and overrides shown where they apply."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from whys.core.evidence import make_evidence
from whys.core.session import SessionStore
from whys.tui.app import WhysApp
from whys.tui.screens.evidence import EvidenceScreen
from whys.tui.widgets.outline import NodeRef, Outline

AUDITOR = "ines@example.dev"


async def settle(app: WhysApp, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def detail(app: WhysApp) -> str:
    return str(app.query_one("#claim-detail").render())


def attach_notes(review: Any, count: int) -> list[str]:
    head = review.repo.resolve_revision("HEAD")
    ids = []
    for number in range(1, count + 1):
        evidence = make_evidence(
            "grep",
            f"note {number}: BATCH_SIZE in queue.py",
            {"op": "grep", "pattern": f"BATCH_SIZE{number}", "globs": []},
            head,
            f"app/notifications/queue.py:{number}: BATCH_SIZE = {number}",
            why="1",
            created_by=AUDITOR,
        )
        ids.append(review.store.attach_evidence(0, evidence).id)
    return ids


async def test_every_evidence_item_of_a_why_can_be_listed_and_one_detached(review: Any) -> None:
    ids = attach_notes(review, 4)
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("down")  # why 1
        await settle(app, pilot)
        assert "4 evidence items" in detail(app)
        assert "note 1:" not in detail(app), "the detail keeps to the last three"
        assert "1 more; E lists all" in detail(app)

        await pilot.press("E")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        assert [item.id for item in app.screen.items] == ids
        await pilot.press("down")  # the second item
        await pilot.press("d")
        await pilot.pause()
        assert len(review.store.session.analyses[0].evidence) == 4, "one d only asks"
        await pilot.press("d")
        await pilot.pause()
        kept = [item.id for item in review.store.session.analyses[0].evidence]
        assert kept == [ids[0], ids[2], ids[3]]
        assert [item.id for item in app.screen.items] == kept
        assert any("detached from why 1" in n.message for n in app._notifications)
        await pilot.press("escape")
        await pilot.pause()
        assert "3 evidence items" in detail(app)
    assert [e.id for e in SessionStore(review.session_path).session.analyses[0].evidence] == kept


async def test_the_evidence_list_is_in_the_palette(review: Any) -> None:
    from whys.tui.commands import WhysCommands

    attach_notes(review, 1)
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("down")
        await settle(app, pilot)
        titles = [str(hit.text) async for hit in WhysCommands(app.screen).discover()]
        assert "evidence: list and detach" in titles


async def test_a_greyed_out_key_says_why_it_does_not_apply(review: Any) -> None:
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        assert not app.can_run("verdict('rejected')")  # on the analysis row
        await pilot.press("r")
        await pilot.press("x")
        await pilot.press("down", "E")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any("Select a why or a claim" in message for message in said)
        assert any("Nothing to attach" in message for message in said)
        assert any("Why 1 has no evidence yet" in message for message in said)
        assert review.store.session.analyses[0].verdicts == []


async def test_another_writer_is_told_with_the_path_of_its_copy(
    review: Any, tmp_path: Path
) -> None:
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        # Another process (a `whys verdict` in a second terminal) saves the same file.
        other = SessionStore(review.session_path)
        other.record_verdict(0, "why", "1", "approved", "", "someone@example.dev")
        await pilot.press("down", "down")  # why 1, then a claim: the selection autosaves
        await pilot.press("n")
        await pilot.pause()
        for char in "where is the log":
            await pilot.press(char)
        await pilot.press("enter")
        await settle(app, pilot)
        [kept] = review.store.superseded
        assert kept.is_file()
        warnings = [n.message for n in app._notifications if n.severity == "warning"]
        assert sum(str(kept) in message for message in warnings) == 1
        assert kept.name in str(app.query_one("#status").render())
        # Their verdict is merged into the workbench's session, not lost.
        verdicts = review.store.session.analyses[0].verdicts
        assert any(v.auditor == "someone@example.dev" for v in verdicts)
        assert any("merged into yours" in message for message in warnings)


async def test_overrides_show_what_they_approved_over(review: Any) -> None:
    store = review.store
    audit = store.session.analyses[0]
    contradicted = next(
        claim
        for claim in audit.analysis.claims
        if claim.why
        and any(c.claim_id == claim.id and c.status == "contradicted" for c in audit.checks)
    )
    store.record_verdict(0, "claim", contradicted.id, "approved", "seen it", AUDITOR, override=True)
    store.record_verdict(0, "analysis", None, "approved", "good enough", AUDITOR, override=True)
    app = WhysApp(store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        outline = app.query_one(Outline)
        outline.select(NodeRef("why", 0, contradicted.why))
        await settle(app, pilot)
        assert f"claim {contradicted.id} is contradicted by the check" in detail(app)
        assert "OVERRIDE" in detail(app)
        outline.select(NodeRef("analysis", 0))
        await settle(app, pilot)
        shown = detail(app)
        assert "OVERRIDE over" in shown and "good enough" in shown
        assert "is contradicted" in shown.split("OVERRIDE over", 1)[1]


async def test_a_verdict_typed_right_after_an_arrow_lands_on_the_row_the_cursor_is_on(
    review: Any,
) -> None:
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        tree = app.query_one("#outline-tree")
        tree.focus()
        await pilot.pause()
        # Both keys queued at once, as a fast typist sends them: `a` must not act on the
        # row the outline was on before the arrow.
        app.simulate_key("down")
        app.simulate_key("a")
        await settle(app, pilot)
        verdicts = review.store.session.analyses[0].verdicts
        assert [(v.target, v.target_id, v.decision) for v in verdicts] == [("why", "1", "approved")]
