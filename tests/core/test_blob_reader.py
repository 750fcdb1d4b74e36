"""BlobReader: many cited files read through one `git cat-file --batch`, with the same
answers as `GitRepo.read_file` (real repositories; a blob is deleted for real to make it
missing)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from gitbuild import commit, git, make_repo

from whys.core.repo import BlobReader, MissingObjectError, open_repo


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = make_repo(
        tmp_path,
        commits=[
            {
                "files": {
                    "app/config.py": "TIMEOUT = 5\n",
                    "app/name with space.txt": "spaced\n",
                    "binary.bin": b"\x00\x01\xff\n",
                    "lost.txt": "this blob will vanish\n",
                },
                "message": "init",
            },
            {"files": {"app/config.py": "TIMEOUT = 30\n"}, "message": "raise timeout"},
        ],
    )
    os.symlink("app/config.py", path / "link.py")
    commit(path, {}, "add a link", "2024-01-03T00:00:00+00:00")
    return path


def test_reads_files_at_several_revisions_from_one_git_process(project: Path) -> None:
    repo = open_repo(project)
    first = git(project, "rev-parse", "HEAD~2").strip()
    with BlobReader(repo) as blobs:
        assert blobs.read("HEAD", "app/config.py") == b"TIMEOUT = 30\n"
        pid = blobs.pid
        assert blobs.read(first, "app/config.py") == b"TIMEOUT = 5\n"
        assert blobs.read(first, "./app//config.py") == b"TIMEOUT = 5\n"
        assert blobs.read("HEAD", "app/name with space.txt") == b"spaced\n"
        assert blobs.read("HEAD", "binary.bin") == b"\x00\x01\xff\n"
        assert blobs.read("HEAD", "link.py") == b"app/config.py"  # the link, not followed
        for _ in range(50):
            assert blobs.read("HEAD", "app/config.py") == b"TIMEOUT = 30\n"
        assert blobs.pid == pid  # every read above was served by the same process
    assert blobs.pid is None  # closed on leaving the block


def test_answers_as_read_file_does_for_what_is_not_a_file(project: Path) -> None:
    repo = open_repo(project)
    with BlobReader(repo) as blobs:
        for path in ("app", "no/such/file.py", "app/nope.py", "../outside", "/etc/passwd", ""):
            assert blobs.read("HEAD", path) is None, path
            assert repo.read_file("HEAD", path) is None, path
        # A question that fails does not spoil the next one.
        assert blobs.read("HEAD", "app/config.py") == b"TIMEOUT = 30\n"


def test_a_blob_the_repository_lacks_is_a_missing_object(project: Path) -> None:
    blob = git(project, "rev-parse", "HEAD:lost.txt").strip()
    (project / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    repo = open_repo(project)
    with BlobReader(repo) as blobs:
        with pytest.raises(MissingObjectError) as caught:
            blobs.read("HEAD", "lost.txt")
        assert caught.value.missing == [blob]
        assert blobs.read("HEAD", "app/config.py") == b"TIMEOUT = 30\n"


def test_runs_no_program_the_repository_configures(project: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    git(project, "config", "filter.evil.smudge", f"touch {marker}; cat")
    git(project, "config", "diff.evil.textconv", f"touch {marker}; cat")
    (project / ".gitattributes").write_text("*.py filter=evil diff=evil\n")
    commit(project, {}, "attributes", "2024-01-04T00:00:00+00:00")
    with BlobReader(open_repo(project)) as blobs:
        assert blobs.read("HEAD", "app/config.py") == b"TIMEOUT = 30\n"
    assert not marker.exists()
