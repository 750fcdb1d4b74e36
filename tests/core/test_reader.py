"""The analysis reader on real inputs: every why shape, sections, metadata, seeds, bad bytes."""

from __future__ import annotations

import codecs
import hashlib
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from whys.core import reader
from whys.core.claims.mentions import MAX_SCAN
from whys.core.reader import NO_WHY_CHAIN, NOT_UTF8, read_analysis, read_analysis_text
from whys.errors import BadAnalysisError

ANALYSES = Path(__file__).parent / "analyses"
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def spans(analysis) -> list[tuple[str, int, int]]:
    return [(why.id, why.line, why.end_line) for why in analysis.whys]


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# --- why shapes ------------------------------------------------------------------------


def test_heading_whys_with_answer_and_evidence_blocks():
    analysis = read_analysis(ANALYSES / "checkout_timeouts.md")

    assert spans(analysis) == [("1", 14, 20), ("2", 22, 32), ("3", 34, 40)]
    first, second, third = analysis.whys
    assert first.question == "Why did checkout requests time out?"
    assert first.answer == "The payment client waited 30 s for the gateway on every retry."
    assert "`payments/client.py` line 12 defines `charge_with_retry`" in first.text
    assert "Gateway latency dashboard" not in first.answer  # evidence is not the answer
    # The heading gives the question even when a Question label restates it.
    assert second.question == "Why did the client wait 30 s?"
    assert second.answer.splitlines() == [
        "- `PAYMENT_TIMEOUT_MS` is read in `config.py`",
        '- its default became 30000 in commit `a1b2c3d` ("raise payment timeout")',
    ]
    # No Answer label: the first paragraph answers; a sub-heading stays inside the why.
    assert third.answer.startswith("A load test in February flagged false timeouts")
    assert "The load test ran against the sandbox gateway." in third.text
    assert [why.number for why in analysis.whys] == [1, 2, 3]


def test_a_why_heading_inside_a_code_fence_is_quoted_code_not_a_why():
    analysis = read_analysis(ANALYSES / "checkout_timeouts.md")

    assert "9" not in {why.id for why in analysis.whys}
    assert "### Why 9: this heading is quoted" in analysis.whys[1].text


def test_plain_chain_has_one_cause_per_level():
    analysis = read_analysis(ANALYSES / "checkout_timeouts.md")

    assert [(why.parent, why.causes) for why in analysis.whys] == [
        (None, ["2"]),
        ("1", ["3"]),
        ("2", []),
    ]


def test_branching_whys_keep_several_causes_under_one_why():
    analysis = read_analysis(ANALYSES / "branching.md")

    assert spans(analysis) == [
        ("1", 3, 5),
        ("2a", 7, 9),
        ("2b", 11, 13),
        ("3a", 15, 17),
        ("3b", 19, 21),
        ("4", 23, 25),
    ]
    tree = {why.id: (why.parent, why.causes) for why in analysis.whys}
    assert tree == {
        "1": (None, ["2a", "2b"]),
        "2a": ("1", ["3a"]),
        "2b": ("1", ["3b"]),
        "3a": ("2a", []),
        "3b": ("2b", ["4"]),
        "4": ("3b", []),
    }
    assert analysis.whys[2].question == "Why did nobody notice the indexer stopping?"
    assert analysis.warnings == []


def test_numbered_list_of_whys_with_wrapped_items():
    analysis = read_analysis(ANALYSES / "numbered_list.md")

    assert spans(analysis) == [("1", 7, 7), ("2", 8, 9), ("3", 10, 11), ("4", 12, 12)]
    questions = [why.question for why in analysis.whys]
    assert questions == [
        "Why did the export write an empty file?",
        "Why did the query return no rows?",
        "Why did the filter use local time?",
        "Why was that not caught in review?",
    ]
    assert analysis.whys[2].answer == (
        "Because `datetime.now()` was used instead of `datetime.now(UTC)`."
    )
    assert analysis.whys[3].answer == "The tests freeze time at midnight UTC."


