"""`whys verify` of a signed verdict file against the git and ssh-keygen calls it makes,
replayed one after the other with nothing else around them.

    .venv/bin/python -m tests.bench.bench_verify REPO ANALYSIS WORK_DIR

Used by `tests.bench.run` (section "verify"). Builds the verdict file the way an auditor
does (check with a session, a verdict, export signed with a fresh SSH key), records the
programs one `whys verify` starts (a child process wraps `subprocess.Popen`), then times
`whys verify` and the replay of those programs, each as a whole process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

AUDITOR = "bench@example.com"


class MissingTool(RuntimeError):
    """A program the measurement needs is not installed."""


# Runs `whys verify` in a child that notes every program it starts (argv and cwd).
RECORDER = r"""
import json, subprocess, sys
log, argv = sys.argv[1], sys.argv[2:]
started = []
real = subprocess.Popen
class Popen(real):
    def __init__(self, args, *rest, **options):
        started.append({"argv": [str(a) for a in args], "cwd": str(options.get("cwd") or ".")})
        super().__init__(args, *rest, **options)
subprocess.Popen = Popen
from whys.cli import main
try:
    code = main(argv)
finally:
    with open(log, "w") as out:
        json.dump(started, out)
sys.exit(code)
"""

# Starts the recorded programs one after the other, as `whys verify` did (stdin closed,
# output read), and nothing else.
REPLAY = r"""
import json, subprocess, sys
for call in json.load(open(sys.argv[1])):
    subprocess.run(call["argv"], cwd=call["cwd"], stdin=subprocess.DEVNULL,
                   capture_output=True, check=False)
"""


def _whys(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "whys", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


def prepare(repo: Path, analysis: Path, work: Path) -> tuple[list[str], Path]:
    """The `whys verify` command line for a freshly signed verdict file of `analysis` on
    `repo`, and the record of the programs it starts. Raises RuntimeError when a step
    fails (ssh-keygen missing, say)."""
    if shutil.which("ssh-keygen") is None:
        raise MissingTool("ssh-keygen not found")
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    session = work / "session.json"
    key = work / "key"
    steps = [
        ["check", str(analysis), "--repo", str(repo), "--session", str(session)],
        [
            "verdict",
            str(session),
            "--analysis",
            "--reject",
            "--note",
            "bench",
            "--auditor",
            AUDITOR,
        ],
    ]
    for step in steps:
        done = _whys(*step)
        if done.returncode not in (0, 1):
            raise RuntimeError(f"whys {step[0]} failed: {done.stderr.strip()[-300:]}")
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", AUDITOR, "-f", str(key)],
        check=True,
        capture_output=True,
    )
    public = (work / "key.pub").read_text().split()
    signers = work / "allowed_signers"
    signers.write_text(f"{AUDITOR} {public[0]} {public[1]}\n")
    verdict = work / "out" / "VERDICT.json"
    done = _whys("export", str(session), "-o", str(verdict), "--sign-key", str(key))
    if done.returncode != 0:
        raise RuntimeError(f"whys export failed: {done.stderr.strip()[-300:]}")
    verify = ["verify", str(verdict), "--repo", str(repo), "--allowed-signers", str(signers)]
    record = work / "calls.json"
    recorded = subprocess.run(
        [sys.executable, "-c", RECORDER, str(record), *verify],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    if recorded.returncode != 0 or not record.exists():
        raise RuntimeError(f"whys verify failed: {recorded.stdout[-300:]}{recorded.stderr[-300:]}")
    return [sys.executable, "-m", "whys", *verify], record


def replay_command(record: Path) -> list[str]:
    return [sys.executable, "-S", "-c", REPLAY, str(record)]


def programs(record: Path) -> list[str]:
    """The names of the programs `whys verify` started, in order (git subcommands named)."""
    names = []
    for call in json.loads(record.read_text()):
        argv = call["argv"]
        tool = Path(argv[0]).name
        if tool == "git":
            words = [a for i, a in enumerate(argv[1:], 1) if argv[i - 1] != "-c"]
            sub = next((w for w in words if not w.startswith("-")), "?")
            names.append(f"git {sub}")
        else:
            names.append(tool)
    return names


if __name__ == "__main__":
    command, calls = prepare(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
    print(" ".join(command))
    print(", ".join(programs(calls)))
