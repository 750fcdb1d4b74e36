"""Claim checks and timeline findings against a real git repository with pinned dates."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from gitbuild import checkout, commit, git, head, make_repo

from whys.core.checks import CheckRun, check_analysis, resolve_path
from whys.core.models import Analysis, ClaimCheck
from whys.core.reader import read_analysis_text
from whys.core.repo import GitRepo, open_repo

CLIENT = """\
import time

PAYMENT_TIMEOUT_MS = 3000


class PaymentClient:
    def __init__(self):
        self.timeout = PAYMENT_TIMEOUT_MS

    def charge_with_retry(self, amount):
        for attempt in range(3):
            time.sleep(self.timeout / 1000)
        return amount
"""


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    repo = make_repo(
        tmp_path,
        [
            {
                "files": {
                    "app/payments/client.py": CLIENT,
                    "app/config.py": "from os import environ\nRETRIES = 3\n",
                    "lib/utils.py": "def helper():\n    return 1\n",
                    "tools/utils.py": "def other():\n    return 2\n",
                    "docs/guide.md": "uses PaymentClient and PaymentClient again\n",
                },
                "message": "feat: payment client",
                "date": "2026-02-20T10:00:00+00:00",
            },
            {
                "files": {"app/config.py": "from os import environ\nRETRIES = 5\n"},
                "message": "refactor: raise retries",
                "date": "2026-02-24T09:00:00+00:00",
                "tag": "v1.4.2",
            },
        ],
    )
    shas = {"feat": head(repo, "HEAD~1"), "cause": head(repo)}
    shas["fix"] = commit(
        repo, {"app/config.py": "RETRIES = 3\n"}, "fix: restore retries", "2026-02-26T04:00:00Z"
    )
    shas["rebased"] = commit(
        repo,
        {"notes.txt": "x\n"},
        "chore: rebased note",
        "2025-12-01T00:00:00Z",
        committer_date="2026-02-27T00:00:00Z",
    )
    git(repo, "checkout", "-q", "-b", "side", shas["feat"])
    shas["side"] = commit(repo, {"side.txt": "x\n"}, "wip: never merged", "2026-02-23T00:00:00Z")
    checkout(repo, "main")
    os.symlink("../../../etc/passwd", repo / "leak.py")
    shas["link"] = commit(repo, {}, "chore: add link", "2026-02-27T01:00:00Z")
    return repo, shas


def run(repo: Path, text: str, rev: str = "HEAD") -> tuple[Analysis, CheckRun]:
    analysis = read_analysis_text(text, "analysis.md")
    return analysis, check_analysis(analysis, open_repo(repo), rev)


def by_line(analysis: Analysis, result: CheckRun, kind: str) -> dict[int, ClaimCheck]:
    claims = {c.id: c for c in analysis.claims}
    return {
        claims[check.claim_id].line: check
        for check in result.checks
        if claims[check.claim_id].kind == kind
    }


HEADER = """\
# Five Whys: payment timeouts 2026-02-25

**Incident start**: 2026-02-25 03:00 UTC
**Incident end**: 2026-02-25 05:00 UTC
**Deployed revision**: `v1.4.2`

