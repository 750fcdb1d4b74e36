"""Bad input at every entry point of the command line: analyses that are empty, binary, huge,
nested or hostile; repositories that are bare, shallow, empty, partial, damaged, huge or
odd; claims that point outside the repository; option-shaped patterns and revisions.

Each case ends in one clear stderr line and exit 2, or in a partial result that says what
it could not do; never a traceback, never an internal error, never a read outside the tree.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from gitbuild import commit, git, make_repo

from whys.cli import main
from whys.core.evidence import collect
from whys.core.model_io import from_data
from whys.core.repo import open_repo
from whys.core.session import SessionStore, load_session
from whys.core.signing import remove_signatures, sign_file
from whys.core.verdict import VerdictFile, canonical_json

WHYS = Path(sys.executable).with_name("whys")
SENTINEL = "s3ntinel-outside-value"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """main(argv) with its output; fails the test on anything a user should never see."""
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "internal error" not in err, err
    assert code in (0, 1, 2), (code, err)
    if code == 2:
        lines = [line for line in err.splitlines() if line.startswith("whys")]
        assert len(lines) == 1, err  # one clear line (argparse adds its usage above it)
    return code, out, err


@pytest.fixture
def repo(tmp_path: Path) -> dict[str, str]:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text(f'SECRET_TOKEN = "{SENTINEL}"\n', encoding="utf-8")
    path = make_repo(
        tmp_path,
        [
            {
                "files": {
                    "app/client.py": "class PaymentClient:\n    timeout = 5\n",
                    "app/café.py": "CAFE_LIMIT = 1\n",
                    "my dir/conf file.py": "SPACED_LIMIT = 1\n",
                },
                "message": "init",
                "date": "2024-01-01T10:00:00+00:00",
            },
            {
                "files": {"app/client.py": "class PaymentClient:\n    timeout = 30\n"},
                "message": "fix: raise the client timeout",
                "date": "2024-01-02T10:00:00+00:00",
            },
        ],
    )
    (path / "newline\nname.py").write_text("NEWLINE_LIMIT = 1\n", encoding="utf-8")
    (path / "escape.py").symlink_to(outside / "secret.py")
    (path / "linkdir").symlink_to(outside)
    commit(path, {}, "odd paths and links out", "2024-01-03T10:00:00+00:00")
    shas = git(path, "rev-list", "--reverse", "HEAD").split()
    return {"root": str(path), "init": shas[0], "fix": shas[1], "head": shas[2]}


def _analysis(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


def _sound(repo: dict[str, str]) -> str:
    return (
        "# Five Whys: slow checkout\n\n"
        "**Incident start**: 2024-01-02 12:00 UTC\n\n"
        "### Why #1: Why did checkout time out?\n\n"
        "- `app/client.py` line 1 defines `PaymentClient`\n"
        f'- Commit `{repo["init"][:10]}` ("init") introduced the client.\n'
        f'- Commit `{repo["fix"][:10]}` ("fix: raise the client timeout") fixed it.\n'
        f"- Commit `{repo['init'][:10]}` landed before the incident.\n"
    )


def _claims(out: str) -> list[dict]:
    return json.loads(out)["claims"]


# --- analyses ------------------------------------------------------------------------------

BAD_ANALYSES: dict[str, str | bytes] = {
    "empty": "",
    "not-utf8": "caf\xe9: `app/client.py` line 1 defines `PaymentClient`\n".encode("latin-1"),
    "deeply-nested": "\n".join(
        "> " * depth + "- " * depth + "`app/client.py` exists" for depth in range(1, 1500)
    ),
    "one-huge-line": "> " * 200_000 + "`app/client.py` exists",
    "star-storm": "*" * 300_000,
    "backtick-storm": "`" * 300_001 + "\n- `app/client.py` exists\n",
    "pathological-code": (
        "```\n" + "(a+)+$ " * 2_000 + "\n```\n"
        "- Found 3 files containing `(a+)+$`\n"
        "- Found 2 files containing `[`\n"
        "- `((((a*)*)*)*)` is in `app/client.py`\n"
        "- Found 4 files containing `\\`\n"
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_ANALYSES))
def test_bad_analyses_are_checked_never_crash(
    case: str, repo: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = BAD_ANALYSES[case]
    path = _analysis(tmp_path, f"{case}.md", content)
    code, out, _err = run(["check", path, "--repo", repo["root"], "--format", "json"], capsys)
    assert code in (0, 1)
    report = json.loads(out)
    line_count = max(len(Path(path).read_bytes().splitlines()), 1)
    assert all(1 <= claim["line"] <= line_count for claim in report["claims"])
    assert report["summary"]["total"] == len(report["claims"])
    if case == "pathological-code":
        # Patterns from an analysis are data: searched as fixed strings, never a regex error.
        counts = [c for c in report["claims"] if c["kind"] == "count"]
        assert len(counts) == 3
        assert not any("invalid" in c["detail"] or "regex" in c["detail"] for c in counts)
        # A span that reads as a regex is not counted as text (unverifiable); `[` and `\`
        # are plain characters: none of the files holds them.
        literal = [c for c in counts if "`(a+)+$`" not in c["text"]]
        assert all(c["status"] == "contradicted" and "0 files" in c["detail"] for c in literal)


# A NUL in the first 8,000 bytes makes a file binary (git's rule): refused, not read as
# hundreds of garbage claims.
BINARY_ANALYSES: dict[str, bytes] = {
    "binary": bytes(range(256)) * 64,
    "nul-bytes": b"# t\x00\x00\n- `app/client.py` exists\x00\n",
}


@pytest.mark.parametrize("case", sorted(BINARY_ANALYSES))
def test_binary_analyses_are_refused_in_one_line(
    case: str, repo: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _analysis(tmp_path, f"{case}.md", BINARY_ANALYSES[case])
    code, out, err = run(["check", path, "--repo", repo["root"], "--format", "json"], capsys)
    assert code == 2 and out == ""
    assert "binary file" in err and len(err.strip().splitlines()) == 1


def test_thousands_of_claims_are_each_checked(
    repo: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = ["# Five Whys: many claims", ""]
    for number in range(1, 1_001):
        lines.append(f"- `app/client.py` line {number % 3 + 1} defines `PaymentClient`")
        lines.append(f"- Commit `{number:07x}f` fixed the bug.")
        lines.append(f"- Found {number} files containing `PaymentClient`.")
    path = _analysis(tmp_path, "many.md", "\n".join(lines))
    code, out, _err = run(["check", path, "--repo", repo["root"], "--format", "json"], capsys)
    assert code == 1
    claims = _claims(out)
    assert len(claims) == 3_000
    by_kind: dict[str, dict[str, int]] = {}
    for claim in claims:
        statuses = by_kind.setdefault(claim["kind"], {})
        statuses[claim["status"]] = statuses.get(claim["status"], 0) + 1
    assert by_kind["lines"] == {"verified": 333, "contradicted": 667}  # line 1 when 3 | n
    assert by_kind["commit"] == {"contradicted": 1_000}  # none of these SHAs exist
    assert by_kind["count"] == {"verified": 1, "contradicted": 999}  # one file holds it


def test_a_multi_megabyte_analysis_loads_and_checks(
    repo: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Sample analyses pasted over and over (the way logs get pasted) into ~2 MB."""
    samples = sorted((Path(__file__).parents[1] / "whys/sample_repos").rglob("*.md"))
    chunk = "\n\n".join(p.read_text(encoding="utf-8") for p in samples)
    text = (chunk + "\n\n") * max(1, 2_000_000 // len(chunk))
    path = _analysis(tmp_path, "huge.md", text)
    code, out, _err = run(["check", path, "--repo", repo["root"], "--format", "json"], capsys)
    assert code == 1
    report = json.loads(out)
    assert len(report["claims"]) > 1_000
    assert report["summary"]["total"] == len(report["claims"])


def test_claims_outside_the_repository_are_never_read(
    repo: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside" / "secret.py"
    analysis = _analysis(
        tmp_path,
        "outside.md",
        "# Five Whys\n\n"
        "- `../outside/secret.py` line 1 defines `SECRET_TOKEN`\n"
        "- `../../outside/secret.py` exists\n"
        "- `app/../../outside/secret.py` line 1 defines `SECRET_TOKEN`\n"
        f"- `{outside}` line 1 defines `SECRET_TOKEN`\n"
        "- `escape.py` line 1 defines `SECRET_TOKEN`\n"
        "- `SECRET_TOKEN` is defined in `escape.py`\n"
        "- `linkdir/secret.py` line 1 defines `SECRET_TOKEN`\n"
        "- Found 1 files containing `s3ntinel-outside`\n",
    )
    for rev in ("HEAD", repo["head"]):
        code, out, _err = run(
            ["check", analysis, "--repo", repo["root"], "--rev", rev, "--format", "json"],
            capsys,
        )
        assert SENTINEL not in out
        claims = _claims(out)
        assert len(claims) == 8
        assert not [c for c in claims if c["status"] == "verified"], claims
        by_text = {c["text"]: c for c in claims}
        assert "outside the repository" in by_text["`../../outside/secret.py` exists"]["detail"]
        escape = by_text["`escape.py` line 1 defines `SECRET_TOKEN`"]
        assert escape["status"] == "unverifiable" and "not read" in escape["detail"]
        link = by_text["`linkdir/secret.py` line 1 defines `SECRET_TOKEN`"]
        assert link["status"] == "unverifiable" and "not read" in link["detail"]
    # The evidence search does not follow the links out either.
    for extra in ([], ["--rev", "HEAD"]):
        code, out, _err = run(["grep", "SECRET_TOKEN", "--repo", repo["root"], *extra], capsys)
        assert code == 1 and SENTINEL not in out
    code, _out, err = run(["timeline", "--repo", repo["root"], "--path", str(outside)], capsys)
    assert code == 2 and "outside the repository" in err


def test_paths_with_spaces_newlines_and_accents(
    repo: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    analysis = _analysis(tmp_path, "odd.md", "- `app/café.py` line 1 defines `CAFE_LIMIT`\n")
    code, out, _err = run(["check", analysis, "--repo", repo["root"], "--format", "json"], capsys)
    assert code == 0 and _claims(out)[0]["status"] == "verified"
    for extra in ([], ["--rev", "HEAD"]):
        code, out, _err = run(
            ["grep", "_LIMIT = 1", "--repo", repo["root"], "--json", *extra], capsys
        )
        hits = [json.loads(line) for line in out.splitlines()]
        paths = sorted(h["path"] for h in hits if h["type"] == "match")
        assert paths == ["app/café.py", "my dir/conf file.py", "newline\nname.py"]
    code, out, _err = run(
        ["timeline", "--repo", repo["root"], "--path", "my dir/conf file.py", "--json"], capsys
    )
    assert code == 0 and repo["init"] in out


# --- option-shaped input -------------------------------------------------------------------


def test_option_shaped_revisions_and_patterns_stay_data(
    repo: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    analysis = _analysis(tmp_path, "sound.md", _sound(repo))
    planted = tmp_path / "planted"
    for rev in (f"--output={planted}", "-p", "--all", "--exec=touch x"):
        for argv in (
            ["check", analysis, "--repo", repo["root"], f"--rev={rev}"],
            ["grep", "x", "--repo", repo["root"], f"--rev={rev}"],
            ["timeline", "--repo", repo["root"], f"--rev={rev}"],
        ):
            code, out, err = run(argv, capsys)
            assert code == 2 and out == ""
            assert "revision" in err
    # A pattern or a path shaped like an option is searched for, never obeyed.
    for extra in ([], ["--rev", "HEAD"]):
        code, _out, _err = run(
            ["grep", f"--regexp=--output={planted}", "--repo", repo["root"], *extra], capsys
        )
        assert code == 1
        code, _out, _err = run(["grep", "--repo", repo["root"], *extra, "--", "--exec"], capsys)
        assert code == 1
    for flag in ("--grep", "-S", "--author", "--path"):
        code, _out, _err = run(
            ["timeline", "--repo", repo["root"], f"{flag}=--output={planted}"], capsys
        )
        assert code in (1, 2)
    code, _out, err = run(["timeline", "--repo", repo["root"], "--since", "--all"], capsys)
    assert code == 2
    assert not planted.exists()


# --- repositories --------------------------------------------------------------------------


def test_bare_clone_is_checked_like_its_source(
    repo: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", repo["root"], str(bare))
    analysis = _analysis(tmp_path, "sound.md", _sound(repo))
    code, out, _err = run(["check", analysis, "--repo", str(bare), "--format", "json"], capsys)
    assert code == 0
    assert {c["status"] for c in _claims(out)} == {"verified"}
    code, out, _err = run(["grep", "PaymentClient", "--repo", str(bare)], capsys)
    assert code == 0 and "app/client.py" in out


def test_shallow_clone_says_beyond_its_history_never_contradicted(
    repo: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo['root']}", str(shallow))
    analysis = _analysis(tmp_path, "sound.md", _sound(repo))
    code, out, _err = run(["check", analysis, "--repo", str(shallow), "--format", "json"], capsys)
    assert code == 0  # nothing contradicted: the clone just cannot see that far back
    claims = _claims(out)
    old = [c for c in claims if c["kind"] == "commit"]
    assert len(old) == 3
    assert all(c["status"] == "unverifiable" for c in old)
    assert all("beyond the clone's history" in c["detail"] for c in old)
    timed = [c for c in claims if c["kind"] == "time"]
    assert timed and all(c["status"] == "unverifiable" for c in timed)
    code, _out, err = run(["timeline", "--repo", str(shallow)], capsys)
    assert code == 0 and "shallow" in err


@pytest.mark.parametrize("kind", ["empty", "plain-folder", "missing"])
def test_no_usable_repository_is_one_line(
    kind: str, repo: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / kind
    if kind == "empty":
        target.mkdir()
        git(target, "init", "-q")
    elif kind == "plain-folder":
        target.mkdir()
    analysis = _analysis(tmp_path, "sound.md", _sound(repo))
    code, out, err = run(["check", analysis, "--repo", str(target)], capsys)
    assert code == 2 and out == ""
    assert str(target) in err


def _damaged_copy(repo: dict[str, str], tmp_path: Path, name: str, rev: str) -> Path:
    """A copy of the repository with one loose object deleted (make_repo never packs)."""
    copy = tmp_path / name
    shutil.copytree(repo["root"], copy, symlinks=True)
    sha = git(copy, "rev-parse", rev).strip()
    (copy / ".git" / "objects" / sha[:2] / sha[2:]).unlink()
    return copy


def test_missing_commit_object_makes_its_claims_unverifiable(
    repo: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged = _damaged_copy(repo, tmp_path, "damaged", repo["init"])
    analysis = _analysis(tmp_path, "sound.md", _sound(repo))
    code, out, _err = run(["check", analysis, "--repo", str(damaged), "--format", "json"], capsys)
    assert code == 0  # nothing is contradicted by a commit the clone merely lost
    by_text = {c["text"]: c for c in _claims(out)}
    lost = by_text[f'Commit `{repo["init"][:10]}` ("init") introduced the client.']
    assert lost["status"] == "unverifiable" and "missing" in lost["detail"]
    lines = by_text["`app/client.py` line 1 defines `PaymentClient`"]
    assert lines["status"] == "verified"  # the rest of the run still holds
    code, out, err = run(["timeline", "--repo", str(damaged)], capsys)
    assert code == 2 and "missing or damaged object" in err
    assert repo["head"][:12] in out  # the commits before the damage are still listed


def test_missing_blob_makes_reads_and_counts_unverifiable(
    repo: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    damaged = _damaged_copy(repo, tmp_path, "damaged", "HEAD:app/client.py")
    analysis = _analysis(
        tmp_path,
        "reads.md",
        "- `app/client.py` line 1 defines `PaymentClient`\n"
        "- Found 1 files containing `PaymentClient`\n"
        "- `app/café.py` line 1 defines `CAFE_LIMIT`\n",
    )
    # At the commit before HEAD (same client.py blob), with the file gone from the working
    # tree as well: the count reads the revision's blob (git grep), not the working tree.
    (damaged / "app" / "client.py").unlink()
    code, out, _err = run(
        ["check", analysis, "--repo", str(damaged), "--rev", repo["fix"], "--format", "json"],
        capsys,
    )
    statuses = [c["status"] for c in _claims(out)]
    assert statuses == ["unverifiable", "unverifiable", "verified"]
    # git grep skips an unreadable blob and exits "no match": whys must not repeat that.
    code, out, err = run(["grep", "PaymentClient", "--repo", str(damaged), "--rev", "HEAD"], capsys)
    assert code == 2 and "missing or damaged object" in err


def test_partial_clone_never_fetches_and_reports_what_it_lacks(
    repo: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    git(Path(repo["root"]), "config", "uploadpack.allowFilter", "true")
    partial = tmp_path / "partial"
    git(
        tmp_path,
        "clone",
        "-q",
        "--no-checkout",
        "--filter=blob:none",
        f"file://{repo['root']}",
        str(partial),
    )
    objects_before = sorted(p.name for p in (partial / ".git/objects/pack").iterdir())
    analysis = _analysis(
        tmp_path,
        "partial.md",
        _sound(repo) + "- Found 1 files containing `PaymentClient`.\n",
    )
    code, out, _err = run(
        ["check", analysis, "--repo", str(partial), "--rev", "HEAD", "--format", "json"], capsys
    )
    assert code == 0
    by_kind = {(c["kind"], c["status"]) for c in _claims(out)}
    assert ("commit", "verified") in by_kind  # commits and trees are there
    assert ("lines", "unverifiable") in by_kind and ("count", "unverifiable") in by_kind
    assert sorted(p.name for p in (partial / ".git/objects/pack").iterdir()) == objects_before


def test_million_line_file_and_submodule(
    repo: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = Path(repo["root"])
    sub = make_repo(tmp_path, [{"files": {"lib/inner.py": "INNER = 1\n"}}], name="sub")
    big = "".join(f"row {n}\n" for n in range(1, 1_000_001)) + "needle_at_the_end\n"
    commit(root, {"data/big.txt": big}, "a million lines", "2024-01-04T10:00:00+00:00")
    git(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(sub), "vendor/sub")
    commit(root, {}, "vendor a submodule", "2024-01-05T10:00:00+00:00")
    analysis = _analysis(
        tmp_path,
        "big.md",
        "- `data/big.txt` line 1000001 says `needle_at_the_end`\n"
        "- `big.txt` line 500000 says `row 500000`\n"
        "- `vendor/sub/lib/inner.py` line 1 defines `INNER`\n",
    )
    code, out, _err = run(["check", analysis, "--repo", str(root), "--format", "json"], capsys)
    claims = _claims(out)
    assert [c["status"] for c in claims] == ["verified", "verified", "unverifiable"]
    assert "submodule" in claims[2]["detail"]
    code, out, _err = run(["grep", "needle_at_the_end", "--repo", str(root)], capsys)
    assert code == 0 and out.strip() == "data/big.txt:1000001:needle_at_the_end"


# --- sessions and verdict files ------------------------------------------------------------

BAD_JSON = {
    "empty": b"",
    "binary": b"\x00\xff\xfe" * 100,
    "a-list": b"[]",
    "another-object": b'{"hello": "world"}',
    "nested-too-deep": b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
}


@pytest.mark.parametrize("case", sorted(BAD_JSON))
def test_bad_session_and_verdict_files_are_one_line(
    case: str, repo: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / f"{case}.json"
    bad.write_bytes(BAD_JSON[case])
    out_json = tmp_path / "out.json"
    for argv in (
        ["verdict", str(bad), "--analysis", "--approve", "--auditor", "ada"],
        ["export", str(bad), "-o", str(out_json)],
        ["verify", str(bad), "--repo", repo["root"]],
        ["sign", str(bad), "--key", str(tmp_path / "no-key")],
    ):
        code, out, err = run(argv, capsys)
        assert code == 2, argv
        assert str(bad) in err
    assert bad.read_bytes() == BAD_JSON[case]  # nothing rewritten, nothing lost
    assert not out_json.exists()


def test_demo_check_runs_offline(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(["demo", "--check", "--format", "json"], capsys)
    assert code in (0, 1)
    reports = json.loads(out)
    for report in reports if isinstance(reports, list) else [reports]:
        assert report["claims"] and report["revision"]
    code, out, err = run(["demo", "--check", "--format", "yaml"], capsys)
    assert code == 2 and out == ""


# --- the real executable: nothing but one line reaches the screen ----------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "{binary}", "--repo", "{root}", "--format", "json"],
        ["check", "{binary}", "--repo", "{plain}"],
        ["grep", "(", "--repo", "{root}"],
        ["grep", "x", "--repo", "{root}", "--rev=--output=x"],
        ["verify", "{nested}", "--repo", "{root}"],
        ["export", "{nested}", "-o", "{plain}/out.json"],
    ],
)
def test_the_executable_never_shows_a_traceback(
    argv: list[str], repo: dict[str, str], tmp_path: Path
) -> None:
    values = {
        "root": repo["root"],
        "binary": _analysis(tmp_path, "binary.md", bytes(range(256)) * 64),
        "nested": _analysis(tmp_path, "nested.json", b"[" * 100_000 + b"]" * 100_000),
        "plain": str(tmp_path),
    }
    completed = subprocess.run(
        [str(WHYS), *(part.format(**values) for part in argv)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
        check=False,
    )
    assert "Traceback" not in completed.stderr
    assert "internal error" not in completed.stderr
    assert completed.returncode in (0, 1, 2)
    if completed.returncode == 2:
        assert len(completed.stderr.strip().splitlines()) == 1, completed.stderr
        assert completed.stdout == ""


# --- issue 12: untrusted text stays text, a signed verdict means what it says ------------------

ATTACK = "\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\x9b31m"  # OSC 52 sets the clipboard, then clears
needs_ssh_keygen = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen")


def _raw_controls(text: str) -> list[str]:
    return [char for char in text if char in "\x1b\x07\x9b"]


def _key(folder: Path, name: str) -> Path:
    key = folder / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    return key


def _signers(path: Path, **keys: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "".join(
            f"{name}@example.com {key.with_suffix('.pub').read_text()}"
            for name, key in keys.items()
        )
    )
    return path


def _fingerprint(key: Path) -> str:
    listed = subprocess.run(
        ["ssh-keygen", "-l", "-f", f"{key}.pub"], capture_output=True, text=True, check=True
    )
    return listed.stdout.split()[1]


@pytest.fixture
def hostile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Path | str]:
    """A repository whose subjects, authors, file names and contents carry terminal escapes,
    an analysis whose title carries them and raw HTML, checked into a session."""
    repo = make_repo(
        tmp_path,
        [
            {
                "files": {
                    "app/pay.py": f"retries = 0\nNOTE = '{ATTACK}'\n",
                    f"docs/{ATTACK[:6]}name.txt": "retries mentioned\n",
                },
                "message": f"payments {ATTACK}",
                "date": "2026-02-01T10:00:00+00:00",
                "author": (f"Mal {ATTACK}", "mal@example.com"),
            },
            {
                "files": {"app/pay.py": f"retries = 3\nNOTE = '{ATTACK}'\n"},
                "message": "fix: retry transient 502s",
                "date": "2026-02-03T10:00:00+00:00",
            },
        ],
        name="hostile",
    )
    fix = git(repo, "rev-parse", "HEAD").strip()
    analysis = tmp_path / "PAYMENTS.md"
    analysis.write_text(
        f"# Payments outage {ATTACK} <script>alert(1)</script>\n\n"
        "**Incident start**: 2026-02-05 10:00 UTC\n\n"
        "### Why #1: Why did payments fail? <img src=x onerror=alert(1)>\n\n"
        f"- `app/pay.py` line 1 sets `retries = 3` {ATTACK}\n"
        f'- Commit `{fix[:10]}` ("fix: retry transient 502s") raised the retries.\n'
    )
    session = tmp_path / "session.json"
    assert main(["check", str(analysis), "--repo", str(repo), "--session", str(session)]) in (0, 1)
    capsys.readouterr()
    return {"repo": repo, "fix": fix, "analysis": analysis, "session": session, "tmp": tmp_path}


@needs_ssh_keygen
def test_no_command_passes_terminal_escapes_or_raw_html(
    hostile: dict[str, Path | str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, session, tmp = str(hostile["repo"]), str(hostile["session"]), hostile["tmp"]
    assert isinstance(tmp, Path)
    out = tmp / "OUT.json"
    key = _key(tmp, "ana")
    commands = [
        ["timeline", "--repo", repo],
        ["grep", "retries|NOTE", "--repo", repo],
        ["grep", "retries|NOTE", "--repo", repo, "--rev", "HEAD"],
        ["check", str(hostile["analysis"]), "--repo", repo, "--format", "text"],
        ["check", str(hostile["analysis"]), "--repo", repo, "--format", "markdown"],
        [
            "verdict",
            session,
            "--why",
            "1",
            "--reject",
            "--note",
            f"no {ATTACK}",
            "--auditor",
            "ana@example.com",
        ],
        ["verdict", session, "--claim", f"c9{ATTACK}", "--approve", "--auditor", "ana@example.com"],
        ["export", session, "-o", str(out), "--sign-key", str(key)],
        ["verify", str(out), "--repo", repo, "--integrity-only", "--rev", "HEAD"],
        ["sign", "--yes", str(out), "--key", str(_key(tmp, "bo"))],
    ]
    shown = ""
    for argv in commands:
        main(argv)
        captured = capsys.readouterr()
        assert _raw_controls(captured.out + captured.err) == [], argv
        shown += captured.out + captured.err
    assert "^[]52;c;cm0gLXJmIH4=^G^[[2J<U+009B>31m" in shown  # shown as git and less show it
    report = out.with_suffix(".md").read_text()
    assert _raw_controls(report) == []
    prose = re.sub(r"`[^`]*`", "", report)
    assert "<script>" not in prose and "<img" not in prose
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report


def _export_signed(hostile: dict[str, Path | str], key: Path, name: str = "OUT.json") -> Path:
    tmp = hostile["tmp"]
    assert isinstance(tmp, Path)
    out = tmp / "export" / name
    session = str(hostile["session"])
    assert (
        main(
            [
                "verdict",
                session,
                "--why",
                "1",
                "--reject",
                "--note",
                "retries never cut",
                "--auditor",
                "ana@example.com",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "verdict",
                session,
                "--analysis",
                "--reject",
                "--note",
                "wrong cause",
                "--auditor",
                "ana@example.com",
            ]
        )
        == 0
    )
    assert main(["export", session, "-o", str(out), "--sign-key", str(key)]) == 0
    return out


def _rewrite(out: Path, change: Callable[[dict], None], key: Path | None) -> None:
    """What an attacker does: edit the verdict file, keep it canonical, sign it again."""
    document = json.loads(out.read_bytes())
    change(document)
    out.write_bytes(canonical_json(from_data(VerdictFile, document)))
    remove_signatures(out)
    if key is not None:
        sign_file(out, key)


def _approve(document: dict) -> None:
    """A thorough forgery: a consistent history in which the analysis was approved."""
    analysis = document["analyses"][0]
    forged = dict(analysis["history"][-1], decision="approved", note="fine", override=True)
    forged["overrode"] = ["why 1 is rejected"]
    analysis["history"].append(forged)
    analysis["result"] = document["result"] = "approved"
    document["summary"] = dict(document["summary"], approved=1, rejected=0)
    document["summary"]["approved-by-override"] = 1
    analysis["overrides"].append(
        {key: forged[key] for key in ("target", "target_id", "note", "auditor", "at", "overrode")}
        | {"in_force": True}
    )


@needs_ssh_keygen
def test_a_forged_verdict_file_is_never_sound(
    hostile: dict[str, Path | str], capsys: pytest.CaptureFixture[str]
) -> None:
    tmp, repo = hostile["tmp"], str(hostile["repo"])
    assert isinstance(tmp, Path)
    ana, mallory = _key(tmp, "ana"), _key(tmp, "mallory")
    trusted = _signers(tmp / "trust" / "allowed_signers", ana=ana)
    out = _export_signed(hostile, ana)
    capsys.readouterr()

    # A naive flip, re-signed by an unknown key: untrusted, and the history says otherwise.
    _rewrite(out, lambda d: d.update(result="approved"), mallory)
    assert main(["verify", str(out), "--repo", repo]) == 1
    report = capsys.readouterr().out
    fingerprint = _fingerprint(mallory)
    assert (
        f"UNTRUSTED signature OUT.json.sig: intact, signed by ssh-ed25519 key {fingerprint}"
        in report
    )
    assert "NOT SOUND" in report and "evidence not re-run" in report

    # A consistent forgery signed by an unknown key: never SOUND, exit 1 without a trust list.
    _rewrite(out, lambda d: (d.update(result="rejected"), _approve(d)), mallory)
    assert main(["verify", str(out), "--repo", repo]) == 1
    assert "NOT SOUND: UNTRUSTED: no trust list" in capsys.readouterr().out
    assert main(["verify", str(out), "--repo", repo, "--integrity-only"]) == 0
    report = capsys.readouterr().out
    assert report.rstrip().splitlines()[-1].startswith("INTACT (integrity only")
    assert "\nSOUND" not in report
    assert main(["verify", str(out), "--repo", repo, "--allowed-signers", str(trusted)]) == 1
    assert "which is not in the allowed signers" in capsys.readouterr().out

    # Every signature deleted: never sound either.
    remove_signatures(out)
    assert main(["verify", str(out), "--repo", repo]) == 1
    assert capsys.readouterr().out.rstrip().endswith("NOT SOUND: not signed")
    assert main(["verify", str(out), "--repo", repo, "--allowed-signers", str(trusted)]) == 1
    assert capsys.readouterr().out.rstrip().endswith("NOT SOUND: not signed")


@needs_ssh_keygen
def test_trust_list_lookup_require_and_auditor_binding(
    hostile: dict[str, Path | str], capsys: pytest.CaptureFixture[str]
) -> None:
    tmp, repo_path = hostile["tmp"], hostile["repo"]
    assert isinstance(tmp, Path) and isinstance(repo_path, Path)
    repo = str(repo_path)
    ana, bo = _key(tmp, "ana"), _key(tmp, "bo")
    out = _export_signed(hostile, ana)
    capsys.readouterr()

    # The repository's conventional file.
    _signers(repo_path / ".whys" / "allowed_signers", ana=ana, bo=bo)
    assert main(["verify", str(out), "--repo", repo]) == 0
    report = capsys.readouterr().out
    assert "(the repository's .whys/allowed_signers)" in report
    assert report.rstrip().endswith("SOUND")

    # git's gpg.ssh.allowedSignersFile (the repository's config) comes before it.
    only_bo = _signers(tmp / "bo_only", bo=bo)
    git(repo_path, "config", "gpg.ssh.allowedSignersFile", str(only_bo))
    assert main(["verify", str(out), "--repo", repo]) == 1
    report = capsys.readouterr().out
    assert (
        "(git config gpg.ssh.allowedSignersFile)" in report
        and "not in the allowed signers" in report
    )

    # --allowed-signers comes first of all.
    both = _signers(tmp / "both", ana=ana, bo=bo)
    verify = ["verify", str(out), "--repo", repo, "--allowed-signers", str(both)]
    assert main(verify) == 0
    capsys.readouterr()

    # A required signer who has not signed.
    assert main([*verify, "--require", "ana@example.com,bo@example.com"]) == 1
    assert "required signer(s) did not sign: bo@example.com" in capsys.readouterr().out
    assert main(["sign", "--yes", str(out), "--key", str(bo)]) == 0
    assert main([*verify, "--require", "ana@example.com,bo@example.com"]) == 0
    capsys.readouterr()

    # Signed only by bo, though ana recorded every verdict: the signature does not vouch
    # for her decisions.
    remove_signatures(out)
    sign_file(out, bo)
    assert main(verify) == 1
    assert (
        "auditor(s) who recorded verdicts did not sign: ana@example.com" in capsys.readouterr().out
    )


@needs_ssh_keygen
def test_a_trusted_signature_over_a_result_its_history_does_not_give_fails(
    hostile: dict[str, Path | str], capsys: pytest.CaptureFixture[str]
) -> None:
    tmp, repo = hostile["tmp"], str(hostile["repo"])
    assert isinstance(tmp, Path)
    ana = _key(tmp, "ana")
    trusted = _signers(tmp / "allowed_signers", ana=ana)
    out = _export_signed(hostile, ana)

    def flip(document: dict) -> None:
        document["result"] = document["analyses"][0]["result"] = "approved"
        document["summary"] = dict(document["summary"], approved=1, rejected=0)

    _rewrite(out, flip, ana)  # ana's own key: the signature is good, the content is not
    capsys.readouterr()
    assert main(["verify", str(out), "--repo", repo, "--allowed-signers", str(trusted)]) == 1
    report = capsys.readouterr().out
    assert "result says approved, its verdict history gives rejected" in report


@needs_ssh_keygen
def test_only_canonical_json_is_signed_or_verified(
    hostile: dict[str, Path | str], capsys: pytest.CaptureFixture[str]
) -> None:
    tmp, repo = hostile["tmp"], str(hostile["repo"])
    assert isinstance(tmp, Path)
    ana = _key(tmp, "ana")
    trusted = _signers(tmp / "allowed_signers", ana=ana)
    out = _export_signed(hostile, ana)
    remove_signatures(out)
    text = out.read_text()
    # Two "result" keys: JSON readers disagree on which one counts.
    doubled = text.replace(
        '  "result": "rejected",', '  "result": "approved",\n  "result": "rejected",', 1
    )
    assert doubled != text
    out.write_text(doubled)
    capsys.readouterr()
    assert main(["sign", "--yes", str(out), "--key", str(ana)]) == 2
    assert "not canonical JSON (duplicate key 'result')" in capsys.readouterr().err
    assert not Path(f"{out}.sig").exists()
    subprocess.run(  # signed anyway, with plain ssh-keygen
        ["ssh-keygen", "-Y", "sign", "-f", str(ana), "-n", "whys-verdict", str(out)],
        check=True,
        capture_output=True,
    )
    assert main(["verify", str(out), "--repo", repo, "--allowed-signers", str(trusted)]) == 1
    assert "not canonical JSON (duplicate key 'result')" in capsys.readouterr().out

    out.write_text(json.dumps(json.loads(text), indent=4))  # same content, other bytes
    remove_signatures(out)
    assert main(["sign", "--yes", str(out), "--key", str(ana)]) == 2
    assert "not canonical JSON" in capsys.readouterr().err


@needs_ssh_keygen
def test_verify_reads_nothing_outside_the_analysis_folder_and_no_bad_query_crashes(
    hostile: dict[str, Path | str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tmp, repo = hostile["tmp"], str(hostile["repo"])
    assert isinstance(tmp, Path)
    ana = _key(tmp, "ana")
    trusted = _signers(tmp / "allowed_signers", ana=ana)
    out = _export_signed(hostile, ana)

    def hostile_paths(document: dict) -> None:
        template = document["analyses"][0]
        document["analyses"] = [
            dict(template, path=path)
            for path in ("/etc/passwd", "../../../etc/passwd", "/proc/self/pagemap")
        ]
        document["summary"] = dict(document["summary"], rejected=3)
        evidence = template["evidence"][0]
        template["evidence"] = [
            dict(
                evidence,
                id="ev-bad-max",
                query={"op": "grep", "pattern": "retries", "max_hits": "abc"},
            ),
            dict(evidence, id="ev-redos", query={"op": "grep", "pattern": "(a|aa)+$"}),
        ]
        for analysis in document["analyses"]:
            analysis["evidence"] = template["evidence"]

    # Re-signed by an unknown key: nothing the file names is read, hashed or run.
    _rewrite(out, hostile_paths, _key(tmp, "mallory"))
    capsys.readouterr()
    assert (
        main(["verify", str(out), "--repo", repo, "--allowed-signers", str(trusted), "--json"]) == 1
    )
    document = json.loads(capsys.readouterr().out)
    assert document["analysis_files"] == [] and document["evidence"] == []
    assert document["evidence_not_rerun"].startswith("the signatures do not hold")

    # Signed by the trusted auditor: still confined, still one clear line per bad item.
    remove_signatures(out)
    sign_file(out, ana)
    monkeypatch.setenv("WHYS_GREP_TIMEOUT", "5")
    assert (
        main(["verify", str(out), "--repo", repo, "--allowed-signers", str(trusted), "--json"]) == 1
    )
    document = json.loads(capsys.readouterr().out)
    assert [f["hashed_path"] for f in document["analysis_files"]] == ["", "", ""]
    assert all("outside the analysis folder" in f["detail"] for f in document["analysis_files"])
    details = {item["evidence_id"]: item["detail"] for item in document["evidence"]}
    assert "'max_hits' must be a whole number from 1, not 'abc'" in details["ev-bad-max"]
    assert document["sound"] is False


@needs_ssh_keygen
def test_lines_that_only_moved_are_reported_not_failed(
    hostile: dict[str, Path | str], capsys: pytest.CaptureFixture[str]
) -> None:
    tmp, repo_path = hostile["tmp"], hostile["repo"]
    assert isinstance(tmp, Path) and isinstance(repo_path, Path)
    ana = _key(tmp, "ana")
    trusted = _signers(tmp / "allowed_signers", ana=ana)
    store = SessionStore(Path(hostile["session"]))
    fix = str(hostile["fix"])
    notes = f"docs/{ATTACK[:6]}name.txt"
    store.attach_evidence(
        0,
        collect(open_repo(repo_path), {"op": "grep", "pattern": "retries mentioned"}, fix, why="1"),
    )
    out = _export_signed(hostile, ana)
    commit(repo_path, {notes: "intro\n\nretries mentioned\n"}, "notes", "2026-02-10T10:00:00+00:00")
    capsys.readouterr()
    verify = ["verify", str(out), "--repo", str(repo_path), "--allowed-signers", str(trusted)]
    assert main([*verify, "--rev", "HEAD"]) == 0
    report = capsys.readouterr().out
    assert "MOVED evidence" in report and ":1 -> line 3: retries mentioned" in report
    assert report.rstrip().splitlines()[-1].startswith("SOUND (1 evidence result(s) moved")
    commit(repo_path, {notes: "intro\n"}, "drop the note", "2026-02-11T10:00:00+00:00")
    assert main([*verify, "--rev", "HEAD"]) == 1  # changed, not moved: drift
    assert "DRIFT evidence" in capsys.readouterr().out


# --- issue 12: secrets, sessions, CI --------------------------------------------------------

BARE_SECRET = "Qm8xT3ZkWjR5cE5rLTd2Yk1hUjJ0c0x1OGhWcUZ3TmdqZWlYUzFvQ2Ez"  # no name near it


def test_exports_redact_secrets_in_every_field_but_keep_shas_and_digests(
    hostile: dict[str, Path | str], capsys: pytest.CaptureFixture[str]
) -> None:
    tmp, repo_path, fix = hostile["tmp"], hostile["repo"], str(hostile["fix"])
    assert isinstance(tmp, Path) and isinstance(repo_path, Path)
    secrets = {
        "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiIsImlhdCI6MTUxNjIzOTAyMn0"
        ".Sfl9KxwRJSMeKKF2QT4fwpMeJf36POk6y",
        "pem": "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1c2\n"
        "-----END RSA PRIVATE KEY-----",
        "github": "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
        "aws": "AKIA" + "Z7Q4W2E6R8T1Y3U5",
        "gcp": "AIza" + "SyB3x9Q2w8E4r6T1y5U7i9O0p2A4s6D8f0G",
        "slack": "xoxb-" + "123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
        "bare": BARE_SECRET,
    }
    files = {f"config/{name}.txt": f"{value}\n" for name, value in secrets.items()}
    sha = commit(repo_path, files, "config", "2026-02-04T10:00:00+00:00")
    store = SessionStore(Path(hostile["session"]))
    git_repo = open_repo(repo_path)
    evidence = collect(
        git_repo, {"op": "grep", "pattern": ".", "globs": ["config/*"]}, sha, why="1"
    )
    store.attach_evidence(0, evidence)
    store.record_verdict(
        0, "why", "1", "rejected", f"the key {secrets['github']} leaked", "ana@example.com"
    )
    out = tmp / "OUT.json"
    assert main(["export", str(hostile["session"]), "-o", str(out)]) == 0
    assert "redacted" in capsys.readouterr().err
    exported = out.read_text() + out.with_suffix(".md").read_text()
    for name, value in secrets.items():
        assert value.splitlines()[1 if name == "pem" else 0] not in exported, name
    for kind in (
        "jwt",
        "private-key",
        "github-token",
        "aws-access-key",
        "google-api-key",
        "slack-token",
        "high-entropy-literal",
    ):
        assert f"[REDACTED:{kind}]" in exported, kind
    assert fix in exported and sha in exported and evidence.content_sha256 in exported
    report = out.with_suffix(".md").read_text()
    assert "## Redacted" in report and "high-entropy-literal" in report


def test_concurrent_verdict_processes_never_lose_a_verdict(
    hostile: dict[str, Path | str], tmp_path: Path
) -> None:
    session = str(hostile["session"])
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "whys",
                "verdict",
                session,
                "--why",
                "1",
                "--approve",
                "--auditor",
                f"auditor-{number}@x",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for number in range(12)
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    recorded = {v.auditor for v in load_session(Path(session)).analyses[0].verdicts}
    assert recorded == {f"auditor-{number}@x" for number in range(12)}


@needs_ssh_keygen
def test_session_file_footguns(
    hostile: dict[str, Path | str], capsys: pytest.CaptureFixture[str]
) -> None:
    tmp, session = hostile["tmp"], hostile["session"]
    assert isinstance(tmp, Path) and isinstance(session, Path)
    before = session.read_bytes()
    # export S -o S, directly or through a link: refused, the session untouched.
    link = tmp / "link.json"
    link.symlink_to(session)
    for target in (session, link):
        assert main(["export", str(session), "-o", str(target)]) == 2
        assert "it is the session file" in capsys.readouterr().err
    assert session.read_bytes() == before

    # A symlinked --session is written through to its target; the link stays a link.
    assert main(["verdict", str(link), "--why", "1", "--approve", "--auditor", "ana@x"]) == 0
    assert link.is_symlink() and link.resolve() == session.resolve()
    assert load_session(session).analyses[0].verdicts[-1].auditor == "ana@x"

    # A dangling .sig link is never followed when signing.
    out = tmp / "OUT.json"
    assert main(["export", str(session), "-o", str(out)]) == 0
    planted = tmp / "planted-target"
    Path(f"{out}.sig").symlink_to(planted)
    capsys.readouterr()
    assert main(["sign", "--yes", str(out), "--key", str(_key(tmp, "ana"))]) == 2
    assert "symbolic link" in capsys.readouterr().err
    assert not planted.exists()


def test_ci_honours_session_overrides_and_a_committed_baseline(
    hostile: dict[str, Path | str], capsys: pytest.CaptureFixture[str]
) -> None:
    tmp, repo_path = hostile["tmp"], hostile["repo"]
    assert isinstance(tmp, Path) and isinstance(repo_path, Path)
    analysis = repo_path / "docs" / "PAYMENTS.md"
    analysis.write_text(
        "# Payments\n\n### Why #1: Why did payments fail?\n\n"
        "- `app/pay.py` line 2 sets `retries = 3`\n- $40K MRR lost\n"
    )
    session = str(tmp / "ci-session.json")
    check = ["check", str(analysis), "--repo", str(repo_path), "--format", "sarif"]
    assert main(check) == 1
    log = json.loads(capsys.readouterr().out)
    results = log["runs"][0]["results"]
    assert not any(r["message"]["text"].startswith("external") for r in results)
    [contradicted] = [r for r in results if r["level"] == "error"]
    location = contradicted["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "docs/PAYMENTS.md", "uriBaseId": "%SRCROOT%"}
    fingerprint = contradicted["partialFingerprints"]["whys/v1"]
    claim_id = contradicted["properties"]["claim"]

    # The auditor approves the claim with an override in the session: CI stops failing.
    assert main([*check, "--session", session]) == 1
    override = ["--approve", "--override", "--note", "checked by hand", "--auditor", "ana@x"]
    assert main(["verdict", session, "--claim", claim_id, *override]) == 0
    capsys.readouterr()
    assert main([*check, "--session", session]) == 0
    assert "accepted by an auditor's override" in capsys.readouterr().err

    # A baseline committed beside the analyses: known contradictions pass, new ones fail.
    baseline = tmp / "whys-baseline.json"
    assert main([*check, "--write-baseline", str(baseline)]) == 0
    capsys.readouterr()
    assert [r["fingerprint"] for r in json.loads(baseline.read_text())["results"]] == [fingerprint]
    assert main([*check, "--baseline", str(baseline)]) == 0
    assert "in the baseline" in capsys.readouterr().err
    analysis.write_text("# Preface\n\n" + analysis.read_text())  # moved, still known
    assert main([*check, "--baseline", str(baseline)]) == 0
    analysis.write_text(analysis.read_text() + "- `app/pay.py` line 2 sets `retries = 7`\n")
    assert main([*check, "--baseline", str(baseline)]) == 1
    bad = tmp / "bad-baseline.json"
    bad.write_text('{"type": "other"}')
    capsys.readouterr()
    assert main([*check, "--baseline", str(bad)]) == 2
    assert "is not a whys baseline" in capsys.readouterr().err
