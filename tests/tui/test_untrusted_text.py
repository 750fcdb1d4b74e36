"""Issue 12 in the workbench: text from an analysis, a repository or a session is content,
never markup, and its control characters are shown, not sent to the terminal. A real
repository whose file names, contents, commit subjects and authors hold Textual markup and
escape sequences, and an analysis whose title does, are walked through every widget that
shows such text. Before the fix these raised MarkupError (the app died) or ran
`[@click=...]` actions; a failed save is said, not shown as saved."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Label, OptionList, Static

from whys.commands.open import say_where_the_session_is
from whys.core.audit import open_audit
from whys.tui.app import WhysApp
from whys.tui.screens.commit_view import CommitScreen
from whys.tui.screens.evidence import EvidenceScreen
from whys.tui.screens.file_view import FileScreen
from whys.tui.screens.verdict import AnalysisVerdictDialog, OverrideDialog
from whys.tui.widgets.outline import NodeRef, Outline, OutlineTree
from whys.tui.widgets.timeline import TimelinePanel

AUDITOR = "ines@example.dev"
CLICK = "[@click=app.quit]quit[/]"
CLOSE = "[/oops]"
FILE_NAME = "src/[link='x]y.py"
CODE = 'PATTERN = re.compile(r"[/\\\\]+")'
SUBJECT = f"parse {CLOSE} paths {CLICK} \x1b[2J"
TITLE = f"Five Whys: {CLOSE} {CLICK} [@click=app.screenshot('/tmp/pwned')]shot[/]"


def git(repo: Path, *args: str, when: str = "2026-03-01T10:00:00+00:00") -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "[b]Mallory[/b]",
        "GIT_AUTHOR_EMAIL": "m@example.dev",
        "GIT_COMMITTER_NAME": "[b]Mallory[/b]",
        "GIT_COMMITTER_EMAIL": "m@example.dev",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(repo.parent),
    }
    result = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=True
    )
    return result.stdout.strip()


@pytest.fixture
def hostile(tmp_path: Path) -> Any:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "src").mkdir()
    (repo / FILE_NAME).write_text(f"import re\n{CODE}  # {CLOSE} {CLICK}\n", encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", SUBJECT)
    sha = git(repo, "rev-parse", "HEAD")
    analysis = tmp_path / "analysis.md"
    analysis.write_text(
        f"# {TITLE}\n\n"
        "**Incident start**: 2026-03-02 14:05 UTC\n\n"
        f"## Why 1: Why did {CLOSE} paths break?\n\n"
        f"**Answer**: Commit `{sha[:9]}` changed `{FILE_NAME}`; line 2 defines `PATTERN`.\n",
        encoding="utf-8",
    )
    store, opened = open_audit([analysis], repo, "HEAD", tmp_path / "s.json")
    return store, opened, sha, tmp_path


def plain(widget: Any) -> str:
    return str(widget.render())


async def settle(app: WhysApp, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def test_hostile_text_is_shown_as_text_in_every_widget(hostile: Any) -> None:
    store, repo, sha, _tmp = hostile
    app = WhysApp(store, repo, auditor=AUDITOR)
    async with app.run_test(size=(140, 45), notifications=True) as pilot:
        await settle(app, pilot)
        tree = app.query_one(OutlineTree)
        assert CLICK in tree.root.children[0].label.plain
        why = tree.root.children[0].children[0]
        assert CLOSE in why.label.plain

        # The why text, the claims table and the claim detail.
        app.query_one(Outline).select(NodeRef("why", 0, "1"))
        await settle(app, pilot)
        why_text = app.query_one("#why-text", OptionList)
        lines = [str(why_text.get_option_at_index(i).prompt) for i in range(why_text.option_count)]
        assert any(CLOSE in line for line in lines)
        claims = app.query_one("#claims", DataTable)
        cells = " ".join(
            str(cell) for row in range(claims.row_count) for cell in claims.get_row_at(row)
        )
        assert "claim" not in cells or cells  # the table rendered
        claim_id = next(c.id for c in store.session.analyses[0].analysis.claims if c.sha)
        app.query_one(Outline).select(NodeRef("claim", 0, claim_id))
        await settle(app, pilot)
        assert claim_id in plain(app.query_one("#claim-detail", Static))

        # The analysis verdict dialog shows the title as written; the override dialog too.
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, AnalysisVerdictDialog)
        assert CLICK in plain(app.screen.query_one(".dialog-title", Label))
        await pilot.press("escape")
        await pilot.pause()

        # Grep a Python line full of brackets; the hit's file opens under its own name.
        await pilot.press("slash")
        for char in "re.compile":
            await pilot.press(char)
        await pilot.press("enter")
        await settle(app, pilot)
        table = app.query_one("#grep-hits", DataTable)
        assert table.row_count == 1
        path_cell, _line, text_cell = table.get_row_at(0)
        assert "[link='x]y.py" in path_cell.plain
        assert CODE in text_cell.plain or "[/\\\\]+" in text_cell.plain
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, FileScreen)
        assert FILE_NAME in plain(app.screen.query_one(Label))
        await pilot.press("escape")
        await pilot.pause()

        # The timeline lists the subject as text; the commit view shows it with ESC visible.
        await pilot.press("t")
        await settle(app, pilot)
        commit_list = app.query_one(TimelinePanel).commit_list
        prompt = str(commit_list.get_option_at_index(0).prompt)
        assert CLICK in prompt and "\x1b" not in prompt and "^[[2J" in prompt
        commit_list.focus()
        commit_list.highlighted = 0
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, CommitScreen)
        header = plain(app.screen.query_one("#commit-header", Static))
        assert CLICK in header and "[b]Mallory[/b]" in header and "\x1b" not in header
        # Attaching it notifies with the subject: as text, and the app keeps running.
        await pilot.press("x")
        await settle(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any(CLICK in message for message in said)
        assert all("\x1b" not in message for message in said)

        # The evidence list.
        app.query_one(Outline).select(NodeRef("why", 0, "1"))
        await settle(app, pilot)
        await pilot.press("E")
        await pilot.pause()
        assert isinstance(app.screen, EvidenceScreen)
        content = plain(app.screen.query_one("#evidence-content", Static))
        assert CLICK in content and "\x1b" not in content
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running
        assert not Path("/tmp/pwned").exists() or Path("/tmp/pwned").stat().st_mtime < 0

    assert app.return_value in (None, 0)


async def test_an_override_refusal_quoting_a_hostile_title_is_text(hostile: Any) -> None:
    store, repo, _sha, _tmp = hostile
    store.record_verdict(0, "why", "1", "rejected", f"bad {CLOSE}", AUDITOR)
    app = WhysApp(store, repo, auditor=AUDITOR)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("A")
        await pilot.pause()
        app.screen.query_one("#note").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OverrideDialog)
        assert "why 1 is rejected" in plain(app.screen.query_one("#refusal", Static))
        assert app.is_running


async def test_a_failed_save_is_said_and_quitting_does_not_claim_it(
    hostile: Any, capsys: pytest.CaptureFixture
) -> None:
    store, repo, _sha, tmp = hostile
    app = WhysApp(store, repo, auditor=AUDITOR)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(app, pilot)
        # A real fault, no mock: the session's folder is replaced by a plain file, so no
        # write can land there (root ignores read-only modes, not this).
        folder = store.path.parent / "sessions-gone"
        folder.mkdir()
        store.path = folder / "s.json"
        shutil.rmtree(folder)
        folder.write_text("not a folder", encoding="utf-8")
        app.query_one(Outline).select(NodeRef("why", 0, "1"))
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        assert store.unsaved
        status = plain(app.query_one("#status", Static))
        assert "NOT SAVED" in status and "saved to" not in status
        assert any("NOT saved" in n.title for n in app._notifications)
        # The verdict is on screen (kept in memory for the next save to write).
        assert store.session.analyses[0].verdicts[-1].decision == "approved"
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running, "the first q warns that the session is not saved"
        await pilot.press("q")
        await pilot.pause()
    code = say_where_the_session_is(store, app.return_value or 0)
    err = capsys.readouterr().err
    assert code == 1
    assert "NOT saved" in err and "session saved" not in err
    rescue = Path(err.rsplit("your work is in ", 1)[1].strip())
    assert rescue.is_file() and "approved" in rescue.read_text(encoding="utf-8")
