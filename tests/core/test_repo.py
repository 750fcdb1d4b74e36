"""GitRepo against real repositories built with pinned authors and dates."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from gitbuild import add_many_commits, branch, checkout, commit, git, make_repo, merge, rename, tag

from whys.core.repo import GitRepo, MissingObjectError, open_repo
from whys.errors import BadInputError, BadRepoError, BadRevisionError

CONFIG_V1 = "TIMEOUT = 5\nRETRIES = 3\n\ndef load():\n    return TIMEOUT\n"
CONFIG_V2 = "TIMEOUT = 30\nRETRIES = 3\n\ndef load():\n    return TIMEOUT\n"


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A small project: config added, timeout raised (the 'cause'), moved, fixed, tagged."""
    base = tmp_path_factory.mktemp("history")
    repo = make_repo(
        base,
        commits=[
            {
                "files": {"app/config.py": CONFIG_V1, "README.md": "# app\n"},
                "message": "Add config module",
                "date": "2024-01-10T09:00:00+00:00",
                "tag": "v1.0",
            },
            {
                "files": {"app/config.py": CONFIG_V2},
                "message": "Raise timeout to 30s\n\nThe upstream is slow.",
                "date": "2024-02-01T12:00:00+01:00",
                "author": ("Bob Builder", "bob@example.com"),
            },
        ],
    )
    shas = {
        "add": git(repo, "rev-parse", "HEAD~1").strip(),
        "raise": git(repo, "rev-parse", "HEAD").strip(),
    }
    rename(repo, "app/config.py", "app/settings.py")
    shas["move"] = commit(repo, {}, "Move config to settings", "2024-02-15T08:00:00+00:00")
    shas["fix"] = commit(
        repo,
        {"app/settings.py": CONFIG_V2.replace("TIMEOUT = 30", "TIMEOUT = 10")},
        "fix: lower timeout to 10s",
        "2024-03-01T10:00:00+00:00",
        committer_date="2024-03-20T10:00:00+00:00",
    )
    tag(repo, "v2.0", message="release 2")
    branch(repo, "hotfix", shas["raise"])
    shas["root"] = str(repo)
    return shas


@pytest.fixture
def repo(history: dict[str, str]) -> GitRepo:
    return open_repo(Path(history["root"]))


def test_open_repo_reports_root_and_kind(repo: GitRepo, history: dict[str, str]) -> None:
    assert repo.root == Path(history["root"]).resolve()
    assert not repo.is_bare
    assert not repo.is_shallow
    assert repo.shallow_roots == set()
    assert not repo.is_empty


def test_open_repo_from_a_subdirectory_finds_the_top(history: dict[str, str]) -> None:
    opened = open_repo(Path(history["root"]) / "app")
    assert opened.root == Path(history["root"]).resolve()


def test_open_repo_refuses_a_plain_directory(tmp_path: Path) -> None:
    with pytest.raises(BadRepoError, match="not a git repository"):
        open_repo(tmp_path)


def test_open_repo_refuses_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(BadRepoError, match="no such directory"):
        open_repo(tmp_path / "nope")


def test_resolve_revision_names_tags_branches_and_relative_revisions(
    repo: GitRepo, history: dict[str, str]
) -> None:
    assert repo.resolve_revision("HEAD") == history["fix"]
    assert repo.resolve_revision("v1.0") == history["add"]
    assert repo.resolve_revision("v2.0") == history["fix"]  # annotated tag peeled to commit
    assert repo.resolve_revision("hotfix") == history["raise"]
    assert repo.resolve_revision("HEAD~2") == history["raise"]
    assert repo.resolve_revision(history["move"][:9]) == history["move"]


@pytest.mark.parametrize("rev", ["--output=/tmp/x", "-n1", " --all", ""])
def test_resolve_revision_refuses_option_shaped_text(repo: GitRepo, rev: str) -> None:
    with pytest.raises(BadRevisionError):
        repo.resolve_revision(rev)


def test_resolve_revision_unknown_is_a_bad_revision(repo: GitRepo) -> None:
    with pytest.raises(BadRevisionError, match="unknown revision"):
        repo.resolve_revision("no-such-branch")
    with pytest.raises(BadRevisionError):
        repo.resolve_revision("deadbeefdeadbeef")


