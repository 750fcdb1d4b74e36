"""The document model: blocks, section roles, fence classes and dates, with no claims."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from whys.core.document.blocks import read_document
from whys.core.document.dates import parse_when
from whys.core.document.fences import classify_fence, fence_info
from whys.core.document.sections import section_role
from whys.core.models import Why

FENCES = {
    "traceback": (
        "```",
        [
            "Traceback (most recent call last):",
            '  File "app/payments/client.py", line 42, in charge',
            "    raise ProviderTimeout()",
            "ProviderTimeout",
        ],
    ),
    "java stack": (
        "```text",
        [
            "java.lang.NullPointerException: boom",
            "    at com.shop.Cart.total(Cart.java:88)",
            "    at com.shop.Api.handle(Api.java:12)",
        ],
    ),
    "git log": (
        "```",
        [
            "commit 4f2e9a1b7c0d2e3f4a5b6c7d8e9f0a1b2c3d4e5f",
            "Author: Ada <ada@example.com>",
            "Date:   Mon Mar 2 14:05:00 2026 +0000",
            "",
            "    payments: retry charges on timeouts",
        ],
    ),
    "git log oneline": (
        "```",
        [
            "4f2e9a1 payments: retry charges on timeouts",
            "b7c0d2e fix(payments): cap retries",
            "c3d4e5f chore: bump deps",
        ],
    ),
    "diff": (
        "```",
        [
            "diff --git a/app/config.py b/app/config.py",
            "--- a/app/config.py",
            "+++ b/app/config.py",
            "@@ -1 +1 @@",
            "-TIMEOUT = 5",
            "+TIMEOUT = 30",
        ],
    ),
    "diff by info": ("```diff", ["-    await startup()", "+    startup()"]),
    "shell by info": ("```bash", ["gcloud sql instances describe prod-db"]),
    "shell by prompt": ("```", ["$ rg -c get_config app/", "$ git log --oneline -3"]),
    "config": ("```yaml", ["retries: 3", "timeout: 30s"]),
    "code": ("```python", ["def charge(order):", "    return client.post(order)"]),
    "code without info": ("```", ["import os", "def main():", "    return 0"]),
    "output by info": ("```text", ["12 passed, 3 failed in 4.2s"]),
    "output without info": ("```", ["ERROR: connection refused (port 8000)", "retrying..."]),
}
EXPECTED = {
    "traceback": "traceback",
    "java stack": "traceback",
    "git log": "git log",
    "git log oneline": "git log",
    "diff": "diff",
    "diff by info": "diff",
    "shell by info": "shell",
    "shell by prompt": "shell",
    "config": "config",
    "code": "code",
    "code without info": "code",
    "output by info": "output",
    "output without info": "output",
}


@pytest.mark.parametrize("case", sorted(FENCES))
def test_each_fence_is_classified_by_its_info_and_content(case: str) -> None:
    opener, body = FENCES[case]
    assert classify_fence(fence_info(opener), body) == EXPECTED[case]


@pytest.mark.parametrize("case", sorted(FENCES))
def test_a_fence_block_carries_its_class_and_its_lines(case: str) -> None:
    opener, body = FENCES[case]
    lines = ["Intro line.", "", opener, *body, "```", "", "After."]
    document = read_document(lines)
    [fence] = [block for block in document.blocks if block.kind == "fence"]
    assert (fence.start, fence.end) == (3, 4 + len(body))
    assert fence.fence == EXPECTED[case]
    assert document.fenced[2] and not document.fenced[-1]


def test_fence_info_takes_the_language_word() -> None:
    assert fence_info("```python title='x.py'") == "python"
    assert fence_info("~~~{.yaml}") == "yaml"
    assert fence_info("```") == ""


def test_two_fences_back_to_back_stay_two_blocks() -> None:
    lines = ["```bash", "ls", "```", "```yaml", "a: 1", "```"]
    fences = [b for b in read_document(lines).blocks if b.kind == "fence"]
    assert [(b.start, b.end, b.fence) for b in fences] == [(1, 3, "shell"), (4, 6, "config")]


def test_an_unclosed_fence_runs_to_the_end() -> None:
    lines = ["text", "```python", "def f():", "    pass"]
    [_, fence] = read_document(lines).blocks
    assert (fence.kind, fence.start, fence.end) == ("fence", 2, 4)


def test_blocks_have_kinds_lines_depth_section_and_why() -> None:
    lines = [
        "# Checkout outage",  # 1
        "",
        "## Why 1: why did charges fail?",  # 3
        "The provider timed out",  # 4
        "and we retried forever.",  # 5
        "- `client.py:42` retries",  # 6
        "  - nested detail",  # 7
        "**Evidence:** the logs",  # 8
        "| Time | Event |",  # 9
        "## Root Cause",  # 10
        "Unbounded retries.",  # 11
        "### Detail",  # 12
        "More.",  # 13
        "## Action Items",  # 14
        "- [ ] cap retries",  # 15
        "- [x] add alert",  # 16
    ]
    whys = [Why(id="1", number=1, line=3, end_line=9)]
    document = read_document(lines, whys)
    shape = [(b.kind, b.start, b.end, b.depth, b.section, b.why) for b in document.blocks]
    assert shape == [
        ("heading", 1, 1, 1, None, None),
        ("heading", 3, 3, 2, None, "1"),
        ("paragraph", 4, 5, 0, None, "1"),
        ("bullet", 6, 6, 0, None, "1"),
        ("bullet", 7, 7, 1, None, "1"),
        ("label", 8, 8, 0, None, "1"),
        ("table row", 9, 9, 0, None, "1"),
        ("heading", 10, 10, 2, "root cause", None),
        ("paragraph", 11, 11, 0, "root cause", None),
        ("heading", 12, 12, 3, "root cause", None),  # a subsection inherits the role
        ("paragraph", 13, 13, 0, "root cause", None),
        ("heading", 14, 14, 2, "action items", None),
        ("bullet", 15, 15, 0, "action items", None),
        ("bullet", 16, 16, 0, "action items", None),
    ]
    assert [b.checked for b in document.blocks[-2:]] == [False, True]
    assert document.block_at(4) == document.blocks[2]  # line 5 is in the paragraph
    assert document.block_at(1) is None  # a blank line


@pytest.mark.parametrize(
    ("heading", "role"),
    [
        ("Root Cause", "root cause"),
        ("## 5. Root cause analysis", "root cause"),
        ("Fix", "fix"),
        ("Remediation", "fix"),
        ("Executive Summary", "problem"),
        ("Action Items", "action items"),
        ("🚨 Next steps", "action items"),
        ("Recommendations for Remediation", "action items"),
        ("Evidence", "evidence"),
        ("Timeline", "timeline"),
        ("Business Impact", "impact"),
        ("Lessons learned", "lessons"),
        ("Pattern Analysis", None),
    ],
)
def test_section_roles_come_from_the_heading(heading: str, role: str | None) -> None:
    assert section_role(heading) == role


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026-03-02", datetime(2026, 3, 2, tzinfo=UTC)),
        ("2026-02-25 03:44 UTC", datetime(2026, 2, 25, 3, 44, tzinfo=UTC)),
        ("2026-02-25T03:44Z", datetime(2026, 2, 25, 3, 44, tzinfo=UTC)),
        ("2026-02-25 03:44", datetime(2026, 2, 25, 3, 44, tzinfo=UTC)),
        ("2026-03-02T16:05+02:00", datetime(2026, 3, 2, 14, 5, tzinfo=UTC)),
        ("March 2, 2026", datetime(2026, 3, 2, tzinfo=UTC)),
        ("2 Mar 2026 at 09:30 PST", datetime(2026, 3, 2, 17, 30, tzinfo=UTC)),
        ("20260302", datetime(2026, 3, 2, tzinfo=UTC)),
        ("2026-13-45", None),
        ("no date", None),
    ],
)
def test_one_date_parser_reads_every_form(text: str, moment: datetime | None) -> None:
    assert parse_when(text) == moment


def test_reader_and_time_claims_share_the_date_parser() -> None:
    from whys.core import reader
    from whys.core.claims.kinds import time

    assert reader.parse_when is parse_when
    assert time.parse_when is parse_when
