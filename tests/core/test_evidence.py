"""Evidence is pinned (query, full SHA, content digest) and re-runnable for drift."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from gitbuild import commit, git, make_repo

from whys.core.evidence import (
    MAX_CONTENT_CHARS,
    collect,
    content_digest,
    drifted,
    make_evidence,
    normalise_content,
    rerun,
    run_query,
)
from whys.core.model_io import from_data, to_json_text
from whys.core.models import Evidence
from whys.core.repo import GitRepo, open_repo
from whys.errors import BadInputError, BadRevisionError

CLIENT_V1 = "def charge():\n    retry(3)\n    return ok\n"
CLIENT_FIX = "def charge():\n    retry(1)\n    return ok\n"


@pytest.fixture
def project(tmp_path: Path) -> tuple[GitRepo, dict[str, str]]:
    path = make_repo(
        tmp_path,
        commits=[
            {
                "files": {"pay/client.py": CLIENT_V1},
                "message": "client",
                "date": "2024-01-01T00:00:00Z",
            },
        ],
    )
    shas = {"cause": git(path, "rev-parse", "HEAD").strip()}
    shas["fix"] = commit(
        path, {"pay/client.py": CLIENT_FIX}, "fix: one retry", "2024-02-01T00:00:00Z"
    )
    shas["revert"] = commit(
        path, {"pay/client.py": CLIENT_V1}, 'Revert "fix: one retry"', "2024-03-01T00:00:00Z"
    )
    return open_repo(path), shas


def test_make_evidence_pins_query_revision_and_digest() -> None:
    sha = "a" * 40
    evidence = make_evidence(
        "grep", "2 hits", {"op": "grep", "pattern": "x"}, sha, "a:1:x\r\nb:2:x  \n", why="2"
    )
    assert evidence.revision == sha
    assert evidence.query == {"op": "grep", "pattern": "x"}
    assert evidence.content == "a:1:x\nb:2:x"
    assert evidence.content_sha256 == hashlib.sha256(b"a:1:x\nb:2:x").hexdigest()
    assert evidence.why == "2" and not evidence.truncated
    # The digest ignores line-end style and trailing blanks, not content.
    assert content_digest("a\r\nb\n\n") == content_digest("a\nb")
    assert content_digest("a\nb") != content_digest("a\nc")
    assert normalise_content("e\u0301") == "\u00e9"


def test_make_evidence_truncates_the_stored_copy_not_the_digest() -> None:
    big = "\n".join(f"line {number}" for number in range(20_000))
    evidence = make_evidence("file", "big", {"op": "file", "path": "x"}, "b" * 40, big)
    assert evidence.truncated
    assert len(evidence.content) == MAX_CONTENT_CHARS
    assert evidence.content_sha256 == hashlib.sha256(big.encode()).hexdigest()


def test_make_evidence_refuses_an_unpinned_revision() -> None:
    with pytest.raises(BadRevisionError):
        make_evidence("grep", "x", {"op": "grep"}, "HEAD", "")
    with pytest.raises(BadInputError):
        make_evidence("grep", "x", {"pattern": "no op"}, "c" * 40, "")


def test_evidence_round_trips_through_json(project: tuple[GitRepo, dict[str, str]]) -> None:
    repo, _ = project
    evidence = collect(repo, {"op": "grep", "pattern": "retry", "fixed_strings": True})
    assert from_data(Evidence, json.loads(to_json_text(evidence))) == evidence


def test_collect_grep_at_revision_and_rerun_detects_the_revert(
    project: tuple[GitRepo, dict[str, str]],
) -> None:
    repo, shas = project
    query = {"op": "grep", "pattern": "retry(1)", "fixed_strings": True}
    at_fix = collect(repo, query, shas["fix"], claim="c3")
    assert at_fix.kind == "grep"
    assert at_fix.revision == shas["fix"]
    assert at_fix.content == "pay/client.py:2:    retry(1)"
    same = rerun(at_fix, repo)
    assert same.id == at_fix.id and same.claim == "c3"
    assert not drifted(at_fix, same)
    later = rerun(at_fix, repo, "HEAD")
    assert later.revision == shas["revert"]
    assert later.content == ""
    assert drifted(at_fix, later)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"op": "count", "pattern": "retry", "unit": "files"}, "1 files"),
        ({"op": "file", "path": "pay/client.py", "start": 2, "end": 2}, "2:     retry(1)"),
        ({"op": "file", "path": "nope.py"}, "(no such file)"),
        ({"op": "ancestry", "ancestor": "HEAD~1"}, " is an ancestor of "),
        ({"op": "pickaxe", "text": "retry(1)"}, "fix: one retry"),
        ({"op": "log", "paths": ["pay/client.py"]}, "client"),
        ({"op": "line_history", "path": "pay/client.py", "start": 2, "end": 2}, "fix: one"),
        ({"op": "blame", "path": "pay/client.py", "start": 2, "end": 2}, "retry(1)"),
        ({"op": "szz", "fix": "HEAD"}, "client"),  # HEAD is pinned when collected
    ],
)
def test_each_query_op_runs_and_reruns_stably(
    project: tuple[GitRepo, dict[str, str]], query: dict, expected: str
) -> None:
    repo, shas = project
    git(repo.root, "checkout", "-q", shas["fix"])
    evidence = collect(repo, query, shas["fix"])
    git(repo.root, "checkout", "-q", "main")
    assert expected in evidence.content
    assert rerun(evidence, repo).content_sha256 == evidence.content_sha256


def test_commit_evidence_says_whether_the_revision_contains_it(
    project: tuple[GitRepo, dict[str, str]],
) -> None:
    repo, shas = project
    evidence = collect(repo, {"op": "commit", "sha": shas["fix"][:9]}, shas["cause"])
    assert f"in {shas['cause']}: no" in evidence.content
    assert "fix: one retry" in evidence.summary
    later = rerun(evidence, repo, "HEAD")
    assert f"in {shas['revert']}: yes" in later.content
    missing = collect(repo, {"op": "commit", "sha": "0000000"})
    assert missing.content == "(no such commit)"


def test_a_pattern_shaped_like_an_option_is_searched_as_text(
    project: tuple[GitRepo, dict[str, str]],
) -> None:
    repo, _ = project
    evidence = collect(repo, {"op": "grep", "pattern": "--output=/tmp/x"})
    assert evidence.content == ""


def test_unknown_op_is_bad_input(project: tuple[GitRepo, dict[str, str]]) -> None:
    repo, _ = project
    with pytest.raises(BadInputError, match="op"):
        collect(repo, {"op": "rm -rf"})
    with pytest.raises(BadInputError, match="pattern"):
        collect(repo, {"op": "grep"})


@pytest.mark.parametrize("bad", ["abc", -5, 0, "1e400", 10**20, [3], True])
def test_a_bad_number_in_a_query_is_one_clear_error(bad: object, tmp_path: Path) -> None:
    # A verdict file is untrusted input: `"max_hits": "abc"` must not raise ValueError.
    repo = open_repo(make_repo(tmp_path, [{"files": {"a.py": "x = 1\n"}, "message": "one"}]))
    with pytest.raises(BadInputError, match="'max_hits' must be a whole number"):
        run_query(repo, {"op": "grep", "pattern": "x", "max_hits": bad}, "HEAD")
    with pytest.raises(BadInputError, match="'start' must be a whole number"):
        run_query(repo, {"op": "blame", "path": "a.py", "start": bad, "end": 1}, "HEAD")
