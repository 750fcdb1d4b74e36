"""`whys sign`: a second signer sees what they sign (decision, analyses, claims by status,
overrides, who signed already) and is asked before the signature is made, unless --yes.
Real ssh-keygen keys; the question is answered on a real pseudo-terminal."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from whys.cli import main
from whys.core.audit import open_audit
from whys.samples.build import build_case, case_dir

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen")


def make_key(folder: Path, name: str) -> Path:
    key = folder / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True
    )
    return key


@pytest.fixture
def signed_once(tmp_path: Path, capsys: pytest.CaptureFixture) -> tuple[Path, Path]:
    repo = build_case("checkout", tmp_path / "samples")
    analysis = case_dir("checkout") / "confirmation-mail-five-whys.md"
    store, _repo = open_audit([analysis], repo, "HEAD", tmp_path / "s.json")
    store.record_verdict(0, "why", "2", "rejected", "no such commit", "ana@example.com")
    store.record_verdict(
        0, "analysis", None, "approved", "fix holds", "ana@example.com", override=True
    )
    out = tmp_path / "OUT.json"
    ana = make_key(tmp_path, "ana")
    assert main(["export", str(store.path), "-o", str(out), "--sign-key", str(ana)]) == 0
    capsys.readouterr()
    return out, make_key(tmp_path, "bo")


def test_without_a_terminal_it_shows_the_summary_and_refuses(
    signed_once: tuple[Path, Path], capsys: pytest.CaptureFixture
) -> None:
    out, bo = signed_once
    assert main(["sign", str(out), "--key", str(bo)]) == 2
    err = capsys.readouterr().err
    assert "decision   APPROVED (1 APPROVED (override))" in err
    assert "claims:" in err and "contradicted" in err
    assert "override: analysis approved by ana@example.com over why 2 is rejected" in err
    assert "signed by  OUT.json.sig (ssh-ed25519 SHA256:" in err
    assert "--yes" in err
    assert not Path(f"{out}.2.sig").exists()


def test_yes_signs_after_showing_the_summary(
    signed_once: tuple[Path, Path], capsys: pytest.CaptureFixture
) -> None:
    out, bo = signed_once
    assert main(["sign", "--yes", str(out), "--key", str(bo)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == f"{out}.2.sig"
    assert "You are signing" in captured.err


def ask_on_a_terminal(out: Path, key: Path, answer: bytes) -> subprocess.CompletedProcess[bytes]:
    controller, terminal = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "whys", "sign", str(out), "--key", str(key)],
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=os.environ.copy(),
        )
        os.write(controller, answer)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        os.close(controller)
        os.close(terminal)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def test_on_a_terminal_no_keeps_it_unsigned_and_yes_signs(signed_once: tuple[Path, Path]) -> None:
    out, bo = signed_once
    declined = ask_on_a_terminal(out, bo, b"n\n")
    assert declined.returncode == 1, declined.stderr
    assert b"Sign it? [y/N]" in declined.stderr and b"not signed" in declined.stderr
    assert not Path(f"{out}.2.sig").exists()
    accepted = ask_on_a_terminal(out, bo, b"y\n")
    assert accepted.returncode == 0, accepted.stderr
    assert accepted.stdout.decode().strip() == f"{out}.2.sig"
    assert Path(f"{out}.2.sig").is_file()