def test_table_rows_are_whys():
    analysis = read_analysis(ANALYSES / "table.md")

    assert spans(analysis) == [("1", 13, 13), ("2", 14, 14), ("3", 15, 15)]
    assert analysis.whys[1].question == "Why did it return 503?"
    assert analysis.whys[2].answer == "`REDIS_POOL_SIZE` was set to 0 in `settings.py`."
    assert analysis.whys[2].parent == "2"
    # The metadata table above the whys is not a why table.
    assert all(why.line >= 13 for why in analysis.whys)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        pytest.param(
            "# T\n\n## Why 2 - Why is the cache cold?\n\nBecause it restarted.\n",
            [("2", 3, 5, "Why is the cache cold?", "Because it restarted.")],
            id="dash",
        ),
        pytest.param(
            "# T\n\n**Why 3?**\n\nThe pool was empty.\n\n**Why 4:** Why was it empty?\n"
            "**Answer**: misconfigured.\n",
            [
                ("3", 3, 5, "", "The pool was empty."),
                ("4", 7, 8, "Why was it empty?", "misconfigured."),
            ],
            id="bold-label",
        ),
        pytest.param(
            "# T\nWhy 4. The job ran twice\nbecause cron fired twice\n\nWhy 5: DST change\n",
            [
                ("4", 2, 3, "The job ran twice", "because cron fired twice"),
                ("5", 5, 5, "DST change", ""),
            ],
            id="plain-paragraph",
        ),
        pytest.param(
            "# T\n\n#### 🔍 Why #5 — Why did **nobody** notice?\n\n**Answer:** alerts muted\n",
            [("5", 3, 5, "Why did nobody notice?", "alerts muted")],
            id="emoji-em-dash-bold",
        ),
        pytest.param(
            "# T\n\n### Level 1: API down\nbecause db\n### Level 2: DB down\nbecause disk\n",
            [("1", 3, 4, "API down", "because db"), ("2", 5, 6, "DB down", "because disk")],
            id="level",
        ),
        pytest.param(
            "# T\n\n## 1. Why did it fail?\nA\n## 2. Why did A happen?\nB\n",
            [("1", 3, 4, "Why did it fail?", "A"), ("2", 5, 6, "Why did A happen?", "B")],
            id="numbered-heading",
        ),
        pytest.param(
            "# T\n- **Why 1**: Why did X fail?\n  - **Question**: ignored\n- **Why 2**: Y\n",
            [("1", 2, 3, "Why did X fail?", ""), ("2", 4, 4, "Y", "")],
            id="bullet-labels",
        ),
        pytest.param(
            "# T\n\n### Why 1\n\nWhy did the deploy stall?\n\nThe lock was held.\n",
            [("1", 3, 7, "Why did the deploy stall?", "The lock was held.")],
            id="question-in-first-paragraph",
        ),
        pytest.param(
            "# T\n\n### Why 1\n**Question**: Why did it stall?\n**Answer**: lock held\n",
            [("1", 3, 5, "Why did it stall?", "lock held")],
            id="question-label",
        ),
        pytest.param(
            "# T\n## Why did the build break?\nbad dep\n## Why was the dep bad?\nunpinned\n",
            [
                ("1", 2, 3, "Why did the build break?", "bad dep"),
                ("2", 4, 5, "Why was the dep bad?", "unpinned"),
            ],
            id="unnumbered-question-headings",
        ),
    ],
)
def test_why_shapes(document: str, expected: list[tuple[str, int, int, str, str]]):
    analysis = read_analysis_text(document)

    found = [(w.id, w.line, w.end_line, w.question, w.answer) for w in analysis.whys]
    assert found == expected
    assert NO_WHY_CHAIN not in analysis.warnings


def test_a_label_why_ends_at_the_root_cause_label_and_the_next_heading():
    document = (
        "# T\n\n## Five whys\n\n**Why 1?** Why did X?\nBecause Y.\n\n"
        "**Root cause**: Z was never tested.\n\n## Fix\n\nTest Z.\n"
    )
    analysis = read_analysis_text(document)

    assert spans(analysis) == [("1", 5, 6)]
    assert analysis.root_cause is not None
    assert (analysis.root_cause.line, analysis.root_cause.text) == (8, "Z was never tested.")
    assert analysis.fix is not None
    assert (analysis.fix.heading, analysis.fix.line, analysis.fix.text) == ("Fix", 10, "Test Z.")


