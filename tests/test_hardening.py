"""Bad input at every entry point of the command line: analyses that are empty, binary, huge,
nested or hostile; repositories that are bare, shallow, empty, partial, damaged, huge or
odd; claims that point outside the repository; option-shaped patterns and revisions.

Each case ends in one clear stderr line and exit 2, or in a partial result that says what
it could not do; never a traceback, never an internal error, never a read outside the tree.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gitbuild import commit, git, make_repo

from whys.cli import main

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
    "binary": bytes(range(256)) * 64,
    "not-utf8": "caf\xe9: `app/client.py` line 1 defines `PaymentClient`\n".encode("latin-1"),
    "nul-bytes": "# t\x00\x00\n- `app/client.py` exists\x00\n",
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
        assert all(c["status"] == "contradicted" and "0 files" in c["detail"] for c in counts)


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
    # At the commit before HEAD (same client.py blob), so the count runs git grep, not rg.
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
