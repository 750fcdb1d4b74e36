"""The benchmark still runs: the generator is deterministic and tells the truth about what it
wrote, and the benchmark runs end to end on tiny inputs and prints its table.

Speed is not asserted here (that is the benchmark's job, on real sizes); structure is: every
row has figures or says why not, and nothing in the harness or in whys crashes it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _python(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def env(isolated_home: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def test_generator_is_deterministic_and_its_metadata_is_true(
    tmp_path: Path, env: dict[str, str]
) -> None:
    first = _python(
        "-m",
        "tests.bench.generate",
        "--commits",
        "80",
        "--files",
        "40",
        str(tmp_path / "a"),
        env=env,
    )
    second = _python(
        "-m",
        "tests.bench.generate",
        "--commits",
        "80",
        "--files",
        "40",
        str(tmp_path / "b"),
        env=env,
    )
    assert first.returncode == 0, first.stderr
    meta_a, meta_b = json.loads(first.stdout), json.loads(second.stdout)
    assert meta_a["head"] == meta_b["head"]
    assert meta_a["story"] == meta_b["story"] and meta_a["tags"] == meta_b["tags"]

    repo = Path(meta_a["repo"])
    assert _git(repo, "rev-parse", "HEAD").strip() == meta_a["head"]
    assert int(_git(repo, "rev-list", "--count", "HEAD")) == 80
    assert len(_git(repo, "ls-files").splitlines()) == 40 + 3
    assert sorted(_git(repo, "tag").split()) == sorted(meta_a["tags"])
    # The cause commit carries the subject the analysis quotes, and the deployed tag has it.
    cause = meta_a["story"]["cause"]
    assert _git(repo, "log", "-1", "--format=%s", cause).strip() == meta_a["subjects"]["cause"]
    _git(repo, "merge-base", "--is-ancestor", cause, meta_a["tags"]["v3.0"])
    # A rebased commit: authored long before it was committed.
    rebased = meta_a["story"]["rebased"]
    author, committer = _git(repo, "log", "-1", "--format=%at %ct", rebased).split()
    assert int(committer) - int(author) > 30 * 86400
    # The counts the analysis claims are what rg finds in the working tree.
    rg = Path(sys.executable).parent / "rg"
    found = (
        subprocess.run(
            [str(rg), "-l", "-e", meta_a["search_pattern"], str(repo)], capture_output=True
        )
        .stdout.decode()
        .splitlines()
    )
    assert len(found) == meta_a["search_files"]
    analysis = Path(meta_a["analysis"]).read_text()
    assert meta_a["analysis_claims"] >= 30
    assert cause[:10] in analysis and meta_a["subjects"]["cause"] in analysis


def test_benchmark_runs_end_to_end_and_prints_its_table(
    tmp_path: Path, env: dict[str, str]
) -> None:
    out = tmp_path / "rows.json"
    run = _python(
        "-m",
        "tests.bench.run",
        "--profile",
        "smoke",
        "--work",
        str(tmp_path / "work"),
        "--json-out",
        str(out),
        env=env,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    table = run.stdout
    assert "measurement" in table and "ratio" in table and "target" in table
    for section in ("[search", "[timeline", "[check", "[memory", "[verify", "[tui"):
        assert section in table
    rows = json.loads(out.read_text())["rows"]
    names = {row["name"] for row in rows}
    assert {"full listing in-process", "count files in-process"} <= names
    for row in rows:
        # A whys part may not exist yet; it must never crash the harness.
        assert row["status"] in ("ok", "not available"), (row["name"], row["note"])
        if row["status"] == "ok" and row["reference"] is not None:
            assert row["whys"] > 0 and row["reference"] > 0 and row["ratio"] is not None
            assert row["result"] in ("PASS", "MISS", "-")
    # Where both sides counted, whys and the raw tool agree on what they found.
    for row in rows:
        if row["status"] == "ok" and row["name"] == "count files in-process":
            whys_count, raw_count = row["note"].replace(",", "").split()[1::2]
            assert whys_count == raw_count
