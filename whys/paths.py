"""Where whys keeps its files: XDG folders, all under WHYS_HOME when that is set (tests)."""

from __future__ import annotations

import os
import re
from pathlib import Path


def _base(xdg_variable: str, home_relative: str, name_under_whys_home: str) -> Path:
    whys_home = os.environ.get("WHYS_HOME")
    if whys_home:
        return Path(whys_home) / name_under_whys_home
    configured = os.environ.get(xdg_variable)
    if configured:
        return Path(configured) / "whys"
    return Path.home() / home_relative / "whys"


def config_dir() -> Path:
    return _base("XDG_CONFIG_HOME", ".config", "config")


def state_dir() -> Path:
    return _base("XDG_STATE_HOME", ".local/state", "state")


def cache_dir() -> Path:
    return _base("XDG_CACHE_HOME", ".cache", "cache")


def sessions_dir() -> Path:
    return state_dir() / "sessions"


def samples_cache_dir() -> Path:
    return cache_dir() / "samples"


def log_file() -> Path:
    return state_dir() / "whys.log"


def slug(text: str) -> str:
    """A file-name-safe form of free text (repository and analysis names)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return cleaned[:80] or "untitled"
