"""Issue 13, item by item, on the real `checkout` sample: every action from the palette,
enter on every row, a claim's line in view with its context, evidence read as a sentence,
overrides said as such, visible focus, a readable grep table, verdict marks that are not
check marks, times with their zone, help that wraps, the review queue keys, the outline
filter, the editor and the clipboard, blame, multi-line notes and evidence comments, and a
timeline that resumes where it was."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.style import Style as TextualStyle
from textual.widgets import DataTable, Input, OptionList

from whys.core.session import SessionStore
from whys.tui import view
from whys.tui.app import WhysApp
from whys.tui.screens.blame import BlameScreen
from whys.tui.screens.evidence import EvidenceScreen
from whys.tui.screens.export import ExportDialog
from whys.tui.screens.help import HelpScreen
from whys.tui.screens.verdict import CommentDialog, NoteDialog
from whys.tui.widgets.grep_panel import MATCH_STYLE, GrepPanel, shorten_middle
from whys.tui.widgets.outline import NodeRef, Outline, OutlineTree
from whys.tui.widgets.timeline import TimelinePanel
from whys.tui.widgets.why_text import WhyText

AUDITOR = "ines@example.dev"
SMALL = (80, 24)
LARGE = (140, 45)


async def settle(app: WhysApp, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    for char in text:
        await pilot.press(char)


def claim_ref(review: Any, analysis: int, claim_id: str) -> NodeRef:
    assert any(c.id == claim_id for c in review.store.session.analyses[analysis].analysis.claims)
    return NodeRef("claim", analysis, claim_id)


def find_claim(review: Any, wanted: Any, analysis: int = 0) -> NodeRef:
    """The first claim of the mail analysis that `wanted(claim)` holds for: claim ids follow
    the extractor, so the tests name claims by what they say."""
    claims = review.store.session.analyses[analysis].analysis.claims
    claim = next(c for c in claims if wanted(c))
    return NodeRef("claim", analysis, claim.id)


def batch_size_claim(review: Any) -> NodeRef:
    """`BATCH_SIZE = 50` is set at `queue.py:16` (an abbreviated path)."""
    return find_claim(review, lambda c: c.kind == "lines" and "BATCH_SIZE = 50" in c.text)


CLAIMS_TO_OPEN = {
    # the last claim outside any why: the whole file is shown, the line is far down
    "far down the file": lambda claims: [c for c in claims if c.why is None][-1],
    "in the last why": lambda claims: [c for c in claims if c.why is not None][-1],
    "first of why 1": lambda claims: next(c for c in claims if c.why == "1"),
}


async def select(app: WhysApp, pilot, ref: NodeRef) -> None:
    app.query_one(Outline).select(ref)
    app.query_one(OutlineTree).focus()
    await settle(app, pilot)


# -- broken -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_the_palette_runs_the_workbench_actions(review: Any, size: tuple[int, int]) -> None:
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "export")
        await settle(app, pilot)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ExportDialog), "ctrl+p, export, enter opens the export"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await type_text(pilot, "evidence: grep")
        await settle(app, pilot)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert app.current_panel == "grep"
        assert app.query_one("#grep-pattern", Input).has_focus


async def test_the_palette_lists_every_action_and_greys_what_does_not_apply(review: Any) -> None:
    from whys.tui.commands import COMMANDS, WhysCommands

    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        hits = {str(hit.text): hit async for hit in WhysCommands(app.screen).discover()}
        assert {command.palette for command in COMMANDS} <= set(hits)
        assert "timeline: zoom in" in hits and "claims: sort" in hits
        # On the analysis row nothing is attachable and no why is selected: greyed, saying why.
        assert "not now: Select a why or a claim" in str(hits["verdict: reject"].help)
        assert "not now: Nothing to attach" in str(hits["evidence: attach to why"].help)
        await pilot.press("escape")
        await pilot.pause()
        # Choosing a greyed entry says the reason and does nothing else.
        app.run_palette_action("verdict('rejected')")
        await settle(app, pilot)
        assert not isinstance(app.screen, NoteDialog)
        assert review.store.session.analyses[0].verdicts == []


async def test_a_panel_binding_runs_from_the_palette(review: Any) -> None:
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=LARGE) as pilot:
        await settle(app, pilot)
        await pilot.press("t")
        await settle(app, pilot)
        panel = app.query_one(TimelinePanel)
        before = panel.view_range
        app.run_palette_action("panel_action('timeline.zoom_in')")
        await settle(app, pilot)
        assert panel.view_range is not None and before is not None
        assert panel.view_range[1] - panel.view_range[0] < before[1] - before[0]


async def test_enter_expands_the_claims_outside_any_why(review: Any) -> None:
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        tree = app.query_one(OutlineTree)
        loose = next(node for node in tree.root.children[0].children if node.data is None)
        assert not loose.is_expanded
        tree.move_cursor(loose)
        tree.focus()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert loose.is_expanded
        outside = find_claim(review, lambda c: c.why is None and c.line > 40)
        assert any(child.data == outside for child in loose.children)
        await pilot.press("enter")
        await pilot.pause()
        assert not loose.is_expanded
        # Enter on an analysis collapses it (once, not collapse-then-expand).
        tree.move_cursor(tree.root.children[0])
        await pilot.press("enter")
        await pilot.pause()
        assert not tree.root.children[0].is_expanded


@pytest.mark.parametrize("which", list(CLAIMS_TO_OPEN))
async def test_opening_a_claim_shows_its_line_with_context_above(review: Any, which: str) -> None:
    claim = CLAIMS_TO_OPEN[which](review.store.session.analyses[0].analysis.claims)
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await select(app, pilot, claim_ref(review, 0, claim.id))
        why_text = app.query_one(WhyText)
        assert why_text.line_of_highlight() == claim.line
        top = why_text._index_to_line[why_text.highlighted]
        rows = why_text.scrollable_content_region.height
        assert why_text.scroll_y <= top < why_text.scroll_y + rows, "the claim's line is in view"
        first_line = why_text.get_option_at_index(0).id
        if int(first_line or 0) < claim.line:
            assert top - why_text.scroll_y >= 1, "a line of context above it"


async def test_the_evidence_list_reads_as_sentences(review: Any) -> None:
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    head = review.repo.resolve_revision("HEAD")
    async with app.run_test(size=LARGE) as pilot:
        await settle(app, pilot)
        await select(app, pilot, NodeRef("why", 0, "1"))
        app._collect({"op": "commit", "sha": head}, head, (0, "1", None), None)
        app._collect(
            {"op": "grep", "pattern": "BATCH_SIZE", "globs": ["app/notifications/queue.py"]},
            head,
            (0, "1", None),
            None,
        )
        await settle(app, pilot)
        detail = str(app.query_one("#claim-detail").render())
        assert f"commit {head[:7]} · git show" in detail
        assert "git grep 'BATCH_SIZE' in app/notifications/queue.py at" in detail
        await pilot.press("E")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        shown = [str(app.screen.query_one("#evidence-content").render())]
        await pilot.press("down")
        shown.append(str(app.screen.query_one("#evidence-content").render()))
        assert not any("{'op'" in text or "query:" in text for text in shown)
        assert any(f"commit {head[:7]} · git show" in text for text in shown)
        grep = f"git grep 'BATCH_SIZE' in app/notifications/queue.py at {head[:7]} · 2 hits"
        assert any(grep in text for text in shown)


async def test_the_header_says_approved_by_override(review: Any) -> None:
    store = review.store
    store.record_verdict(0, "why", "2", "rejected", "no such commit", AUDITOR)
    store.record_verdict(0, "analysis", None, "approved", "fix holds", AUDITOR, override=True)
    app = WhysApp(store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        summary = str(app.query_one("#summary").render())
        assert "1 APPROVED (override)" in summary
        await select(app, pilot, NodeRef("analysis", 0))
        assert "APPROVED (override)" in str(app.query_one("#claim-detail").render())


# -- hard to read -------------------------------------------------------------------------


async def test_the_focused_pane_is_marked(review: Any) -> None:
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        outline, why_text = app.query_one(OutlineTree), app.query_one(WhyText)
        assert outline.has_focus
        lit = outline.styles.border_left[1]
        assert why_text.styles.border_left[1] != lit
        await pilot.press("w")
        await settle(app, pilot)
        assert why_text.has_focus
        assert why_text.styles.border_left[1] == lit
        assert outline.styles.border_left[1] != lit


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_grep_hits_give_the_text_room_and_highlight_the_match(
    review: Any, size: tuple[int, int]
) -> None:
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await type_text(pilot, "flush_pending")
        await pilot.press("enter")
        await settle(app, pilot)
        table = app.query_one("#grep-hits", DataTable)
        assert table.row_count
        widths = {column.key.value: column.width for column in table.columns.values()}
        # The text had 11 cells at 140 columns and none at 80.
        assert widths["text"] >= (24 if size == SMALL else 2 * widths["file"]), widths
        assert widths["text"] >= (24 if size == SMALL else 50), widths
        for row in range(table.row_count):
            path_cell, _line, text_cell = table.get_row_at(row)
            assert len(path_cell.plain) <= widths["file"]
            spans = [span for span in text_cell.spans if span.style == MATCH_STYLE]
            assert spans and text_cell.plain[spans[0].start : spans[0].end] == "flush_pending"


def test_paths_are_shortened_from_the_middle() -> None:
    path = "app/notifications/delivery/queue_worker.py"
    assert shorten_middle(path, 100) == path
    assert shorten_middle(path, 30) == "app/n/d/queue_worker.py"
    assert shorten_middle(path, 21) == "a/n/d/queue_worker.py"
    assert shorten_middle(path, 20) == "a/…/queue_worker.py"
    assert shorten_middle("app/notifications/queue.py", 12) == "a/n/queue.py"
    assert shorten_middle(path, 17) == "…/queue_worker.py"
    assert shorten_middle(path, 12) == "…e_worker.py"


async def test_verdict_marks_are_not_check_marks_and_are_explained(review: Any) -> None:
    assert not set(view.DECISION_MARK.values()) & set(view.STATUS_MARK.values())
    # A verdict is a badge (a background), a check a coloured sign.
    assert all(" on " in style for style in view.DECISION_STYLE.values())
    assert not any(" on " in style for style in view.STATUS_STYLE.values())
    review.store.record_verdict(0, "why", "2", "rejected", "no such commit", AUDITOR)
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        legend = str(app.query_one("#legend").render())
        assert "✓✗?" in legend and "ARN" in legend
        why_two = next(
            n
            for n in app.query_one(OutlineTree).root.children[0].children
            if n.data == NodeRef("why", 0, "2")
        )
        assert why_two.label.plain.startswith("R ✗")
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        listing = app.screen.query_one(OptionList)
        prompts = [str(listing.get_option_at_index(i).prompt) for i in range(6)]
        assert any("verdict: rejected" in p for p in prompts)
        assert any("check: the repository says otherwise" in p for p in prompts)


async def test_times_are_labelled_with_their_zone(review: Any, monkeypatch) -> None:
    view.display_zone.cache_clear()
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=LARGE) as pilot:
        await settle(app, pilot)
        await pilot.press("t")
        await settle(app, pilot)
        assert "times UTC" in str(app.query_one("#timeline-status").render())
        assert "times UTC" in str(app.query_one(TimelinePanel).picture.render())
        await select(app, pilot, NodeRef("analysis", 0))
        assert "UTC" in str(app.query_one("#claim-detail").render())
    monkeypatch.setenv("WHYS_TIMEZONE", "Europe/Berlin")
    view.display_zone.cache_clear()
    try:
        assert view.show_time(review.store.session.created_at).endswith(("CET", "CEST"))
    finally:
        monkeypatch.delenv("WHYS_TIMEZONE")
        view.display_zone.cache_clear()


async def test_help_wraps_at_80_columns(review: Any) -> None:
    from whys.tui.commands import COMMANDS

    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        listing = app.screen.query_one(OptionList)
        assert listing.size.width <= 80
        longest = max(COMMANDS, key=lambda command: len(command.tooltip))
        index = next(
            i
            for i in range(listing.option_count)
            if listing.get_option_at_index(i).id == longest.binding_id
        )
        strips = listing._get_option_render(listing.get_option_at_index(index), TextualStyle())
        shown = " ".join(strip.text.strip() for strip in strips)
        assert len(strips) >= 2, "a long row wraps"
        assert " ".join(longest.tooltip.split()) in " ".join(shown.split())


# -- missing ------------------------------------------------------------------------------


async def test_the_review_queue_keys(review: Any) -> None:
    session = review.store.session
    contradicted = [
        (index, check.claim_id)
        for index, audit in enumerate(session.analyses)
        for check in sorted(audit.checks, key=lambda c: int(c.claim_id[1:]))
        if check.status == "contradicted"
    ]
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert (app.selection.analysis, app.selection.item) == contradicted[0]
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert (app.selection.analysis, app.selection.item) == contradicted[1]
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert (app.selection.analysis, app.selection.item) == contradicted[0]
        await pilot.press("left_square_bracket")
        await settle(app, pilot)
        assert (app.selection.analysis, app.selection.item) == contradicted[-1], "wraps round"
        # The queue of claims without a verdict skips the decided ones.
        await select(app, pilot, NodeRef("analysis", 0))
        first, second = review.store.session.analyses[0].analysis.claims[:2]
        review.store.record_verdict(0, "claim", first.id, "approved", "", AUDITOR)
        await pilot.press("right_curly_bracket")
        await settle(app, pilot)
        assert app.selection == NodeRef("claim", 0, second.id)
        # Shown in the footer.
        footer_keys = {
            binding.key
            for (_node, binding, _enabled, _tip) in app.active_bindings.values()
            if binding.show
        }
        assert {"right_square_bracket", "right_curly_bracket"} <= footer_keys


async def test_the_outline_filter(review: Any) -> None:
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        # A lines claim selected, which the filter hides.
        await select(app, pilot, batch_size_claim(review))
        await pilot.press("f")
        await pilot.pause()
        assert app.query_one("#outline-filter", Input).has_focus
        await type_text(pilot, "kind:commit")
        await pilot.pause()
        outline = app.query_one(Outline)
        shown = outline.visible_claims()
        kinds = {
            claim.kind
            for ref in shown
            for claim in review.store.session.analyses[ref.analysis].analysis.claims
            if claim.id == ref.item
        }
        assert shown and kinds == {"commit"}
        # The selection follows the filter: the row under the cursor is a shown claim.
        assert app.selection == shown[0]
        assert app.query_one(OutlineTree).cursor_node.data == app.selection
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one(OutlineTree).has_focus
        assert review.store.session.ui["filter"] == "kind:commit"
        await pilot.press("f")
        app.query_one("#outline-filter", Input).value = "✗"
        await pilot.pause()
        statuses = {
            view.claim_status(review.store.session.analyses[ref.analysis], ref.item or "")
            for ref in outline.visible_claims()
        }
        assert statuses == {"contradicted"}
        await pilot.press("escape")
        await pilot.pause()
        total = sum(len(a.analysis.claims) for a in review.store.session.analyses)
        assert len(outline.visible_claims()) == total


async def test_the_editor_opens_the_cited_line_and_y_copies(
    review: Any, tmp_path: Path, monkeypatch
) -> None:
    record = tmp_path / "editor-argv"
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys, pathlib\n"
        f"pathlib.Path({str(record)!r}).write_text('\\n'.join(sys.argv[1:]))\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    monkeypatch.delenv("VISUAL", raising=False)
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        # c5: `BATCH_SIZE = 50` is set at `queue.py:16` (an abbreviated path).
        await select(app, pilot, batch_size_claim(review))
        await pilot.press("O")
        await settle(app, pilot)
        argv = record.read_text(encoding="utf-8").splitlines()
        target = review.repo_dir / "app" / "notifications" / "queue.py"
        assert argv == ["+16", str(target.resolve())]
        await pilot.press("y")
        assert app.clipboard == "app/notifications/queue.py:16"
        # A commit claim copies the full SHA its check resolved.
        await select(
            app, pilot, find_claim(review, lambda c: c.kind == "commit" and c.sha == "333fd90")
        )
        await pilot.press("y")
        assert len(app.clipboard) == 40 and app.clipboard.startswith("333fd90")
        # A grep hit opens at its line.
        await pilot.press("slash")
        await type_text(pilot, "def flush_pending")
        await pilot.press("enter")
        await settle(app, pilot)
        hit = app.query_one(GrepPanel).highlighted_hit
        await pilot.press("O")
        await settle(app, pilot)
        argv = record.read_text(encoding="utf-8").splitlines()
        assert argv == [f"+{hit.line}", str((review.repo_dir / hit.path).resolve())]


async def test_blame_of_a_lines_claim_can_be_attached(review: Any) -> None:
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await select(app, pilot, batch_size_claim(review))
        await pilot.press("b")
        await settle(app, pilot)
        assert isinstance(app.screen, BlameScreen)
        [line] = app.screen.lines
        assert line.line == 16 and "BATCH_SIZE" in line.content
        assert review.repo.resolve_revision(line.sha) == line.sha
        await pilot.press("y")
        assert app.clipboard == line.sha
        await pilot.press("x")
        await settle(app, pilot)
        blamed = [e for e in review.store.session.analyses[0].evidence if e.kind == "blame"]
        assert [e.query for e in blamed] == [
            {"op": "blame", "path": "app/notifications/queue.py", "start": 16, "end": 16}
        ]
        assert blamed[0].why == "2" and line.sha in blamed[0].content


def test_an_ignore_revs_file_is_found_only_inside_the_tree(tmp_path: Path) -> None:
    from whys.tui.app import ignore_revs_file

    assert ignore_revs_file(tmp_path) is None
    (tmp_path / ".git-blame-ignore-revs").write_text("", encoding="utf-8")
    assert ignore_revs_file(tmp_path) == ".git-blame-ignore-revs"
    outside = tmp_path / "elsewhere"
    outside.write_text("", encoding="utf-8")
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / ".git-blame-ignore-revs").symlink_to(outside.parent.parent)
    assert ignore_revs_file(inner) is None


async def test_notes_take_several_lines_and_evidence_takes_a_comment(review: Any) -> None:
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    head = review.repo.resolve_revision("HEAD")
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await select(app, pilot, NodeRef("why", 0, "2"))
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await type_text(pilot, "no such commit")
        await pilot.press("ctrl+j")
        await type_text(pilot, "see the log")
        await pilot.press("enter")
        await settle(app, pilot)
        [verdict] = review.store.session.analyses[0].verdicts
        assert verdict.note == "no such commit\nsee the log"
        app._collect({"op": "commit", "sha": head}, head, (0, "2", None), None)
        await settle(app, pilot)
        await pilot.press("E")
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, CommentDialog)
        await type_text(pilot, "the fix")
        await pilot.press("ctrl+j")
        await type_text(pilot, "is here")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, EvidenceScreen)
        assert "the fix\nis here" in str(app.screen.query_one("#evidence-content").render())
    evidence_id = review.store.session.analyses[0].evidence[0].id
    reopened = SessionStore(review.session_path).session
    path = reopened.analyses[0].analysis.path
    assert reopened.ui["evidence_comments"][path][evidence_id] == "the fix\nis here"


async def test_the_timeline_resumes_its_pickaxe_and_zoom(review: Any) -> None:
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=LARGE) as pilot:
        await settle(app, pilot)
        await pilot.press("t")
        await settle(app, pilot)
        await pilot.press("s")
        await type_text(pilot, "BATCH_SIZE")
        await pilot.press("enter")
        await settle(app, pilot)
        panel = app.query_one(TimelinePanel)
        found = {commit.sha for commit in panel.picture.data.commits}
        await pilot.press("plus", "plus", "left")
        await settle(app, pilot)
        zoomed = panel.view_range
        await pilot.press("q")
    reopened = SessionStore(review.session_path)
    second = WhysApp(reopened, review.repo, auditor=AUDITOR)
    async with second.run_test(size=LARGE) as pilot:
        await settle(second, pilot)
        await settle(second, pilot)
        assert second.current_panel == "timeline"
        panel = second.query_one(TimelinePanel)
        assert panel.query_one("#timeline-pickaxe", Input).value == "BATCH_SIZE"
        assert {commit.sha for commit in panel.picture.data.commits} == found
        assert panel.view_range == zoomed


def test_display_zone_reads_the_config_file(monkeypatch) -> None:
    from whys import paths

    monkeypatch.delenv("WHYS_TIMEZONE", raising=False)
    paths.config_dir().mkdir(parents=True, exist_ok=True)
    (paths.config_dir() / "config.toml").write_text('timezone = "Asia/Tokyo"\n', "utf-8")
    view.display_zone.cache_clear()
    try:
        assert view.zone_name() == "JST"
    finally:
        (paths.config_dir() / "config.toml").unlink()
        view.display_zone.cache_clear()
    assert os.environ.get("WHYS_TIMEZONE") is None