def test_prose_that_mentions_why_is_not_a_why():
    document = (
        "# Root Cause Analysis: Why E2E Tests Are Failing\n\n"
        "## Why this matters\n\nWhy 2FA failed is unclear. Level 3 support was paged.\n"
        "- Why 2 services failed together is covered below\n"
    )
    analysis = read_analysis_text(document)

    assert analysis.whys == []
    assert NO_WHY_CHAIN in analysis.warnings


def test_a_second_chain_in_the_same_document_gets_its_own_ids_and_no_parent_across():
    document = "# Two analyses\n### Why 1\na\n### Why 2\nb\n### Why 1\nc\n### Why 2\nd\n"
    analysis = read_analysis_text(document)

    assert [(w.id, w.line, w.parent) for w in analysis.whys] == [
        ("1", 2, None),
        ("2", 4, "1"),
        ("1-2", 6, None),
        ("2-2", 8, "1-2"),
    ]


def test_crlf_and_tabs_read_like_lf_and_spaces():
    text = (ANALYSES / "checkout_timeouts.md").read_text(encoding="utf-8")
    crlf = read_analysis_text(text.replace("\n", "\r\n"))
    tabbed = read_analysis_text("# T\n\n###\tWhy 1:\tWhy did it stall?\n\tlock held\n")

    assert spans(crlf) == [("1", 14, 20), ("2", 22, 32), ("3", 34, 40)]
    assert all("\r" not in why.text for why in crlf.whys)
    assert crlf.whys[0].question == "Why did checkout requests time out?"
    assert crlf.incident.start == at(2026, 3, 2, 14, 5)
    assert [(w.question, w.answer) for w in tabbed.whys] == [("Why did it stall?", "lock held")]


# --- sections and metadata --------------------------------------------------------------


def test_sections_from_headings():
    analysis = read_analysis(ANALYSES / "checkout_timeouts.md")

    assert analysis.title == "Five Whys: checkout requests timing out 2026-03-02"
    assert analysis.line_count == 48
    assert analysis.problem is not None and analysis.root_cause is not None
    assert analysis.fix is not None
    assert (analysis.problem.heading, analysis.problem.line, analysis.problem.end_line) == (
        "Problem",
        8,
        10,
    )
    assert analysis.root_cause.text == (
        "The payment timeout default was raised to 30 s without a circuit breaker."
    )
    assert (analysis.root_cause.line, analysis.fix.line, analysis.fix.end_line) == (42, 46, 48)


def test_sections_from_plain_and_bold_labels():
    analysis = read_analysis(ANALYSES / "numbered_list.md")

    assert analysis.problem is not None and analysis.root_cause is not None
    assert analysis.fix is not None
    assert (analysis.problem.heading, analysis.problem.line) == ("Summary", 3)
    assert analysis.root_cause.text == "naive datetimes in `export/query.py`."
    assert (analysis.fix.heading, analysis.fix.line) == ("Fix", 16)
    assert analysis.fix.text == "use aware datetimes everywhere (commit `9f8e7d6`)."


def test_resolution_heading_is_the_fix():
    analysis = read_analysis(ANALYSES / "table.md")

    assert analysis.fix is not None
    assert (analysis.fix.heading, analysis.fix.text) == (
        "Resolution",
        "Set `REDIS_POOL_SIZE` back to 20.",
    )


def test_incident_metadata_with_sources_and_assumed_zone():
    analysis = read_analysis(ANALYSES / "checkout_timeouts.md")
    incident = analysis.incident

    assert incident.start == at(2026, 3, 2, 14, 5)
    assert incident.end == at(2026, 3, 2, 15, 40)
    assert incident.detected == at(2026, 3, 2, 14, 12)
    assert incident.deployed_revision == "v1.4.2"
    assert incident.title_date == at(2026, 3, 2)
    assert incident.sources == {
        "start": "analysis:3",
        "end": "analysis:4",
        "detected": "analysis:5",
        "deployed_revision": "analysis:6",
        "title_date": "analysis:1",
    }
    # `Detected: 2026-03-02 14:12` names no zone; the UTC ones are taken silently.
    assert analysis.warnings == ["line 5: detected has no time zone: assumed UTC"]