def test_resolve_prefix_finds_commits_only(repo: GitRepo, history: dict[str, str]) -> None:
    assert repo.resolve_prefix(history["raise"][:7]) == [history["raise"]]
    assert repo.resolve_prefix(history["raise"].upper()[:10]) == [history["raise"]]
    assert repo.resolve_prefix(history["raise"]) == [history["raise"]]
    assert repo.resolve_prefix("0000000") == []
    # A tree or blob id is not a commit.
    tree = git(Path(history["root"]), "rev-parse", "HEAD^{tree}").strip()
    assert repo.resolve_prefix(tree[:12]) == []


def test_resolve_prefix_returns_every_match_for_an_ambiguous_prefix(tmp_path: Path) -> None:
    # Enough commits that two share a 4-hex-digit prefix (birthday bound on 65536).
    path = make_repo(tmp_path)
    shas = add_many_commits(path, 700)
    by_prefix: dict[str, list[str]] = {}
    for sha in shas:
        by_prefix.setdefault(sha[:4], []).append(sha)
    prefix, expected = next((p, s) for p, s in by_prefix.items() if len(s) > 1)
    repo = open_repo(path)
    assert repo.resolve_prefix(prefix) == sorted(expected)
    with pytest.raises(BadRevisionError, match="ambiguous"):
        repo.resolve_revision(prefix)


@pytest.mark.parametrize("prefix", ["xyz123", "--all", "12", "HEAD"])
def test_resolve_prefix_refuses_non_hex(repo: GitRepo, prefix: str) -> None:
    with pytest.raises(BadRevisionError):
        repo.resolve_prefix(prefix)


def test_commit_info_reads_message_people_and_both_dates(
    repo: GitRepo, history: dict[str, str]
) -> None:
    info = repo.commit_info(history["raise"])
    assert info.subject == "Raise timeout to 30s"
    assert info.message == "Raise timeout to 30s\n\nThe upstream is slow."
    assert info.author_name == "Bob Builder"
    assert info.author_email == "bob@example.com"
    assert info.author_date == datetime(2024, 2, 1, 11, 0, tzinfo=UTC)
    assert info.author_date.utcoffset().total_seconds() == 3600
    assert info.parents == [history["add"]]
    fix = repo.commit_info("HEAD")
    assert fix.committer_date == datetime(2024, 3, 20, 10, 0, tzinfo=UTC)
    assert fix.author_date == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)


def test_commits_info_batch_leaves_out_missing_ones(repo: GitRepo, history: dict[str, str]) -> None:
    missing = "f" * 40
    found = repo.commits_info([history["add"], missing, history["fix"]])
    assert set(found) == {history["add"], history["fix"]}
    assert found[history["add"]].subject == "Add config module"
    with pytest.raises(BadRevisionError):
        repo.commits_info(["HEAD"])


def test_iter_log_lists_newest_first_with_parsed_fields(
    repo: GitRepo, history: dict[str, str]
) -> None:
    commits = list(repo.iter_log())
    assert [c.sha for c in commits] == [
        history["fix"],
        history["move"],
        history["raise"],
        history["add"],
    ]
    assert commits[2].message == "Raise timeout to 30s\n\nThe upstream is slow."
    assert commits[2] == repo.commit_info(history["raise"])


def test_iter_log_window_author_message_and_max(repo: GitRepo, history: dict[str, str]) -> None:
    window = repo.iter_log(since="2024-01-20", until=datetime(2024, 2, 20, tzinfo=UTC))
    assert [c.sha for c in window] == [history["move"], history["raise"]]
    assert [c.sha for c in repo.iter_log(author="bob builder")] == [history["raise"]]
    assert [c.sha for c in repo.iter_log(message="TIMEOUT TO")] == [
        history["fix"],
        history["raise"],
    ]
    # Message text is not a regex: brackets and dots are literal.
    assert list(repo.iter_log(message="timeout to 3.s")) == []
    assert [c.sha for c in repo.iter_log(max_count=1)] == [history["fix"]]
    assert [c.sha for c in repo.iter_log("v1.0")] == [history["add"]]


