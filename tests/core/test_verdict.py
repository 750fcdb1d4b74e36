"""Verdict rules, the canonical verdict file and the decision-first report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from session_samples import LEAKED_JWT_SECRET, SHA_B, make_evidence, make_session

from whys.core.checks import CHECKS_VERSION
from whys.core.model_io import json_schema
from whys.core.session import SessionStore
from whys.core.verdict import (
    VerdictFile,
    approval_blockers,
    build_verdict_file,
    canonical_json,
    parse_verdict_file,
    render_report,
    verdict_file_schema,
    write_export,
)
from whys.errors import BadInputError, VerdictRuleError


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path / "s.json", make_session())


# -- rules --------------------------------------------------------------------------------------


def test_approving_over_a_rejected_why_is_refused_and_names_the_blockers(
    store: SessionStore,
) -> None:
    store.record_verdict(0, "why", "2", "rejected", "no evidence the limits were cut", "ana@x")
    with pytest.raises(VerdictRuleError) as refused:
        store.record_verdict(0, "analysis", None, "approved", "looks fine", "ana@x")
    message = refused.value.message
    assert "why 2 is rejected" in message
    assert "claim c2 (line 14) is contradicted" in message
    assert "timeline: cause-after-incident" in message
    assert store.latest_verdict(0, "analysis") is None


def test_override_needs_a_note(store: SessionStore) -> None:
    with pytest.raises(VerdictRuleError, match="override needs a note"):
        store.record_verdict(0, "analysis", None, "approved", "  ", "ana@x", override=True)


def test_override_with_a_note_is_recorded_with_what_it_overrode(store: SessionStore) -> None:
    store.record_verdict(0, "why", "2", "rejected", "limits were never cut", "ana@x")
    verdict = store.record_verdict(
        0, "analysis", None, "approved", "incident lead accepted the risk", "lead@x", override=True
    )
    assert verdict.override
    assert verdict.overrode == [
        "why 2 is rejected",
        "claim c2 (line 14) is contradicted",
        "timeline: cause-after-incident",
    ]
    report = render_report(build_verdict_file(store.session, CHECKS_VERSION))
    assert "**Overrides**:" in report
    assert "analysis approved by lead@x" in report
    assert "over: why 2 is rejected; claim c2 (line 14) is contradicted" in report
    assert "Note: incident lead accepted the risk" in report

    store.record_verdict(0, "analysis", None, "rejected", "second look: limits never cut", "bo@y")
    later = build_verdict_file(store.session, CHECKS_VERSION)
    [override] = later.analyses[0].overrides
    assert not override.in_force
    assert "(since replaced by a later verdict)" in render_report(later)


def test_override_on_nothing_to_override_is_not_flagged(store: SessionStore) -> None:
    store.session.analyses[0].checks = []
    store.session.analyses[0].findings = []
    verdict = store.record_verdict(0, "analysis", None, "approved", "sound", "ana@x", override=True)
    assert not verdict.override and verdict.overrode == []


def test_approving_a_contradicted_claim_needs_an_override_then_unblocks_it(
    store: SessionStore,
) -> None:
    with pytest.raises(VerdictRuleError, match="claim c2 is contradicted by the check"):
        store.record_verdict(0, "claim", "c2", "approved", "", "ana@x")
    store.record_verdict(
        0, "claim", "c2", "approved", "the check read a rebased SHA", "ana@x", override=True
    )
    assert approval_blockers(store.audit(0)) == ["timeline: cause-after-incident"]


@pytest.mark.parametrize("decision", ["rejected", "needs-evidence"])
def test_reject_and_needs_evidence_need_a_note(store: SessionStore, decision: str) -> None:
    with pytest.raises(VerdictRuleError, match=f"{decision} needs a note"):
        store.record_verdict(0, "why", "1", decision, "", "ana@x")


def test_unknown_ids_list_the_valid_ones(store: SessionStore) -> None:
    with pytest.raises(BadInputError, match="no why '7'.*valid whys: 1, 2, 3"):
        store.record_verdict(0, "why", "7", "approved", "", "ana@x")
    with pytest.raises(BadInputError, match="no claim 'c9'.*valid claims: c1, c2, c3"):
        store.record_verdict(0, "claim", "c9", "approved", "", "ana@x")


def test_latest_verdict_wins(store: SessionStore) -> None:
    store.record_verdict(0, "why", "1", "needs-evidence", "show the deploy log", "ana@x")
    store.record_verdict(0, "why", "1", "approved", "deploy log attached", "ana@x")
    latest = store.latest_verdict(0, "why", "1")
    assert latest is not None and latest.decision == "approved"
    assert len(store.audit(0).verdicts) == 2


# -- verdict file -------------------------------------------------------------------------------


def _decided_session(tmp_path: Path) -> SessionStore:
    store = SessionStore(tmp_path / "decided.json", make_session(analyses=3))
    store.attach_evidence(0, make_evidence())
    store.record_verdict(0, "why", "2", "rejected", "limits were never cut", "ana@x")
    store.record_verdict(
        0, "analysis", None, "rejected", "the cause commit landed after the failure began", "ana@x"
    )
    for index in (1, 2):
        store.record_verdict(
            index, "analysis", None, "approved", "clock skew, see ticket", "bo@y", override=True
        )
    store.set_corrected_root_cause(0, "SERVICE_SECRET missing in staging")
    return store


def test_verdict_file_is_canonical_and_byte_identical(tmp_path: Path) -> None:
    store = _decided_session(tmp_path)
    first = canonical_json(build_verdict_file(store.session, CHECKS_VERSION))
    store.set_ui_state({"moved": "elsewhere"})  # UI state is not part of the verdict
    second = canonical_json(build_verdict_file(store.session, CHECKS_VERSION))
    assert first == second
    assert first.endswith(b"}\n") and not first.endswith(b"\n\n")
    document = json.loads(first)
    assert (
        first
        == (json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()
    )
    assert parse_verdict_file(first) == build_verdict_file(store.session, CHECKS_VERSION)


def test_verdict_file_shape(tmp_path: Path) -> None:
    store = _decided_session(tmp_path)
    document = json.loads(canonical_json(build_verdict_file(store.session, CHECKS_VERSION)))
    assert document["type"] == "whys-verdict"
    assert document["verifier"]["checks_version"] == CHECKS_VERSION
    assert document["auditors"] == ["ana@x", "bo@y"]
    assert document["resource"] == {
        "repo": "/srv/repos/netra",
        "revision": "HEAD",
        "revision_sha": SHA_B,
    }
    assert document["result"] == "rejected"
    assert document["summary"] == {
        "approved": 2,
        "rejected": 1,
        "needs-evidence": 0,
        "undecided": 0,
        "approved-by-override": 2,
    }
    first = document["analyses"][0]
    assert first["sha256"] == "0" * 64
    assert first["reason"] == "the cause commit landed after the failure began"
    assert [w["verdict"]["decision"] if w["verdict"] else None for w in first["whys"]] == [
        None,
        "rejected",
        None,
    ]
    assert first["claims"][1]["check"]["status"] == "contradicted"
    evidence = first["evidence"][0]
    assert evidence["digest"]["sha256"] == make_evidence().content_sha256
    assert evidence["query"] == {
        "op": "grep",
        "pattern": "JWT_SECRET",
        "options": {"fixed_strings": True},
    }
    assert document["analyses"][1]["overrides"][0]["overrode"] == [
        "claim c2 (line 14) is contradicted",
        "timeline: cause-after-incident",
    ]


def test_export_never_leaks_the_pasted_jwt_secret(tmp_path: Path) -> None:
    store = _decided_session(tmp_path)
    store.record_verdict(
        0,
        "why",
        "1",
        "needs-evidence",
        f"staging uses JWT_SECRET_STAGING={LEAKED_JWT_SECRET}",
        "ana@x",
    )
    result = write_export(store.session, tmp_path / "out" / "OUT.json")
    exported = result.json_path.read_text(encoding="utf-8")
    report = result.report_path.read_text(encoding="utf-8")
    assert LEAKED_JWT_SECRET not in exported and LEAKED_JWT_SECRET not in report
    assert "JWT_SECRET_STAGING=[REDACTED:secret-assignment]" in exported
    places = {item.where for item in result.verdict_file.redactions}
    assert "analyses[0].evidence[0].content" in places
    assert any(place.startswith("analyses[0].history[") for place in places)
    assert "## Redacted" in report and "analyses[0].evidence[0].content" in report


def test_schema_describes_the_file() -> None:
    schema = verdict_file_schema()
    assert {"verifier", "resource", "analyses", "redactions", "time_verified"} <= set(
        schema["properties"]
    )
    assert json_schema(VerdictFile) == schema


def test_report_is_decision_first_with_evidence_in_an_appendix(tmp_path: Path) -> None:
    store = _decided_session(tmp_path)
    report = render_report(build_verdict_file(store.session, CHECKS_VERSION))
    lines = report.splitlines()
    assert lines[0] == "# REJECTED: 2 APPROVED (override), 1 REJECTED"
    assert "## 1. REJECTED: Missing endpoints: Five Whys" in lines
    assert "Reason: the cause commit landed after the failure began" in lines
    assert "## 2. APPROVED (override): Missing endpoints: Five Whys" in lines
    assert "**Override**: clock skew, see ticket" in lines
    assert "**Corrected root cause**: SERVICE_SECRET missing in staging" in report
    assert "| 2 | Why did startup fail? | rejected | limits were never cut | ana@x |" in report
    assert report.index("## Appendix: evidence") > report.index("## 3.")
    assert len(lines) < 120


def test_single_analysis_report_leads_with_its_reason(store: SessionStore) -> None:
    store.record_verdict(
        0,
        "analysis",
        None,
        "rejected",
        "the cause commit landed after the failure began\nmore detail",
        "ana@x",
    )
    report = render_report(build_verdict_file(store.session, CHECKS_VERSION))
    # Decision and title first; the reason follows, labelled.
    assert report.startswith("# REJECTED: Missing endpoints: Five Whys\n")
    assert "Reason: the cause commit landed after the failure began" in report
    assert "**1 REJECTED**" in report


def test_parse_rejects_what_is_not_a_verdict_file() -> None:
    with pytest.raises(BadInputError, match="not valid UTF-8 JSON"):
        parse_verdict_file(b"{")
    with pytest.raises(BadInputError, match="not a whys verdict file"):
        parse_verdict_file(b'{"type": "other"}')
    with pytest.raises(BadInputError, match="damaged verdict file"):
        parse_verdict_file(b'{"type": "whys-verdict"}')


def test_export_next_to_a_markdown_name_is_refused(store: SessionStore, tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="report is written beside it"):
        write_export(store.session, tmp_path / "OUT.md")
