"""`whys timeline --json` and `whys grep --json` write their JSON by hand, for speed; these
tests hold them to the exact text the JSON contract had when each record was a dict given to
`json.dumps`: same keys, order, separators and escapes, for awkward commits and lines
(non-ASCII, quotes, backslashes, control characters, merges, roots, time zones, subjects
git folds from several lines, cut lines, context lines)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from gitbuild import checkout, commit, git, git_env, make_repo, merge

from whys.cli import main
from whys.core import search
from whys.core.repo import open_repo


def _raw_commit(repo: Path, message: str, date: str) -> str:
    """A commit whose message is kept byte for byte (`git commit` would clean it up)."""
    tree = git(repo, "write-tree").strip()
    parent = git(repo, "rev-parse", "HEAD").strip()
    sha = (
        subprocess.run(
            ["git", "commit-tree", tree, "-p", parent],
            cwd=repo,
            env=git_env(date, ('Zoë "Q" O\'Brien\\', "zoe@example.com")),
            input=message.encode("utf-8"),
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )
    git(repo, "update-ref", "HEAD", sha)
    return sha


@pytest.fixture
def history(tmp_path: Path) -> Path:
    repo = make_repo(
        tmp_path,
        commits=[
            {"files": {"a.txt": "a\n"}, "message": "root", "date": "2024-01-01T00:00:00Z"},
            {
                "files": {"a.txt": "b\n"},
                "message": 'Fix "quotes" \\ back\tslash — ünïcode ✓',
                "date": "2024-01-02T10:00:00+05:30",
                "author": ("José Ñandú", "jose@example.com"),
            },
        ],
    )
    checkout(repo, "side", create=True)
    commit(repo, {"b.txt": "side\n"}, "side work", "2024-01-03T00:00:00-08:00")
    checkout(repo, "main")
    commit(repo, {"c.txt": "main\n"}, "main work", "2024-01-04T00:00:00+00:00")
    merge(repo, "side", "Merge side", "2024-01-05T00:00:00+14:00")
    for message in (
        "\n\n  leading blank lines, then an indented subject  \n\nbody\n",
        "a subject\nfolded over\r\ntwo lines\t \n\nbody",
        "vertical\x0btab and form\x0cfeed stay   \n",
        "escape \x1b[31m and bell \x07 in a subject\n",
    ):
        _raw_commit(repo, message, "2024-02-01T00:00:00-03:30")
    return repo


def _dumped_commit(info) -> str:
    """The record as `whys timeline --json` wrote it before it wrote JSON by hand."""
    return json.dumps(
        {
            "type": "commit",
            "sha": info.sha,
            "subject": info.subject,
            "author_name": info.author_name,
            "author_email": info.author_email,
            "author_date": info.author_date.isoformat(),
            "committer_date": info.committer_date.isoformat(),
            "parents": info.parents,
        }
    )


def test_timeline_json_is_what_json_dumps_wrote(history: Path, capsys) -> None:
    assert main(["timeline", "--repo", str(history), "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    expected = [_dumped_commit(info) for info in open_repo(history).iter_log()]
    assert lines[:-1] == expected
    assert json.loads(lines[-1])["commits"] == len(expected) == 9
    summary = {
        "type": "summary",
        "revision": git(history, "rev-parse", "HEAD").strip(),
        "mode": "log",
        "commits": 9,
        "shallow": False,
        "history_ends_at": [],
    }
    assert lines[-1] == json.dumps(summary)


def test_timeline_summary_of_a_shallow_clone_is_what_json_dumps_wrote(
    history: Path, tmp_path: Path, capsys
) -> None:
    shallow = tmp_path / "shallow"
    clone = ["-c", "protocol.file.allow=always", "clone", "-q", "--depth", "2"]
    git(tmp_path, *clone, f"file://{history}", str(shallow))
    assert main(["timeline", "--repo", str(shallow), "-S", "needle", "--json"]) == 1
    ends = sorted(git(shallow, "rev-parse", "HEAD~1").split())
    summary = {
        "type": "summary",
        "revision": git(shallow, "rev-parse", "HEAD").strip(),
        "mode": "-S",
        "commits": 0,
        "shallow": True,
        "history_ends_at": ends,
    }
    assert capsys.readouterr().out == json.dumps(summary) + "\n"


def test_subjects_are_gits_own(history: Path) -> None:
    # git's %s: leading blank lines skipped, lines of the first paragraph right-trimmed
    # (space, tab, CR, LF only) and joined by single spaces; leading spaces kept.
    git_subjects = git(history, "log", "-z", "--format=%s").split("\0")[:-1]
    repo = open_repo(history)
    assert [info.subject for info in repo.iter_log()] == git_subjects
    listed = [fields[0] for batch in repo.log_batches(fields=("subject",)) for fields in batch]
    assert listed == git_subjects
    assert "  leading blank lines, then an indented subject" in git_subjects
    assert "a subject folded over two lines" in git_subjects


def test_timeline_text_lines_match_the_models(history: Path, capsys) -> None:
    assert main(["timeline", "--repo", str(history)]) == 0
    lines = capsys.readouterr().out.splitlines()
    infos = list(open_repo(history).iter_log())
    assert len(lines) == len(infos)
    for line, info in zip(lines, infos, strict=True):
        when = info.author_date.strftime("%Y-%m-%d %H:%M %z")
        assert line.startswith(f"{info.sha[:12]}  {when}  ")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    root.mkdir()
    (root / "quotes.py").write_text(
        "x = \"needle\"  # \\ back\tslash\nneedle = 'ü ✓'\nctrl \x1b[1m needle \x07\nplain\n",
        encoding="utf-8",
    )
    (root / "long.js").write_text("y" * 5000 + "needle" + "z" * 100 + "\n", encoding="utf-8")
    (root / "bad-utf8.txt").write_bytes(b"needle \xff\xfe here\r\n")
    (root / "dir with space").mkdir()
    (root / "dir with space" / "ünï.txt").write_text("before\nneedle\nafter\n")
    return root


def _dumped_hit(hit: search.SearchHit) -> str:
    fields = {
        "path": hit.path,
        "line": hit.line,
        "column": hit.column,
        "text": hit.text,
        "truncated": hit.truncated,
    }
    return json.dumps({"type": hit.kind, **fields})


@pytest.mark.parametrize("context", [0, 1])
def test_grep_json_is_what_json_dumps_wrote(tree: Path, context: int, capsys) -> None:
    argv = ["grep", "needle", "--repo", str(tree), "--json", "-C", str(context)]
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    hits = list(search.search(tree, "needle", context=context))
    assert sorted(lines[:-1]) == sorted(_dumped_hit(hit) for hit in hits)
    assert any(hit.truncated for hit in hits)
    summary = json.loads(lines[-1])
    assert summary["hits"] == 6 and summary["files"] == 4


def _dumped(**fields: object) -> str:
    return json.dumps(fields)


def test_grep_summary_and_count_lines_are_what_json_dumps_wrote(
    tree: Path, history: Path, capsys
) -> None:
    # An awkward pattern (quote, backslash, non-ASCII) in the working tree, capped.
    pattern = 'needle|"|\\\\|ü'
    assert main(["grep", pattern, "--repo", str(tree), "--json", "--max", "2"]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last == _dumped(
        type="summary",
        engine="rg",
        revision=None,
        pattern=pattern,
        hits=2,
        files=json.loads(last)["files"],
        capped=True,
        binary_files_skipped=0,
    )
    head = git(history, "rev-parse", "HEAD").strip()
    assert main(["grep", "main", "--repo", str(history), "--rev", "HEAD", "--json"]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    expected = dict(type="summary", engine="git grep", revision=head, pattern="main")
    assert last == _dumped(**expected, hits=1, files=1, capped=False, binary_files_skipped=0)
    for unit, matches in (("files", None), ("matches", 6)):
        assert main(["grep", "needle", "--repo", str(tree), "--json", "--count", unit]) == 0
        assert (
            capsys.readouterr().out
            == _dumped(
                type="count",
                unit=unit,
                count=4 if unit == "files" else 6,
                files=4,
                matches=matches,
                engine="rg",
                revision=None,
                pattern="needle",
            )
            + "\n"
        )