def test_iter_log_path_with_and_without_follow(repo: GitRepo, history: dict[str, str]) -> None:
    plain = [c.sha for c in repo.iter_log(paths=["app/settings.py"])]
    assert plain == [history["fix"], history["move"]]
    followed = [c.sha for c in repo.iter_log(paths=["app/settings.py"], follow=True)]
    assert followed == [history["fix"], history["move"], history["raise"], history["add"]]
    with pytest.raises(BadInputError):
        list(repo.iter_log(paths=["a", "b"], follow=True))
    with pytest.raises(BadInputError):
        list(repo.iter_log(paths=["../outside"]))


def test_iter_log_pickaxe_string_and_regex(repo: GitRepo, history: dict[str, str]) -> None:
    # -S: commits where the number of occurrences changed (added in raise, removed in fix).
    assert [c.sha for c in repo.iter_log(pickaxe="TIMEOUT = 30")] == [
        history["fix"],
        history["raise"],
    ]
    # -G: a changed line matches the regex (a pure rename changes no line).
    regex_hits = repo.iter_log(pickaxe=r"TIMEOUT = [0-9]+", pickaxe_regex=True)
    assert [c.sha for c in regex_hits] == [history["fix"], history["raise"], history["add"]]
    assert [c.sha for c in repo.iter_log(pickaxe="--output=/tmp/x")] == []


def test_iter_log_stops_when_cancelled(tmp_path: Path) -> None:
    path = make_repo(tmp_path)
    add_many_commits(path, 50)
    repo = open_repo(path)
    cancel = threading.Event()
    seen = []
    for info in repo.iter_log(cancel=cancel):
        seen.append(info)
        if len(seen) == 3:
            cancel.set()
    assert 3 <= len(seen) < 50
    # A consumer that just stops iterating leaves no git process behind to block on.
    first = next(iter(repo.iter_log()))
    assert first.subject == "commit 49"


def test_iter_log_on_an_empty_repo_yields_nothing(tmp_path: Path) -> None:
    repo = open_repo(make_repo(tmp_path))
    assert repo.is_empty
    assert list(repo.iter_log()) == []
    with pytest.raises(BadRevisionError, match="no commits yet"):
        repo.resolve_revision("HEAD")


def test_find_commits_by_subject_exact_then_close(repo: GitRepo, history: dict[str, str]) -> None:
    exact = repo.find_commits_by_subject("Raise timeout to 30s")
    assert exact[0].sha == history["raise"]
    near = repo.find_commits_by_subject("Raise the timeout to 30 s")
    assert near and near[0].sha == history["raise"]
    quoted_prefix = repo.find_commits_by_subject("fix: lower timeout...")
    assert quoted_prefix[0].sha == history["fix"]
    assert repo.find_commits_by_subject("completely unrelated words here") == []


def test_list_files_and_read_file(repo: GitRepo, history: dict[str, str]) -> None:
    assert repo.list_files("HEAD") == ["README.md", "app/settings.py"]
    assert repo.list_files(history["add"]) == ["README.md", "app/config.py"]
    assert repo.read_file("HEAD", "app/settings.py").startswith(b"TIMEOUT = 10")
    assert repo.read_file(history["add"], "app/config.py") == CONFIG_V1.encode()
    assert repo.read_file("HEAD", "app/config.py") is None
    assert repo.read_file("HEAD", "app") is None  # a tree, not a file
    assert repo.read_file("HEAD", "../../etc/passwd") is None
    assert repo.read_file("HEAD", "/etc/passwd") is None


def test_ancestry_and_containing_refs(repo: GitRepo, history: dict[str, str]) -> None:
    assert repo.is_ancestor(history["raise"], history["fix"])
    assert not repo.is_ancestor(history["fix"], history["raise"])
    assert repo.is_ancestor("v1.0", "v2.0")
    assert repo.containing_refs(history["raise"]) == (["hotfix", "main"], ["v2.0"])
    assert repo.containing_refs(history["fix"]) == (["main"], ["v2.0"])
    assert repo.containing_refs(history["add"]) == (["hotfix", "main"], ["v1.0", "v2.0"])


