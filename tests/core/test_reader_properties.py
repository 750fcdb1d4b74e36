"""Properties of the reader over generated Markdown: it never crashes, every why points into
the file, ids are unique, and line-ending or trailing-whitespace noise changes nothing."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from whys.core.models import Analysis
from whys.core.reader import read_analysis_text

# Fragments real analyses are made of, so generated documents reach the why, table, label,
# fence and metadata paths instead of being only noise.
FRAGMENTS = [
    "# Outage 2026-03-02",
    "### Why #1: Why did it fail?",
    "## Why 2 - cache cold",
    "**Why 3?**",
    "**Why 3:** Why was it empty?",
    "Why 4.",
    "#### 🔍 Why #5 — Why did nobody notice?",
    "## Why 2a: branch",
    "## Why 2b: other branch",
    "### Level 1: API down",
    "1. **Why** did X fail? Because Y.",
    "2. Why did Y happen? Z.",
    "   wrapped continuation",
    "| Why | Question | Answer |",
    "|-----|----------|--------|",
    "| 1 | Why? | Because |",
    "| Incident start | 2026-03-02 14:05 |",
    "**Answer**: the pool was empty",
    "**Evidence**:",
    "- `client.py` line 12 defines `charge`",
    "Question: why?",
    "```",
    "~~~",
    "```python",
    "---",
    "===",
    "## Root Cause",
    "**Fix**: revert a1b2c3d",
    "Summary: it broke",
    "Incident start: 2026-03-02 14:05 UTC",
    "**Incident end**: March 2, 2026 16:00",
    "Deployed revision: `v1.4.2`",
    "Detected: 2026-13-45 99:99",
    "",
    "   ",
    "\t- nested\titem",
    "> quoted **Why 9:** no",
]

line_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"),
    max_size=40,
)
lines = st.lists(st.one_of(st.sampled_from(FRAGMENTS), line_text), max_size=40)


def why_shape(analysis: Analysis) -> list[tuple[str, int, int, int, str | None]]:
    return [(w.id, w.number, w.line, w.end_line, w.parent) for w in analysis.whys]


FAST = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FAST
@given(st.text())
def test_any_text_loads(text: str):
    analysis = read_analysis_text(text)

    assert analysis.line_count >= 0
    assert all(1 <= why.line <= why.end_line <= analysis.line_count for why in analysis.whys)


@FAST
@given(lines)
def test_whys_point_into_the_file_and_ids_are_unique(document: list[str]):
    analysis = read_analysis_text("\n".join(document))
    ids = [why.id for why in analysis.whys]

    assert len(ids) == len(set(ids))
    assert all(1 <= why.line <= why.end_line <= analysis.line_count for why in analysis.whys)
    assert [why.line for why in analysis.whys] == sorted(why.line for why in analysis.whys)
    by_id = {why.id: why for why in analysis.whys}
    for why in analysis.whys:
        assert why.parent is None or why.id in by_id[why.parent].causes
        assert all(by_id[cause].parent == why.id for cause in why.causes)
    for section in (analysis.problem, analysis.root_cause, analysis.fix):
        assert section is None or 1 <= section.line <= section.end_line <= analysis.line_count
    for source in analysis.incident.sources.values():
        assert 1 <= int(source.removeprefix("analysis:")) <= analysis.line_count
    for moment in (analysis.incident.start, analysis.incident.end, analysis.incident.detected):
        assert moment is None or moment.tzinfo is not None


@FAST
@given(lines, st.lists(st.sampled_from([" ", "  ", "\t", " \t "]), min_size=1))
def test_trailing_whitespace_and_line_endings_change_no_why(
    document: list[str], padding: list[str]
):
    plain = read_analysis_text("\n".join(document) + "\n")
    padded_lines = [line + padding[i % len(padding)] for i, line in enumerate(document)]
    padded = read_analysis_text("\n".join(padded_lines) + "\n")
    crlf = read_analysis_text("\r\n".join(document) + "\r\n")

    assert why_shape(padded) == why_shape(plain)
    assert why_shape(crlf) == why_shape(plain)
    assert crlf.incident == plain.incident
    assert [(w.question, w.answer) for w in crlf.whys] == [
        (w.question, w.answer) for w in plain.whys
    ]


# Body text that cannot itself open a why (no "w", no "l": neither "why" nor "level"), a
# table, a fence, a heading or a label.
body_text = st.text(
    alphabet=st.characters(
        whitelist_categories=("Ll", "Lu", "Nd", "Zs"), blacklist_characters="wWlL\r\n\t"
    ),
    max_size=30,
)


@FAST
@given(
    st.lists(
        st.tuples(st.integers(1, 9), st.sampled_from(["", "a", "b"]), st.lists(body_text)),
        max_size=12,
    )
)
def test_every_why_heading_written_is_found_at_its_line(chain):
    document: list[str] = ["# Generated analysis"]
    expected: list[tuple[int, int, int]] = []
    for number, suffix, body in chain:
        document.append(f"### Why {number}{suffix}: question {number}?")
        start = len(document)
        document.extend(body)
        last = len(document)
        while last > start and not document[last - 1].strip():
            last -= 1
        expected.append((number, start, last))
    analysis = read_analysis_text("\n".join(document) + "\n")

    assert [(w.number, w.line, w.end_line) for w in analysis.whys] == expected
