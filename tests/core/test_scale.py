"""Scale, the fast part (runs in CI): a generated history of thousands of commits and files,
built in a second with `git fast-import`, checked end to end by `whys check`.

The long part (200,000+ commits, timings and peak memory) is the benchmark:
`.venv/bin/python -m tests.bench.run` (see tests/bench/README.md).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from gitbuild import git, git_env, init_repo

from whys.cli import main
from whys.core.reader import read_analysis

COMMITS = 3_000
FILES = 2_500
START = 1_704_067_200  # 2024-01-01 00:00 UTC; commit i lands i hours later
HOUR = 3_600
CAUSE = 2_500  # 2024-04-14 04:00 UTC
FIX = 2_900  # 2024-04-30 20:00 UTC
# Every file a multiple of this uses WebSocketManager: FILES / 25 = 100 files.
USES_EVERY = 25
AUTHOR = "Ada Auditor <ada@example.com>"


def _path(index: int) -> str:
    # Folders of 50: a commit rewrites two small trees, not one of 2,500 entries.
    return f"pkg/m{index // 50:02d}/module_{index:04d}.py"


def _module(index: int, revision: int = 0) -> str:
    lines = [f"def handle_{index:04d}(payload: dict) -> dict:", "    return payload"]
    if index % USES_EVERY == 0:
        lines.append(f"manager_{index:04d} = WebSocketManager()")
    lines += [f"REVISION_{index:04d} = {revision}"]
    return "\n".join(lines) + "\n"


def _client(retry: bool) -> str:
    body = [
        "import time",
        "",
        "",
        "class PaymentClient:",
        "    def charge(self, order_id: str) -> dict:",
        "        return {'order': order_id}",
        "",
        "",
        "def charge_with_retry(client: PaymentClient, order_id: str) -> dict:",
    ]
    body += (
        ["    for _ in range(3):", "        return client.charge(order_id)"]
        if retry
        else ["    return client.charge(order_id)"]
    )
    return "\n".join(body) + "\n"


def _subject(number: int) -> str:
    if number == CAUSE:
        return "payments: drop the retry on provider timeouts"
    if number == FIX:
        return "fix: restore the retry on provider timeouts"
    return f"module {number % FILES:04d}: bump revision {number}"


def _build(dest: Path) -> Path:
    """COMMITS commits over FILES + 1 files, in one fast-import stream; commit 1 adds every
    file, each later one rewrites one module (and the cause and the fix the client)."""
    repo = init_repo(dest)
    stream: list[str] = []

    def data(text: str) -> None:
        raw = text.encode()
        stream.append(f"data {len(raw)}")
        stream.append(text)

    for number in range(1, COMMITS + 1):
        when = START + number * HOUR
        stream += [
            "commit refs/heads/main",
            f"mark :{number}",
            f"author {AUTHOR} {when} +0000",
            f"committer {AUTHOR} {when} +0000",
        ]
        data(_subject(number))
        if number == 1:
            for index in range(FILES):
                stream.append(f"M 100644 inline {_path(index)}")
                data(_module(index))
            stream.append("M 100644 inline app/client.py")
            data(_client(retry=True))
        elif number in (CAUSE, FIX):
            stream.append("M 100644 inline app/client.py")
            data(_client(retry=number == FIX))
        else:
            index = number % FILES
            stream.append(f"M 100644 inline {_path(index)}")
            data(_module(index, number))
        stream.append("")
    marks = dest.parent / "marks"
    subprocess.run(
        ["git", "fast-import", "--quiet", "--done", f"--export-marks={marks}"],
        input=("\n".join(stream) + "\ndone\n").encode(),
        cwd=repo,
        env=git_env(),
        check=True,
        capture_output=True,
    )
    git(repo, "reset", "-q", "--hard", "main")
    return repo


@pytest.fixture(scope="module")
def big_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, str]]:
    dest = tmp_path_factory.mktemp("scale") / "repo"
    repo = _build(dest)
    marks = (dest.parent / "marks").read_text().split("\n")
    shas = {int(mark[1:]): sha for mark, sha in (line.split() for line in marks if line)}
    return repo, shas


def _analysis(shas: dict[int, str]) -> str:
    cause, fix, other = shas[CAUSE], shas[FIX], shas[1200]
    return f"""\
# Five Whys: double charges after the retry change

**Incident start**: 2024-04-20 10:00 UTC
**Incident end**: 2024-04-20 16:00 UTC

### Why #1: Why were orders charged once and then failed?

**Answer**: the client stopped retrying on provider timeouts.

**Evidence**:
- `app/client.py` exists
- `client.py` line 9 defines `charge_with_retry`
- `client.py` line 4 defines `PaymentClient`
- `client.py` line 20 defines `charge_with_retry`
- `class PaymentClient` is in `app/client.py`
- `app/retry.py` exists
- `module_0042.py` exists
- `pkg/m00/module_0007.py` line 1 defines `handle_0007`
- `pkg/m00/module_0007.py` line 2 defines `handle_0007`

### Why #2: Why did the retry go?

**Answer**: a refactor dropped it.

**Evidence**:
- Commit `{cause[:10]}` ("payments: drop the retry on provider timeouts") introduced the bug.
- Commit `{other[:9]}` ("payments: drop the retry on provider timeouts") made the change.
- Commit `deadbeef42` ("payments: add jitter") fixed an earlier bug.
- Commit `{fix[:12]}` ("fix: restore the retry on provider timeouts") fixed it.
- The change was merged as "payments: drop the retry on provider timeouts" in git log.
- The git log has "payments: remove every retry" as its subject.
- Commit `{cause[:10]}` landed before the incident.
- Commit `{fix[:12]}` landed after the incident.
- Commit `{cause[:10]}` landed on 2024-04-14.
- Commit `{cause[:10]}` landed on 2024-03-01.

