"""Report formats: for a person, for CI, for a ticket, for a code-scanning UI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from gitbuild import make_repo

from whys.core.checks import CheckRun, check_analysis
from whys.core.models import Analysis
from whys.core.reader import read_analysis_text
from whys.core.repo import open_repo
from whys.core.report import render, render_many

ANALYSIS = """\
# Five Whys: slow checkout 2026-02-25

**Incident start**: 2026-02-25 03:00 UTC

### Why #1: Why was checkout slow?

**Answer**: retries.

- `client.py` exists
- `missing.py` holds the retry loop

### Why #2: Why were there retries?

- $40K MRR lost
- commit `abcdef12` introduced them
"""


@pytest.fixture
def checked(tmp_path: Path) -> tuple[Analysis, CheckRun]:
    repo = make_repo(
        tmp_path,
        [
            {
                "files": {"app/client.py": "x = 1\n"},
                "message": "init",
                "date": "2026-02-20T00:00:00Z",
            }
        ],
    )
    analysis = read_analysis_text(ANALYSIS, "docs/slow.md")
    return analysis, check_analysis(analysis, open_repo(repo))


def test_json_is_the_product_contract(checked: tuple[Analysis, CheckRun]) -> None:
    analysis, run = checked
    data = json.loads(render(analysis, run, "json"))
    assert data["analysis"] == {"path": "docs/slow.md", "title": analysis.title}
    assert len(data["revision"]) == 40 and data["revision"] == run.revision
    first = data["claims"][0]
    assert set(first) >= {"id", "line", "why", "kind", "text", "status", "detail", "suggestion"}
    assert [(c["line"], c["why"], c["kind"], c["status"]) for c in data["claims"]] == [
        (9, "1", "file", "verified"),
        (10, "1", "file", "contradicted"),
        (14, "2", "external", "unverifiable"),
        (15, "2", "commit", "contradicted"),
    ]
    assert data["summary"] == {"verified": 1, "contradicted": 2, "unverifiable": 1, "total": 4}
    assert isinstance(data["timeline"], list) and isinstance(data["warnings"], list)


def test_json_for_several_analyses_is_a_list(checked: tuple[Analysis, CheckRun]) -> None:
    analysis, run = checked
    data = json.loads(render_many([(analysis, run), (analysis, run)], "json"))
    assert isinstance(data, list) and len(data) == 2


def test_text_groups_by_why_with_contradictions_first(checked: tuple[Analysis, CheckRun]) -> None:
    analysis, run = checked
    text = render(analysis, run, "text")
    assert "\x1b[" not in text
    why1 = text.index("Why 1")
    why2 = text.index("Why 2")
    assert why1 < text.index("missing.py") < text.index("`client.py` exists") < why2
    assert why2 < text.index("abcdef12") < text.index("MRR")
    assert "no file matches `missing.py`" in text
    assert "\x1b[31m" in render(analysis, run, "text", color=True)


def test_markdown_leads_with_the_decision(checked: tuple[Analysis, CheckRun]) -> None:
    analysis, run = checked
    markdown = render(analysis, run, "markdown")
    lines = markdown.splitlines()
    assert lines[0].startswith("## whys check:")
    assert "**2 contradicted**" in lines[2]
    assert "### Contradicted" in markdown and "| c2 | 10 | 1 | file |" in markdown


def test_sarif_locates_results_at_the_analysis_lines(checked: tuple[Analysis, CheckRun]) -> None:
    analysis, run = checked
    log = json.loads(render(analysis, run, "sarif"))
    assert log["version"] == "2.1.0"
    [sarif_run] = log["runs"]
    rule_ids = {rule["id"] for rule in sarif_run["tool"]["driver"]["rules"]}
    located = {}
    for result in sarif_run["results"]:
        assert result["ruleId"] in rule_ids
        place = result["locations"][0]["physicalLocation"]
        assert place["artifactLocation"]["uri"] == "docs/slow.md"
        located[place["region"]["startLine"]] = result["level"]
    # Line 14 ("$40K MRR lost") is an external claim nothing in the repository can settle:
    # listed in the other formats, not a code-scanning result.
    assert located == {9: "none", 10: "error", 15: "error"}
    assert any(c.kind == "external" and c.line == 14 for c in analysis.claims)
    assert "$40K" in render(analysis, run, "text")


def test_sarif_paths_are_relative_to_the_repository_with_fingerprints(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path,
        [
            {
                "files": {"app/client.py": "x = 1\n"},
                "message": "init",
                "date": "2026-02-20T00:00:00Z",
            }
        ],
    )
    analysis_path = repo / "docs" / "slow checkout.md"
    analysis = read_analysis_text(ANALYSIS, str(analysis_path))
    run = check_analysis(analysis, open_repo(repo))
    log = json.loads(render_many([(analysis, run)], "sarif", root=repo))
    [sarif_run] = log["runs"]
    assert sarif_run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": repo.as_uri() + "/"}}
    fingerprints = []
    for result in sarif_run["results"]:
        location = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert location == {"uri": "docs/slow%20checkout.md", "uriBaseId": "%SRCROOT%"}
        assert "file://" not in json.dumps(result)
        fingerprints.append(result["partialFingerprints"]["whys/v1"])
    assert len(set(fingerprints)) == len(fingerprints) == 3

    # Lines inserted above the claims move them; their fingerprints stay.
    moved = read_analysis_text("# Preface\n\nSome context.\n\n" + ANALYSIS, str(analysis_path))
    moved_run = check_analysis(moved, open_repo(repo))
    again = json.loads(render_many([(moved, moved_run)], "sarif", root=repo))["runs"][0]
    assert [r["partialFingerprints"]["whys/v1"] for r in again["results"]] == fingerprints
    assert [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in again["results"]
    ] != [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in sarif_run["results"]
    ]


HOSTILE = """# Outage \x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J<img src=x onerror=alert(1)>

### Why #1: Why? <script>alert(1)</script>

- `client.py` exists \x1b[31mred\x1b[0m
- `missing\x9b.py` holds the retry loop
"""


def test_text_and_markdown_never_pass_escapes_or_html(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path,
        [
            {
                "files": {"app/client.py": "x = 1\n"},
                "message": "init",
                "date": "2026-02-20T00:00:00Z",
            }
        ],
    )
    analysis = read_analysis_text(HOSTILE, "docs/<b>evil</b>.md")
    run = check_analysis(analysis, open_repo(repo))
    text = render(analysis, run, "text")
    markdown = render(analysis, run, "markdown")
    for output in (text, markdown):
        assert "\x1b" not in output and "\x07" not in output and "\x9b" not in output
    assert "^[]52;c;cm0gLXJmIH4=^G^[[2J" in text  # shown as git and less show it
    # Outside code spans (where a renderer shows HTML as text), no tag from the analysis.
    prose = re.sub(r"`[^`]*`", "", markdown)
    assert "<img" not in prose and "<b>" not in prose and "<script>" not in prose
    assert "&lt;img src=x onerror=alert(1)&gt;" in markdown
    assert "`docs/<b>evil</b>.md`" in markdown
    assert "<details>" in markdown  # the report's own HTML stays
