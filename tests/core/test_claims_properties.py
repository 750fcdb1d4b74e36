"""Properties of the claim extractor over generated analyses: it never crashes, every claim
points at a line of the file, ids are unique and in document order, and whitespace noise
(trailing spaces, CRLF line endings) changes no claim."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from whys.core.claims import extract_claims
from whys.core.models import Claim, Why
from whys.core.reader import read_analysis_text

# Lines of the shapes claims come in, so generated documents reach every claim kind (and
# their near misses) instead of being only noise.
FRAGMENTS = [
    "### Why #1: Why did checkout time out?",
    "## Why 2 - the pool was empty",
    "**Answer**: `client.py` line 12 defines `charge_with_retry`",
    "- `app/config.py` lines 59-85 handle `WebSocketState`",
    "Lines 3-5 read `PAYMENT_TIMEOUT_MS`",
    "- L12 calls `retry(times=3)`",
    "`client.py:40-44`, 47, 52",
    "class PaymentClient is in `client.py`",
    'Commit `bdeb0203f` ("fix: resolve WebSocket 1011") fixed it',
    "commit a1b2c3d4e5 introduced the bug before the incident",
    "That commit landed on 2026-02-24 15:41 UTC",
    "It is part of the deployed revision `v1.4.2`",
    "The fix is not in release v2.0.1",
    '"payments: retry charges on timeouts" is in git log',
    "Found 684 files containing `WebSocketManager`",
    "15+ files use `get_config()`",
    "Resolved by ~03:44 UTC",
    "Revenue loss was $12,000 and 340 customers affected",
    "Grafana dashboards show the error rate",
    "```python",
    "```",
    "~~~",
    "    def charge(self): pass  # client.py:12",
    "| Why | Evidence |",
    "|-----|----------|",
    "| 1 | `db/pool.py:88` |",
    "> quoted `Dockerfile` line 3",
    "1. Why did it fail? `src/app.ts#L10-L20`",
    "- `../../etc/passwd` line 1 defines `root`",
    "- `/etc/passwd` exists",
    "",
    "   ",
]
NOISE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x0b\x0c"),
    max_size=80,
)
LINE = st.one_of(
    st.sampled_from(FRAGMENTS),
    NOISE,
    st.builds(lambda a, b: a + b, st.sampled_from(FRAGMENTS), NOISE),
    st.builds(lambda a, b: a + " " + b, NOISE, st.sampled_from(FRAGMENTS)),
)
DOCUMENT = st.lists(LINE, max_size=40)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _identity(claims: list[Claim]) -> list[tuple[int, str]]:
    return [(claim.line, claim.kind) for claim in claims]


@SETTINGS
@given(DOCUMENT)
def test_claims_point_into_the_file_with_ids_in_document_order(lines: list[str]) -> None:
    analysis = read_analysis_text("\n".join(lines))
    claims = analysis.claims
    assert all(1 <= claim.line <= max(len(lines), 1) for claim in claims)
    assert [claim.id for claim in claims] == [f"c{n}" for n in range(1, len(claims) + 1)]
    assert [claim.line for claim in claims] == sorted(claim.line for claim in claims)
    why_spans = {why.id: (why.line, why.end_line) for why in analysis.whys}
    for claim in claims:
        if claim.why is not None:
            start, end = why_spans[claim.why]
            assert start <= claim.line <= end


@SETTINGS
@given(DOCUMENT, st.lists(st.sampled_from([" ", "  ", "\t", " \t "]), min_size=1))
def test_trailing_whitespace_changes_no_claim(lines: list[str], pads: list[str]) -> None:
    padded = [line + pads[i % len(pads)] for i, line in enumerate(lines)]
    plain = read_analysis_text("\n".join(lines))
    noisy = read_analysis_text("\n".join(padded))
    assert _identity(noisy.claims) == _identity(plain.claims)


@SETTINGS
@given(DOCUMENT)
def test_crlf_and_lf_give_the_same_claims(lines: list[str]) -> None:
    unix = read_analysis_text("\n".join(lines) + "\n")
    windows = read_analysis_text("\r\n".join(lines) + "\r\n")
    assert _identity(windows.claims) == _identity(unix.claims)
    assert [c.text for c in windows.claims] == [c.text for c in unix.claims]


@SETTINGS
@given(
    st.lists(st.text(max_size=300), max_size=30),
    st.lists(st.tuples(st.integers(-5, 40), st.integers(-5, 40)), max_size=8),
)
def test_any_lines_and_any_whys_never_crash(lines: list[str], spans: list[tuple[int, int]]) -> None:
    """The pure function on its own: arbitrary text (NULs, lone CRs, every script) and why
    spans that overlap, nest, run backwards or lie outside the file."""
    whys = [
        Why(id=f"w{n}", number=n, line=max(start, 1), end_line=max(end, 1))
        for n, (start, end) in enumerate(spans, 1)
    ]
    claims = extract_claims(lines, whys)
    assert all(1 <= claim.line <= len(lines) for claim in claims)
    assert len({claim.id for claim in claims}) == len(claims)
    for claim in claims:
        holding = [w for w in whys if w.line <= claim.line <= w.end_line]
        if not holding:
            assert claim.why is None
            continue
        # The innermost why holds it; on equal spans the first listed.
        innermost = min(holding, key=lambda w: (w.end_line - w.line, whys.index(w)))
        assert claim.why == innermost.id


def test_pathological_lines_are_capped_not_stuck() -> None:
    """Lines made to trip backtracking (a 100k run of stars, a path with no end, a wall of
    hex or of numbers) end in a blink with their claims capped per line; a run of
    backticks opens a fence like any other, after which only `file:line` counts."""
    nasty = [
        "*" * 100_000,
        "a" * 50_000 + ".py",
        "commit " + "0123456789abcdef" * 5_000,
        "lines " + "1, " * 30_000,
        "Found " + "9" * 5_000 + " files containing `x`",
        "`client.py` line 12 defines `f` " * 2_000,
        "`" * 100_001,
        "client.py:12 " * 5_000,
    ]
    claims = extract_claims(nasty, [])
    per_line: dict[int, int] = {}
    for claim in claims:
        per_line[claim.line] = per_line.get(claim.line, 0) + 1
    assert per_line[6] == per_line[8] == 50  # MAX_PER_LINE: a blob is not 2,000 claims
    assert {claim.kind for claim in claims if claim.line in (6, 8)} == {"lines"}
    assert all(claim.in_code_fence for claim in claims if claim.line == 8)
    assert all(len(claim.text) <= 400 for claim in claims)
