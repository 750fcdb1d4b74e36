"""The keymap file: `keymap.toml` (or `keymap.json`) in the config folder maps a binding id
to the key(s) it should use, for example `"verdict.reject" = "R"`.

A broken file never stops the workbench: it loads what it can and reports the rest.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from whys import paths


def keymap_files() -> list[Path]:
    folder = paths.config_dir()
    return [folder / "keymap.toml", folder / "keymap.json"]


def load_keymap(known_ids: set[str]) -> tuple[dict[str, str], list[str]]:
    """The keymap from the config folder, and one line per problem found in it."""
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for path in keymap_files():
        if not path.is_file():
            continue
        try:
            raw = path.read_text(encoding="utf-8")
            table = tomllib.loads(raw) if path.suffix == ".toml" else json.loads(raw)
        except (OSError, UnicodeDecodeError, ValueError) as error:
            problems.append(f"{path.name}: cannot read it ({error})")
            continue
        if not isinstance(table, dict):
            problems.append(f"{path.name}: expected a table of binding id = key")
            continue
        table = table.get("keymap", table) if isinstance(table.get("keymap"), dict) else table
        for binding_id, keys in table.items():
            if binding_id not in known_ids:
                problems.append(f"{path.name}: no binding with id {binding_id!r}")
            elif not isinstance(keys, str) or not keys.strip():
                problems.append(f"{path.name}: {binding_id} needs a key as text")
            else:
                keymap[binding_id] = keys.strip()
    return keymap, problems