def test_incident_metadata_in_a_table_with_offsets():
    incident = read_analysis(ANALYSES / "table.md").incident

    assert incident.start == at(2026, 1, 20, 8, 15)  # 09:15+01:00
    assert incident.start is not None and incident.start.utcoffset() == timedelta(0)
    assert incident.detected == at(2026, 1, 20, 9, 20)
    assert incident.deployed_revision == "deploy-2026-01-20-3"
    assert incident.sources["start"] == "analysis:5"


@pytest.mark.parametrize(
    ("line", "field", "expected"),
    [
        ("Incident start: 2026-03-02 14:05 UTC", "start", at(2026, 3, 2, 14, 5)),
        (
            "**Incident end**: 2026-03-02T16:00:30Z",
            "end",
            datetime(2026, 3, 2, 16, 0, 30, tzinfo=UTC),
        ),
        ("- **Detected:** March 2, 2026 at 14:20 PST", "detected", at(2026, 3, 2, 22, 20)),
        ("Incident start: 2 March 2026 09:00 +0530", "start", at(2026, 3, 2, 3, 30)),
        ("Incident start: 2026/03/02", "start", at(2026, 3, 2)),
    ],
)
def test_metadata_date_forms(line: str, field: str, expected: datetime):
    analysis = read_analysis_text(f"# T\n\n{line}\n")

    assert getattr(analysis.incident, field) == expected
    assert getattr(analysis.incident, field).tzinfo is not None
    assert analysis.incident.sources[field] == "analysis:3"
    assert not any("assumed UTC" in warning for warning in analysis.warnings)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Deployed revision: v1.4.2", "v1.4.2"),
        ("**Deployed revision**: abc1234 (tag v1.4.2)", "abc1234"),
        ("Deployed revision: `deploy-2026-03-02.1`.", "deploy-2026-03-02.1"),
        ("| Deployed revision | `9f8e7d6c` |", "9f8e7d6c"),
    ],
)
def test_deployed_revision_forms(line: str, expected: str):
    incident = read_analysis_text(f"# T\n{line}\n").incident

    assert incident.deployed_revision == expected
    assert incident.sources["deployed_revision"] == "analysis:2"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("# Deploy failure postmortem 2026-02-25", at(2026, 2, 25)),
        ("# WEBSOCKET_1011_FIVE_WHYS_ANALYSIS_20250908", at(2025, 9, 8)),
        ("# Outage of September 8, 2025", at(2025, 9, 8)),
        ("# Outage 8th Sept 2025 14:00 UTC", at(2025, 9, 8, 14)),
    ],
)
def test_dates_in_the_title(title: str, expected: datetime):
    incident = read_analysis_text(f"{title}\n\ntext\n").incident

    assert incident.title_date == expected
    assert incident.sources["title_date"] == "analysis:1"


def test_impossible_dates_are_ignored_not_crashed_on():
    analysis = read_analysis_text("# Report 2026-02-31\nIncident start: 2026-13-01 25:99\n")

    assert analysis.incident.title_date is None
    assert analysis.incident.start is None


def test_title_falls_back_to_the_first_heading_then_the_first_line():
    assert read_analysis_text("intro\n## Second level\n# \n").title == "Second level"
    assert read_analysis_text("\n\n**Outage report** for March\n").title == (
        "Outage report for March"
    )
    underlined = read_analysis_text("Outage report\n=============\n\nWhy 1: x\n")
    assert underlined.title == "Outage report"


# --- the seeds: real audit reports ------------------------------------------------------

SEED_EXPECTATIONS = {
    # file prefix: (title, title date, source line, problem heading)
    "000": ("SSOT Audit & Evidence Validation Report - 2025-09-08", at(2025, 9, 8), 1),
    "001": ("SSOT (Single Source of Truth) Compliance Audit Report", at(2025, 9, 15), 3),
    "002": (
        "SSOT Compliance Audit: WebSocket Authentication and Event Delivery",
        at(2025, 9, 7),
        3,
    ),
    "003": ("SSOT Compliance Audit - Five Whys Analysis Follow-up", at(2025, 9, 15, 21), 2),
    "004": ("COMPREHENSIVE SSOT COMPLIANCE AUDIT EVIDENCE REPORT", at(2025, 9, 14, 17, 41), 3),
}


