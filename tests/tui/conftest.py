"""A real review to drive: the bundled `checkout` sample built into a git repository and
opened through the same door as `whys open` (read, check, upsert into a session file)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from whys.core.audit import open_audit
from whys.core.repo import GitRepo
from whys.core.session import SessionStore
from whys.samples.build import build_case, case_dir


@dataclass
class Review:
    store: SessionStore
    repo: GitRepo
    session_path: Path
    analyses: list[Path]
    repo_dir: Path


@pytest.fixture(scope="session")
def checkout_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_case("checkout", tmp_path_factory.mktemp("samples"))


@pytest.fixture
def review(checkout_repo: Path, tmp_path: Path) -> Review:
    # The mail analysis first: the flows below rely on what it gets wrong (a missing commit
    # in why 2, a fix commit on the timeline).
    names = ("confirmation-mail-five-whys.md", "db-pool-five-whys.md")
    analyses = [case_dir("checkout") / name for name in names]
    session_path = tmp_path / "review.session.json"
    store, repo = open_audit(analyses, checkout_repo, "HEAD", session_path)
    return Review(store, repo, session_path, analyses, checkout_repo)
