"""Deterministic benchmark inputs: a large git history, a matching analysis, a million hits.

`generate_repo` feeds `git fast-import` from Python, so 200,000 commits over 10,000 files
take seconds rather than the hours `git commit` in a loop would. Trees stay shallow
(`pkgNNN/modNNNNN.py`, 100 files a folder); each commit touches one to three small files.
Authors, dates and contents come from a seeded generator, so the same parameters give the
same SHAs on every machine.

On top of the noise runs a small payments incident (a timeout lowered, a fix, tags, a
rebased commit, an unmerged hotfix branch) that `write_analysis` turns into a 30+ claim
Five Whys analysis: real paths and line numbers, real SHAs with their subjects, real grep
counts, dates, plus the usual mistakes (a SHA that does not exist, an inflated count).

`generate_million_hits` writes a repository whose working tree holds a pattern exactly
N times (one per line), for the "memory stays flat with a million hits" measurement.

Command line (prints the metadata as JSON):
    .venv/bin/python -m tests.bench.generate --commits 200000 --files 10000 --seed 7 DEST
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Bump when the generated history changes, so cached repositories are rebuilt.
GENERATOR_VERSION = 4

START = datetime(2023, 1, 2, 8, 0, tzinfo=UTC)
SPAN = timedelta(days=3 * 365)
FILES_PER_DIR = 100
SEARCH_PATTERN = "WebSocketManager"  # in every 16th module, twice (import and annotation)
MILLION_PATTERN = "needle"

AUTHORS: tuple[tuple[str, str], ...] = (
    ("Ada Byron", "ada@example.com"),
    ("Brian Kernighan", "bwk@example.com"),
    ("Carla Diaz", "carla@example.com"),
    ("Dmitri Volkov", "dmitri@example.com"),
    ("Eun-ji Park", "eunji@example.com"),
    ("Farid Haddad", "farid@example.com"),
    ("Grace Hopper", "grace@example.com"),
    ("Hiro Tanaka", "hiro@example.com"),
    ("Ines Moreau", "ines@example.com"),
    ("Jonas Berg", "jonas@example.com"),
)
RELEASE_MANAGER = AUTHORS[6]

VERBS = ("fix", "feat", "refactor", "perf", "docs", "test", "chore")
TOPICS = (
    "handle empty payload",
    "tighten input validation",
    "log request ids",
    "avoid double serialisation",
    "rename helper for clarity",
    "cache module lookups",
    "drop unused import",
    "retry flaky socket send",
    "clarify error message",
    "speed up batch path",
)

# The incident the generated analysis is about. Paths are fixed; their commits are placed
# at fixed fractions of the history so every size of repository tells the same story.
CLIENT_PATH = "services/payments/client.py"
CONFIG_PATH = "services/payments/config.py"
RETRY_PATH = "services/payments/retry.py"
STORY_PATHS = (CLIENT_PATH, CONFIG_PATH, RETRY_PATH)


@dataclass
class StoryCommit:
    key: str
    subject: str
    fraction: float
    changes: dict[str, str]
    body: str = ""
    author_days_earlier: int = 0  # rebased: authored long before it was committed


@dataclass
class RepoMeta:
    """What the generator knows about the repository it wrote (saved as meta.json)."""

    generator_version: int
    commits: int
    files: int
    seed: int
    repo: str
    head: str
    seconds: float
    search_pattern: str
    search_files: int
    search_matches: int
    month_since: str
    month_until: str
    month_commits: int
    pickaxe: str
    story: dict[str, str] = field(default_factory=dict)  # key -> full SHA
    subjects: dict[str, str] = field(default_factory=dict)  # key -> subject
    dates: dict[str, str] = field(default_factory=dict)  # key -> committer date (ISO)
    tags: dict[str, str] = field(default_factory=dict)  # tag -> commit SHA
    diverged: list[str] = field(default_factory=list)  # author/committer dates far apart
    incident_start: str = ""
    incident_end: str = ""
    analysis: str = ""
    analysis_claims: int = 0


def module_path(index: int) -> str:
    return f"pkg{index // FILES_PER_DIR:03d}/mod{index:05d}.py"


def uses_search_pattern(index: int) -> bool:
    return index % 16 == 3


def module_text(index: int, revision: int) -> str:
    """The file's content after `revision` edits. Small, so the stream stays small."""
    number = f"{index:05d}"
    lines = [
        f'"""Module {number} of the generated benchmark history."""',
        "",
        "from __future__ import annotations",
        "",
    ]
    if uses_search_pattern(index):
        lines += [f"from app.websocket import {SEARCH_PATTERN}", ""]
    lines += [
        f"REVISION = {revision}",
        "",
        "",
        f"def handle_{number}(payload: dict) -> dict:",
        f'    """Handle one request routed to module {number}."""',
        "    result = dict(payload)",
        f'    result["module"] = "{number}"',
        '    result["revision"] = REVISION',
        "    return result",
    ]
    if uses_search_pattern(index):
        lines += [
            "",
            "",
            f"def connect_{number}(manager: {SEARCH_PATTERN}) -> None:",
            f'    manager.register("mod{number}")',
        ]
    return "\n".join(lines) + "\n"