def test_blame_sees_through_the_move(repo: GitRepo, history: dict[str, str]) -> None:
    lines = repo.blame("HEAD", "app/settings.py", 1, 2)
    assert [(b.line, b.sha) for b in lines] == [(1, history["fix"]), (2, history["add"])]
    assert lines[1].orig_path == "app/config.py"
    assert lines[1].content == "RETRIES = 3"
    assert lines[0].author_name == "Ada Auditor"
    with pytest.raises(BadInputError):
        repo.blame("HEAD", "app/settings.py", 3, 1)


def test_blame_honours_an_ignore_revs_file(
    repo: GitRepo, history: dict[str, str], tmp_path: Path
) -> None:
    ignore = tmp_path / "ignore-revs"
    ignore.write_text(history["fix"] + "\n")
    lines = repo.blame("HEAD", "app/settings.py", 1, 1, ignore_revs_file=ignore)
    assert lines[0].sha == history["raise"]


def test_line_history_follows_the_range(repo: GitRepo, history: dict[str, str]) -> None:
    touched = [c.sha for c in repo.line_history("HEAD", "app/settings.py", 1, 1)]
    assert touched == [history["fix"], history["raise"], history["add"]]


def test_show_commit_has_stats_diff_and_truncation(repo: GitRepo, history: dict[str, str]) -> None:
    detail = repo.show_commit(history["raise"])
    assert detail.info.subject == "Raise timeout to 30s"
    assert [(s.path, s.added, s.deleted) for s in detail.stats] == [("app/config.py", 1, 1)]
    assert "-TIMEOUT = 5" in detail.diff and "+TIMEOUT = 30" in detail.diff
    assert not detail.truncated
    moved = repo.show_commit(history["move"])
    assert [(s.old_path, s.path) for s in moved.stats] == [("app/config.py", "app/settings.py")]
    small = repo.show_commit(history["raise"], diff_limit=40)
    assert small.truncated and len(small.diff) == 40


def test_szz_traces_the_fix_back_to_the_cause(repo: GitRepo, history: dict[str, str]) -> None:
    # The fix changed the line that "raise" wrote (then moved): that commit is the origin.
    assert repo.szz_origins(history["fix"]) == {history["raise"]}
    assert repo.szz_origins(history["add"]) == set()  # a root commit has nothing before it


def test_szz_for_a_fix_that_only_adds_lines(tmp_path: Path) -> None:
    path = make_repo(tmp_path)
    cause = commit(path, {"pay.py": "def pay(x):\n    charge(x)\n"}, "pay", "2024-01-01T00:00:00Z")
    commit(path, {"other.py": "x = 1\n"}, "other", "2024-01-02T00:00:00Z")
    fix = commit(
        path,
        {"pay.py": "def pay(x):\n    charge(x)\n    audit(x)\n"},
        "add audit",
        "2024-01-03T00:00:00Z",
    )
    assert open_repo(path).szz_origins(fix) == {cause}


def test_git_grep_at_a_past_revision(repo: GitRepo, history: dict[str, str]) -> None:
    hits = list(repo.grep(history["add"], "TIMEOUT = 5"))
    assert [(h.path, h.line, h.column, h.text) for h in hits] == [
        ("app/config.py", 1, 1, "TIMEOUT = 5")
    ]
    assert list(repo.grep("HEAD", "TIMEOUT = 5")) == []
    assert len(list(repo.grep("HEAD", "TIMEOUT", max_hits=1))) == 1
    assert [h.path for h in repo.grep("HEAD", "timeout", ignore_case=True, globs=["*.md"])] == []
    counted = repo.grep_count("HEAD", "TIMEOUT", fixed_strings=True)
    assert (counted.count, counted.files, counted.matches) == (1, 1, None)
    occurrences = repo.grep_count("HEAD", "TIMEOUT", unit="matches")
    assert (occurrences.count, occurrences.files, occurrences.matches) == (2, 1, 2)
    assert counted.revision == history["fix"]


def test_git_grep_context_lines(repo: GitRepo) -> None:
    hits = list(repo.grep("HEAD", "RETRIES", context=1))
    assert [(h.line, h.kind) for h in hits] == [(1, "context"), (2, "match"), (3, "context")]