def seed(prefix: str) -> Path:
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.skip(f"seed {prefix} not present at {SEEDS}")
    return matches[0]


@pytest.mark.parametrize("prefix", sorted(SEED_EXPECTATIONS))
def test_seeds_load_with_titles_dates_and_no_why_chain(prefix: str):
    path = seed(prefix)
    title, title_date, source_line = SEED_EXPECTATIONS[prefix]
    analysis = read_analysis(path)

    assert analysis.title == title
    assert analysis.incident.title_date == title_date
    assert analysis.incident.sources["title_date"] == f"analysis:{source_line}"
    assert analysis.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert analysis.line_count == len(path.read_text(encoding="utf-8").splitlines())
    # These are audit reports: numbered findings and "Root Cause Analysis: Why E2E Tests
    # Are Failing" are not a why chain, and the reader says so.
    assert analysis.whys == []
    assert NO_WHY_CHAIN in analysis.warnings
    assert analysis.problem is not None
    assert analysis.problem.heading.lower() == "executive summary"
    # No incident window is stated in any of them; nothing is invented.
    assert analysis.incident.start is None and analysis.incident.end is None
    assert analysis.incident.deployed_revision is None


def test_seed_sections_point_at_the_lines_that_name_them():
    first = read_analysis(seed("000"))
    third = read_analysis(seed("003"))

    assert first.root_cause is not None and first.fix is not None
    assert (first.root_cause.heading, first.root_cause.line) == ("CORRECTED ROOT CAUSE", 75)
    assert first.root_cause.text.startswith("1. **Syntax errors** in `agents_execute.py`")
    assert (first.fix.heading, first.fix.line) == ("Proposed Fix", 20)
    assert third.fix is not None
    assert (third.fix.heading, third.fix.line) == ("4. Remediation Strategy", 115)


@pytest.mark.parametrize(
    ("prefix", "first_line"), [("000", 16), ("001", 18), ("002", 6), ("004", 12)]
)
def test_seeds_with_double_encoded_emoji_are_flagged(prefix: str, first_line: int):
    analysis = read_analysis(seed(prefix))

    flagged = [warning for warning in analysis.warnings if "double-encoded" in warning]
    assert len(flagged) == 1
    assert f"first on line {first_line}" in flagged[0]


def test_a_correctly_encoded_seed_is_not_flagged_as_double_encoded():
    analysis = read_analysis(seed("003"))

    assert not any("double-encoded" in warning for warning in analysis.warnings)


# --- bytes, encodings and unreadable paths ---------------------------------------------


def write(tmp_path: Path, data: bytes, name: str = "analysis.md") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_sha256_is_of_the_raw_bytes(tmp_path: Path):
    data = b"# T\r\n\r\n### Why 1: q?\r\nanswer\r\n"
    analysis = read_analysis(write(tmp_path, data))

    assert analysis.sha256 == hashlib.sha256(data).hexdigest()
    assert analysis.path == str(tmp_path / "analysis.md")
    assert spans(analysis) == [("1", 3, 4)]


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_byte_order_marks_decide_the_encoding(tmp_path: Path, bom: bytes, codec: str):
    text = "# Ausfall ✅ 2026-03-02\n\n### Why 1: Warum?\nWeil.\n"
    analysis = read_analysis(write(tmp_path, bom + text.encode(codec)))

    assert analysis.title == "Ausfall ✅ 2026-03-02"
    assert spans(analysis) == [("1", 3, 4)]
    assert analysis.warnings == []


def test_not_utf8_is_decoded_with_replacement_and_said(tmp_path: Path):
    data = "# Panne du 2 mars\n\n### Why 1: Pourquoi ?\nParce que le café".encode("latin-1")
    analysis = read_analysis(write(tmp_path, data))

    assert analysis.title == "Panne du 2 mars"
    assert analysis.whys[0].answer == "Parce que le caf\ufffd"
    assert f"{NOT_UTF8} (first bad byte on line 4)" in analysis.warnings