def _config_text(timeout_ms: int) -> str:
    return (
        '"""Payment gateway settings."""\n'
        "\n"
        "GATEWAY_URL = 'https://payments.internal/charge'\n"
        f"PAYMENT_TIMEOUT_MS = {timeout_ms}\n"
        "MAX_RETRIES = 3\n"
    )


def _client_text(retry_on_timeout: bool) -> str:
    lines = [
        '"""Payment client: charges a card through the gateway."""',
        "",
        "from __future__ import annotations",
        "",
        "from services.payments.config import GATEWAY_URL, MAX_RETRIES, PAYMENT_TIMEOUT_MS",
        "from services.payments.retry import backoff_delays",
        "",
        "",
        "class PaymentClient:",
        '    """Talks to the payment gateway."""',
        "",
        "    def __init__(self, transport) -> None:",
        "        self.transport = transport",
        "",
        "    def charge(self, order_id: str, cents: int) -> dict:",
        "        return self.transport.post(",
        "            GATEWAY_URL,",
        "            {'order': order_id, 'cents': cents},",
        "            timeout_ms=PAYMENT_TIMEOUT_MS,",
        "        )",
        "",
        "",
        "def charge_with_retry(client: PaymentClient, order_id: str, cents: int) -> dict:",
        '    """Charge once, retrying on gateway errors with backoff."""',
        "    last_error = None",
        "    for delay in backoff_delays(MAX_RETRIES):",
        "        try:",
        "            return client.charge(order_id, cents)",
    ]
    if retry_on_timeout:
        lines += [
            "        except (GatewayError, TimeoutError) as error:",
            "            last_error = error",
        ]
    else:
        lines += [
            "        except GatewayError as error:",
            "            last_error = error",
        ]
    lines += [
        "        sleep_ms(delay)",
        "    raise last_error",
        "",
        "",
        "class GatewayError(Exception):",
        '    """The gateway answered with an error."""',
        "",
        "",
        "def sleep_ms(delay: int) -> None:",
        "    import time",
        "",
        "    time.sleep(delay / 1000)",
    ]
    return "\n".join(lines) + "\n"


def _retry_text(jitter: bool) -> str:
    lines = [
        '"""Backoff schedule for gateway retries."""',
        "",
        "",
        "def backoff_delays(retries: int) -> list[int]:",
        "    delays = [100 * 2**attempt for attempt in range(retries)]",
    ]
    if jitter:
        lines.append("    delays = [delay + delay // 10 for delay in delays]")
    lines.append("    return delays")
    return "\n".join(lines) + "\n"


def story_commits() -> list[StoryCommit]:
    return [
        StoryCommit(
            "client",
            "feat(payments): add charge_with_retry client",
            0.30,
            {
                CLIENT_PATH: _client_text(retry_on_timeout=False),
                CONFIG_PATH: _config_text(2500),
                RETRY_PATH: _retry_text(jitter=False),
            },
            body="Charges go through PaymentClient; gateway errors are retried with backoff.",
        ),
        StoryCommit(
            "rebased",
            "chore(payments): add jitter to retry backoff",
            0.70,
            {RETRY_PATH: _retry_text(jitter=True)},
            body="Rebased onto main after the long-lived branch was reviewed.",
            author_days_earlier=62,
        ),
        StoryCommit(
            "cause",
            "perf(payments): lower PAYMENT_TIMEOUT_MS to 250 for faster failover",
            0.88,
            {CONFIG_PATH: _config_text(250)},
            body="Fail over to the secondary gateway sooner.",
        ),
        StoryCommit(
            "fix",
            "fix(payments): restore PAYMENT_TIMEOUT_MS to 2500 and retry on timeout",
            0.90,
            {CONFIG_PATH: _config_text(2500), CLIENT_PATH: _client_text(retry_on_timeout=True)},
            body="Timeouts are now retried like gateway errors.",
        ),
    ]