### Why #3: Why did nobody see it in review?

**Answer**: the manager is used everywhere.

**Evidence**:
- Found 100 files containing `WebSocketManager`.
- Found 400 files containing `WebSocketManager`.
- 2500+ files use `def handle_`.
- `WebSocketManager` is used in `pkg/m00/module_0025.py`.
- `WebSocketManager` is used in `pkg/m00/module_0026.py`.
- `module_0013.py` line 4 sets `REVISION_0013`.
- `handle_2499` is defined in `pkg/m49/module_2499.py`.
- `handle_2499` is defined in `pkg/m49/module_2498.py`.
- Found 5 files containing `REVISION_1999 = 1999`.
- Revenue loss was $12,000 according to the finance dashboard.
- Commit `{other[:9]}` landed on 2024-02-20.
"""


def test_check_of_a_30_claim_analysis_on_thousands_of_commits_and_files(
    big_repo: tuple[Path, dict[int, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, shas = big_repo
    assert int(git(repo, "rev-list", "--count", "HEAD")) == COMMITS
    assert len(git(repo, "ls-files").split()) == FILES + 1
    analysis = tmp_path / "analysis.md"
    analysis.write_text(_analysis(shas), encoding="utf-8")
    claims = read_analysis(analysis).claims
    assert len(claims) >= 30

    code = main(["check", str(analysis), "--repo", str(repo), "--format", "json"])
    out = capsys.readouterr()
    assert code == 1  # there are contradictions to report
    assert "Traceback" not in out.err
    report = json.loads(out.out)
    assert report["revision"] == shas[COMMITS]
    by_text: dict[str, list[tuple[str, str]]] = {}
    for claim in report["claims"]:
        by_text.setdefault(claim["text"], []).append((claim["kind"], claim["status"]))

    def status(text: str, kind: str) -> str:
        found = [s for k, s in by_text[text] if k == kind]
        assert found, f"no {kind} claim in {text!r}: {by_text[text]}"
        return found[0]

    cause, fix, other = shas[CAUSE], shas[FIX], shas[1200]
    expected = {
        ("`app/client.py` exists", "file"): "verified",
        ("`app/retry.py` exists", "file"): "contradicted",
        ("`module_0042.py` exists", "file"): "verified",  # a unique suffix among 2,500
        ("`client.py` line 9 defines `charge_with_retry`", "lines"): "verified",
        ("`client.py` line 4 defines `PaymentClient`", "lines"): "verified",
        ("`client.py` line 20 defines `charge_with_retry`", "lines"): "contradicted",
        ("`pkg/m00/module_0007.py` line 1 defines `handle_0007`", "lines"): "verified",
        ("`pkg/m00/module_0007.py` line 2 defines `handle_0007`", "lines"): "contradicted",
        # module 13 uses no manager: REVISION_0013 is its line 3, and the check says so.
        ("`module_0013.py` line 4 sets `REVISION_0013`.", "lines"): "contradicted",
        ("2500+ files use `def handle_`.", "count"): "verified",
        (f'Commit `{cause[:10]}` ("payments: drop the retry on provider timeouts") '
         "introduced the bug.", "commit"): "verified",
        (f'Commit `{other[:9]}` ("payments: drop the retry on provider timeouts") '
         "made the change.", "commit"): "contradicted",
        ('Commit `deadbeef42` ("payments: add jitter") fixed an earlier bug.', "commit"):
            "contradicted",
        (f'Commit `{fix[:12]}` ("fix: restore the retry on provider timeouts") fixed it.',
         "commit"): "verified",
        ('The change was merged as "payments: drop the retry on provider timeouts" in git '
         "log.", "message"): "verified",
        ('The git log has "payments: remove every retry" as its subject.', "message"):
            "contradicted",
        (f"Commit `{cause[:10]}` landed before the incident.", "time"): "verified",
        (f"Commit `{fix[:12]}` landed after the incident.", "time"): "verified",
        (f"Commit `{cause[:10]}` landed on 2024-04-14.", "time"): "verified",
        (f"Commit `{cause[:10]}` landed on 2024-03-01.", "time"): "contradicted",
        (f"Commit `{other[:9]}` landed on 2024-02-20.", "time"): "verified",
        ("Found 100 files containing `WebSocketManager`.", "count"): "verified",
        ("Found 400 files containing `WebSocketManager`.", "count"): "contradicted",
        ("Found 5 files containing `REVISION_1999 = 1999`.", "count"): "contradicted",
        ("`WebSocketManager` is used in `pkg/m00/module_0025.py`.", "symbol"): "verified",
        ("`WebSocketManager` is used in `pkg/m00/module_0026.py`.", "symbol"): "contradicted",
        ("`handle_2499` is defined in `pkg/m49/module_2499.py`.", "symbol"): "verified",
        ("`handle_2499` is defined in `pkg/m49/module_2498.py`.", "symbol"): "contradicted",
        ("Revenue loss was $12,000 according to the finance dashboard.", "external"):
            "unverifiable",
    }  # fmt: skip
    actual = {key: status(*key) for key in expected}
    assert actual == expected
    # The 400-file count says the real number; the wrong message names the right commit.
    details = {c["text"]: c for c in report["claims"]}
    assert "100" in details["Found 400 files containing `WebSocketManager`."]["detail"]
    wrong_sha = details[
        f'Commit `{other[:9]}` ("payments: drop the retry on provider timeouts") made the change.'
    ]
    assert cause[:10] in (wrong_sha.get("suggestion") or "") + wrong_sha["detail"]
