"""The sample builder and the ground truth of the bundled cases, against real git.

The ground-truth facts are re-derived here from the built repository (git log, git grep,
ancestry), so an edit to a case that makes `expected.json` lie fails this file.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from whys.core.models import CHECK_STATUSES, CLAIM_KINDS, TIMELINE_RULES
from whys.samples import SampleError, build_all, build_case, case_analyses, case_dir, list_cases
from whys.samples.build import FINGERPRINT_FILE

# Commits the analyses name, pinned: the same SHA on every machine and every run.
PINNED = {
    "refs/heads/main": "ea4340f98cbbb170718811757406a77dfb4d81ba",
    "d8fecd4": "d8fecd4b8b852af4f77dc74055f97e0b0b0f598b",
    "16d5c31": "16d5c31116fe4440fb558b7894fbc007e5425192",
    "4a3d856": "4a3d856c21b2c58e15b3c101aee01b94eb681bbb",
    "a265b47": "a265b47c89f7efd52e1bc8ede989e0f7f13b5c21",
    "334edfc": "334edfc351ece005baeb5fd2286408adb4466136",
    "333fd90": "333fd904846583a675616e9740dba582c3aa9ba0",
    "refs/heads/experiment/legacy-signature": "2712610eceb1d21cfe6e72e60f448069466014b0",
}


def git(repo: Path, *args: str, check: bool = True) -> str:
    result = subprocess.run(
        ["git", "-c", "core.hooksPath=/dev/null", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout.strip()


def refs(repo: Path) -> dict[str, str]:
    listing = git(repo, "for-each-ref", "--format=%(refname) %(objectname)")
    return dict(line.split(" ", 1) for line in listing.splitlines())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_all(tmp_path_factory.mktemp("samples"))


def expected(case: str) -> dict[str, Any]:
    return json.loads((case_dir(case) / "expected.json").read_text(encoding="utf-8"))


# --- the builder -------------------------------------------------------------------------


def test_the_bundled_cases_are_listed_and_unknown_names_say_which_exist() -> None:
    assert "checkout" in list_cases()
    assert (case_dir("checkout") / "history.json").is_file()
    with pytest.raises(SampleError, match="checkout"):
        case_dir("no-such-case")
    with pytest.raises(SampleError):
        case_dir("../checkout")
    analyses = case_analyses("checkout")
    assert analyses[0].name == "double-charge-five-whys.md"
    assert all(path.is_file() and path.suffix == ".md" for path in analyses)
    assert {path.name for path in analyses} == {
        path.name for path in case_dir("checkout").glob("*.md")
    }


def test_two_builds_give_identical_refs_and_the_pinned_shas(tmp_path: Path) -> None:
    first = build_case("checkout", tmp_path / "one")
    second = build_case("checkout", tmp_path / "two")
    assert first != second
    assert refs(first) == refs(second)
    assert refs(first)["refs/heads/main"] == PINNED["refs/heads/main"]
    for prefix, full in PINNED.items():
        assert git(first, "rev-parse", "--verify", f"{prefix}^{{commit}}") == full


def test_the_built_repo_has_main_checked_out_clean_with_tags_and_branches(
    built: dict[str, Path],
) -> None:
    repo = built["checkout"]
    assert git(repo, "symbolic-ref", "HEAD") == "refs/heads/main"
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert (repo / "app" / "payments" / "client.py").is_file()
    tags = git(repo, "tag").splitlines()
    assert {"v1.4.2", "v1.4.3", "deploy-2026-03-02", "deploy-2026-03-03"} <= set(tags)
    branches = git(repo, "branch", "--format=%(refname:short)").splitlines()
    assert {
        "main",
        "hotfix/db-pool",
        "hotfix/idempotency-retries",
        "experiment/legacy-signature",
    } <= set(branches)
    commits = int(git(repo, "rev-list", "--count", "--all"))
    assert 25 <= commits <= 60
    authors = set(git(repo, "log", "--all", "--format=%an").splitlines())
    assert len(authors) >= 2
    merges = git(repo, "rev-list", "--merges", "main").splitlines()
    assert len(merges) >= 1


def test_a_cherry_picked_commit_keeps_its_diverging_dates(built: dict[str, Path]) -> None:
    repo = built["checkout"]
    sha = git(repo, "log", "--format=%H", "--grep=reject empty carts", "main")
    author, committer = git(repo, "log", "-1", "--format=%aI %cI", sha).split()
    gap = datetime.fromisoformat(committer) - datetime.fromisoformat(author)
    assert gap.days >= 7


def test_an_unchanged_case_is_not_rebuilt(tmp_path: Path) -> None:
    repo = build_case("checkout", tmp_path)
    sentinel = repo / ".git" / "left-by-test"
    sentinel.write_text("still here")
    assert build_case("checkout", tmp_path) == repo
    assert sentinel.read_text() == "still here"


def test_a_changed_case_file_is_rebuilt(tmp_path: Path) -> None:
    source = tmp_path / "case"
    shutil.copytree(case_dir("checkout"), source)
    repo = build_case("checkout", tmp_path / "out", source=source)
    before = refs(repo)["refs/heads/main"]
    sentinel = repo / ".git" / "left-by-test"
    sentinel.write_text("old build")

    snapshot = source / "files" / "app" / "payments" / "errors.py"
    snapshot.write_text(snapshot.read_text() + "\n# touched\n")
    rebuilt = build_case("checkout", tmp_path / "out", source=source)

    assert rebuilt == repo
    assert not sentinel.exists()
    assert refs(repo)["refs/heads/main"] != before
    assert git(repo, "status", "--porcelain") == ""
    assert not [p for p in repo.parent.iterdir() if p.name.startswith(".")]


def test_a_bad_history_is_one_clear_error_and_leaves_nothing_behind(tmp_path: Path) -> None:
    source = tmp_path / "case"
    shutil.copytree(case_dir("checkout"), source)
    history = json.loads((source / "history.json").read_text())
    history["commits"][1]["changes"] = {"app/missing.py": {"replace": [["a", "b"]]}}
    (source / "history.json").write_text(json.dumps(history))
    out = tmp_path / "out"
    with pytest.raises(SampleError, match="app/missing.py"):
        build_case("checkout", out, source=source)
    assert list(out.iterdir()) == []


def test_a_folder_the_builder_did_not_make_is_never_replaced(tmp_path: Path) -> None:
    precious = tmp_path / "checkout"
    precious.mkdir()
    (precious / "notes.txt").write_text("mine")
    with pytest.raises(SampleError, match="not a built sample"):
        build_case("checkout", tmp_path)
    assert (precious / "notes.txt").read_text() == "mine"


def test_the_build_runs_no_hooks_from_the_user_config(tmp_path: Path, monkeypatch) -> None:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    witness = tmp_path / "hook-ran"
    for name in ("post-checkout", "post-commit", "reference-transaction"):
        hook = hooks / name
        hook.write_text(f"#!/bin/sh\ntouch {witness}\n")
        hook.chmod(0o755)
    user_config = tmp_path / "gitconfig"
    user_config.write_text(f"[core]\n\thooksPath = {hooks}\n[init]\n\tdefaultBranch = trunk\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(user_config))
    repo = build_case("checkout", tmp_path / "out")
    assert not witness.exists()
    assert refs(repo)["refs/heads/main"] == PINNED["refs/heads/main"]
    assert (repo / ".git" / FINGERPRINT_FILE).is_file()


# --- the ground truth -----------------------------------------------------------------------


def all_ground_truth() -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """(case, analysis file, analysis truth, claim) for every claim of every case."""
    rows = []
    for case in list_cases():
        for name, truth in expected(case)["analyses"].items():
            for claim in truth["claims"]:
                rows.append((case, name, truth, claim))
    return rows


def test_ground_truth_files_are_well_formed() -> None:
    for case in list_cases():
        data = expected(case)
        assert data["case"] == case
        assert (case_dir(case) / data["repo"]).is_file()
        assert len(data["analyses"]) >= 1
        for name, truth in data["analyses"].items():
            lines = (case_dir(case) / name).read_text(encoding="utf-8").splitlines()
            assert truth["verdict"] in {"approved", "rejected"}
            assert truth["reason"].strip() and "\n" not in truth["reason"]
            assert {f["rule"] for f in truth["findings"]} <= set(TIMELINE_RULES)
            statuses = {c["status"] for c in truth["claims"]}
            if truth["verdict"] == "approved":
                assert "contradicted" not in statuses and not truth["findings"], name
            else:
                assert "contradicted" in statuses or truth["findings"], name
            for claim in truth["claims"]:
                assert claim["kind"] in CLAIM_KINDS and claim["status"] in CHECK_STATUSES
                assert 1 <= claim["line"] <= len(lines), (name, claim)
                assert claim["needle"] in lines[claim["line"] - 1], (name, claim)


def test_the_cases_cover_what_the_product_promises() -> None:
    truth = expected("checkout")["analyses"]
    verdicts = [a["verdict"] for a in truth.values()]
    assert "approved" in verdicts and "rejected" in verdicts
    rules = {f["rule"] for a in truth.values() for f in a["findings"]}
    assert {"cause-after-incident", "fix-not-in-revision"} <= rules
    contradicted = {
        c["kind"] for a in truth.values() for c in a["claims"] if c["status"] == "contradicted"
    }
    assert {"commit", "lines", "count", "file", "time", "message"} <= contradicted
    kinds = {c["kind"] for a in truth.values() for c in a["claims"]}
    assert kinds == set(CLAIM_KINDS)


def tracked_files(repo: Path) -> list[str]:
    return git(repo, "ls-files").splitlines()


def resolve_path(repo: Path, written: str) -> list[str]:
    """Tracked files the written path can mean: exact, abbreviated or absolute elsewhere."""
    path = written.replace("\\", "/")
    return [
        f
        for f in tracked_files(repo)
        if f == path or f.endswith("/" + path) or path.endswith("/" + f)
    ]


def commit_sha(repo: Path, prefix: str) -> str | None:
    result = git(repo, "rev-parse", "-q", "--verify", f"{prefix}^{{commit}}", check=False)
    return result or None


def test_verified_paths_resolve_and_contradicted_ones_do_not(built: dict[str, Path]) -> None:
    for case, name, _truth, claim in all_ground_truth():
        if claim["kind"] != "file":
            continue
        matches = resolve_path(built[case], claim["needle"])
        if claim["status"] == "verified":
            assert len(matches) == 1, (name, claim, matches)
        elif claim["status"] == "contradicted":
            assert matches == [], (name, claim, matches)
        else:  # a path out of the tree, or a system path sharing only a common file name
            written = claim["needle"].replace("\\", "/")
            assert ".." in written.split("/") or (written.startswith("/") and not matches)


def test_cited_shas_resolve_exactly_when_the_truth_says_so(built: dict[str, Path]) -> None:
    for case, name, _truth, claim in all_ground_truth():
        if claim["kind"] != "commit":
            continue
        repo = built[case]
        sha = commit_sha(repo, claim["needle"])
        line = (case_dir(case) / name).read_text().splitlines()[claim["line"] - 1]
        quoted = re.search(rf"`{claim['needle']}`:?\s*\(?\"([^\"]+)\"", line)
        if claim["status"] == "verified":
            assert sha, (name, claim)
            if quoted:
                assert git(repo, "log", "-1", "--format=%s", sha) == quoted.group(1)
        elif claim["status"] == "contradicted":
            assert sha is None, (name, claim)
            if "suggestion_contains" in claim:
                suggested = commit_sha(repo, claim["suggestion_contains"])
                assert suggested, (name, claim)
                if quoted:  # the real commit behind an invented SHA carries the quoted subject
                    assert git(repo, "log", "-1", "--format=%s", suggested) == quoted.group(1)


def test_quoted_messages_exist_exactly_when_the_truth_says_so(built: dict[str, Path]) -> None:
    for case, name, _truth, claim in all_ground_truth():
        if claim["kind"] != "message":
            continue
        line = (case_dir(case) / name).read_text().splitlines()[claim["line"] - 1]
        if re.search(r"never merged|not on main", line):
            # Said NOT to be merged: true when main does not hold the subject.
            on_main = git(built[case], "log", "main", "--format=%s").splitlines()
            holds = claim["needle"] not in on_main
        else:
            holds = claim["needle"] in git(built[case], "log", "--all", "--format=%s").splitlines()
        assert holds == (claim["status"] == "verified"), (name, claim)


# Facts behind the count, lines, symbol and time claims, re-derived from the repo below.
# Keyed by (analysis, line needle of the claim, kind, needle); every such claim needs one.
COUNTS = {
    ("double-charge-five-whys.md", "4 files"): ("PAYMENT_TIMEOUT_MS", "files", 4, False),
    ("confirmation-mail-five-whys.md", "684 files"): (
        "send_order_confirmation",
        "files",
        684,
        False,
    ),
    ("retry-audit-report.md", "3 files"): ("charge_with_retry", "files", 3, False),
    ("retry-audit-report.md", "8+ references"): ("idempotency_key", "matches", 8, True),
    ("retry-audit-report.md", "25+ references"): ("order_id", "matches", 25, True),
    ("retry-audit-report.md", "9 files"): ("order_id", "files", 9, False),
    ("retry-audit-report.md", "4 files"): ("PAYMENT_TIMEOUT_MS", "files", 4, False),
    ("mail-queue-audit-report.md", "167+ references"): ("BATCH_SIZE", "matches", 167, True),
    ("mail-queue-audit-report.md", "15+ files"): ("mail_queue", "files", 15, True),
}


def grep_count(repo: Path, literal: str, unit: str) -> int:
    if unit == "files":
        return len(git(repo, "grep", "-l", "-F", "-e", literal, check=False).splitlines())
    return len(git(repo, "grep", "-o", "-h", "-F", "-e", literal, check=False).splitlines())


def test_count_claims_match_a_real_search(built: dict[str, Path]) -> None:
    seen = set()
    for case, name, _truth, claim in all_ground_truth():
        if claim["kind"] != "count":
            continue
        key = (name, claim["needle"])
        assert key in COUNTS, f"add the search behind {key} to COUNTS"
        seen.add(key)
        literal, unit, stated, at_least = COUNTS[key]
        real = grep_count(built[case], literal, unit)
        holds = real >= stated if at_least else real == stated
        assert holds == (claim["status"] == "verified"), (key, real)
    assert seen == set(COUNTS)


# (analysis, needle) -> (path, first line, last line, text that must be in that range)
LINES: dict[tuple[str, str], tuple[str, int, int, str | None]] = {
    ("double-charge-five-whys.md", "lines 37-39"): ("service.py", 37, 39, "charge_with_retry("),
    ("double-charge-five-whys.md", "line 85"): ("client.py", 85, 85, "def charge_with_retry"),
    ("double-charge-five-whys.md", "line 29"): ("config.py", 29, 29, "PAYMENT_TIMEOUT_MS"),
    ("double-charge-five-whys.md", "client.py:60"): ("client.py", 60, 60, "raise ProviderTimeout"),
    ("double-charge-five-whys.md", "client.py:18"): ("client.py", 18, 18, "RETRYABLE ="),
    ("double-charge-five-whys.md", "lines 98-100"): ("client.py", 98, 100, "last_error"),
    ("double-charge-five-whys.md", "client.py:98"): ("client.py", 98, 98, "new_idempotency_key"),
    ("db-pool-five-whys.md", "lines 13-18"): ("app/db/session.py", 13, 18, "pool_size="),
    ("db-pool-five-whys.md", "line 26"): ("config.py", 26, 26, "DB_POOL_SIZE"),
    ("db-pool-five-whys.md", "lines 45-46"): ("service.py", 45, 46, "session_scope()"),
    ("confirmation-mail-five-whys.md", "line 88"): ("queue.py", 88, 88, "def flush_pending"),
    ("confirmation-mail-five-whys.md", "queue.py:16"): ("queue.py", 16, 16, "BATCH_SIZE = 50"),
    ("confirmation-mail-five-whys.md", "service.py:41"): ("service.py", 41, 41, "def place_order"),
    ("retry-audit-report.md", "client.py:85"): ("client.py", 85, 85, "def charge_with_retry"),
    # Names nothing to look for ("the key is minted and sent at"): only that the lines exist.
    ("retry-audit-report.md", "client.py:98, 103"): ("client.py", 98, 103, None),
    ("retry-audit-report.md", "lines 37-39"): ("service.py", 37, 39, "charge_with_retry("),
    ("retry-audit-report.md", "client.py:98-103"): ("client.py", 98, 103, "return client.charge"),
    ("retry-audit-report.md", "client.py:18"): ("client.py", 18, 18, "ProviderTimeout"),
    ("retry-audit-report.md", "client.py:60"): ("client.py", 60, 60, "raise ProviderTimeout"),
    ("retry-audit-report.md", "routes.py:35-36"): ("routes.py", 35, 36, "ProviderTimeout"),
    ("retry-audit-report.md", "idempotency.py:12-14"): (
        "idempotency.py",
        12,
        14,
        "def new_idempotency_key",
    ),
    ("retry-audit-report.md", "lines 29-30"): ("checkout.yaml", 29, 30, "PAYMENT_TIMEOUT_MS"),
    ("mail-queue-audit-report.md", "lines 27-33"): ("queue.py", 27, 33, "def enqueue"),
    ("mail-queue-audit-report.md", "queue.py:35-46"): ("queue.py", 35, 46, "def flush_pending"),
    ("mail-queue-audit-report.md", "queue.py:42, 44"): ("queue.py", 42, 44, "smtplib.SMTP"),
    ("mail-queue-audit-report.md", "queue.py:48-58"): ("queue.py", 48, 58, "def start_flusher"),
    ("mail-queue-audit-report.md", "line 25"): ("main.py", 25, 25, "start_flusher"),
    ("webhook-401-five-whys.md", "lines 29-30"): ("webhooks.py", 29, 30, "hmac.compare_digest"),
    ("legacy-signature-followup.md", "lines 29-30"): ("webhooks.py", 29, 30, None),
}


def test_line_claims_match_the_files(built: dict[str, Path]) -> None:
    seen = set()
    for case, name, _truth, claim in all_ground_truth():
        if claim["kind"] != "lines":
            continue
        key = (name, claim["needle"])
        assert key in LINES, f"add the fact behind {key} to LINES"
        seen.add(key)
        path, first, last, text = LINES[key]
        (resolved,) = resolve_path(built[case], path)
        lines = (built[case] / resolved).read_text().splitlines()
        if text is None:
            assert last <= len(lines) and claim["status"] == "unverifiable", key
            continue
        holds = text in "\n".join(lines[first - 1 : last])
        assert holds == (claim["status"] == "verified"), key
        if claim.get("suggestion_contains"):
            real = [i + 1 for i, line in enumerate(lines) if text in line]
            assert real == [int(claim["suggestion_contains"])], key
    assert seen == set(LINES)


SYMBOLS = {
    ("double-charge-five-whys.md", "new_idempotency_key"): ("idempotency.py", "def "),
    ("double-charge-five-whys.md", "test_charge_with_retry_retries_timeouts"): (
        "tests/test_client.py",
        "def ",
    ),
    ("double-charge-five-whys.md", "test_retries_send_the_same_idempotency_key"): (
        "test_client.py",
        "def ",
    ),
    ("confirmation-mail-five-whys.md", "send_order_confirmation"): (
        "app/notifications/orders.py",
        "def ",
    ),
    ("confirmation-mail-five-whys.md", "start_flusher"): ("queue.py", "def "),
    ("retry-audit-report.md", "test_retries_send_the_same_idempotency_key"): (
        "/Users/dev/shopfront-checkout/tests/test_client.py",
        "def ",
    ),
    ("webhook-401-five-whys.md", "signature_for"): ("app/payments/webhooks.py", "def "),
}


def test_symbol_claims_match_the_files(built: dict[str, Path]) -> None:
    seen = set()
    for case, name, _truth, claim in all_ground_truth():
        if claim["kind"] != "symbol":
            continue
        key = (name, claim["needle"])
        assert key in SYMBOLS, f"add the fact behind {key} to SYMBOLS"
        seen.add(key)
        path, prefix = SYMBOLS[key]
        (resolved,) = resolve_path(built[case], path)
        holds = prefix + claim["needle"] in (built[case] / resolved).read_text()
        assert holds == (claim["status"] == "verified"), key
    assert seen == set(SYMBOLS)


INCIDENT_0302 = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)
INCIDENT_0306 = datetime(2026, 3, 6, 17, 10, tzinfo=UTC)
INCIDENT_0309 = datetime(2026, 3, 9, 6, 10, tzinfo=UTC)
# (analysis, line needle, claim needle) -> (commit, relation, operand)
TIMES: dict[tuple[str, str, str], tuple[str, str, Any] | None] = {
    ("double-charge-five-whys.md", "landed on 2026-02-24", "2026-02-24"): (
        "d8fecd4",
        "on",
        "2026-02-24",
    ),
    ("double-charge-five-whys.md", "landed on 2026-02-24", "before the incident"): (
        "d8fecd4",
        "before",
        INCIDENT_0302,
    ),
    ("double-charge-five-whys.md", "landed on 2026-02-24", "v1.4.1"): ("d8fecd4", "in", "v1.4.1"),
    ("double-charge-five-whys.md", "- Commit `16d5c31`", "v1.4.3"): ("16d5c31", "in", "v1.4.3"),
    ("double-charge-five-whys.md", "| 2026-02-24 15:41", "2026-02-24 15:41"): (
        "d8fecd4",
        "on",
        "2026-02-24 15:41",
    ),
    ("double-charge-five-whys.md", "| 2026-02-26 08:12", "2026-02-26 08:12"): (
        "141d233",
        "on",
        "2026-02-26 08:12",
    ),
    ("double-charge-five-whys.md", "| 2026-03-02 16:02", "2026-03-02 16:02"): (
        "16d5c31",
        "on",
        "2026-03-02 16:02",
    ),
    ("db-pool-five-whys.md", "morning of 2 March", "before the incident"): (
        "4a3d856",
        "before",
        INCIDENT_0302,
    ),
    ("db-pool-five-whys.md", "part of the deployed revision", "v1.4.2"): (
        "4a3d856",
        "in",
        "v1.4.2",
    ),
    ("db-pool-five-whys.md", "Commit `a265b47`", "v1.4.3"): ("a265b47", "in", "v1.4.3"),
    ("confirmation-mail-five-whys.md", "The batching commit", "2026-03-04"): (
        "334edfc",
        "on",
        "2026-03-04",
    ),
    ("confirmation-mail-five-whys.md", "The batching commit", "deploy-2026-03-06"): (
        "334edfc",
        "in",
        "deploy-2026-03-06",
    ),
    ("confirmation-mail-five-whys.md", "Commit `333fd90`", "v1.5.1"): ("333fd90", "in", "v1.5.1"),
    ("retry-audit-report.md", "**FIX STATUS**", "v1.4.3"): ("16d5c31", "in", "v1.4.3"),
    ("retry-audit-report.md", "- `141d233`", "2026-02-26"): ("141d233", "on", "2026-02-26"),
    ("retry-audit-report.md", "- `141d233`", "before the incident"): (
        "141d233",
        "before",
        INCIDENT_0302,
    ),
    ("retry-audit-report.md", "- `d8fecd4`", "v1.4.1"): ("d8fecd4", "in", "v1.4.1"),
    ("retry-audit-report.md", "**Timeline**", "~16:02 UTC"): ("16d5c31", "on", "2026-03-02 16:02"),
    ("retry-audit-report.md", "**Timeline**", "after the incident"): (
        "16d5c31",
        "after",
        INCIDENT_0302,
    ),
    ("retry-audit-report.md", "**Timeline**", "v1.4.3"): ("16d5c31", "in", "v1.4.3"),
    ("mail-queue-audit-report.md", "`334edfc` landed", "2026-03-06"): (
        "334edfc",
        "on",
        "2026-03-06",
    ),
    ("mail-queue-audit-report.md", "`333fd90` landed by", "~09:15 UTC"): (
        "333fd90",
        "on",
        "2026-03-09 09:15",
    ),
    ("mail-queue-audit-report.md", "`333fd90` landed by", "after the incident"): (
        "333fd90",
        "after",
        INCIDENT_0309,
    ),
    ("mail-queue-audit-report.md", "`333fd90` is in the deployed", "deploy-2026-03-06"): (
        "333fd90",
        "in",
        "deploy-2026-03-06",
    ),
    ("mail-queue-audit-report.md", "**FINAL ASSESSMENT**", "deploy-2026-03-06"): (
        "333fd90",
        "in",
        "deploy-2026-03-06",
    ),
    ("webhook-401-five-whys.md", "2. **Why did", "before the incident"): (
        "4ef5be4",
        "before",
        INCIDENT_0306,
    ),
    ("webhook-401-five-whys.md", "2. **Why did", "deploy-2026-03-06"): (
        "4ef5be4",
        "in",
        "deploy-2026-03-06",
    ),
    ("webhook-401-five-whys.md", "`2712610ec` (", "v1.5.1"): ("2712610ec", "in", "v1.5.1"),
    # No commit on the line: the one its why cites above (4ef5be4), committed 11:20 +01:00.
    ("legacy-signature-followup.md", "The breaking change", "10:20 UTC"): (
        "4ef5be4",
        "on",
        "2026-03-06 10:20",
    ),
    # No commit on the line, and its why cites two fixes: no fact to hold it to.
    ("legacy-signature-followup.md", "The backlog was resolved", "~16:02 UTC"): None,
}


def time_fact_holds(repo: Path, commit: str, relation: str, operand: Any) -> bool:
    landed = datetime.fromisoformat(git(repo, "log", "-1", "--format=%cI", commit)).astimezone(UTC)
    if relation == "on":
        shape = "%Y-%m-%d %H:%M" if " " in operand else "%Y-%m-%d"
        return landed.strftime(shape) == operand
    if relation == "before":
        return landed < operand
    if relation == "after":
        return landed > operand
    ancestry = subprocess.run(
        ["git", "merge-base", "--is-ancestor", commit, operand], cwd=repo, check=False
    )
    return ancestry.returncode == 0


def test_time_claims_match_commit_dates_and_ancestry(built: dict[str, Path]) -> None:
    seen = set()
    for case, name, _truth, claim in all_ground_truth():
        if claim["kind"] != "time":
            continue
        line = (case_dir(case) / name).read_text().splitlines()[claim["line"] - 1]
        keys = [k for k in TIMES if k[0] == name and k[1] in line and k[2] == claim["needle"]]
        assert len(keys) == 1, f"add the fact behind {name}:{claim['line']} to TIMES"
        seen.add(keys[0])
        fact = TIMES[keys[0]]
        if fact is None:
            assert claim["status"] == "unverifiable", keys[0]
            continue
        holds = time_fact_holds(built[case], *fact)
        assert holds == (claim["status"] == "verified"), keys[0]
    assert seen == set(TIMES)


def test_timeline_findings_follow_from_the_history(built: dict[str, Path]) -> None:
    repo = built["checkout"]
    truth = expected("checkout")["analyses"]
    assert {f["rule"] for f in truth["db-pool-five-whys.md"]["findings"]} == {
        "cause-after-incident",
        "fix-not-in-revision",
    }
    assert not time_fact_holds(repo, "4a3d856", "before", INCIDENT_0302)
    assert not time_fact_holds(repo, "a265b47", "in", "v1.4.3")
    assert time_fact_holds(repo, "a265b47", "in", "main")
    assert not time_fact_holds(repo, "333fd90", "in", "deploy-2026-03-06")


def test_the_webhook_analysis_breaks_every_remaining_timeline_rule(built: dict[str, Path]) -> None:
    repo = built["checkout"]
    rules = {
        f["rule"] for f in expected("checkout")["analyses"]["webhook-401-five-whys.md"]["findings"]
    }
    assert rules == {
        "fix-before-cause",
        "fix-not-in-revision",
        "unreachable-from-deployed",
        "dates-diverge",
    }

    def landed(commit: str) -> datetime:
        return datetime.fromisoformat(git(repo, "log", "-1", "--format=%cI", commit))

    assert landed("5c37315") < landed("4ef5be4")  # the "fix" predates its cause
    assert git(repo, "branch", "--contains", "2712610ec", "--format=%(refname:short)") == (
        "experiment/legacy-signature"
    )
    assert not time_fact_holds(repo, "2712610ec", "in", "deploy-2026-03-06")
    assert not time_fact_holds(repo, "2712610ec", "in", "main")
    author, committer = git(repo, "log", "-1", "--format=%aI %cI", "c288b5e").split()
    assert (datetime.fromisoformat(committer) - datetime.fromisoformat(author)).days >= 7


def test_a_checkout_with_crlf_line_endings_builds_the_same_shas(tmp_path: Path) -> None:
    source = tmp_path / "case"
    shutil.copytree(case_dir("checkout"), source)
    for snapshot in (source / "files").rglob("*.py"):
        snapshot.write_bytes(snapshot.read_bytes().replace(b"\n", b"\r\n"))
    repo = build_case("checkout", tmp_path / "out", source=source)
    assert refs(repo)["refs/heads/main"] == PINNED["refs/heads/main"]
