"""Regular expressions compiled on first use, not when their module is imported.

A module-level `re.compile` runs on every start of every command that imports the module,
whether or not the pattern is ever used: the claim reader alone defines some 250 of them,
and compiling them all cost `whys check` about a fifth of its start-up. `lazy_compile`
takes the same arguments and gives an object used exactly as the compiled pattern
(`search`, `match`, `finditer`, `sub`, ...); the first use compiles it, and from then on
its methods are the compiled pattern's own, looked up as fast.

Pass it to methods, not to the `re` module's functions: `re.sub(LAZY, ...)` wants a real
pattern (use `LAZY.sub(...)`). `.pattern` is there without compiling, so a pattern can be
built from another's text at import time.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False  # as typing's, without importing typing (start-up)
if TYPE_CHECKING:
    from typing import Any, AnyStr

# What the first use copies from the compiled pattern onto the lazy one.
_FORWARDED = (
    "search",
    "match",
    "fullmatch",
    "finditer",
    "findall",
    "sub",
    "subn",
    "split",
    "scanner",
    "flags",
    "groups",
    "groupindex",
)


class _LazyPattern:
    def __init__(self, pattern: str | bytes, flags: int) -> None:
        self.pattern = pattern
        self._flags = flags

    def __getattr__(self, name: str) -> Any:
        # Only called for what the instance does not have yet: before the first use.
        if name.startswith("__") or name not in _FORWARDED:
            raise AttributeError(name)
        compiled = re.compile(self.pattern, self._flags)
        for forwarded in _FORWARDED:
            setattr(self, forwarded, getattr(compiled, forwarded))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy_compile({self.pattern!r}, {self._flags})"


def lazy_compile(pattern: AnyStr, flags: int | re.RegexFlag = 0) -> re.Pattern[AnyStr]:
    """`re.compile(pattern, flags)`, done when the pattern is first used."""
    return _LazyPattern(pattern, int(flags))  # type: ignore[return-value]  # used as one
