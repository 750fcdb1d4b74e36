"""The core and the CLI must load without Textual: headless CI should not pay for the TUI,
and the domain must stay testable on its own."""

from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import importlib, pkgutil, sys
import whys.core, whys.cli
for module in pkgutil.walk_packages(whys.core.__path__, "whys.core."):
    importlib.import_module(module.name)
whys.cli.build_parser()
loaded = sorted(name for name in sys.modules if name == "textual" or name.startswith("textual."))
print(",".join(loaded))
"""


def test_core_and_cli_do_not_import_textual() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"textual imported: {result.stdout}"


@pytest.mark.parametrize("module", ["whys.core.models", "whys.cli"])
def test_modules_import_cleanly(module: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_check_command_offers_every_report_format() -> None:
    # The command keeps its own list so `whys --help` starts without the core.
    from whys.commands.check import FORMATS as command_formats
    from whys.core.report import FORMATS as report_formats

    assert tuple(command_formats) == tuple(report_formats)


def test_usage_errors_return_exit_2_instead_of_raising(capsys: pytest.CaptureFixture[str]) -> None:
    from whys.cli import main

    assert main(["check"]) == 2
    assert main(["no-such-command"]) == 2
    assert "usage" in capsys.readouterr().err
