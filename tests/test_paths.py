"""Where whys keeps its files: one folder under WHYS_HOME, else the XDG folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from whys import paths


def test_whys_home_holds_config_state_and_cache_side_by_side(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WHYS_HOME", str(tmp_path / "w"))
    assert paths.config_dir() == tmp_path / "w" / "config"
    assert paths.state_dir() == tmp_path / "w" / "state"
    assert paths.cache_dir() == tmp_path / "w" / "cache"
    assert paths.sessions_dir() == tmp_path / "w" / "state" / "sessions"


def test_without_whys_home_the_xdg_folders_or_their_defaults_are_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WHYS_HOME", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert paths.cache_dir() == tmp_path / "xdg-cache" / "whys"
    assert paths.state_dir() == tmp_path / "home" / ".local" / "state" / "whys"


def test_slug_makes_free_text_safe_for_a_file_name() -> None:
    assert paths.slug("../etc/passwd") == "etc-passwd"
    assert paths.slug("  ") == "untitled"