"""


def test_one_check_per_claim_in_claim_order(built: tuple[Path, dict[str, str]]) -> None:
    repo, _ = built
    analysis, result = run(repo, HEADER + "`client.py` and `nowhere.py`, $10K MRR\n")
    assert [c.claim_id for c in result.checks] == [c.id for c in analysis.claims]
    assert result.revision == head(repo)
    assert [c.status for c in result.checks] == ["verified", "contradicted", "unverifiable"]


def test_paths_resolve_by_suffix_and_report_ambiguity(built: tuple[Path, dict[str, str]]) -> None:
    repo, _ = built
    text = HEADER + "\n".join(
        [
            "- `payments/client.py` exists",  # 7
            "- `utils.py` exists",  # 8
            "- `C:\\GitHub\\shop\\app\\payments\\client.py` on the author's machine",  # 9
            "- `app/paymnts/client.py` is a typo",  # 10
            "- `../../etc/passwd.py` escapes",  # 11
        ]
    )
    analysis, result = run(repo, text)
    files = by_line(analysis, result, "file")
    assert files[7].status == "verified" and "app/payments/client.py" in files[7].detail
    # What was established, not "`x` is `x`": the suffix resolves to a path that exists.
    head_sha = result.revision[:12]
    assert files[7].detail == (
        f"`payments/client.py` resolves to `app/payments/client.py`, which exists at {head_sha}"
    )
    assert files[8].status == "verified" and "ambiguous" in files[8].detail
    assert "lib/utils.py" in files[8].detail and "tools/utils.py" in files[8].detail
    assert files[9].status == "verified" and "app/payments/client.py" in files[9].detail
    assert files[10].status == "contradicted"
    assert "app/payments/client.py" in (files[10].suggestion or "")
    assert files[11].status == "unverifiable" and "outside the repository" in files[11].detail


def test_suffix_matching_is_by_whole_components() -> None:
    files = ["app/myclient.py", "app/client.py"]
    by_name = {"myclient.py": ["app/myclient.py"], "client.py": ["app/client.py"]}
    assert resolve_path("client.py", files, by_name).matches == ["app/client.py"]


def test_symlink_out_of_the_tree_is_never_read(built: tuple[Path, dict[str, str]]) -> None:
    repo, _ = built
    analysis, result = run(repo, HEADER + "- `leak.py` line 1 holds `root`\n")
    [check] = result.checks
    assert check.status == "unverifiable"
    assert "symlink out of the repository" in check.detail


def test_lines_hold_the_symbol_or_say_where_it_is(built: tuple[Path, dict[str, str]]) -> None:
    repo, _ = built
    text = HEADER + "\n".join(
        [
            "- `client.py` line 10 defines `charge_with_retry`",  # 7
            "- `client.py` lines 1-4 define `charge_with_retry`",  # 8
            "- `client.py:300` has the loop",  # 9
            "- `client.py` lines 6-13 handle `WebhookSigner`",  # 10
            "- `client.py` lines 3, 8 use `PAYMENT_TIMEOUT_MS`",  # 11
            "- `client.py` lines 3, 9 use `PAYMENT_TIMEOUT_MS`",  # 12
            "- `client.py` line 11 calls `range(3)`",  # 13
        ]
    )
    analysis, result = run(repo, text)
    lines = by_line(analysis, result, "lines")
    assert lines[7].status == "verified"
    assert lines[8].status == "contradicted"
    assert "found at lines 10-13" in lines[8].detail
    assert lines[8].suggestion == "app/payments/client.py: lines 10-13 (defined at line 10)"
    assert lines[9].status == "contradicted" and "only 13 lines" in lines[9].detail
    assert lines[10].status == "contradicted" and "does not appear" in lines[10].detail
    assert lines[11].status == "verified"
    assert lines[12].status == "contradicted" and "not on line 9" in lines[12].detail
    assert lines[13].status == "verified"


def test_symbols_in_files(built: tuple[Path, dict[str, str]]) -> None:
    repo, _ = built
    text = HEADER + "\n".join(
        [
            "- `class PaymentClient` in `client.py` wraps the gateway",  # 7
            "- `PAYMENT_TIMEOUT_MS` is read in `config.py`",  # 8
            "- `RETRIES` is read in `config.py`",  # 9
        ]
    )
    analysis, result = run(repo, text)
    symbols = by_line(analysis, result, "symbol")
    assert symbols[7].status == "verified" and "line 6" in symbols[7].detail
    assert symbols[8].status == "contradicted"
    assert "app/payments/client.py" in (symbols[8].suggestion or "")
    assert symbols[9].status == "verified"


def test_commits_and_messages(built: tuple[Path, dict[str, str]]) -> None:
    repo, shas = built
    fix, cause = shas["fix"], shas["cause"]
    text = (
        HEADER
        + "\n".join(
            [
                f'- `{fix[:9]}`: "fix: restore retries"',  # 7
                f'- `{fix[:9]}`: "fix: something else entirely"',  # 8
                '- `abcdef123`: "refactor: raise retries"',  # 9
                "- commit `abcdef1234` fixed it",  # 10
                'The change "refactor: raise retries" is the cause.',  # 11
                'The change "fix: make retries configurable" fixed it.',  # 12
            ]
        )
    )
    analysis, result = run(repo, text)
    commits = by_line(analysis, result, "commit")
    assert commits[7].status == "verified" and fix[:10] in commits[7].detail
    assert commits[8].status == "contradicted"
    assert "fix: restore retries" in commits[8].detail
    assert commits[9].status == "contradicted"
    assert cause[:10] in (commits[9].suggestion or "")
    assert commits[10].status == "contradicted" and "no commit abcdef1234" in commits[10].detail
    messages = by_line(analysis, result, "message")
    assert messages[11].status == "verified" and cause[:10] in messages[11].detail
    assert messages[12].status == "contradicted"


def test_counts_exact_at_least_and_off(built: tuple[Path, dict[str, str]]) -> None:
    repo, _ = built
    text = HEADER + "\n".join(
        [
            "- Found 2 files containing `PaymentClient`",  # 7
            "- Found 1+ files using `PaymentClient`",  # 8
            "- Found 684 files containing `PaymentClient`",  # 9
            "- `PaymentClient`: 3 references in the code",  # 10
        ]
    )
    analysis, result = run(repo, text)
    counts = by_line(analysis, result, "count")
    assert counts[7].status == "verified" and "as claimed" in counts[7].detail
    assert counts[8].status == "verified" and "at least the 1 claimed" in counts[8].detail
    assert counts[9].status == "contradicted"
    assert counts[9].detail.startswith("2 files, not 684")
    assert "git grep -F 'PaymentClient'" in counts[9].detail  # how to re-count it
    assert counts[10].status == "verified"


def test_counts_at_a_past_revision_use_git_grep(built: tuple[Path, dict[str, str]]) -> None:
    repo, _ = built
    analysis, result = run(repo, HEADER + "- Found 1 files containing `RETRIES = 5`\n", "v1.4.2")
    [check] = result.checks
    assert check.status == "verified" and "git grep" in check.detail


def test_time_claims(built: tuple[Path, dict[str, str]]) -> None:
    repo, shas = built
    text = (
        HEADER
        + "\n".join(
            [
                f"- the cause `{shas['cause'][:9]}` landed before the incident",  # 7
                f"- fix `{shas['fix'][:9]}` landed before the incident",  # 8
                f"- fix `{shas['fix'][:9]}` is in the deployed revision",  # 9
                f"- `{shas['cause'][:9]}` was deployed in v1.4.2",  # 10
                f"- `{shas['cause'][:9]}` was introduced on 2026-02-24",  # 11
                f"- `{shas['fix'][:9]}` was merged on 2026-02-20",  # 12
                "- the errors were resolved by ~03:44 UTC",  # 13
                f"- the fix `{shas['fix'][:9]}` landed by ~04:10 UTC on 2026-02-26",  # 14
                f"- the fix `{shas['fix'][:9]}` landed by ~03:00 UTC on 2026-02-26",  # 15
                f"| 2026-02-26 04:02 | `{shas['fix'][:9]}` lands on main | git |",  # 16
                f"| 2026-02-26 09:30 | `{shas['fix'][:9]}` lands on main | git |",  # 17
            ]
        )
    )
    analysis, result = run(repo, text)
    times = by_line(analysis, result, "time")
    assert times[7].status == "verified"
    assert times[8].status == "contradicted" and "2026-02-26 04:00" in times[8].detail
    assert times[9].status == "contradicted" and "not in v1.4.2" in times[9].detail
    assert times[10].status == "verified"
    assert times[11].status == "verified"
    assert times[12].status == "contradicted"
    assert times[13].status == "unverifiable"
    assert times[14].status == "verified"
    assert times[15].status == "contradicted" and "04:00 UTC" in times[15].detail
    assert times[16].status == "verified"
    assert times[17].status == "contradicted"


def test_timeline_findings_name_their_claims(built: tuple[Path, dict[str, str]]) -> None:
    repo, shas = built
    text = (
        HEADER
        + "\n".join(
            [
                f"- the bug was introduced by `{shas['fix'][:9]}`",  # 7: a "cause" after the start
                f'- fixed by `{shas["feat"][:9]}` ("feat: payment client")',  # 8: older than cause
                f"- fix `{shas['fix'][:9]}` is in the deployed revision",  # 9
                f"- evidence: commit `{shas['rebased'][:9]}`",  # 10
                f"- the bug was introduced by `{shas['side'][:9]}`",  # 11
            ]
        )
    )
    analysis, result = run(repo, text)
    ids = {c.line: c.id for c in analysis.claims if c.kind == "commit"}
    named: dict[str, set[str]] = {}
    for finding in result.findings:
        named.setdefault(finding.rule, set()).update(finding.claim_ids)
    assert ids[7] in named["cause-after-incident"]
    assert {ids[7], ids[8]} <= named["fix-before-cause"]
    assert named["unreachable-from-deployed"] == {ids[11]}  # later commits descend from it
    assert ids[10] in named["dates-diverge"]
    [unreachable] = [f for f in result.findings if f.rule == "unreachable-from-deployed"]
    assert unreachable.message.endswith("it is on side")  # the branch that holds it


def test_ancestry_comes_from_one_history_walk(
    built: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, shas = built
    text = HEADER + "\n".join(
        [
            f"- the bug was introduced by `{shas['side'][:9]}`",
            f"- fix `{shas['fix'][:9]}` is in the deployed revision",
            f"- commit `{shas['feat'][:9]}` is in v1.4.2",
            '- Commit message "wip: never merged"',
        ]
    )
    analysis = read_analysis_text(text, "a.md")
    calls: list[list[str]] = []
    original = GitRepo._run

    def spy(self: GitRepo, args: list[str], **kwargs: object) -> object:
        calls.append(list(args))
        return original(self, args, **kwargs)  # type: ignore[arg-type]

    # Spy only (the real git still runs): no merge-base or --contains per commit and ref.
    monkeypatch.setattr(GitRepo, "_run", spy)
    result = check_analysis(analysis, open_repo(repo))
    asked = [c[0] for c in calls]
    assert "merge-base" not in asked
    assert not [c for c in calls if any(a.startswith("--contains") for a in c)]
    statuses = {c.claim_id: c.status for c in result.checks}
    kinds = {c.id: c.kind for c in analysis.claims}
    in_revision = [statuses[i] for i, k in kinds.items() if k == "time"]
    assert in_revision == ["contradicted", "verified"]  # fix after v1.4.2; feat before it
    # The subject exists only on the unmerged branch: not reachable from HEAD.
    [message] = [statuses[i] for i, k in kinds.items() if k == "message"]
    assert message == "contradicted"
    [finding] = [f for f in result.findings if f.rule == "unreachable-from-deployed"]
    assert finding.message.endswith("it is on side")


def test_fix_not_in_the_revision_said_to_carry_it(built: tuple[Path, dict[str, str]]) -> None:
    repo, shas = built
    analysis, result = run(repo, HEADER + f"- the fix `{shas['fix'][:9]}` shipped in v1.4.2\n")
    [finding] = [f for f in result.findings if f.rule == "fix-not-in-revision"]
    assert finding.claim_ids == [c.id for c in analysis.claims]


def test_outside_window(built: tuple[Path, dict[str, str]]) -> None:
    repo, shas = built
    text = HEADER.replace("2026-02-25 03:00", "2024-01-01 00:00").replace(
        "2026-02-25 05:00", "2024-01-01 02:00"
    )
    analysis, result = run(repo, text + f"- commit `{shas['feat'][:9]}` shows it\n")
    assert [f.rule for f in result.findings] == ["outside-window"]


def test_shallow_clone_says_beyond_history(
    built: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    repo, shas = built
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    analysis, result = run(clone, HEADER + f"- commit `{shas['feat'][:9]}` added the client\n")
    [check] = result.checks
    assert check.status == "unverifiable"
    assert "beyond the clone's history" in check.detail


def test_one_git_batch_for_many_shas(
    built: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, shas = built
    lines = [f"- commit `{sha[:9]}`" for sha in shas.values()]
    analysis = read_analysis_text(HEADER + "\n".join(lines), "a.md")
    opened = open_repo(repo)
    calls: list[list[str]] = []
    original = GitRepo._run

    def spy(self: GitRepo, args: list[str], **kwargs: object) -> object:
        calls.append(list(args))
        return original(self, args, **kwargs)  # type: ignore[arg-type]

    # Spy only (the real git still runs): counts processes per kind of query.
    monkeypatch.setattr(GitRepo, "_run", spy)
    result = check_analysis(analysis, opened)
    assert all(c.status == "verified" for c in result.checks)
    batch_checks = [c for c in calls if c[0] == "cat-file" and c[1].startswith("--batch-check")]
    assert len(batch_checks) == 1


def test_evidence_reruns_to_the_same_digest(built: tuple[Path, dict[str, str]]) -> None:
    from whys.core.evidence import rerun

    repo, shas = built
    text = HEADER + "\n".join(
        [
            "- `client.py` line 10 defines `charge_with_retry`",
            "- `client.py:300` has the loop",
            "- `class PaymentClient` in `client.py` wraps the gateway",
            f'- `{shas["fix"][:9]}`: "fix: restore retries"',
            '- `abcdef123`: "refactor: raise retries"',
            'The change "refactor: raise retries" is the cause.',
            "- Found 684 files containing `PaymentClient`",
            f"- `{shas['cause'][:9]}` was deployed in v1.4.2",
            f"- the cause `{shas['cause'][:9]}` landed before the incident",
        ]
    )
    analysis, result = run(repo, text)
    opened = open_repo(repo)
    pinned = [e for check in result.checks for e in check.evidence]
    kinds = {
        c.kind
        for c in analysis.claims
        if any(ch.claim_id == c.id and ch.evidence for ch in result.checks)
    }
    assert kinds == {"lines", "symbol", "commit", "message", "count", "time"}
    for evidence in pinned:
        assert evidence.revision == result.revision
        again = rerun(evidence, opened)
        assert again.content_sha256 == evidence.content_sha256, evidence.query


def test_hostile_values_stay_data(built: tuple[Path, dict[str, str]]) -> None:
    repo, _ = built
    text = HEADER + "\n".join(
        [
            "- Found 0 files containing `--pre=sh`",  # 7
            "- `-rf.py` line 1 holds `x`",  # 8
            "- Found 2 files containing `a(b`",  # 9: not a regex, so no syntax error
        ]
    )
    analysis, result = run(repo, text)
    counts = by_line(analysis, result, "count")
    assert counts[7].status == "verified"
    assert counts[9].status == "contradicted" and counts[9].detail.startswith("0 files")
    assert by_line(analysis, result, "lines")[8].status == "contradicted"


def test_cancel_marks_the_rest_unverifiable(built: tuple[Path, dict[str, str]]) -> None:
    import threading

    repo, _ = built
    analysis = read_analysis_text(HEADER + "- `client.py` exists\n- `config.py` exists\n", "a.md")
    cancel = threading.Event()
    cancel.set()
    result = check_analysis(analysis, open_repo(repo), cancel=cancel)
    assert [c.status for c in result.checks] == ["unverifiable", "unverifiable"]
    assert all("cancelled" in c.detail for c in result.checks)


def test_never_merged_is_verified_when_the_revision_lacks_the_commit(
    built: tuple[Path, dict[str, str]],
) -> None:
    repo, shas = built
    text = (
        HEADER
        + "\n".join(
            [
                '- "wip: never merged" was never merged',  # 7: only on the side branch
                '- "refactor: raise retries" is not on main',  # 8: it is
                f"- Commit `{shas['side'][:9]}` never landed on main",  # 9
                f"- Commit `{shas['fix'][:9]}` was never merged",  # 10: it was
                "- `fix: restore retries` never shipped",  # 11: it did
                '- "chore: nothing like this" was never merged',  # 12: no such commit anywhere
            ]
        )
    )
    analysis, result = run(repo, text)
    messages = by_line(analysis, result, "message")
    commits = by_line(analysis, result, "commit")
    assert messages[7].status == "verified"
    assert "not reachable" in messages[7].detail and "side" in messages[7].detail
    assert messages[8].status == "contradicted" and "reachable from main" in messages[8].detail
    assert commits[9].status == "verified" and "it is on side" in commits[9].detail
    assert commits[10].status == "contradicted" and "it was merged" in commits[10].detail
    assert messages[11].status == "contradicted"
    assert messages[12].status == "verified" and "no branch or tag" in messages[12].detail
    # The analysis itself says the side commit is off the deployed line: no finding repeats it.
    assert "unreachable-from-deployed" not in {f.rule for f in result.findings}


def test_a_time_claim_is_checked_against_the_commit_cited_near_it(
    built: tuple[Path, dict[str, str]],
) -> None:
    repo, shas = built
    header = "# Five Whys: retries\n\n**Incident start**: 2026-02-26 03:00 UTC\n\n"
    text = (
        header
        + "\n".join(
            [
                "## Why 1: Why did retries stop?",  # 5
                "",
                f'- Fix commit `{shas["fix"][:9]}` ("fix: restore retries") restored them',  # 7
                "- the errors were resolved by ~04:05 UTC",  # 8: it landed 04:00
                "- the errors were fixed by 03:30 UTC",  # 9: it had not landed yet
                "",
                "## Why 2: Why so late?",  # 11
                "",
                f"- Fix `{shas['fix'][:9]}` and fix `{shas['cause'][:9]}` both touched it",  # 13
                "- the errors were resolved by ~04:05 UTC",  # 14: which of the two?
            ]
        )
    )
    analysis, result = run(repo, text)
    times = by_line(analysis, result, "time")
    assert times[8].status == "verified"
    assert f"checked against commit {shas['fix'][:9]}" in times[8].detail
    assert times[9].status == "contradicted"
    assert times[14].status == "unverifiable" and "names no commit" in times[14].detail


def test_paths_outside_the_repository_are_listed_never_read(
    built: tuple[Path, dict[str, str]],
) -> None:
    repo, _ = built
    text = HEADER + "\n".join(
        [
            "- `../../etc/passwd` was edited",  # 7
            "- `/etc/shop/config.py` was edited on the box",  # 8: only a common name matches
            "- `/srv/www/guide.md` is the published guide",  # 9: a unique, distinctive name
        ]
    )
    analysis, result = run(repo, text)
    files = by_line(analysis, result, "file")
    assert files[7].status == "unverifiable"
    assert "outside the repository: never read" in files[7].detail
    assert files[8].status == "unverifiable" and "never read" in files[8].detail
    assert files[9].status == "verified" and "matched by suffix" in files[9].detail


def test_a_line_range_that_names_nothing_is_not_passed(
    built: tuple[Path, dict[str, str]],
) -> None:
    repo, _ = built
    text = HEADER + "\n".join(
        [
            "- `app/payments/client.py` lines 1-3 set things up",  # 7
            "- `app/payments/client.py` lines 1-3 read:",  # 8
            "",
            "```python",
            "PAYMENT_TIMEOUT_MS = 3000",
            "```",
        ]
    )
    analysis, result = run(repo, text)
    lines = by_line(analysis, result, "lines")
    assert lines[7].status == "unverifiable"
    assert lines[7].detail.startswith("the claim names nothing to look for in lines 1-3")
    assert lines[8].status == "verified" and "PAYMENT_TIMEOUT_MS = 3000" in lines[8].detail
