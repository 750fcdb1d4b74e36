"""`whys verdict`, `whys export`, `whys sign`, `whys verify` end to end: a real repository,
real ssh-keygen keys, the exit codes and one-line errors a user sees."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from gitbuild import git, git_env, make_repo
from session_samples import LEAKED_JWT_SECRET, make_session

from whys.cli import main
from whys.core.evidence import collect
from whys.core.reader import read_analysis
from whys.core.repo import open_repo
from whys.core.session import SessionStore, load_session

needs_ssh_keygen = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen")

PAYMENTS = "def charge(card):\n    retries = {n}\n    return send(card, retries)\n"


@pytest.fixture
def audit(tmp_path: Path) -> dict[str, Path | str]:
    """A repository whose fix commit is pinned by three evidence items in a session."""
    repo = make_repo(
        tmp_path,
        [
            {
                "files": {
                    "app/pay.py": PAYMENTS.format(n=0),
                    "config/staging.env": f"JWT_SECRET_STAGING={LEAKED_JWT_SECRET}\n",
                },
                "message": "payments",
                "date": "2026-02-01T10:00:00+00:00",
            },
            {
                "files": {"app/pay.py": PAYMENTS.format(n=3)},
                "message": "fix: retry transient 502s",
                "date": "2026-02-03T10:00:00+00:00",
            },
        ],
    )
    fix = git(repo, "rev-parse", "HEAD").strip()
    session = make_session(repo=str(repo))
    session.revision_sha = fix
    store = SessionStore(tmp_path / "audit.json", session)
    git_repo = open_repo(repo)
    for query, why in [
        ({"op": "grep", "pattern": "retries = 3", "fixed_strings": True}, "2"),
        ({"op": "commit", "sha": fix}, "3"),
        ({"op": "grep", "pattern": "JWT_SECRET", "fixed_strings": True}, "1"),
    ]:
        store.attach_evidence(0, collect(git_repo, query, fix, why=why, created_by="ana@x"))
    return {"repo": repo, "fix": fix, "session": store.path, "tmp": tmp_path}


def make_key(folder: Path, name: str, passphrase: str = "") -> Path:
    key = folder / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", name, "-f", str(key)],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    return key


def allowed_signers(folder: Path, **keys: Path) -> Path:
    target = folder / "allowed_signers"
    target.write_text(
        "".join(
            f"{name}@example.com {key.with_suffix('.pub').read_text()}"
            for name, key in keys.items()
        )
    )
    return target


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("whys: ")
    return err[0]


# -- whys verdict ---------------------------------------------------------------------------


def test_verdict_rules_from_the_command_line(
    audit: dict[str, Path | str], capsys: pytest.CaptureFixture[str]
) -> None:
    session = str(audit["session"])
    assert (
        main(
            [
                "verdict",
                session,
                "--why",
                "2",
                "--reject",
                "--note",
                "limits never cut",
                "--auditor",
                "ana@x",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out == ("reports/ANALYSIS_1.md: why 2 rejected by ana@x\n")
    assert main(["verdict", session, "--analysis", "--approve", "--auditor", "ana@x"]) == 2
    assert "cannot approve analysis reports/ANALYSIS_1.md: why 2 is rejected" in one_error_line(
        capsys
    )
    assert (
        main(["verdict", session, "--analysis", "--approve", "--override", "--auditor", "lead@x"])
        == 2
    )
    assert "override needs a note" in one_error_line(capsys)
    assert (
        main(
            [
                "verdict",
                session,
                "--analysis",
                "--approve",
                "--override",
                "--note",
                "risk accepted by the incident lead",
                "--auditor",
                "lead@x",
                "--json",
            ]
        )
        == 0
    )
    recorded = json.loads(capsys.readouterr().out)
    assert recorded["verdict"]["override"] is True
    assert recorded["verdict"]["overrode"][0] == "why 2 is rejected"
    verdicts = load_session(Path(session)).analyses[0].verdicts
    assert [(v.target, v.decision, v.override) for v in verdicts] == [
        ("why", "rejected", False),
        ("analysis", "approved", True),
    ]


def test_verdict_bad_targets_and_usage(
    audit: dict[str, Path | str], capsys: pytest.CaptureFixture[str]
) -> None:
    session = str(audit["session"])
    assert main(["verdict", session, "--claim", "c9", "--approve", "--auditor", "a"]) == 2
    assert "valid claims: c1, c2, c3" in one_error_line(capsys)
    assert main(["verdict", session, "--why", "1", "--needs-evidence", "--auditor", "a"]) == 2
    assert "needs a note" in one_error_line(capsys)
    assert main(["verdict", session, "--approve"]) == 2
    assert "--analysis, --why N or --claim ID" in one_error_line(capsys)
    assert (
        main(
            ["verdict", str(audit["tmp"] / "missing.json"), "--analysis", "--reject", "--note", "x"]
        )
        == 2
    )
    assert "no session file" in one_error_line(capsys)


def test_verdict_auditor_defaults_and_corrected_root_cause(
    audit: dict[str, Path | str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("USER", "night-shift")
    session = str(audit["session"])
    assert (
        main(
            [
                "verdict",
                session,
                "--why",
                "1",
                "--approve",
                "--corrected-root-cause",
                "SERVICE_SECRET missing in staging",
            ]
        )
        == 0
    )
    audit_state = load_session(Path(session)).analyses[0]
    assert audit_state.verdicts[-1].auditor == "night-shift"
    assert audit_state.corrected_root_cause == "SERVICE_SECRET missing in staging"


def test_verdict_asks_which_analysis_when_there_are_several(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = SessionStore(tmp_path / "three.json", make_session(analyses=3))
    approve = ["verdict", str(store.path), "--why", "1", "--approve", "--auditor", "a"]
    assert main(approve) == 2
    assert "choose one with --analysis-index" in one_error_line(capsys)
    assert main([*approve, "--analysis-file", "ANALYSIS_2.md"]) == 0
    assert main([*approve, "--analysis-index", "3"]) == 0
    decided = [len(a.verdicts) for a in load_session(store.path).analyses]
    assert decided == [0, 1, 1]


# -- export, sign, verify --------------------------------------------------------------------


@needs_ssh_keygen
def test_export_sign_verify_tamper_and_second_signer(
    audit: dict[str, Path | str], capsys: pytest.CaptureFixture[str]
) -> None:
    tmp = audit["tmp"]
    assert isinstance(tmp, Path)
    ana, bo = make_key(tmp, "ana"), make_key(tmp, "bo")
    signers = allowed_signers(tmp, ana=ana, bo=bo)
    out = tmp / "export" / "OUT.json"
    session, repo = str(audit["session"]), str(audit["repo"])

    assert (
        main(
            [
                "verdict",
                session,
                "--why",
                "2",
                "--reject",
                "--note",
                "no",
                "--auditor",
                "ana@example.com",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["export", session, "-o", str(out), "--sign-key", str(ana)]) == 0
    captured = capsys.readouterr()
    assert captured.out.split() == [str(out), str(out.with_suffix(".md")), f"{out}.sig"]
    assert "redacted 1 credential-like value(s)" in captured.err
    assert LEAKED_JWT_SECRET not in out.read_text() + out.with_suffix(".md").read_text()

    first_bytes = out.read_bytes()
    assert main(["export", session, "-o", str(out)]) == 0  # same session: same bytes, sig kept
    capsys.readouterr()
    assert out.read_bytes() == first_bytes and Path(f"{out}.sig").is_file()

    assert main(["verify", str(out), "--repo", repo, "--allowed-signers", str(signers)]) == 0
    report = capsys.readouterr().out
    assert "ok   signature OUT.json.sig: good signature by ana@example.com" in report
    assert report.rstrip().endswith("SOUND")

    assert main(["sign", "--yes", str(out), "--key", str(bo)]) == 0
    assert capsys.readouterr().out.strip() == f"{out}.2.sig"
    plain = subprocess.run(
        [
            "sh",
            "-c",
            "ssh-keygen -Y verify -f allowed_signers -I bo@example.com -n whys-verdict "
            "-s export/OUT.json.2.sig < export/OUT.json",
        ],
        cwd=tmp,
        capture_output=True,
        text=True,
        check=False,
    )
    assert plain.returncode == 0, plain.stderr
    assert (
        main(["verify", str(out), "--repo", repo, "--allowed-signers", str(signers), "--json"]) == 0
    )
    document = json.loads(capsys.readouterr().out)
    assert document["sound"] is True
    assert [s["principals"] for s in document["signatures"]] == [
        ["ana@example.com"],
        ["bo@example.com"],
    ]

    tampered = bytearray(first_bytes)
    tampered[tampered.index(b'"rejected"') + 1] ^= 0x20  # one byte: r -> R
    out.write_bytes(bytes(tampered))
    assert main(["verify", str(out), "--repo", repo, "--allowed-signers", str(signers)]) == 1
    assert "NOT SOUND: 2 bad signature(s)" in capsys.readouterr().out

    out.write_bytes(first_bytes[:-2])  # cut: not even JSON any more, still a bad signature
    assert main(["verify", str(out), "--repo", repo, "--allowed-signers", str(signers)]) == 1


@needs_ssh_keygen
def test_re_export_after_a_change_drops_the_stale_signature(
    audit: dict[str, Path | str], capsys: pytest.CaptureFixture[str]
) -> None:
    tmp = audit["tmp"]
    assert isinstance(tmp, Path)
    ana = make_key(tmp, "ana")
    out = tmp / "OUT.json"
    session = str(audit["session"])
    assert main(["export", session, "-o", str(out), "--sign-key", str(ana)]) == 0
    assert main(["verdict", session, "--why", "1", "--approve", "--auditor", "a"]) == 0
    assert main(["export", session, "-o", str(out)]) == 0
    assert "removed" in capsys.readouterr().err
    assert not Path(f"{out}.sig").exists()


@needs_ssh_keygen
def test_passphrase_key_without_agent_is_one_clear_error(
    audit: dict[str, Path | str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    tmp = audit["tmp"]
    assert isinstance(tmp, Path)
    locked = make_key(tmp, "locked", passphrase="correct horse")
    out = tmp / "OUT.json"
    assert main(["export", str(audit["session"]), "-o", str(out), "--sign-key", str(locked)]) == 2
    assert "needs a passphrase and no ssh-agent holds it" in one_error_line(capsys)
    assert out.is_file() and out.with_suffix(".md").is_file()  # the export itself stands


def test_revert_then_verify_reports_drift(
    audit: dict[str, Path | str], capsys: pytest.CaptureFixture[str]
) -> None:
    tmp, repo, fix = audit["tmp"], audit["repo"], audit["fix"]
    assert isinstance(tmp, Path) and isinstance(repo, Path) and isinstance(fix, str)
    out = tmp / "OUT.json"
    assert main(["export", str(audit["session"]), "-o", str(out)]) == 0
    verify = ["verify", str(out), "--repo", str(repo), "--rev", "HEAD", "--integrity-only"]
    assert main(verify) == 0
    capsys.readouterr()

    git(repo, "revert", "--no-edit", fix, env=git_env("2026-02-10T10:00:00+00:00"))
    assert main(verify) == 1
    report = capsys.readouterr().out
    assert f"commit {fix} was reverted by" in report
    assert "- app/pay.py:2:    retries = 3" in report
    assert report.rstrip().endswith("NOT SOUND: 2 evidence re-run(s) drifted")
    # The secret's evidence did not change, and its re-run is shown redacted.
    assert LEAKED_JWT_SECRET not in report


def test_verify_bad_input_exits_2(
    audit: dict[str, Path | str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "OUT.json"
    assert main(["export", str(audit["session"]), "-o", str(out)]) == 0
    other = make_repo(tmp_path, [{"files": {"x": "y\n"}, "message": "other"}], name="other")
    capsys.readouterr()
    assert main(["verify", str(out), "--repo", str(other), "--integrity-only"]) == 2
    assert "is it the right repository?" in one_error_line(capsys)
    not_verdict = tmp_path / "x.json"
    not_verdict.write_text("{}")
    assert main(["verify", str(not_verdict), "--repo", str(other)]) == 2
    assert "not a whys verdict file" in one_error_line(capsys)
    assert main(["verify", str(tmp_path / "none.json"), "--repo", str(other)]) == 2
    one_error_line(capsys)


def test_export_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "VerdictFile"


def test_verify_runs_nothing_from_a_hostile_repository(
    audit: dict[str, Path | str], capsys: pytest.CaptureFixture[str]
) -> None:
    tmp, repo = audit["tmp"], audit["repo"]
    assert isinstance(tmp, Path) and isinstance(repo, Path)
    marker = tmp / "MARKER"
    trap = tmp / "trap.sh"
    trap.write_text(f'#!/bin/sh\necho ran >> "{marker}"\ncat "$@" 2>/dev/null\nexit 0\n')
    trap.chmod(0o755)
    for key in (
        "core.fsmonitor",
        "core.pager",
        "diff.external",
        "core.sshCommand",
        "filter.trap.smudge",
        "filter.trap.clean",
        "diff.trap.textconv",
    ):
        git(repo, "config", key, str(trap))
    (repo / ".git" / "info" / "attributes").write_text("* filter=trap diff=trap\n")
    hooks = repo / ".git" / "hooks"
    for hook in ("post-checkout", "pre-commit", "post-rewrite", "reference-transaction"):
        (hooks / hook).write_text(trap.read_text())
        (hooks / hook).chmod(0o755)
    git(repo, "status", check=False)
    assert marker.exists(), "plain git should have run the trap (so this test can fail)"
    marker.unlink()

    out = tmp / "OUT.json"
    assert main(["export", str(audit["session"]), "-o", str(out)]) == 0
    assert main(["verify", str(out), "--repo", str(repo), "--rev", "HEAD", "--integrity-only"]) == 0
    capsys.readouterr()
    assert not marker.exists()


# -- git's configuration (user.email, user.signingkey) ------------------------------------------


def _needs_git_config_helper() -> None:
    from whys.core import repo as git_layer

    if not hasattr(git_layer, "git_config_value"):
        pytest.skip("whys.core.repo.git_config_value is not built yet")


def test_sign_without_key_or_ssh_config_is_one_clear_error(
    audit: dict[str, Path | str], capsys: pytest.CaptureFixture[str]
) -> None:
    tmp = audit["tmp"]
    assert isinstance(tmp, Path)
    assert main(["export", str(audit["session"]), "-o", str(tmp / "OUT.json"), "--sign"]) == 2
    assert "no signing key given" in one_error_line(capsys)


@needs_ssh_keygen
def test_sign_with_gits_ssh_signing_key_and_auditor_from_user_email(
    audit: dict[str, Path | str],
    capsys: pytest.CaptureFixture[str],
    isolated_home: Path,
) -> None:
    _needs_git_config_helper()
    tmp = audit["tmp"]
    assert isinstance(tmp, Path)
    key = make_key(tmp, "ana")
    (isolated_home / ".gitconfig").write_text(
        f"[user]\n\temail = ana@example.com\n\tsigningkey = {key}\n[gpg]\n\tformat = ssh\n"
        f'[gpg "ssh"]\n\tallowedSignersFile = {allowed_signers(tmp, ana=key)}\n'
    )
    session, out = str(audit["session"]), tmp / "OUT.json"
    assert main(["verdict", session, "--why", "1", "--approve"]) == 0
    assert load_session(Path(session)).analyses[0].verdicts[-1].auditor == "ana@example.com"
    assert main(["export", session, "-o", str(out), "--sign"]) == 0
    assert main(["verify", str(out), "--repo", str(audit["repo"])]) == 0
    assert "good signature by ana@example.com" in capsys.readouterr().out


def test_unsigned_file_fails_when_signers_are_required(
    audit: dict[str, Path | str], capsys: pytest.CaptureFixture[str]
) -> None:
    tmp = audit["tmp"]
    assert isinstance(tmp, Path)
    out = tmp / "OUT.json"
    assert main(["export", str(audit["session"]), "-o", str(out)]) == 0
    signers = tmp / "allowed_signers"
    signers.write_text("")
    capsys.readouterr()
    assert (
        main(["verify", str(out), "--repo", str(audit["repo"]), "--allowed-signers", str(signers)])
        == 1
    )
    assert capsys.readouterr().out.rstrip().endswith("NOT SOUND: not signed")


# -- re-hashing the analysis, signing twice, two writers ----------------------------------------

PAYMENTS_ANALYSIS = """# Payments returned 502s

