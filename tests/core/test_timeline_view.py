"""The timeline picture's data, built by the core on the real `checkout` sample: cited
prefixes resolved to full SHAs, the deployed revision named by its tag, the history or a
pickaxe streamed, and a cancelled scan stopping early."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from whys.core.repo import open_repo
from whys.core.timeline_view import TimelineRequest, build_timeline, worst_status
from whys.samples.build import build_case


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_case("checkout", tmp_path_factory.mktemp("samples"))


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_cited_prefixes_resolve_and_the_deployed_tag_is_named(checkout: Path) -> None:
    repo = open_repo(checkout)
    shas = git(checkout, "log", "--format=%H", "-n", "3").splitlines()
    request = TimelineRequest(
        revision="HEAD",
        cited_prefixes={shas[1][:7]: ["c1", "c2"], shas[2][:9]: ["c3"], "0000000": ["c4"]},
        claim_status={"c1": "verified", "c2": "contradicted", "c3": "verified"},
        deployed="deploy-2026-03-06",
    )
    data, label = build_timeline(repo, request)
    assert label == "history"
    assert data.cited == {shas[1]: ["c1", "c2"], shas[2]: ["c3"]}, "a missing prefix is left out"
    assert data.cited_status == {shas[1]: "contradicted", shas[2]: "verified"}
    assert data.deployed_sha == git(checkout, "rev-parse", "deploy-2026-03-06^{commit}")
    assert data.deployed_name == "deploy-2026-03-06"
    every = set(git(checkout, "log", "--format=%H", "HEAD").splitlines())
    assert {commit.sha for commit in data.commits} >= every
    assert data.stamps == sorted(data.stamps), "oldest first, for zoom and pan"


def test_a_pickaxe_scan_lists_only_the_commits_that_changed_the_text(checkout: Path) -> None:
    repo = open_repo(checkout)
    expected = set(git(checkout, "log", "--format=%H", "-S", "BATCH_SIZE", "HEAD").splitlines())
    assert expected, "the sample must hold a commit that adds BATCH_SIZE"
    request = TimelineRequest(
        revision="HEAD", cited_prefixes={}, claim_status={}, pickaxe="BATCH_SIZE"
    )
    data, label = build_timeline(repo, request)
    assert label == "-S 'BATCH_SIZE'"
    assert {commit.sha for commit in data.commits} == expected


def test_a_cancelled_scan_returns_at_once_with_what_it_read(checkout: Path) -> None:
    repo = open_repo(checkout)
    cancel = threading.Event()
    cancel.set()
    request = TimelineRequest(revision="HEAD", cited_prefixes={}, claim_status={})
    data, _label = build_timeline(repo, request, cancel)
    total = len(git(checkout, "log", "--format=%H", "HEAD").splitlines())
    assert len(data.commits) < total


def test_worst_status_orders_contradicted_first() -> None:
    assert worst_status(["verified", None, "contradicted", "unverifiable"]) == "contradicted"
    assert worst_status([None]) is None


def test_the_module_does_not_import_textual() -> None:
    probe = (
        "import sys, whys.core.timeline_view\n"
        "print(any(m == 'textual' or m.startswith('textual.') for m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
