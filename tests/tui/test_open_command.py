"""`whys open`: the CLI door to the workbench. It loads Textual only when it opens the
screen, refuses to draw into a pipe, and reports bad input as one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from whys.cli import main


def test_open_refuses_without_a_terminal(review: Any, capsys: pytest.CaptureFixture) -> None:
    code = main(
        [
            "open",
            str(review.analyses[0]),
            "--repo",
            str(review.repo_dir),
            "--session",
            str(review.session_path),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "needs a terminal" in err
    assert "Traceback" not in err


def test_open_reports_a_bad_repo_in_one_line(
    review: Any, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    not_a_repo = tmp_path / "plain"
    not_a_repo.mkdir()
    code = main(["open", str(review.analyses[0]), "--repo", str(not_a_repo)])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and err.startswith("whys: ")


def test_open_help_loads_without_textual() -> None:
    probe = (
        "import sys; from whys.cli import main\n"
        "try:\n    main(['open', '--help'])\nexcept SystemExit:\n    pass\n"
        "print('textual' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert "ANALYSIS.md" in result.stdout
    assert result.stdout.strip().endswith("False")
