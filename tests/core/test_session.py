"""Sessions: atomic saves, autosave after every change, resume, and saves under fault."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from session_samples import make_analysis, make_checks, make_evidence, make_session

from whys import paths
from whys.core.session import (
    SessionStore,
    default_session_path,
    load_session,
    new_session,
    save_session,
)
from whys.errors import BadInputError, SessionError, VerdictRuleError


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path / "sessions" / "audit.json", make_session())


def test_save_then_load_gives_back_the_same_session(tmp_path: Path) -> None:
    session = make_session(analyses=2)
    session.analyses[0].evidence.append(make_evidence())
    target = tmp_path / "s.json"
    save_session(session, target)
    assert load_session(target) == session


def test_every_mutation_is_on_disk_before_the_call_returns(store: SessionStore) -> None:
    store.record_verdict(0, "why", "2", "rejected", "no evidence for the limits", "ana@x")
    store.attach_evidence(0, make_evidence("e7"))
    store.set_corrected_root_cause(0, "SERVICE_SECRET missing in staging")
    store.set_ui_state({"selected": "why:2", "panel": "grep"})
    resumed = SessionStore(store.path)
    audit = resumed.audit(0)
    assert [(v.target, v.target_id, v.decision) for v in audit.verdicts] == [
        ("why", "2", "rejected")
    ]
    assert [item.id for item in audit.evidence] == ["e7"]
    assert audit.corrected_root_cause == "SERVICE_SECRET missing in staging"
    assert resumed.session.ui == {"selected": "why:2", "panel": "grep"}


def test_open_or_create_starts_then_resumes(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "s.json"
    created = SessionStore.open_or_create(path, tmp_path, "main", "c" * 40)
    created.set_ui_state({"at": 1})
    resumed = SessionStore.open_or_create(path, tmp_path, "v2")
    assert resumed.session.revision == "v2"
    assert resumed.session.ui == {"at": 1}
    assert load_session(path).revision == "v2"


def test_a_session_of_another_repository_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    SessionStore.open_or_create(path, tmp_path / "one")
    before = path.read_bytes()
    with pytest.raises(SessionError, match="audits .*one, not .*two"):
        SessionStore.open_or_create(path, tmp_path / "two")
    assert path.read_bytes() == before


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(SessionError, match="not a regular file"):
        load_session(fifo)


def test_upsert_replaces_checks_but_keeps_the_auditors_work(store: SessionStore) -> None:
    store.record_verdict(0, "why", "1", "approved", "", "ana@x")
    store.attach_evidence(0, make_evidence())
    store.set_incident(0, start=datetime(2026, 2, 27, 9, 30, tzinfo=UTC))
    store.set_corrected_root_cause(0, "syntax error in agents_execute.py")

    reread = make_analysis("reports/ANALYSIS_1.md", sha="1" * 64)
    index = store.upsert_analysis(reread, "d" * 40, make_checks()[:1], [])
    assert index == 0
    audit = SessionStore(store.path).audit(0)
    assert audit.analysis.sha256 == "1" * 64
    assert audit.checked_revision == "d" * 40
    assert [check.claim_id for check in audit.checks] == ["c1"]
    assert audit.findings == []
    assert len(audit.verdicts) == 1 and len(audit.evidence) == 1
    assert audit.corrected_root_cause == "syntax error in agents_execute.py"
    assert audit.analysis.incident.start == datetime(2026, 2, 27, 9, 30, tzinfo=UTC)
    assert audit.analysis.incident.sources["start"] == "auditor"


def test_upsert_of_a_new_path_appends(store: SessionStore) -> None:
    index = store.upsert_analysis(make_analysis("other.md"), "e" * 40, make_checks(), [])
    assert index == 1
    assert [a.analysis.path for a in load_session(store.path).analyses] == [
        "reports/ANALYSIS_1.md",
        "other.md",
    ]


def test_set_incident_records_the_auditor_as_source_and_none_clears(store: SessionStore) -> None:
    store.set_incident(0, deployed_revision="f" * 40, start=None)
    incident = load_session(store.path).analyses[0].analysis.incident
    assert incident.deployed_revision == "f" * 40
    assert incident.start is None
    assert incident.sources == {"start": "auditor", "deployed_revision": "auditor"}


def test_a_change_by_another_writer_is_kept_aside_and_merged(store: SessionStore) -> None:
    # The workbench holds `store`; meanwhile `whys verdict` records into the same file.
    SessionStore(store.path).record_verdict(0, "why", "3", "rejected", "wrong commit", "bo@y")
    store.record_verdict(0, "why", "1", "approved", "", "ana@x")
    [aside] = store.superseded
    kept = load_session(aside).analyses[0].verdicts
    assert [(v.target_id, v.auditor) for v in kept] == [("3", "bo@y")]
    on_disk = load_session(store.path).analyses[0].verdicts
    assert [(v.target_id, v.auditor) for v in on_disk] == [("3", "bo@y"), ("1", "ana@x")]
    store.set_ui_state({"next": True})  # our own saves are not mistaken for another writer's
    assert len(store.superseded) == 1
    assert len(load_session(store.path).analyses[0].verdicts) == 2  # nothing doubled


def test_a_plain_save_keeps_the_verdict_another_store_recorded(store: SessionStore) -> None:
    store.record_verdict(0, "why", "1", "approved", "", "ana@x")
    other = SessionStore(store.path)
    other.record_verdict(0, "why", "3", "rejected", "wrong commit", "bo@y")
    store.session.ui = {"panel": "timeline"}
    store.save()
    resumed = load_session(store.path)
    assert [(v.target_id, v.decision, v.auditor) for v in resumed.analyses[0].verdicts] == [
        ("1", "approved", "ana@x"),
        ("3", "rejected", "bo@y"),
    ]
    assert resumed.ui == {"panel": "timeline"}  # our other fields are ours
    # The workbench's own copy now holds it too: the verdict in force is the other writer's.
    verdict = store.latest_verdict(0, "why", "3")
    assert verdict is not None and verdict.auditor == "bo@y"


def test_merge_adds_their_evidence_but_not_what_we_detached(store: SessionStore) -> None:
    store.attach_evidence(0, make_evidence("e1"))
    SessionStore(store.path).attach_evidence(0, make_evidence("e7", why="1"))
    store.detach_evidence(0, "e1")
    assert [item.id for item in load_session(store.path).analyses[0].evidence] == ["e7"]
    assert [item.id for item in store.audit(0).evidence] == ["e7"]


def test_a_damaged_version_from_another_writer_is_kept_aside_not_merged(
    store: SessionStore,
) -> None:
    store.path.write_text("{ half a session")
    store.record_verdict(0, "why", "1", "approved", "", "ana@x")
    [aside] = store.superseded
    assert aside.read_text() == "{ half a session"
    assert [v.target_id for v in load_session(store.path).analyses[0].verdicts] == ["1"]


def test_refused_verdict_records_nothing(store: SessionStore) -> None:
    before = store.path.read_bytes()
    with pytest.raises(VerdictRuleError):
        store.record_verdict(0, "analysis", None, "approved", "", "ana@x")
    assert store.path.read_bytes() == before


def test_attach_evidence_to_a_missing_why_names_the_valid_ones(store: SessionStore) -> None:
    with pytest.raises(BadInputError, match="valid whys: 1, 2, 3"):
        store.attach_evidence(0, make_evidence(why="9"))


def test_missing_analysis_index_lists_what_is_there(store: SessionStore) -> None:
    with pytest.raises(BadInputError, match="0: reports/ANALYSIS_1.md"):
        store.record_verdict(3, "analysis", None, "rejected", "no", "ana@x")


def test_auditor_defaults_to_user_when_git_has_no_email(
    store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("USER", "night-shift")
    verdict = store.record_verdict(0, "why", "1", "approved", "", None)
    assert verdict.auditor == "night-shift"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not valid JSON"),
        (b"\xff\xfe garbage", "not valid JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"schema_version": 1, "repo": 3}', "damaged session"),
        (b'{"schema_version": 99}', "newer whys"),
    ],
)
def test_unreadable_session_is_one_clear_error(
    tmp_path: Path, content: bytes, message: str
) -> None:
    target = tmp_path / "s.json"
    target.write_bytes(content)
    with pytest.raises(SessionError, match=message):
        load_session(target)


def test_missing_session_file(tmp_path: Path) -> None:
    with pytest.raises(SessionError, match="no session file"):
        SessionStore(tmp_path / "absent.json")


def test_default_session_path_is_stable_and_distinct(tmp_path: Path) -> None:
    repo = tmp_path / "netra apex"
    first = default_session_path(repo, [tmp_path / "b.md", tmp_path / "a.md"])
    again = default_session_path(repo, [tmp_path / "a.md", tmp_path / "b.md"])
    other = default_session_path(repo, [tmp_path / "a.md"])
    assert first == again != other
    assert first.parent == paths.sessions_dir()
    assert first.name.startswith("netra-apex--a+b--") and first.suffix == ".json"


# ---------------------------------------------------------------------------------------------
# Sessions under fault

KILLED_SAVER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from whys.core.session import SessionStore

    store = SessionStore(Path(sys.argv[1]))
    change = 0
    while True:
        change += 1
        store.set_ui_state({"change": change, "padding": "x" * 200_000})
        print(change, flush=True)
    """
)