## Five Whys

1. Why did payments fail? The gateway gave 502s and nothing retried.
2. Why did nothing retry? `retries = 0` in `app/pay.py`, fixed by making it 3.
"""


def test_verify_rehashes_the_analysis_files(
    audit: dict[str, Path | str], capsys: pytest.CaptureFixture[str]
) -> None:
    tmp, repo, fix = audit["tmp"], str(audit["repo"]), audit["fix"]
    assert isinstance(tmp, Path) and isinstance(fix, str)
    written = tmp / "postmortems" / "PAYMENTS.md"
    written.parent.mkdir()
    written.write_text(PAYMENTS_ANALYSIS)
    SessionStore(Path(audit["session"])).upsert_analysis(read_analysis(written), fix, [], [])
    out = tmp / "OUT.json"
    assert main(["export", str(audit["session"]), "-o", str(out)]) == 0
    capsys.readouterr()
    verify = ["verify", str(out), "--repo", repo, "--integrity-only"]
    inside = ["--analysis-dir", str(tmp)]  # the analyses live beside the repository here

    assert main([*verify, *inside]) == 0
    report = capsys.readouterr().out
    assert f"ok   analysis {written}: sha256 matches ({written})" in report
    assert (
        "skip analysis reports/ANALYSIS_1.md: not re-hashed: no file at "
        f"{tmp / 'ANALYSIS_1.md'}; no file at {tmp / 'reports/ANALYSIS_1.md'}" in report
    )
    assert report.rstrip().endswith(
        "UNSIGNED (integrity only: nothing signed; the evidence was checked)"
    )

    # Without --analysis-dir the analysis folder is the repository: the file outside it is
    # never opened.
    assert main(verify) == 0
    assert f"{written} is outside the analysis folder" in capsys.readouterr().out

    written.write_text(PAYMENTS_ANALYSIS.replace("making it 3", "making it 5"))
    assert main([*verify, *inside]) == 1
    report = capsys.readouterr().out
    assert f"DRIFT analysis {written}: analysis changed since the verdict" in report
    assert report.rstrip().endswith("NOT SOUND: 1 analysis file(s) changed since the verdict")

    assert main([*verify, *inside, "--json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["sound"] is False
    assert document["problems"] == ["1 analysis file(s) changed since the verdict"]
    assert [(f["analysis"], f["status"]) for f in document["analysis_files"]] == [
        ("reports/ANALYSIS_1.md", "not-rehashed"),
        (str(written), "changed"),
    ]

    # The audited version, found by name in another checkout, is sound again.
    checkout = tmp / "checkout"
    checkout.mkdir()
    (checkout / "PAYMENTS.md").write_text(PAYMENTS_ANALYSIS)
    assert main([*verify, "--analysis-dir", str(checkout)]) == 0
    assert f"sha256 matches ({checkout / 'PAYMENTS.md'})" in capsys.readouterr().out

    assert main([*verify, "--analysis-dir", str(tmp / "none")]) == 2
    assert "no analysis folder at" in one_error_line(capsys)


@needs_ssh_keygen
def test_signing_twice_with_one_key_is_refused_unless_forced(
    audit: dict[str, Path | str], capsys: pytest.CaptureFixture[str]
) -> None:
    tmp = audit["tmp"]
    assert isinstance(tmp, Path)
    ana = make_key(tmp, "ana")
    signers = allowed_signers(tmp, ana=ana)
    out = tmp / "OUT.json"
    assert main(["export", str(audit["session"]), "-o", str(out), "--sign-key", str(ana)]) == 0
    capsys.readouterr()

    assert main(["sign", "--yes", str(out), "--key", str(ana)]) == 2
    err = capsys.readouterr().err.strip().splitlines()  # the summary of what is signed, then
    assert err[0] == f"You are signing {out}:"
    assert err[-1] == (
        f"whys: {out} is already signed with this key ({out}.sig); use --force to sign it again"
    )
    assert not Path(f"{out}.2.sig").exists()

    assert main(["sign", "--yes", str(out), "--key", str(ana), "--force"]) == 0
    assert capsys.readouterr().out.strip() == f"{out}.sig"
    assert not Path(f"{out}.2.sig").exists()
    assert (
        main(["verify", str(out), "--repo", str(audit["repo"]), "--allowed-signers", str(signers)])
        == 0
    )


def test_a_cli_verdict_while_the_workbench_is_open_is_not_lost(
    audit: dict[str, Path | str], capsys: pytest.CaptureFixture[str]
) -> None:
    workbench = SessionStore(Path(audit["session"]))  # what the open TUI holds
    workbench.record_verdict(0, "why", "1", "approved", "", "ana@x")
    assert (
        main(
            [
                "verdict",
                str(audit["session"]),
                "--why",
                "2",
                "--reject",
                "--note",
                "limits never cut",
                "--auditor",
                "bo@x",
            ]
        )
        == 0
    )
    workbench.set_ui_state({"selected": "why:3"})  # the workbench's next autosave
    resumed = load_session(Path(audit["session"]))
    assert [(v.target_id, v.decision, v.auditor) for v in resumed.analyses[0].verdicts] == [
        ("1", "approved", "ana@x"),
        ("2", "rejected", "bo@x"),
    ]
    assert resumed.ui == {"selected": "why:3"}
    assert len(workbench.superseded) == 1  # the other version is still kept aside
