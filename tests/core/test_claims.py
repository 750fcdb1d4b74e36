"""Claim extraction on the forms real analyses use (the seeds), one behaviour per test."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from whys.core import claims as claims_module
from whys.core.claims import extract_claims
from whys.core.claims import mentions as mentions_module
from whys.core.models import Claim, Why

BACKTRACKING_GUARD_SECONDS = 20.0


def claims_of(text: str, whys: list[Why] | None = None) -> list[Claim]:
    return extract_claims(text.splitlines(), whys or [])


def only(text: str, kind: str) -> list[Claim]:
    return [c for c in claims_of(text) if c.kind == kind]


def test_line_range_after_a_backticked_path() -> None:
    [claim] = only("- `unified_manager.py`: Lines 803-806 handle `WebSocketState`", "lines")
    assert (claim.path, claim.line_start, claim.line_end) == ("unified_manager.py", 803, 806)
    assert claim.symbol == "WebSocketState"


def test_path_colon_range_and_path_colon_list() -> None:
    [ranged] = only("See `file.py:721-724` for the retry.", "lines")
    assert (ranged.path, ranged.line_start, ranged.line_end) == ("file.py", 721, 724)
    [listed] = only("Uses at `utils.py:74, 77, 88, 91`", "lines")
    assert listed.line_numbers == [74, 77, 88, 91]
    assert (listed.line_start, listed.line_end) == (74, 91)


def test_prose_line_forms() -> None:
    text = "\n".join(
        [
            "The handler in `app/ws.py` at line 798 raises.",
            "`websocket_core/utils.py`: Lines 74, 77, 88, 91",
            "`auth_middleware.py` (LINES 177-206) duplicates validation",
            "In `deploy.py`, Line 1229-1230 skips secrets",
        ]
    )
    found = [(c.line, c.path, c.line_start, c.line_end) for c in only(text, "lines")]
    assert found == [
        (1, "app/ws.py", 798, 798),
        (2, "websocket_core/utils.py", 74, 91),
        (3, "auth_middleware.py", 177, 206),
        (4, "deploy.py", 1229, 1230),
    ]


def test_line_reference_without_a_path_takes_the_file_named_just_before() -> None:
    text = (
        "**File:** `netra/core/validator.py`\n\n- **Evidence:** Lines 214-227 show entropy checks"
    )
    [claim] = only(text, "lines")
    assert claim.path == "netra/core/validator.py"
    assert claim.line == 3


def test_bullets_under_a_lead_in_inherit_its_symbol() -> None:
    text = "Found 15+ files using WebSocketState:\n- `websocket_core/utils.py`: Lines 74, 77"
    [claim] = only(text, "lines")
    assert claim.symbol == "WebSocketState"


def test_counts_exact_and_at_least() -> None:
    text = "\n".join(
        [
            "- Found **684 files** containing `WebSocketManager` class references",
            "Found 15+ files using WebSocketState:",
            "SERVICE_SECRET confirmed: 167+ references across codebase",
            "Real System: 100.0% compliant (866 files)",
        ]
    )
    counts = [(c.count, c.at_least, c.count_unit, c.pattern) for c in only(text, "count")]
    assert counts == [
        (684, False, "files", "WebSocketManager"),
        (15, True, "files", "WebSocketState"),
        (167, True, "references", "SERVICE_SECRET"),
    ]


def test_commit_with_quoted_message_and_role_from_wording() -> None:
    text = "\n".join(
        [
            '- `bdeb0203f`: "fix: resolve WebSocket 1011 internal errors"',
            "The bug was introduced by commit `1a2b3c4d` in the retry loop.",
            'Commit abc1234 ("feat: add cache") is unrelated.',
        ]
    )
    commits = [(c.sha, c.message, c.role) for c in only(text, "commit")]
    assert commits == [
        ("bdeb0203f", "fix: resolve WebSocket 1011 internal errors", "fix"),
        ("1a2b3c4d", None, "cause"),
        ("abc1234", "feat: add cache", "mentioned"),
    ]


def test_two_commits_on_one_line_keep_their_own_roles() -> None:
    text = "Commit `a1b2c3d4` broke the parser; it was fixed by `e5f6a7b8`."
    roles = {c.sha: c.role for c in only(text, "commit")}
    assert roles == {"a1b2c3d4": "cause", "e5f6a7b8": "fix"}


def test_what_is_not_a_sha() -> None:
    text = "\n".join(
        [
            "Deployed in v1.4.2 and build 1234567 on revision netra-backend-staging-00161-67z",
            "Issue #1209 and `deadbeefcafe` and uuid `550e8400-e29b-41d4-a716-446655440000`",
            "JWT_SECRET=7SVLKvh7mJNeF6njiRJMoZpUWLya3NfsvJfRHPc0-cYI7Oh80oXOUHuBN",
        ]
    )
    assert only(text, "commit") == []


def test_quoted_conventional_message_without_sha_is_a_message_claim() -> None:
    text = 'The fix landed as "fix(auth): restore SERVICE_SECRET loading" last week.'
    [claim] = only(text, "message")
    assert claim.message == "fix(auth): restore SERVICE_SECRET loading"
    assert claim.role == "fix"
    assert only('He said "this is fine" twice.', "message") == []


def test_time_claims() -> None:
    text = "\n".join(
        [
            "Commit `a1b2c3d4` landed before the incident.",
            "Commit `b2c3d4e5` was merged after the outage began.",
            "The fix `c3d4e5f6` is in the deployed revision.",
            "`d4e5f6a7` was deployed in v1.4.2",
            "The regression was introduced on 2026-02-25 by `e5f6a7b8`",
            "the syntax errors were resolved by ~03:44 UTC",
        ]
    )
    times = [(c.line, c.relation, c.sha, c.revision) for c in only(text, "time")]
    assert times == [
        (1, "before-incident", "a1b2c3d4", None),
        (2, "after-incident", "b2c3d4e5", None),
        (3, "in-revision", "c3d4e5f6", None),
        (4, "in-revision", "d4e5f6a7", "v1.4.2"),
        (5, "on-date", "e5f6a7b8", None),
        (6, "on-date", None, None),
    ]
    assert only(text, "time")[4].when == datetime(2026, 2, 25, tzinfo=UTC)


def test_absolute_windows_and_macos_paths_are_file_claims() -> None:
    text = (
        "1. **Primary**: `C:\\GitHub\\netra-apex\\netra_backend\\app\\x.py`\n"
        "2. /Users/dev/src/netra-apex/netra_backend/app/y.py"
    )
    assert [c.path for c in only(text, "file")] == [
        "C:\\GitHub\\netra-apex\\netra_backend\\app\\x.py",
        "/Users/dev/src/netra-apex/netra_backend/app/y.py",
    ]


def test_symbol_claims_need_a_file() -> None:
    text = "\n".join(
        [
            "`class PaymentClient` in `client.py` wraps the gateway.",
            "`PAYMENT_TIMEOUT_MS` is read in `config.py`.",
            "A `SERVICE_SECRET` mention alone says it exists somewhere.",
            "A SERVICE_TOKEN written as prose is no claim.",
        ]
    )
    symbols = [(c.line, c.symbol, c.path) for c in only(text, "symbol")]
    assert symbols == [
        (1, "PaymentClient", "client.py"),
        (2, "PAYMENT_TIMEOUT_MS", "config.py"),
        (3, "SERVICE_SECRET", None),
    ]
    assert only(text, "file") == []


def test_external_claims_are_listed() -> None:
    text = "**Impact**: $120K MRR at risk\nCloud Run logs show 503s\nGit log shows two fixes"
    assert [c.line for c in only(text, "external")] == [1, 2]


def test_inside_fences_only_path_line_references_count() -> None:
    text = "\n".join(
        [
            "```python",
            "# CONFIRMED: Lines 59-85 handle WebSocketState",
            "x = '`abc1234f`'  # commit abc1234f",
            "# see handlers.py:42",
            "Found 684 files containing X",
            "```",
        ]
    )
    claims = claims_of(text)
    assert [(c.kind, c.line, c.path, c.line_start, c.in_code_fence) for c in claims] == [
        ("lines", 4, "handlers.py", 42, True)
    ]


def test_several_claims_on_one_line_in_document_order() -> None:
    text = "| `a.py` | `b.py:3` | commit `abc1234` | 12 files contain `foo_bar` |"
    claims = claims_of(text)
    assert [c.kind for c in claims] == ["file", "lines", "commit", "count"]
    assert [c.id for c in claims] == ["c1", "c2", "c3", "c4"]


def test_claims_belong_to_the_innermost_why() -> None:
    whys = [
        Why(id="1", number=1, line=1, end_line=6),
        Why(id="1a", number=1, line=3, end_line=4),
    ]
    text = "`a.py`\n\n`b.py`\n\n`c.py`\n\n`d.py`"
    assert [(c.line, c.why) for c in claims_of(text, whys)] == [
        (1, "1"),
        (3, "1a"),
        (5, "1"),
        (7, None),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "*" * 100_000,
        "a" * 100_000,
        "a." * 50_000,
        "`" * 100_000,
        '"' * 100_000,
        "1, " * 30_000,
        "1," * 50_000,
        "1,111 " * 20_000,
        "$1" * 50_000,
        "Ab" * 50_000 + "_",
        "AbC" * 30_000 + "_",
        "_a" * 50_000 + "-",
        "lines 1, " * 10_000,
        "L1 " * 30_000,
        "abc1234 " * 10_000,
        "/" * 100_000 + ".py",
        "C:\\" + "a\\" * 50_000 + "x.py",
        "by 1:11 " * 20_000,
        "Found 1 files " * 10_000,
    ],
)
def test_pathological_lines_stay_linear(line: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Not a speed target (that is tests/bench): a guard against catastrophic backtracking,
    # which on these lines takes minutes where linear patterns take well under a second.
    # The scan cap would hide such a pattern; it is lifted so the patterns themselves run.
    monkeypatch.setattr(mentions_module, "MAX_SCAN", len(line))
    started = time.perf_counter()
    extract_claims([line], [])
    assert time.perf_counter() - started < BACKTRACKING_GUARD_SECONDS


def test_a_blob_line_gives_a_bounded_number_of_claims() -> None:
    found = extract_claims(["`a.py:1` " * 10_000], [])
    assert 0 < len(found) <= claims_module.MAX_PER_LINE


def test_negated_reachability_marks_the_claim() -> None:
    text = "\n".join(
        [
            '- "hotfix(payments): cap retries at 2 on the legacy gateway" was never merged',
            "- `hotfix(payments): log gateway timeouts` is not on main",
            "- Commit `abc1234` wasn't merged into `release/2.0`",
            '- Commit message "wip: never merged"',  # the words are the subject's, not a claim
            '- "payments: accept the legacy header" never shipped',
        ]
    )
    found = [(c.line, c.kind, c.relation, c.revision) for c in claims_of(text)]
    assert found == [
        (1, "message", "not-in-revision", None),
        (2, "message", "not-in-revision", "main"),
        (3, "commit", "not-in-revision", "release/2.0"),
        (4, "message", None, None),
        (5, "message", "not-in-revision", None),
    ]


def test_a_time_claim_borrows_the_one_commit_of_its_paragraph_or_why() -> None:
    whys = [
        Why(id="1", number=1, line=1, end_line=4),
        Why(id="2", number=2, line=6, end_line=9),
    ]
    text = "\n".join(
        [
            "## Why 1: Why did checkout fail?",
            '- Fix commit `abc1234` ("fix: close the pool") restored it',
            "- the syntax errors were resolved by ~03:44 UTC",
            "",
            "",
            "## Why 2: Why so slow?",
            "- Fix `abc1234` and fix `def5678` both touched the pool",
            "- the fix landed at 16:02 UTC",
            "",
            "The outage ended once a repair went out at 04:00 UTC, as",
            "commit `fed9876` shows.",
        ]
    )
    times = [(c.line, c.sha) for c in claims_of(text, whys) if c.kind == "time"]
    assert times == [(3, "abc1234"), (8, None), (10, "fed9876")]


def test_paths_that_climb_out_of_the_tree_are_file_claims() -> None:
    found = only("- `../../etc/passwd` and ..\\..\\etc\\shadow were never read", "file")
    assert [c.path for c in found] == ["../../etc/passwd", "..\\..\\etc\\shadow"]


def test_a_fence_quotes_the_code_its_reference_means() -> None:
    text = "\n".join(
        [
            "`client.py` lines 98-100 now read:",
            "",
            "```python",
            "# client.py:98 - one key per call",
            "    idempotency_key = new_idempotency_key(order_id)",
            "```",
        ]
    )
    lines = only(text, "lines")
    assert [(c.line, c.quoted_code) for c in lines] == [
        (1, "idempotency_key = new_idempotency_key(order_id)"),
        (4, "idempotency_key = new_idempotency_key(order_id)"),
    ]


def test_a_line_reference_takes_a_name_no_other_reference_took() -> None:
    line = "`RETRYABLE` at `client.py:18` includes `ProviderTimeout`, raised at `client.py:60`"
    assert [(c.line_start, c.symbol) for c in only(line, "lines")] == [
        (18, "RETRYABLE"),
        (60, "ProviderTimeout"),
    ]
    assert [c.symbol for c in only("lines 27-33 handle `enqueue` and flush", "lines")] == [
        "enqueue"
    ]
    minted = "`charge` is defined at `client.py:85`; the key is sent at `client.py:98, 103`"
    assert [c.symbol for c in only(minted, "lines")] == ["charge", None]
    defined = "`charge_it` is defined at `client.py:85`; the key is sent at `client.py:98, 103`"
    assert [c.symbol for c in only(defined, "lines")] == ["charge_it", None]