@pytest.mark.parametrize("kill_after", [3, 40, 120])
def test_sigkill_during_a_burst_of_saves_leaves_the_last_completed_change(
    tmp_path: Path, kill_after: int
) -> None:
    target = tmp_path / "s.json"
    SessionStore(target, make_session(analyses=3))
    saver = subprocess.Popen(
        [sys.executable, "-c", KILLED_SAVER, str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert saver.stdout is not None
    last_reported = 0
    for line in saver.stdout:
        last_reported = int(line)
        if last_reported >= kill_after:
            break
    saver.send_signal(signal.SIGKILL)
    saver.wait(timeout=30)
    assert saver.returncode == -signal.SIGKILL, saver.stderr.read() if saver.stderr else ""

    resumed = load_session(target)
    # Every reported change had completed its save; one more may have completed unreported.
    assert last_reported <= resumed.ui["change"] <= last_reported + 1
    assert len(resumed.analyses) == 3
    # The folder stays usable: the next save works and lands.
    SessionStore(target).set_ui_state({"change": -1})
    assert load_session(target).ui == {"change": -1}


STUCK_SAVER = textwrap.dedent(
    """
    import os
    import sys
    import time
    from pathlib import Path
    from whys.core.session import SessionStore

    store = SessionStore(Path(sys.argv[1]))

    def stuck_before_rename(source, destination):
        print("temp file written", flush=True)
        time.sleep(600)

    os.replace = stuck_before_rename
    store.set_ui_state({"change": "never lands"})
    """
)


def _dead_pid() -> int:
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    return finished.pid


def test_a_temp_file_left_by_a_killed_save_is_removed_on_next_open(tmp_path: Path) -> None:
    target = tmp_path / "s.json"
    SessionStore(target, make_session())
    before = target.read_bytes()
    # Injected pause: the saver's os.replace blocks, so the SIGKILL lands for certain
    # between the fsynced temp file and the rename.
    saver = subprocess.Popen(
        [sys.executable, "-c", STUCK_SAVER, str(target)], stdout=subprocess.PIPE, text=True
    )
    assert saver.stdout is not None
    assert saver.stdout.readline().strip() == "temp file written"
    [leftover] = [item for item in tmp_path.iterdir() if item.name.endswith(".tmp")]
    assert leftover.name.startswith(f".s.json.{saver.pid}.")
    saver.send_signal(signal.SIGKILL)
    saver.wait(timeout=30)

    resumed = SessionStore(target)
    assert not leftover.exists()
    assert target.read_bytes() == before and resumed.session.ui == {}


def test_only_whys_own_stale_temp_files_of_that_session_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "s.json"
    store = SessionStore(target, make_session())
    dead = _dead_pid()
    an_hour_ago = datetime.now(UTC).timestamp() - 3600

    def make(name: str, *, old: bool = False) -> Path:
        item = tmp_path / name
        item.write_text("partial")
        if old:
            os.utime(item, (an_hour_ago, an_hour_ago))
        return item

    stale = [
        make(f".s.json.{dead}.abcd_123.tmp"),  # its writer is gone
        make(f".s.json.{os.getpid()}.zzzzzzzz.tmp", old=True),  # pid alive (reused), but old
        make(".s.json.k3j4h5g6.tmp", old=True),  # an older whys's name, without pid
    ]
    kept = [
        make(f".s.json.{os.getpid()}.inflight.tmp"),  # a save in flight: fresh, writer alive
        make(".s.json.k3j4h5g7.tmp"),  # no pid, fresh
        make(f".other.json.{dead}.abcdefgh.tmp", old=True),  # another session's
        make(f".s.json.{dead}.notmine.tmp", old=True),  # not mkstemp's shape
        make(f"s.json.{dead}.abcdefgh.tmp", old=True),  # not hidden: not ours
        make("s.json.bak", old=True),
    ]
    folder_alike = tmp_path / f".s.json.{dead}.qwertyui.tmp"
    folder_alike.mkdir()
    link_alike = tmp_path / f".s.json.{dead}.asdfghjk.tmp"
    link_alike.symlink_to(kept[-1])

    store.set_ui_state({"saved": True})
    assert [item.exists() for item in stale] == [False, False, False]
    assert all(item.exists() for item in [*kept, folder_alike, link_alike])
    assert load_session(target).ui == {"saved": True}


@contextlib.contextmanager
def _tmpfs(folder: Path, options: str) -> Iterator[Path]:
    """A real small filesystem (root only): read-only or full for real, not mocked."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root); the injected fault tests still run")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


def _remount_read_only(folder: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)


def test_read_only_folder_gives_a_clear_error_and_keeps_the_old_session(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        folder = tmp_path / "sessions"
        folder.mkdir()
        store = SessionStore(folder / "s.json", make_session())
        folder.chmod(0o555)
        remount: object = None
    else:
        remount = _tmpfs(tmp_path / "sessions", "size=4m")
        folder = remount.__enter__()  # type: ignore[attr-defined]
        store = SessionStore(folder / "s.json", make_session())
        _remount_read_only(folder)
    try:
        before = store.path.read_bytes()
        with pytest.raises(SessionError, match="read-only"):
            store.record_verdict(0, "why", "2", "rejected", "limits were never cut", "ana@x")
        assert store.path.read_bytes() == before
        assert load_session(store.path).analyses[0].verdicts == []
        assert store.unsaved  # the change is still held in memory for the next save
        assert sorted(p.name for p in folder.iterdir()) == ["s.json"]
    finally:
        if remount is None:
            folder.chmod(0o755)
        else:
            remount.__exit__(None, None, None)  # type: ignore[attr-defined]


def test_really_full_disk_keeps_the_old_session(tmp_path: Path) -> None:
    with _tmpfs(tmp_path / "small", "size=256k") as folder:
        store = SessionStore(folder / "s.json", make_session())
        before = store.path.read_bytes()
        with pytest.raises(SessionError, match="disk is full"):
            store.set_ui_state({"padding": "x" * 400_000})
        assert store.path.read_bytes() == before
        assert sorted(p.name for p in folder.iterdir()) == ["s.json"]


@pytest.mark.parametrize("failing_call", ["write", "fsync"])
def test_full_disk_injected_keeps_the_old_session_and_retries(
    store: SessionStore, monkeypatch: pytest.MonkeyPatch, failing_call: str
) -> None:
    # Injected fault: os.write / os.fsync raise ENOSPC as a full disk would.
    def no_space(*_args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    before = store.path.read_bytes()
    with monkeypatch.context() as patched:
        patched.setattr(os, failing_call, no_space)
        with pytest.raises(SessionError, match="disk is full"):
            store.record_verdict(0, "why", "2", "rejected", "limits were never cut", "ana@x")
    assert store.path.read_bytes() == before
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["audit.json"]
    assert store.unsaved

    store.set_corrected_root_cause(0, "SERVICE_SECRET missing")
    audit = load_session(store.path).analyses[0]
    assert [v.decision for v in audit.verdicts] == ["rejected"]
    assert audit.corrected_root_cause == "SERVICE_SECRET missing"
    assert not store.unsaved


def test_new_session_records_the_resolved_repo(tmp_path: Path) -> None:
    session = new_session(tmp_path / "." / "repo", "v1.2", None)
    assert session.repo == str((tmp_path / "repo").resolve())
    assert session.revision == "v1.2"


def test_the_default_auditor_is_the_login_name_when_git_has_no_email(monkeypatch) -> None:
    import getpass

    from whys.core.session import default_auditor

    monkeypatch.delenv("USER", raising=False)
    monkeypatch.delenv("USERNAME", raising=False)
    # The autouse fixture points git at an empty global config: no user.email.
    assert default_auditor() == getpass.getuser() != "unknown"


# -- issue 12: one writer of files, no import cycle, links handled -----------------------------


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside functions."""
    import ast

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_verdict_never_imports_session() -> None:
    import whys.core.verdict as verdict_module

    imported = _imported_modules(Path(verdict_module.__file__))
    assert "whys.core.session" not in imported
    assert not any(name.startswith("whys.core.session") for name in imported)


def test_files_are_written_only_through_the_atomic_module() -> None:
    import whys

    package = Path(whys.__file__).parent
    writers = ("os.replace(", "os.rename(", ".write_bytes(", ".write_text(", "copy2(")
    offenders = [
        f"{path.relative_to(package)}: {marker}"
        for folder in ("core", "commands")
        for path in sorted((package / folder).rglob("*.py"))
        if path.name != "atomic.py"
        for marker in writers
        if marker in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_a_symlinked_session_is_written_through_to_its_target(tmp_path: Path) -> None:
    real = tmp_path / "synced" / "audit.json"
    real.parent.mkdir()
    SessionStore(real, make_session())
    link = tmp_path / "audit.json"
    link.symlink_to(real)
    store = SessionStore(link)
    store.record_verdict(0, "why", "1", "approved", "", "ana@x")
    assert link.is_symlink() and link.resolve() == real
    assert [v.auditor for v in load_session(real).analyses[0].verdicts] == ["ana@x"]
    beside = sorted(p.name for p in tmp_path.iterdir() if p.name != "home")  # home: conftest
    assert beside == ["audit.json", "synced"]  # nothing written beside the link


def test_atomic_writes_can_refuse_a_link(tmp_path: Path) -> None:
    from whys.core.atomic import atomic_write_bytes

    target = tmp_path / "elsewhere"
    link = tmp_path / "OUT.json.sig"
    link.symlink_to(target)  # dangling
    with pytest.raises(SessionError, match="symbolic link"):
        atomic_write_bytes(link, b"sig", symlinks="refuse")
    assert not target.exists() and link.is_symlink()
