"""A repository under audit may be hostile: nothing in it may run.

Each vector gets a repository whose config (or .gitattributes) points a program at a
script that writes a marker file. Where plain git can be made to run it, the test first
proves the trap is live (so the test could fail), removes the marker, then drives every
whys entry point that reads the repository: the repo API (log, pickaxe, follow, blame,
line history, show, SZZ, git grep, files), working-tree search, evidence and the `grep`
and `timeline` commands. The marker must never appear.
"""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest
from gitbuild import commit, git, make_repo

from whys.cli import main
from whys.core import search
from whys.core.evidence import collect, rerun
from whys.core.repo import GitRepo, MissingObjectError, open_repo
from whys.errors import BadInputError, BadRepoError


def _trap(tmp_path: Path) -> tuple[Path, Path]:
    """A script that records that it ran (and passes its input through, like a filter)."""
    marker = tmp_path / "MARKER"
    script = tmp_path / "trap.sh"
    script.write_text(f'#!/bin/sh\necho "ran: $0 $*" >> "{marker}"\ncat "$@" 2>/dev/null\nexit 0\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script, marker


def _project(tmp_path: Path) -> Path:
    path = make_repo(
        tmp_path,
        commits=[
            {
                "files": {"notes.txt": "alpha\nbeta\n", "src/app.py": "x = 1\n"},
                "message": "first",
                "date": "2024-01-01T00:00:00Z",
            },
            {
                "files": {"notes.txt": "alpha\ngamma\n", "src/app.py": "x = 2\n"},
                "message": "second",
                "date": "2024-01-02T00:00:00Z",
            },
        ],
    )
    return path


def _add_config(path: Path, *pairs: tuple[str, str]) -> None:
    for key, value in pairs:
        git(path, "config", key, value)


def _exercise_everything(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo: GitRepo = open_repo(path)
    head = repo.resolve_revision("HEAD")
    first = repo.resolve_revision("HEAD~1")
    assert len(list(repo.iter_log())) >= 2
    list(repo.iter_log(paths=["notes.txt"], follow=True))
    list(repo.iter_log(pickaxe="gamma"))
    list(repo.iter_log(pickaxe="gam+a", pickaxe_regex=True, paths=["notes.txt"]))
    list(repo.iter_log(message="second", since="2023-01-01"))
    repo.find_commits_by_subject("secnd")
    repo.commit_info(head)
    repo.commits_info([head, first])
    repo.list_files(head)
    repo.read_file(head, "notes.txt")
    repo.blame(head, "notes.txt", 1, 2)
    repo.line_history(head, "notes.txt", 2, 2)
    repo.show_commit(head)
    repo.szz_origins(head)
    repo.containing_refs(first)
    repo.is_ancestor(first, head)
    list(repo.grep(head, "gamma"))
    repo.grep_count(head, "a", unit="matches")
    if not repo.is_bare:
        list(search.search(repo.root, "gamma"))
        search.count(repo.root, "alpha")
    for query in (
        {"op": "grep", "pattern": "gamma"},
        {"op": "blame", "path": "notes.txt", "start": 1, "end": 2},
        {"op": "pickaxe", "text": "gamma"},
        {"op": "szz", "fix": head},
        {"op": "commit", "sha": head[:10]},
    ):
        rerun(collect(repo, query, head), repo, first)
    assert main(["grep", "gamma", "--repo", str(path)]) in (0, 1)
    assert main(["grep", "gamma", "--repo", str(path), "--rev", "HEAD~1", "--json"]) in (0, 1)
    assert main(["timeline", "--repo", str(path), "-S", "gamma"]) == 0
    assert main(["timeline", "--repo", str(path), "-G", "gam", "--path", "notes.txt"]) == 0
    assert main(["timeline", "--repo", str(path), "--path", "notes.txt", "--follow"]) == 0
    capsys.readouterr()


def _assert_trap_is_live(path: Path, marker: Path, *git_args: str) -> None:
    git(path, *git_args, check=False)
    assert marker.exists(), f"plain `git {' '.join(git_args)}` should have run the trap"
    marker.unlink()


def test_fsmonitor_never_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script, marker = _trap(tmp_path)
    path = _project(tmp_path)
    _add_config(path, ("core.fsmonitor", str(script)))
    (path / "notes.txt").write_text("dirty\n")
    _assert_trap_is_live(path, marker, "status")
    _exercise_everything(path, capsys)
    assert not marker.exists()


def test_textconv_driver_never_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script, marker = _trap(tmp_path)
    path = _project(tmp_path)
    commit(
        path,
        {".gitattributes": "*.txt diff=evil\n*.py diff=evil\n"},
        "attrs",
        "2024-01-03T00:00:00Z",
    )
    commit(path, {"notes.txt": "alpha\ngamma\ndelta\n"}, "third", "2024-01-04T00:00:00Z")
    _add_config(path, ("diff.evil.textconv", str(script)), ("diff.evil.cachetextconv", "false"))
    _assert_trap_is_live(path, marker, "log", "-p", "-1")
    _exercise_everything(path, capsys)
    assert not marker.exists()


def test_filter_driver_never_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script, marker = _trap(tmp_path)
    path = _project(tmp_path)
    commit(path, {".gitattributes": "* filter=evil\n"}, "attrs", "2024-01-03T00:00:00Z")
    _add_config(
        path,
        ("filter.evil.clean", str(script)),
        ("filter.evil.smudge", str(script)),
        ("filter.evil.process", str(script)),
        ("filter.evil.required", "false"),
    )
    (path / "notes.txt").unlink()
    _assert_trap_is_live(path, marker, "checkout", "--", "notes.txt")
    _exercise_everything(path, capsys)
    assert not marker.exists()


def test_external_diff_never_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script, marker = _trap(tmp_path)
    path = _project(tmp_path)
    _add_config(path, ("diff.external", str(script)))
    _assert_trap_is_live(path, marker, "diff", "HEAD~1", "HEAD")
    _exercise_everything(path, capsys)
    assert not marker.exists()


def test_external_diff_driver_from_gitattributes_never_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script, marker = _trap(tmp_path)
    path = _project(tmp_path)
    commit(path, {".gitattributes": "*.txt diff=evil\n"}, "attrs", "2024-01-03T00:00:00Z")
    commit(path, {"notes.txt": "alpha\ngamma\ndelta\n"}, "third", "2024-01-04T00:00:00Z")
    _add_config(path, ("diff.evil.command", str(script)))
    _assert_trap_is_live(path, marker, "diff", "HEAD~1", "HEAD")
    _exercise_everything(path, capsys)
    assert not marker.exists()


def test_pager_never_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    script, marker = _trap(tmp_path)
    path = _project(tmp_path)
    _add_config(path, ("core.pager", str(script)), ("pager.log", str(script)))
    _add_config(path, ("pager.show", str(script)), ("pager.grep", str(script)))
    monkeypatch.setenv("PAGER", str(script))
    monkeypatch.setenv("GIT_PAGER", str(script))
    _exercise_everything(path, capsys)
    assert not marker.exists()


def test_ssh_command_never_runs_even_for_a_lazy_fetch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script, marker = _trap(tmp_path)
    path = _project(tmp_path)
    lost = git(path, "rev-parse", "HEAD~1:notes.txt").strip()
    (path / ".git" / "objects" / lost[:2] / lost[2:]).unlink()
    # A partial clone whose promisor remote is reached over ssh: reading a missing blob
    # makes plain git fetch it, which runs core.sshCommand.
    _add_config(
        path,
        ("core.repositoryformatversion", "1"),
        ("extensions.partialClone", "origin"),
        ("remote.origin.url", "ssh://git@example.invalid/repo.git"),
        ("remote.origin.promisor", "true"),
        ("core.sshCommand", str(script)),
    )
    _assert_trap_is_live(path, marker, "cat-file", "-p", lost)
    repo = open_repo(path)
    with pytest.raises(MissingObjectError) as caught:
        repo.read_file("HEAD~1", "notes.txt")
    assert lost in caught.value.message
    assert repo.read_file("HEAD", "notes.txt") == b"alpha\ngamma\n"
    list(repo.iter_log())
    with pytest.raises(MissingObjectError):
        repo.show_commit("HEAD")  # its diff needs the lost blob: named, not fetched
    assert main(["timeline", "--repo", str(path)]) == 0
    capsys.readouterr()
    assert not marker.exists()


def test_include_if_config_never_runs_what_it_pulls_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script, marker = _trap(tmp_path)
    path = _project(tmp_path)
    commit(
        path, {".gitattributes": "*.txt diff=evil filter=evil\n"}, "attrs", "2024-01-03T00:00:00Z"
    )
    commit(path, {"notes.txt": "alpha\ngamma\ndelta\n"}, "third", "2024-01-04T00:00:00Z")
    pulled = tmp_path / "pulled.config"
    pulled.write_text(
        "[core]\n"
        f"\tfsmonitor = {script}\n\tpager = {script}\n\tsshCommand = {script}\n"
        f"[diff]\n\texternal = {script}\n"
        f'[diff "evil"]\n\ttextconv = {script}\n\tcommand = {script}\n'
        f'[filter "evil"]\n\tclean = {script}\n\tsmudge = {script}\n'
        f"[log]\n\tshowSignature = true\n[gpg]\n\tprogram = {script}\n"
    )
    with (path / ".git" / "config").open("a") as config:
        config.write(f'[includeIf "gitdir:{path}/"]\n\tpath = {pulled}\n')
        config.write(f'[includeIf "onbranch:main"]\n\tpath = {pulled}\n')
    _assert_trap_is_live(path, marker, "show", "HEAD")
    _exercise_everything(path, capsys)
    assert not marker.exists()


def test_hooks_never_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script, marker = _trap(tmp_path)
    path = _project(tmp_path)
    hooks = path / ".git" / "hooks"
    for name in ("post-checkout", "post-index-change", "reference-transaction", "pre-auto-gc"):
        (hooks / name).write_text(script.read_text())
        (hooks / name).chmod(0o755)
    _exercise_everything(path, capsys)
    assert not marker.exists()


def test_git_environment_of_the_caller_does_not_leak(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    script, marker = _trap(tmp_path)
    path = _project(tmp_path)
    other = make_repo(tmp_path, commits=[{"message": "other repo"}], name="other")
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_EXTERNAL_DIFF", str(script))
    monkeypatch.setenv("GIT_CONFIG_PARAMETERS", f"'core.pager={script}'")
    repo = open_repo(path)
    assert [c.subject for c in repo.iter_log()] == ["second", "first"]
    _exercise_everything(path, capsys)
    assert not marker.exists()


def test_option_shaped_revision_is_refused_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _project(tmp_path)
    target = tmp_path / "written"
    for argv in (
        ["timeline", "--repo", str(path), f"--rev=--output={target}"],
        ["grep", "alpha", "--repo", str(path), f"--rev=--output={target}"],
    ):
        assert main(argv) == 2
        assert "looks like an option" in capsys.readouterr().err
    repo = open_repo(path)
    for call in (
        lambda: list(repo.iter_log(f"--output={target}")),
        lambda: repo.blame(f"--output={target}", "notes.txt", 1, 1),
        lambda: repo.show_commit(f"--output={target}"),
        lambda: list(repo.grep(f"--output={target}", "alpha")),
        lambda: repo.read_file(f"--output={target}", "notes.txt"),
        lambda: repo.is_ancestor(f"--output={target}", "HEAD"),
    ):
        with pytest.raises(Exception, match="looks like an option"):
            call()
    assert not target.exists()


def test_option_shaped_paths_and_patterns_stay_data(tmp_path: Path) -> None:
    path = _project(tmp_path)
    target = tmp_path / "written"
    repo = open_repo(path)
    assert list(repo.iter_log(paths=[f"--output={target}"])) == []
    assert list(repo.iter_log(message=f"--output={target}")) == []
    assert list(repo.iter_log(author=f"--output={target}")) == []
    assert list(repo.grep("HEAD", f"--output={target}", globs=[f"--output={target}"])) == []
    assert repo.read_file("HEAD", f"--output={target}") is None
    assert list(search.search(path, f"--output={target}", globs=[f"--pre={target}"])) == []
    assert not target.exists()


def test_core_worktree_pointing_outside_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "private.txt").write_text("needle private\n")
    path = _project(tmp_path)
    _add_config(path, ("core.worktree", str(elsewhere)))
    with pytest.raises(BadRepoError, match="outside"):
        open_repo(path)
    assert main(["grep", "needle", "--repo", str(path)]) == 2
    captured = capsys.readouterr()
    assert "private" not in captured.out and "outside" in captured.err


def test_config_that_reshapes_output_changes_no_result(tmp_path: Path) -> None:
    clean = _project(tmp_path)
    fix = commit(clean, {"notes.txt": "alpha\ngamma\nomega\n"}, "third", "2024-01-05T00:00:00Z")
    hostile = tmp_path / "hostile"
    git(tmp_path, "clone", "-q", str(clean), str(hostile))
    for key, value in (
        ("i18n.logOutputEncoding", "UTF-16"),
        ("diff.noprefix", "true"),
        ("diff.mnemonicPrefix", "true"),
        ("color.ui", "always"),
        ("log.decorate", "full"),
        ("log.showRoot", "false"),
        ("grep.patternType", "perl"),
        ("grep.lineNumber", "false"),
        ("core.quotePath", "true"),
        ("diff.renames", "false"),
    ):
        _add_config(hostile, (key, value))

    def results(path: Path) -> tuple:
        repo = open_repo(path)
        return (
            [(c.sha, c.subject, c.message) for c in repo.iter_log()],
            [c.sha for c in repo.iter_log(pickaxe="gamma")],
            [(h.path, h.line, h.text) for h in repo.grep("HEAD", "a", fixed_strings=True)],
            repo.szz_origins(fix),
            [(b.sha, b.content) for b in repo.blame("HEAD", "notes.txt", 1, 3)],
            repo.show_commit(fix).stats,
        )

    assert results(hostile) == results(clean)


def test_commits_with_impossible_dates_are_listed_not_fatal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _project(tmp_path)
    tree = git(path, "rev-parse", "HEAD^{tree}").strip()
    parent = git(path, "rev-parse", "HEAD").strip()
    raw = (
        f"tree {tree}\nparent {parent}\n"
        "author Mallory <m@example.com> 99999999999999999999 +0000\n"
        "committer Mallory <m@example.com> not-a-date +9999\n\nforged dates\n"
    )
    forged = (
        subprocess.run(
            ["git", "hash-object", "-t", "commit", "-w", "--stdin", "--literally"],
            input=raw.encode(),
            cwd=path,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )
    git(path, "update-ref", "refs/heads/main", forged)
    repo = open_repo(path)
    listed = list(repo.iter_log())
    assert [c.subject for c in listed] == ["forged dates", "second", "first"]
    assert repo.commit_info(forged).subject == "forged dates"
    assert main(["timeline", "--repo", str(path), "--json"]) == 0
    assert "forged dates" in capsys.readouterr().out


# -- issue 12: working copies that borrow another repository's history or objects ------------


def _two_branches(tmp_path: Path) -> tuple[Path, str, str]:
    """A repository whose fix lives on a side branch that never reached the deploy."""
    path = make_repo(
        tmp_path,
        [
            {"files": {"app.py": "x = 1\n"}, "message": "base", "date": "2024-01-01T00:00:00Z"},
            {
                "files": {"app.py": "x = 2\n"},
                "message": "fix: x is 2",
                "date": "2024-01-02T00:00:00Z",
                "branch": "side",
            },
        ],
        name="grafted",
    )
    fix = git(path, "rev-parse", "side").strip()
    git(path, "checkout", "-q", "main")
    deploy = commit(path, {"deploy.txt": "v1\n"}, "deploy", "2024-01-03T00:00:00Z")
    return path, fix, deploy


def test_grafts_cannot_make_a_fix_reach_the_deploy(tmp_path: Path) -> None:
    path, fix, deploy = _two_branches(tmp_path)
    base = git(path, "rev-parse", "main~1").strip()
    assert not open_repo(path).is_ancestor(fix, deploy)
    # A tarball's .git/info/grafts claims the deploy's parent is the fix.
    (path / ".git" / "info").mkdir(exist_ok=True)
    (path / ".git" / "info" / "grafts").write_text(f"{deploy} {fix}\n")
    plain = subprocess.run(
        ["git", "merge-base", "--is-ancestor", fix, deploy], cwd=path, capture_output=True
    )
    assert plain.returncode == 0, "plain git honours the grafts (so this test can fail)"
    repo = open_repo(path)
    assert not repo.is_ancestor(fix, deploy)
    assert [info.sha for info in repo.iter_log(deploy)] == [deploy, base]
    # And git's grafts-deprecated hint does not bury the real error line.
    assert _grep_error(repo).startswith("invalid pattern")


def _grep_error(repo: GitRepo) -> str:
    """What a failing git grep says."""
    from whys.errors import BadPatternError

    with pytest.raises(BadPatternError) as caught:
        list(repo.grep("HEAD", "(oops"))
    return caught.value.message


def test_a_git_file_pointing_at_another_repository_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = make_repo(
        tmp_path,
        [{"files": {"private.txt": "needle private\n"}, "message": "secret"}],
        name="victim",
    )
    tarball = tmp_path / "tarball"
    tarball.mkdir()
    (tarball / "README.md").write_text("an innocent project\n")
    (tarball / ".git").write_text(f"gitdir: {victim / '.git'}\n")
    plain = subprocess.run(["git", "log", "--oneline"], cwd=tarball, capture_output=True, text=True)
    assert "secret" in plain.stdout, "plain git shows the other repository (so this can fail)"
    with pytest.raises(BadRepoError, match="points at another repository"):
        open_repo(tarball)
    assert main(["timeline", "--repo", str(tarball)]) == 2
    captured = capsys.readouterr()
    assert "secret" not in captured.out and "another repository" in captured.err
    # The same through a `.git` link.
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / ".git").symlink_to(victim / ".git")
    with pytest.raises(BadRepoError, match="points at another repository"):
        open_repo(linked)


def test_linked_worktrees_and_submodules_still_open(tmp_path: Path) -> None:
    main_repo = _project(tmp_path)
    worktree = tmp_path / "wt"
    git(main_repo, "worktree", "add", "-q", "-b", "wt", str(worktree))
    assert open_repo(worktree).root == worktree.resolve()
    inner = make_repo(tmp_path, [{"files": {"lib.py": "y = 1\n"}, "message": "lib"}], name="lib")
    git(
        main_repo,
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        str(inner),
        "vendor/lib",
    )
    assert open_repo(main_repo / "vendor" / "lib").root == (main_repo / "vendor" / "lib").resolve()


def test_alternates_borrowing_another_repositorys_objects_are_refused(tmp_path: Path) -> None:
    other = make_repo(
        tmp_path,
        [{"files": {"other.py": "z = 1\n"}, "message": "only in the other repository"}],
        name="other",
    )
    foreign = git(other, "rev-parse", "HEAD").strip()
    path = _project(tmp_path)
    alternates = path / ".git" / "objects" / "info" / "alternates"
    alternates.write_text(f"{other / '.git' / 'objects'}\n")
    plain = subprocess.run(
        ["git", "cat-file", "-t", foreign], cwd=path, capture_output=True, text=True
    )
    assert plain.stdout.strip() == "commit", (
        "plain git finds the borrowed commit (so this can fail)"
    )
    with pytest.raises(BadRepoError, match="borrows objects from"):
        open_repo(path)
    # Alternates inside the repository itself (an odd but harmless layout) are fine.
    alternates.write_text(f"{path / '.git' / 'objects'}\n")
    assert open_repo(path).resolve_prefix(foreign) == []


def test_a_backtracking_pattern_at_a_past_revision_is_stopped_and_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    # 2,000 lines on which `(a|aa)+$` backtracks: git grep -P runs for over a minute here.
    path = make_repo(
        tmp_path,
        [{"files": {"redos.txt": ("a" * 28 + "b\n") * 2000}, "message": "redos"}],
        name="redos",
    )
    monkeypatch.setenv("WHYS_GREP_TIMEOUT", "1")
    started = time.monotonic()
    assert main(["grep", "(a|aa)+$", "--rev", "HEAD", "--repo", str(path)]) == 2
    assert time.monotonic() - started < 15
    error = capsys.readouterr().err
    assert "stopped after 1 s" in error and "backtracks too much" in error
    started = time.monotonic()
    with pytest.raises(BadInputError, match="stopped after"):
        collect(open_repo(path), {"op": "count", "pattern": "(a|aa)+$"}, "HEAD")
    assert time.monotonic() - started < 15