# tag -> fraction of the history it points at ("v3.0" is the deployed revision).
TAG_FRACTIONS = {"v1.0": 0.25, "v2.0": 0.50, "v2.5": 0.75, "v3.0": 0.89, "v3.1": 0.905}
HOTFIX_BRANCH = "hotfix/legacy-retries"
HOTFIX_SUBJECTS = (
    "hotfix(payments): cap retries at 2 on the legacy gateway",
    "hotfix(payments): log gateway timeouts",
)


def _identity(name_email: tuple[str, str], when: datetime) -> str:
    return f"{name_email[0]} <{name_email[1]}> {int(when.timestamp())} +0000"


def _data(text: str) -> str:
    return f"data {len(text.encode())}\n{text}"


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_TERMINAL_PROMPT="0",
        LC_ALL="C",
        TZ="UTC",
    )
    return env


def git(repo: Path, *args: str, input_bytes: bytes | None = None) -> str:
    completed = subprocess.run(
        ["git", "-C", str(repo), "-c", "core.hooksPath=/dev/null", *args],
        input=input_bytes,
        capture_output=True,
        env=_git_env(),
        check=True,
    )
    return completed.stdout.decode()


class _Stream:
    """Buffers fast-import commands and hands them to git in large writes."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.parts: list[str] = []
        self.size = 0

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size > 1 << 20:
            self.flush()

    def flush(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("".join(self.parts).encode())
        self.parts.clear()
        self.size = 0


def _start_fast_import(repo: Path, marks: Path) -> subprocess.Popen[bytes]:
    repo.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], env=_git_env(), check=True)
    return subprocess.Popen(
        [
            "git",
            "-C",
            str(repo),
            "fast-import",
            "--quiet",
            "--date-format=raw",
            f"--export-marks={marks}",
        ],
        stdin=subprocess.PIPE,
        env=_git_env(),
    )


def _finish_fast_import(process: subprocess.Popen[bytes], stream: _Stream) -> None:
    stream.add("done\n")
    stream.flush()
    assert process.stdin is not None
    process.stdin.close()
    if process.wait() != 0:
        raise RuntimeError(f"git fast-import failed with exit code {process.returncode}")


def _read_marks(marks: Path) -> dict[int, str]:
    by_mark: dict[int, str] = {}
    for line in marks.read_text().splitlines():
        mark, sha = line.split()
        by_mark[int(mark[1:])] = sha
    return by_mark


def _commit_times(commits: int, rng: random.Random) -> list[datetime]:
    """Strictly increasing commit times over SPAN, with a working-hours feel."""
    step = SPAN.total_seconds() / commits
    times: list[datetime] = []
    previous = START
    for position in range(commits):
        when = START + timedelta(seconds=int(position * step + rng.random() * step * 0.8))
        if when <= previous:
            when = previous + timedelta(seconds=1)
        times.append(when)
        previous = when
    return times


def _cached_meta(meta_path: Path) -> RepoMeta | None:
    try:
        return RepoMeta(**json.loads(meta_path.read_text()))
    except (OSError, ValueError, TypeError):  # missing, or written by another version
        return None


def generate_repo(dest: Path, commits: int, files: int, seed: int) -> RepoMeta:
    """Write a repository of `commits` commits over `files` modules (+ 3 story files) at
    `dest/repo`, its metadata at `dest/meta.json`, and return the metadata.

    Reuses `dest` when it already holds this exact generation."""
    if commits < 50 or files < 20:
        raise ValueError("need at least 50 commits and 20 files to place the story")
    dest = dest.resolve()
    meta_path = dest / "meta.json"
    cached = _cached_meta(meta_path)
    if cached is not None and (
        cached.generator_version == GENERATOR_VERSION
        and (cached.commits, cached.files, cached.seed) == (commits, files, seed)
        and (dest / "repo" / ".git").is_dir()
    ):
        return cached
    if dest.exists():
        subprocess.run(["rm", "-rf", str(dest)], check=True)
    began = time.perf_counter()
    repo = dest / "repo"
    marks = dest / "marks.txt"
    rng = random.Random(seed)
    times = _commit_times(commits, rng)
    stories = {round(story.fraction * (commits - 1)): story for story in story_commits()}
    tag_positions = {
        tag: round(fraction * (commits - 1)) for tag, fraction in TAG_FRACTIONS.items()
    }
    hot_files = [rng.randrange(files) for _ in range(50)]
    revisions = [0] * files

    process = _start_fast_import(repo, marks)
    stream = _Stream(process)
    diverged_positions: list[int] = []
    for position in range(commits):
        mark = position + 1
        when = times[position]
        author = AUTHORS[rng.randrange(len(AUTHORS))]
        author_when = when
        if position == 0:
            subject = "Initial import of the service modules"
            changes = {module_path(index): module_text(index, 0) for index in range(files)}
            body = ""
        elif position in stories:
            story = stories[position]
            subject, changes, body = story.subject, story.changes, story.body
            author = AUTHORS[2]
            if story.author_days_earlier:
                author_when = when - timedelta(days=story.author_days_earlier)
                diverged_positions.append(position)
        else:
            touched = 1 + (rng.random() < 0.3) + (rng.random() < 0.1)
            changes = {}
            for _ in range(touched):
                index = hot_files[rng.randrange(50)] if rng.random() < 0.2 else rng.randrange(files)
                revisions[index] += 1
                changes[module_path(index)] = module_text(index, revisions[index])
            first = next(iter(changes))
            subject = (
                f"{VERBS[rng.randrange(len(VERBS))]}({first.split('/')[0]}): "
                f"{TOPICS[rng.randrange(len(TOPICS))]} in {first.split('/')[1][:-3]}"
            )
            body = ""
            if rng.random() < 0.0004:  # a cherry-pick now and then: dates far apart
                author_when = when - timedelta(days=30 + rng.randrange(60))
                diverged_positions.append(position)
        message = subject + ("\n\n" + body if body else "") + "\n"
        parts = [
            f"commit refs/heads/main\nmark :{mark}\n",
            f"author {_identity(author, author_when)}\n",
            f"committer {_identity(author, when)}\n",
            _data(message),
            "\n",
        ]
        for path, text in changes.items():
            parts.append(f"M 100644 inline {path}\n")
            parts.append(_data(text))
            parts.append("\n")
        parts.append("\n")
        stream.add("".join(parts))

    # An unmerged hotfix branch off v2.0: its commits are reachable from no release tag.
    hotfix_base = tag_positions["v2.0"] + 1
    for offset, subject in enumerate(HOTFIX_SUBJECTS):
        mark = commits + 1 + offset
        when = times[hotfix_base] + timedelta(hours=2 + offset)
        stream.add(
            f"commit refs/heads/{HOTFIX_BRANCH}\nmark :{mark}\n"
            + f"author {_identity(AUTHORS[3], when)}\ncommitter {_identity(AUTHORS[3], when)}\n"
            + _data(subject + "\n")
            + (f"from :{hotfix_base + 1}\n" if offset == 0 else "")
            + f"M 100644 inline {RETRY_PATH}\n"
            + _data(_retry_text(jitter=False).replace("retries:", "retries: int = 2, _:"))
            + "\n\n"
        )
    for tag, position in tag_positions.items():
        tag_time = times[position] + timedelta(minutes=5)
        stream.add(
            f"tag {tag}\nfrom :{position + 1}\n"
            f"tagger {_identity(RELEASE_MANAGER, tag_time)}\n" + _data(f"Release {tag}\n") + "\n"
        )
    _finish_fast_import(process, stream)
    by_mark = _read_marks(marks)
    git(repo, "reset", "-q", "--hard", "main")

    story_positions = {story.key: position for position, story in stories.items()}
    hotfix_marks = [commits + 1 + offset for offset in range(len(HOTFIX_SUBJECTS))]
    month_start = datetime(times[commits // 2].year, times[commits // 2].month, 1, tzinfo=UTC)
    month_end = (month_start + timedelta(days=32)).replace(day=1)
    # Between the deploy of v3.0 (carries the cause) and the fix.
    incident_start = (
        times[tag_positions["v3.0"]]
        + (times[story_positions["fix"]] - times[tag_positions["v3.0"]]) / 2
    )
    search_files = sum(1 for index in range(files) if uses_search_pattern(index))
    meta = RepoMeta(
        generator_version=GENERATOR_VERSION,
        commits=commits,
        files=files,
        seed=seed,
        repo=str(repo),
        head=by_mark[commits],
        seconds=round(time.perf_counter() - began, 2),
        search_pattern=SEARCH_PATTERN,
        search_files=search_files,
        search_matches=2 * search_files,
        month_since=month_start.date().isoformat(),
        month_until=month_end.date().isoformat(),
        month_commits=sum(1 for when in times if month_start <= when < month_end),
        pickaxe="PAYMENT_TIMEOUT_MS",
        story={key: by_mark[position + 1] for key, position in story_positions.items()},
        subjects={key: stories[position].subject for key, position in story_positions.items()},
        dates={key: times[position].isoformat() for key, position in story_positions.items()},
        tags={tag: by_mark[position + 1] for tag, position in tag_positions.items()},
        diverged=[by_mark[position + 1] for position in diverged_positions],
        incident_start=incident_start.replace(microsecond=0).isoformat(),
        incident_end=(incident_start + timedelta(hours=2, minutes=40))
        .replace(microsecond=0)
        .isoformat(),
    )
    meta.story.update({f"hotfix{n}": by_mark[mark] for n, mark in enumerate(hotfix_marks)})
    meta.subjects.update({f"hotfix{n}": subject for n, subject in enumerate(HOTFIX_SUBJECTS)})
    analysis_path, claim_count = write_analysis(dest, meta, files, by_mark.values())
    meta.analysis, meta.analysis_claims = str(analysis_path), claim_count
    meta_path.write_text(json.dumps(asdict(meta), indent=2) + "\n")
    marks.unlink()
    return meta


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise ValueError(f"{needle!r} not in generated text")


def _absent_prefix(all_shas: set[str], rng: random.Random) -> str:
    """A 9-hex prefix no commit has: the invented SHA of a hallucinated citation."""
    while True:
        candidate = f"{rng.getrandbits(36):09x}"
        if not any(sha.startswith(candidate) for sha in all_shas):
            return candidate


def write_analysis(dest: Path, meta: RepoMeta, files: int, shas: Iterable[str]) -> tuple[Path, int]:
    """A seed-style Five Whys analysis of the generated incident, with 30+ checkable claims
    (most true, a few wrong the way real analyses are wrong). Returns (path, claims)."""
    rng = random.Random(meta.seed * 31 + 1)
    all_shas = set(shas)
    client_after_fix = _client_text(retry_on_timeout=True)
    charge_line = _line_of(client_after_fix, "def charge_with_retry")
    class_line = _line_of(client_after_fix, "class PaymentClient")
    except_line = _line_of(client_after_fix, "except (GatewayError, TimeoutError)")
    loop_start = _line_of(client_after_fix, "for delay in backoff_delays")
    loop_end = _line_of(client_after_fix, "raise last_error")
    config_line = _line_of(_config_text(2500), "PAYMENT_TIMEOUT_MS =")
    example = 3 + 16 * (min(files, 2000) // 32)  # a module that uses the search pattern
    example_path = module_path(example)
    example_text = module_text(example, 0)
    handle_line = _line_of(example_text, "def handle_")
    connect_line = _line_of(example_text, "def connect_")
    wrong_line_module = module_path(7)
    cause, fix, client, rebased = (meta.story[k] for k in ("cause", "fix", "client", "rebased"))
    invented = _absent_prefix(all_shas, rng)
    start = datetime.fromisoformat(meta.incident_start)
    cause_day = datetime.fromisoformat(meta.dates["cause"]).date().isoformat()
    lines = [
        f"# Five Whys: checkout payments timed out after the v3.0 deploy ({start.date()})",
        "",
        f"**Incident start**: {meta.incident_start.replace('+00:00', 'Z')}  ",
        f"**Incident end**: {meta.incident_end.replace('+00:00', 'Z')}  ",
        "**Deployed revision**: v3.0  ",
        "**Author**: generated for the whys benchmark  ",
        "",
        "## Problem",
        "",
        "Card payments at checkout failed with gateway timeouts for 2h40m after the v3.0",
        "deploy. The error dashboard showed 38% of charges failing at the peak.",
        "",
        "### Why #1: Why did checkout fail?",
        "",
        "**Answer**: Charges timed out against the payment gateway and were not retried.",
        "",
        "**Evidence**:",
        f"- `{CLIENT_PATH}` line {charge_line} defines `charge_with_retry`",
        f"- `class PaymentClient` is in `client.py` (line {class_line})",
        f"- `{CLIENT_PATH}:{loop_start}-{loop_end}` holds the retry loop `backoff_delays`",
        "- Cloud logs show 41,207 `GatewayTimeout` errors during the incident window",
        f"- `{RETRY_PATH}` exists and defines `backoff_delays`",
        "",
        "### Why #2: Why did charges time out?",
        "",
        "**Answer**: The gateway timeout had been lowered tenfold just before the deploy.",
        "",
        "**Evidence**:",
        f'- Commit `{cause[:10]}`: "{meta.subjects["cause"]}"',
        f"- `{CONFIG_PATH}` line {config_line} sets `PAYMENT_TIMEOUT_MS`",
        f"- The commit `{cause[:9]}` landed before the incident, on {cause_day}",
        f"- Commit `{cause[:9]}` is in the deployed revision v3.0",
        f"- `PAYMENT_TIMEOUT_MS` is read in `{CLIENT_PATH}`",
        "- Revenue impact estimated at $48K for the window (finance dashboard)",
        "",
        "### Why #3: Why were timeouts not retried?",
        "",
        "**Answer**: `charge_with_retry` only caught `GatewayError`; timeouts escaped the loop.",
        "",
        "**Evidence**:",
        f'- Commit `{client[:9]}` ("{meta.subjects["client"]}") introduced the retry loop',
        f"- Commit `{client[:9]}` landed before commit `{cause[:9]}`",
        f"- `client.py:{except_line}` now catches `TimeoutError`",
        f'- Commit `{invented}`: "{meta.subjects["rebased"]}" added jitter to the backoff',
        f"- Commit `{rebased[:9]}` was rebased (authored weeks before it was committed)",
        "",
        "### Why #4: Why did review not catch the lowered timeout?",
        "",
        "**Answer**: The change looked like a one-line config tweak among hundreds of",
        "similar module edits; the socket layer is everywhere.",
        "",
        "**Evidence**:",
        f"- Found {meta.search_files} files containing `{SEARCH_PATTERN}`",
        f"- {meta.search_matches} references to `{SEARCH_PATTERN}` across the tree",
        "- Found 15+ files using `charge_with_retry`",
        f"- `{example_path}` line {handle_line} defines `handle_{example:05d}`",
        f"- `{example_path}:{connect_line}` defines `connect_{example:05d}`",
        f"- `{wrong_line_module}` line 2 defines `handle_00007`",
        "- `services/payments/gateway.py` holds the gateway adapter",
        "- The on-call runbook in Confluence had no step for gateway timeouts",
        "",
        "### Why #5: Why did the fix take so long to ship?",
        "",
        "**Answer**: The fix landed after the incident started and shipped in v3.1.",
        "",
        "**Evidence**:",
        f'- Fix commit `{fix[:10]}`: "{meta.subjects["fix"]}"',
        f"- The fix `{fix[:9]}` landed after the incident",
        f"- The fix `{fix[:9]}` is in revision v3.1",
        f"- The fix `{fix[:9]}` is in the deployed revision v3.0",
        f'- "{meta.subjects["hotfix0"]}" was never merged',
        f"- Commit `{meta.story['hotfix1'][:9]}` is in revision v3.1",
        "- PagerDuty paged the payments on-call eleven minutes after the start",
        "",
        "## Root cause",
        "",
        f"Commit `{cause[:9]}` lowered `PAYMENT_TIMEOUT_MS` to 250 ms while",
        "`charge_with_retry` did not retry timeouts.",
        "",
        "## Fix",
        "",
        f"Commit `{fix[:9]}` restored `PAYMENT_TIMEOUT_MS = 2500` in `{CONFIG_PATH}` and",
        "made `charge_with_retry` retry on `TimeoutError`; shipped in v3.1.",
        "",
    ]
    path = dest / "analysis.md"
    path.write_text("\n".join(lines))
    claim_lines = sum(1 for line in lines if line.startswith("- "))
    return path, claim_lines


def generate_million_hits(dest: Path, hits: int, files: int = 100) -> tuple[Path, int]:
    """A repository whose working tree has `MILLION_PATTERN` on `hits` lines (one per line,
    spread over `files` files). Returns (repo path, hits). Reused when present."""
    dest = dest.resolve()
    repo = dest / "repo"
    stamp = dest / "stamp.json"
    wanted = {"generator_version": GENERATOR_VERSION, "hits": hits, "files": files}
    if stamp.exists() and json.loads(stamp.read_text()) == wanted and (repo / ".git").is_dir():
        return repo, hits
    if dest.exists():
        subprocess.run(["rm", "-rf", str(dest)], check=True)
    per_file, remainder = divmod(hits, files)
    process = _start_fast_import(repo, dest / "marks.txt")
    stream = _Stream(process)
    when = _identity(AUTHORS[0], START)
    stream.add(f"commit refs/heads/main\nauthor {when}\ncommitter {when}\n" + _data("hits\n"))
    for number in range(files):
        count = per_file + (1 if number < remainder else 0)
        text = "".join(f"{MILLION_PATTERN} {line:07d}\n" for line in range(count))
        stream.add(f"M 100644 inline hits/h{number:03d}.txt\n" + _data(text) + "\n")
    stream.add("\n")
    _finish_fast_import(process, stream)
    git(repo, "reset", "-q", "--hard", "main")
    stamp.write_text(json.dumps(wanted))
    return repo, hits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path, help="folder for repo/, meta.json, analysis.md")
    parser.add_argument("--commits", type=int, default=200_000)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    meta = generate_repo(args.dest, args.commits, args.files, args.seed)
    json.dump(asdict(meta), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())


def write_scaled_analysis(meta: RepoMeta, bullets: int, dest: Path | None = None) -> Path:
    """An analysis of `bullets` evidence bullets about the generated repository, for the
    growth curve in claims (1k, 10k, 100k): file paths with line numbers and the function
    each defines, line ranges, SHAs with their real subjects, commits before the incident,
    and now and then a grep count. Every claim names a different module or commit, as the
    claims of a long real analysis do, so no cache makes the big ones cheap. Reused when
    already written."""
    path = (dest or Path(meta.repo).parent) / f"analysis-{bullets}.md"
    if path.exists():
        return path
    log = subprocess.run(
        ["git", "-C", meta.repo, "log", "--format=%H%x00%s", f"--max-count={bullets}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    commits = [line.split("\0", 1) for line in log if "\0" in line]
    lines = [
        f"# Five Whys: {bullets} evidence bullets about the generated history",
        "",
        f"**Incident start**: {meta.incident_start.replace('+00:00', 'Z')}  ",
        "**Deployed revision**: v3.0  ",
        "",
        "## Problem",
        "",
        "A long analysis, for the benchmark's growth curve.",
    ]
    for number in range(bullets):
        if number % 50 == 0:
            why = number // 50 + 1
            lines += ["", f"### Why #{why}: Why did step {why} fail?", "", "**Evidence**:"]
        module = (number * 7919) % meta.files
        name = f"handle_{module:05d}"
        line = 10 if uses_search_pattern(module) else 8
        sha, subject = commits[number % len(commits)]
        kind = number % 10
        if kind in (0, 5):
            lines.append(f"- `{module_path(module)}` line {line} defines `{name}`")
        elif kind in (1, 6):
            lines.append(f'- Commit `{sha[:10]}`: "{subject}"')
        elif kind in (2, 7):
            lines.append(f"- `{module_path(module)}:{line}-{line + 4}` holds `{name}`")
        elif kind == 3:
            lines.append(f"- `{name}` is defined in `{module_path(module)}`")
        elif kind == 8:
            lines.append(f"- Commit `{sha[:9]}` landed before the incident")
        elif number % 100 == 4:
            lines.append(f"- Found 1 file containing `{name}`")
        else:
            lines.append(f"- `{module_path(module)}` exists")
    lines += ["", "## Root cause", "", "Many small things.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
