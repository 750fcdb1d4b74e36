"""A whole review driven from the keyboard, on the real `checkout` sample: inspect a claim,
grep and attach, walk the timeline and attach a commit, reject a why, decide on the
analysis (refused, then overridden), export, and resume after quitting.

Each step asserts what landed in the session first (what the auditor's work is), and what
the screen shows second.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import DataTable, Input, OptionList

from whys.core.session import SessionStore
from whys.tui.app import WhysApp
from whys.tui.screens.commit_view import CommitScreen
from whys.tui.screens.file_view import FileScreen
from whys.tui.screens.help import HelpScreen
from whys.tui.screens.verdict import AnalysisVerdictDialog, NoteDialog, OverrideDialog
from whys.tui.widgets.claims_table import ClaimsTable
from whys.tui.widgets.grep_panel import GrepPanel
from whys.tui.widgets.outline import NodeRef, Outline
from whys.tui.widgets.timeline import TimelinePanel
from whys.tui.widgets.why_text import WhyText

AUDITOR = "ines@example.dev"


async def settle(app: WhysApp, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    for char in text:
        await pilot.press(char)


def ui(review: Any) -> dict:
    return review.store.session.ui


async def test_outline_shows_marks_and_summary(review: Any) -> None:
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        outline = app.query_one(Outline)
        summary = str(outline.query_one("#summary").render())
        assert f"{len(review.analyses)} OPEN" in summary
        labels = [str(node.label) for node in outline.tree.root.children]
        assert len(labels) == len(review.store.session.analyses)
        why_labels = [str(n.label) for n in outline.tree.root.children[0].children]
        assert any("Why 1" in label for label in why_labels)
        claim_labels = [
            str(leaf.label) for n in outline.tree.root.children[0].children for leaf in n.children
        ]
        assert any(label.startswith("✗") for label in claim_labels)
        assert any(label.startswith("✓") for label in claim_labels)


async def test_claims_table_sorts_by_status_and_enter_jumps_to_the_claim(review: Any) -> None:
    audit = review.store.session.analyses[0]
    contradicted = [c.claim_id for c in audit.checks if c.status == "contradicted"]
    assert contradicted, "the sample must hold a contradicted claim"
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("c")
        table = app.query_one(ClaimsTable)
        assert table.has_focus
        await pilot.press("s")
        first = table.coordinate_to_cell_key((0, 0)).row_key.value
        assert first in contradicted
        await pilot.press("down")
        second = table.coordinate_to_cell_key((1, 0)).row_key.value
        await pilot.press("enter")
        await settle(app, pilot)
        # The session remembers the claim as the selection.
        assert ui(review)["kind"] == "claim" and ui(review)["item"] == second
        claim = next(c for c in audit.analysis.claims if c.id == second)
        why_text = app.query_one(WhyText)
        assert why_text.has_focus
        assert why_text.line_of_highlight() == claim.line
        check = next(c for c in audit.checks if c.claim_id == second)
        assert check.detail[:30] in str(app.query_one("#claim-detail").render())


async def test_whole_review(review: Any, tmp_path: Path) -> None:
    store = review.store
    head = review.repo.resolve_revision("HEAD")
    app = WhysApp(store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)

        # Inspect: down to Why 1, then down to its first claim.
        await pilot.press("down")
        await settle(app, pilot)
        assert ui(review)["kind"] == "why" and ui(review)["item"] == "1"
        await pilot.press("down")
        await settle(app, pilot)
        assert ui(review)["kind"] == "claim"
        claim_id = ui(review)["item"]
        assert f"{claim_id} · line" in str(app.query_one("#claim-detail").render())
        # Back to the why the evidence will go to.
        await pilot.press("up")
        await settle(app, pilot)

        # Grep and attach: '/', type, enter; hits stream in from the worker.
        await pilot.press("slash")
        assert app.query_one("#grep-pattern", Input).has_focus
        await type_text(pilot, "BATCH_SIZE")
        await pilot.press("enter")
        await settle(app, pilot)
        hits = app.query_one(GrepPanel).hits
        assert hits and all("BATCH_SIZE" in hit.text for hit in hits)
        assert app.query_one("#grep-hits", DataTable).has_focus
        # enter shows the file at that line
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, FileScreen)
        assert app.screen.path == hits[0].path and app.screen.line == hits[0].line
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("x")
        await settle(app, pilot)
        grep_evidence = [e for e in store.session.analyses[0].evidence if e.kind == "grep"]
        assert len(grep_evidence) == 1
        assert grep_evidence[0].why == "1"
        assert grep_evidence[0].revision == head
        assert hits[0].path in grep_evidence[0].content
        assert grep_evidence[0].query["pattern"] == "BATCH_SIZE"

        # Timeline: the picture loads in a worker; pick the cited fix commit and attach it.
        await pilot.press("t")
        await settle(app, pilot)
        assert ui(review)["panel"] == "timeline"
        panel = app.query_one(TimelinePanel)
        data = panel.picture.data
        assert data.commits and data.cited, "cited commits are on the picture"
        assert data.deployed_sha == review.repo.resolve_revision("deploy-2026-03-06")
        picture = panel.picture.render()
        assert "deployed deploy-2026-03-06" in str(picture)
        commit_list = panel.commit_list
        assert commit_list.has_focus
        cited_sha = next(iter(data.cited))
        index = next(
            i
            for i in range(commit_list.option_count)
            if commit_list.get_option_at_index(i).id == cited_sha
        )
        for _ in range(index + 1):
            await pilot.press("down")
        if commit_list.highlighted != index:
            commit_list.highlighted = index
        await pilot.pause()
        assert panel.picture.selected == cited_sha
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CommitScreen)
        assert app.screen.sha == cited_sha
        await pilot.press("x")
        await settle(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        commit_evidence = [e for e in store.session.analyses[0].evidence if e.kind == "commit"]
        assert [e.query["sha"] for e in commit_evidence] == [cited_sha]
        assert commit_evidence[0].revision == head
        assert cited_sha in commit_evidence[0].content
        assert commit_evidence[0].why == "1"

        # Zoom and pan change the view, not the data.
        before = (panel.picture.view_start, panel.picture.view_end)
        await pilot.press("plus")
        assert panel.picture.view_end - panel.picture.view_start < before[1] - before[0]
        await pilot.press("left")
        assert panel.picture.view_start < before[0] + (before[1] - before[0]) / 4

        # Reject why 2 with a note.
        await pilot.press("escape")  # back to the outline
        app.query_one(Outline).select(NodeRef("why", 0, "2"))
        await settle(app, pilot)
        assert ui(review)["kind"] == "why" and ui(review)["item"] == "2"
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await pilot.press("enter")  # an empty note is refused
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        await type_text(pilot, "commit 9f3e2a1 does not exist")
        await pilot.press("enter")
        await settle(app, pilot)
        verdicts = store.session.analyses[0].verdicts
        assert [(v.target, v.target_id, v.decision) for v in verdicts] == [("why", "2", "rejected")]
        assert verdicts[0].note == "commit 9f3e2a1 does not exist"
        assert verdicts[0].auditor == AUDITOR
        why_two = app.query_one(Outline).tree.cursor_node
        assert str(why_two.label).startswith("R ")

        # The analysis verdict: approval is refused (a rejected why), then overridden.
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, AnalysisVerdictDialog)
        assert "why 2 is rejected" in str(app.screen.query_one(".dialog-error").render())
        app.screen.query_one("#note").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OverrideDialog)
        assert "why 2 is rejected" in str(app.screen.query_one("#refusal").render())
        assert not any(v.target == "analysis" for v in store.session.analyses[0].verdicts)
        await type_text(pilot, "fix is verified")
        await pilot.press("enter")
        await settle(app, pilot)
        analysis_verdict = store.session.analyses[0].verdicts[-1]
        assert analysis_verdict.target == "analysis"
        assert analysis_verdict.decision == "approved" and analysis_verdict.override
        assert "1 APPROVED" in str(app.query_one("#summary").render())

        # Export.
        out = tmp_path / "verdict.json"
        await pilot.press("e")
        await pilot.pause()
        path_input = app.screen.query_one("#export-path", Input)
        path_input.value = str(out)
        path_input.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert out.is_file()
        assert out.with_suffix(".md").is_file()
        assert "APPROVED" in out.with_suffix(".md").read_text(encoding="utf-8").upper()

        await pilot.press("q")
    assert app.return_value == 0


async def test_resume_after_quit_restores_selection_panel_and_verdicts(review: Any) -> None:
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.query_one(Outline).select(NodeRef("why", 0, "2"))
        await settle(app, pilot)
        selected = dict(ui(review))
        await pilot.press("n")
        await pilot.pause()
        await type_text(pilot, "show the log")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("slash")
        await type_text(pilot, "flush")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("q")

    reopened = SessionStore(review.session_path)
    assert reopened.session.ui["item"] == selected["item"]
    assert reopened.session.ui["panel"] == "grep"
    second = WhysApp(reopened, review.repo, auditor=AUDITOR)
    async with second.run_test(size=(120, 40)) as pilot:
        await settle(second, pilot)
        outline = second.query_one(Outline)
        assert outline.selected is not None
        assert outline.selected.item == selected["item"]
        assert second.current_panel == "grep"
        assert second.query_one("#grep-pattern", Input).value == "flush"
        # The last search runs again, so the hits are back too.
        assert second.query_one(GrepPanel).hits
        assert str(outline.tree.cursor_node.label).startswith("N ")


async def test_approving_a_contradicted_claim_needs_an_override(review: Any) -> None:
    audit = review.store.session.analyses[0]
    contradicted = next(c.claim_id for c in audit.checks if c.status == "contradicted")
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.query_one(Outline).select(
            type(app.query_one(Outline).selected)("claim", 0, contradicted)  # type: ignore[misc]
        )
        await settle(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, OverrideDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert review.store.session.analyses[0].verdicts == []


async def test_help_lists_every_binding_with_its_id(review: Any) -> None:
    from whys.tui.commands import COMMANDS

    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        ids = set(app.screen.binding_ids)
        assert {command.binding_id for command in COMMANDS} <= ids
        assert {"claims.sort", "timeline.zoom_in", "timeline.pan_left"} <= ids


async def test_keymap_file_remaps_a_binding_by_id(review: Any) -> None:
    from whys import paths

    paths.config_dir().mkdir(parents=True, exist_ok=True)
    (paths.config_dir() / "keymap.toml").write_text(
        '"verdict.reject" = "R"\n"nope.none" = "z"\n', encoding="utf-8"
    )
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("down")
        await settle(app, pilot)
        await pilot.press("r")
        await pilot.pause()
        assert not isinstance(app.screen, NoteDialog), "r no longer rejects"
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, NoteDialog)
        assert any("nope.none" in n.message for n in app._notifications)


async def test_palette_lists_actions_as_group_colon_action(review: Any) -> None:
    from whys.tui.commands import WhysCommands

    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("down")
        await settle(app, pilot)
        provider = WhysCommands(app.screen)
        hits = {hit.text: hit async for hit in provider.discover()}
        assert "verdict: reject" in hits
        assert "evidence: grep the code" in hits
        assert all(": " in str(title) for title in hits)
        # Nothing to attach yet: the palette lists it greyed, saying why.
        assert "Nothing to attach" in str(hits["evidence: attach to why"].help)
        assert "not now" not in str(hits["verdict: reject"].help)


async def test_bad_regex_is_a_notification_not_a_traceback(review: Any) -> None:
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await type_text(pilot, "(unclosed")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.is_running
        assert any(n.severity == "error" for n in app._notifications)
        assert "grep" not in app._busy


async def test_option_shaped_pattern_is_searched_as_text(review: Any) -> None:
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await type_text(pilot, "--pre=sh")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.is_running
        assert app.query_one(GrepPanel).hits == []


async def test_why_text_marks_claim_lines(review: Any) -> None:
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("down")
        await settle(app, pilot)
        why = review.store.session.analyses[0].analysis.whys[0]
        why_text = app.query_one(WhyText)
        ids = [int(why_text.get_option_at_index(i).id or 0) for i in range(why_text.option_count)]
        assert ids[0] == why.line and ids[-1] <= why.end_line
        claim_lines = {
            c.line for c in review.store.session.analyses[0].analysis.claims if c.why == "1"
        }
        marked = [
            i
            for i in range(why_text.option_count)
            if "[c" in str(why_text.get_option_at_index(i).prompt)
        ]
        assert {ids[i] for i in marked} == claim_lines
        assert isinstance(why_text, OptionList)


async def test_export_signs_with_a_real_ssh_key(review: Any, tmp_path: Path) -> None:
    import subprocess

    key = tmp_path / "auditor_key"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", AUDITOR, "-f", str(key)],
        check=True,
    )
    out = tmp_path / "signed" / "verdict.json"
    out.parent.mkdir()
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = str(out)
        app.screen.query_one("#export-key", Input).value = str(key)
        await pilot.click("#export")
        await settle(app, pilot)
        assert any("verdict.json.sig" in n.message for n in app._notifications)
    signature = out.with_name("verdict.json.sig")
    assert signature.is_file()
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(f"{AUDITOR} {key.with_suffix('.pub').read_text()}", encoding="utf-8")
    verified = subprocess.run(
        [
            "ssh-keygen",
            "-Y",
            "verify",
            "-f",
            str(allowed),
            "-I",
            AUDITOR,
            "-n",
            "whys-verdict",
            "-s",
            str(signature),
        ],
        input=out.read_bytes(),
        capture_output=True,
        check=False,
    )
    assert verified.returncode == 0, verified.stderr
    # The export dialog remembers where it wrote, for the next export of this session.
    assert review.store.session.ui["export"]["path"] == str(out)


async def test_bad_export_path_is_a_notification(review: Any, tmp_path: Path) -> None:
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "report.md")
        await pilot.click("#export")
        await settle(app, pilot)
        assert app.is_running
        assert any(n.severity == "error" for n in app._notifications)


async def test_correcting_the_incident_window_rechecks_the_timeline(review: Any) -> None:
    # The db-pool analysis says the incident started at 14:05, before its cause landed.
    index = next(
        i for i, a in enumerate(review.store.session.analyses) if "db-pool" in a.analysis.path
    )
    assert any(
        f.rule == "cause-after-incident" for f in review.store.session.analyses[index].findings
    )
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.query_one(Outline).select(NodeRef("analysis", index))
        await settle(app, pilot)
        await pilot.press("i")
        await pilot.pause()
        app.screen.query_one("#incident-start", Input).value = "2026-03-02 16:00"
        app.screen.query_one("#incident-end", Input).value = "2026-03-02 18:30"
        app.screen.query_one("#incident-end", Input).focus()
        await pilot.press("enter")
        await settle(app, pilot)
        await settle(app, pilot)
        audit = review.store.session.analyses[index]
        assert audit.analysis.incident.start.hour == 16
        assert audit.analysis.incident.sources["start"] == "auditor"
        assert not any(f.rule == "cause-after-incident" for f in audit.findings)
        assert "cause-after-incident" not in str(app.query_one("#claim-detail").render())


async def test_a_bad_incident_date_is_explained_in_the_dialog(review: Any) -> None:
    app = WhysApp(review.store, review.repo, auditor=AUDITOR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("i")
        await pilot.pause()
        start = app.screen.query_one("#incident-start", Input)
        start.value = "yesterday-ish"
        start.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "Not a date" in str(app.screen.query_one("#incident-error").render())
        assert review.store.session.analyses[0].analysis.incident.sources["start"] != "auditor"