def test_bare_repository(history: dict[str, str], tmp_path: Path) -> None:
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", history["root"], str(bare))
    repo = open_repo(bare)
    assert repo.is_bare
    assert repo.resolve_revision("HEAD") == history["fix"]
    assert len(list(repo.iter_log())) == 4
    assert repo.read_file("HEAD", "README.md") == b"# app\n"
    assert [h.path for h in repo.grep("HEAD", "RETRIES")] == ["app/settings.py"]


def test_shallow_clone_says_where_history_ends(history: dict[str, str], tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    git(
        tmp_path,
        "-c",
        "protocol.file.allow=always",
        "clone",
        "-q",
        "--depth",
        "2",
        f"file://{history['root']}",
        str(clone),
    )
    repo = open_repo(clone)
    assert repo.is_shallow
    assert repo.shallow_roots == {history["move"]}
    assert [c.sha for c in repo.iter_log()] == [history["fix"], history["move"]]
    with pytest.raises(BadRevisionError, match="shallow"):
        repo.resolve_revision(history["add"][:10])
    assert repo.resolve_prefix(history["add"][:10]) == []


def test_missing_object_is_named_and_the_rest_still_works(tmp_path: Path) -> None:
    path = make_repo(
        tmp_path,
        commits=[
            {"files": {"keep.txt": "keep\n", "lost.txt": "this blob will vanish\n"}},
            {"files": {"keep.txt": "keep 2\n"}, "message": "second"},
        ],
    )
    blob = git(path, "rev-parse", "HEAD:lost.txt").strip()
    (path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    repo = open_repo(path)
    with pytest.raises(MissingObjectError) as caught:
        repo.read_file("HEAD", "lost.txt")
    assert blob in caught.value.message
    assert caught.value.missing == [blob]
    assert repo.read_file("HEAD", "keep.txt") == b"keep 2\n"
    assert [c.subject for c in repo.iter_log()] == ["second", "change"]
    assert repo.list_files("HEAD") == ["keep.txt", "lost.txt"]


def test_missing_commit_fails_the_log_naming_it_other_queries_work(tmp_path: Path) -> None:
    path = make_repo(
        tmp_path,
        commits=[{"message": "one"}, {"message": "two"}, {"message": "three"}],
    )
    lost = git(path, "rev-parse", "HEAD~1").strip()
    (path / ".git" / "objects" / lost[:2] / lost[2:]).unlink()
    repo = open_repo(path)
    with pytest.raises(MissingObjectError) as caught:
        list(repo.iter_log())
    assert lost in caught.value.message
    assert caught.value.missing == [lost]
    assert repo.commits_info([lost]) == {}
    assert repo.commit_info("HEAD").subject == "three"


def test_merge_history_and_branch_refs(tmp_path: Path) -> None:
    path = make_repo(tmp_path, commits=[{"files": {"a": "1\n"}, "message": "base"}])
    checkout(path, "feature", create=True)
    feature = commit(path, {"b": "2\n"}, "feature work", "2024-01-02T00:00:00Z")
    checkout(path, "main")
    merged = merge(path, "feature", "Merge feature", "2024-01-03T00:00:00Z")
    repo = open_repo(path)
    assert repo.commit_info(merged).parents[1] == feature
    assert repo.is_ancestor(feature, "main")
    detail = repo.show_commit(merged)
    assert [s.path for s in detail.stats] == ["b"]


TRICKY_PATHS = ["dir with space/file name.py", "new\nline.py", "ünïcødé/файл.py", "-dash.py"]


def test_paths_with_spaces_newlines_and_non_ascii(tmp_path: Path) -> None:
    files = {name: f"needle in {name!r}\n" for name in TRICKY_PATHS}
    path = make_repo(tmp_path, commits=[{"files": files, "message": "tricky"}])
    repo = open_repo(path)
    assert repo.list_files("HEAD") == sorted(TRICKY_PATHS, key=lambda p: p.encode())
    for name in TRICKY_PATHS:
        assert repo.read_file("HEAD", name) == files[name].encode()
        assert [c.subject for c in repo.iter_log(paths=[name])] == ["tricky"]
        assert repo.blame("HEAD", name, 1, 1)[0].orig_path == name
    hits = list(repo.grep("HEAD", "needle"))
    assert sorted(h.path for h in hits) == sorted(TRICKY_PATHS)
    assert repo.grep_count("HEAD", "needle", unit="files").count == 4
    assert repo.grep_count("HEAD", "needle", unit="matches").files == 4
    stats = repo.show_commit("HEAD").stats
    assert sorted(s.path for s in stats) == sorted(TRICKY_PATHS)


def test_symlinks_and_submodules_are_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("top secret\n")
    path = make_repo(tmp_path, commits=[{"files": {"a.txt": "a\n"}, "message": "base"}])
    (path / "link.txt").symlink_to(outside)
    sub = make_repo(tmp_path, commits=[{"files": {"s.txt": "s\n"}}], name="sub")
    sub_sha = git(sub, "rev-parse", "HEAD").strip()
    git(path, "update-index", "--add", "--cacheinfo", f"160000,{sub_sha},vendor/sub")
    commit(path, {}, "link and submodule", "2024-01-02T00:00:00Z")
    repo = open_repo(path)
    assert repo.read_file("HEAD", "link.txt") == str(outside).encode()  # the link, as stored
    assert repo.read_file("HEAD", "vendor/sub") is None
    assert "link.txt" in repo.list_files("HEAD")
    assert list(repo.grep("HEAD", "top secret")) == []


def test_blame_and_line_history_of_missing_paths_or_lines_are_bad_input(repo: GitRepo) -> None:
    with pytest.raises(BadInputError, match="no such path"):
        repo.blame("HEAD", "nope.py", 1, 1)
    with pytest.raises(BadInputError, match="has only"):
        repo.blame("HEAD", "app/settings.py", 400, 500)
    with pytest.raises(BadInputError, match="no path"):
        repo.line_history("HEAD", "nope.py", 1, 2)


def test_blame_past_the_end_is_clamped_to_the_file(repo: GitRepo) -> None:
    assert [b.line for b in repo.blame("HEAD", "app/settings.py", 4, 99)] == [4, 5]


def test_git_config_value_reads_the_users_config_only(
    tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whys.core.repo import git_config_value

    config = isolated_home / ".gitconfig"
    config.write_text("[user]\n\temail = ana@example.com\n[gpg]\n\tformat = ssh\n")
    # A repository's own config is never consulted, even from inside it.
    path = make_repo(tmp_path, commits=[{"message": "x"}])
    git(path, "config", "user.email", "mallory@example.com")
    monkeypatch.chdir(path)
    assert git_config_value("user.email") == "ana@example.com"
    assert git_config_value("gpg.format") == "ssh"
    assert git_config_value("user.signingkey") is None
    with pytest.raises(BadInputError):
        git_config_value("--output=/tmp/x")


def test_cancel_stops_a_pickaxe_that_has_printed_nothing_yet(tmp_path: Path) -> None:
    # A pickaxe for text that never appears keeps git silent for the whole walk; escape in
    # the workbench must still end it instead of waiting for git to finish.
    path = make_repo(tmp_path)
    add_many_commits(path, 20_000)
    repo = open_repo(path)
    started = time.monotonic()
    assert list(repo.iter_log(pickaxe="text that is nowhere")) == []
    full_walk = time.monotonic() - started

    cancel = threading.Event()
    threading.Timer(0.05, cancel.set).start()
    started = time.monotonic()
    assert list(repo.iter_log(pickaxe="text that is nowhere", cancel=cancel)) == []
    cancelled_walk = time.monotonic() - started
    assert cancelled_walk < full_walk / 2, (cancelled_walk, full_walk)


def test_worktree_is_clean_only_when_it_holds_head(tmp_path: Path) -> None:
    repo_dir = make_repo(tmp_path, [{"files": {"a.py": "A = 1\n"}, "message": "init"}])
    repo = open_repo(repo_dir)
    (repo_dir / "notes.txt").write_text("untracked files do not matter\n")
    assert repo.worktree_is_clean()
    (repo_dir / "a.py").write_text("A = 2\n")
    assert not repo.worktree_is_clean()
    (repo_dir / "a.py").unlink()
    assert not repo.worktree_is_clean()