def test_binary_file_is_refused_in_one_line(tmp_path: Path):
    # As git does: a NUL in the first 8,000 bytes makes the file binary, not an analysis.
    data = bytes(range(256)) * 64 + b"\n### Why 1: q\x00?\n"
    with pytest.raises(BadAnalysisError, match="binary file"):
        read_analysis(write(tmp_path, data))


def test_utf16_text_with_its_bom_is_not_binary(tmp_path: Path):
    data = "\ufeff# Outage\n\n### Why 1: Why?\n".encode("utf-16-le")
    assert read_analysis(write(tmp_path, data)).whys


def test_nul_bytes_in_memory_text_load_with_a_warning():
    analysis = read_analysis_text("# t\x00\n### Why 1: q\x00?\n")
    assert any("NUL" in warning for warning in analysis.warnings)
    assert all("\x00" not in why.text + why.question for why in analysis.whys)


def test_an_analysis_past_the_size_limit_is_refused(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_ANALYSIS_BYTES", 1000)
    with pytest.raises(BadAnalysisError, match="too large"):
        read_analysis(write(tmp_path, b"# big\n" + b"x" * 2000))


def test_an_analysis_past_the_claim_limit_is_refused(monkeypatch):
    monkeypatch.setattr(reader, "MAX_CLAIMS", 5)
    text = "".join(f"- `app/m{n}.py` exists\n" for n in range(10))
    with pytest.raises(BadAnalysisError, match="more than 5 claims"):
        read_analysis_text(text)


def test_a_claim_past_the_scanned_part_of_a_line_is_said(monkeypatch):
    line = "x" * (MAX_SCAN + 10) + " `app/late.py` exists"
    analysis = read_analysis_text(f"# t\n\n{line}\n")
    assert any("line 3 longer than" in warning for warning in analysis.warnings)


@pytest.mark.parametrize("data", [b"", b"   \n\n\t\n"])
def test_empty_file_loads_and_says_so(tmp_path: Path, data: bytes):
    analysis = read_analysis(write(tmp_path, data))

    assert analysis.title == ""
    assert analysis.whys == [] and analysis.claims == []
    assert analysis.line_count == data.count(b"\n")
    assert "empty analysis: nothing to read" in analysis.warnings


def test_missing_path_is_one_clear_error(tmp_path: Path):
    with pytest.raises(BadAnalysisError) as raised:
        read_analysis(tmp_path / "nope.md")
    assert raised.value.message == f"analysis not found: {tmp_path / 'nope.md'}"
    assert "\n" not in raised.value.message


def test_directory_is_one_clear_error(tmp_path: Path):
    with pytest.raises(BadAnalysisError, match="is a directory"):
        read_analysis(tmp_path)


@pytest.mark.skipif(
    not hasattr(os, "getuid") or os.getuid() == 0, reason="root reads any file regardless of mode"
)
def test_unreadable_file_is_one_clear_error(tmp_path: Path):
    path = write(tmp_path, b"# T\n")
    path.chmod(0)
    try:
        with pytest.raises(BadAnalysisError, match="permission denied"):
            read_analysis(path)
    finally:
        path.chmod(0o600)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")
def test_a_named_pipe_is_refused_instead_of_blocking(tmp_path: Path):
    pipe = tmp_path / "analysis.md"
    os.mkfifo(pipe)
    with pytest.raises(BadAnalysisError, match="not a regular file"):
        read_analysis(pipe)


# --- pathological input: sizes that would hang a backtracking pattern -------------------


@pytest.mark.parametrize(
    "line",
    [
        "*" * 100_000,
        "[" * 100_000,
        "# " + "#" * 100_000 + "x",
        "**" * 50_000 + "x",
        "|" + "-|" * 50_000 + "x",
        "**Why 1" + "*" * 100_000,
        "Incident start: " + "2026-" * 20_000,
        "Why 1" + " " * 100_000 + "x",
        "**Answer" + ":" * 100_000,
    ],
    ids=lambda line: repr(line[:12]),
)
def test_pathological_lines_load(line: str):
    analysis = read_analysis_text(f"# T\n{line}\n| a |\n{line}\n")

    assert analysis.line_count == 4
    assert all(1 <= why.line <= why.end_line <= 4 for why in analysis.whys)


def test_thousands_of_headings_and_deep_nesting_load():
    headings = "\n".join(f"{'#' * (i % 6 + 1)} Why {i % 50}: q{i}?" for i in range(5000))
    nested = "\n".join("  " * depth + "- **Answer**: deeper" for depth in range(600))
    analysis = read_analysis_text(headings + "\n" + nested + "\n")

    assert len(analysis.whys) == 5000
    assert len({why.id for why in analysis.whys}) == 5000
    assert analysis.whys[-1].end_line == 5600


def test_text_that_kept_its_byte_order_mark_reads_the_same():
    analysis = read_analysis_text("\ufeff# Outage\n### Why 1: q?\na\n")

    assert analysis.title == "Outage"
    assert spans(analysis) == [("1", 2, 3)]


def test_answer_and_evidence_subheadings_work_like_labels():
    document = (
        "# T\n\n## Why 1: Why did the queue back up?\n\n### Evidence\n\n- graph\n\n"
        "### Answer\n\n- consumers crashed\n- restarts were slow\n"
    )
    analysis = read_analysis_text(document)

    assert spans(analysis) == [("1", 3, 12)]
    assert analysis.whys[0].answer == "- consumers crashed\n- restarts were slow"


def test_permission_denied_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # Injected: the suite runs as root in CI containers, where chmod 0 does not stop a read.
    path = write(tmp_path, b"# T\n")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(BadAnalysisError) as raised:
        read_analysis(path)
    assert raised.value.message == f"analysis cannot be read (permission denied): {path}"


def test_an_io_error_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # Injected: a failing disk cannot be produced for real in a test.
    path = write(tmp_path, b"# T\n")

    def fail(self: Path) -> bytes:
        raise OSError(5, "Input/output error", str(self))

    monkeypatch.setattr(Path, "read_bytes", fail)
    with pytest.raises(BadAnalysisError) as raised:
        read_analysis(path)
    assert raised.value.message == f"analysis cannot be read (Input/output error): {path}"


def test_a_path_through_a_file_or_with_a_nul_byte_is_one_clear_error(tmp_path: Path):
    file = write(tmp_path, b"# T\n")

    with pytest.raises(BadAnalysisError, match="analysis not found"):
        read_analysis(file / "inside.md")
    with pytest.raises(BadAnalysisError, match="analysis path is not valid"):
        read_analysis(Path(str(tmp_path) + "/a\x00b.md"))


def test_an_absurd_number_of_whys_is_capped_and_said(monkeypatch: pytest.MonkeyPatch):
    from whys.core import reader

    monkeypatch.setattr(reader, "MAX_WHYS", 3)  # the real cap is 10,000; same code path
    analysis = read_analysis_text("# T\n" + "### Why 1: q?\nanswer\n" * 5)

    assert spans(analysis) == [("1", 2, 3), ("1-2", 4, 5), ("1-3", 6, 7)]
    assert "more than 3 whys: only the first 3 are read (from line 8 on, none)" in analysis.warnings


def test_without_a_problem_heading_the_opening_paragraph_is_the_problem():
    document = (
        "# Webhooks rejected\n\n**Incident start**: 2026-03-06 17:10 UTC\n\n"
        "Paystream reported 401s on refunds\nfor about two hours.\n\n"
        "1. **Why were webhooks rejected?** The HMAC check failed.\n"
    )
    analysis = read_analysis_text(document)

    assert analysis.problem is not None
    assert (analysis.problem.line, analysis.problem.end_line) == (5, 6)
    assert analysis.problem.text == "Paystream reported 401s on refunds\nfor about two hours."
    assert spans(analysis) == [("1", 8, 8)]
    assert analysis.whys[0].question == "Why were webhooks rejected?"
    assert analysis.whys[0].answer == "The HMAC check failed."


def test_parse_when_reads_the_forms_an_auditor_types():
    from whys.core.reader import parse_when

    assert parse_when("2026-03-02 14:05 UTC") == at(2026, 3, 2, 14, 5)
    assert parse_when("2026-03-02T16:05+02:00") == at(2026, 3, 2, 14, 5)
    assert parse_when("Sept 8, 2025") == at(2025, 9, 8)
    assert parse_when("no date here") is None
