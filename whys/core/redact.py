"""Credential redaction for exports: what looks like a secret never leaves in a verdict file.

A focused pattern set rather than a general detector: evidence is full of 40-hex commit SHAs
and content digests, which generic high-entropy scanners flag, so entropy is only consulted
for values assigned to a secret-sounding name (JWT_SECRET_STAGING=..., "api_key": "...").
Each redaction keeps the name and says what kind of secret was removed, so a reader still
understands the evidence: `JWT_SECRET_STAGING=[REDACTED:secret-assignment]`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

REDACTED = "[REDACTED:{kind}]"


@dataclass(frozen=True)
class Redaction:
    """`count` secrets of one `kind` removed at `where` (a JSON path in the verdict file)."""

    where: str
    kind: str
    count: int


_PRIVATE_KEY = re.compile(
    r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----.*?"
    r"(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|\Z)",
    re.DOTALL,
)

# (kind, pattern): the whole match is the secret.
_TOKEN_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("aws-access-key", re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b")),
    ("github-token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})")),
    ("gitlab-token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}")),
    ("slack-token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("stripe-key", re.compile(r"\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}")),
    ("api-key", re.compile(r"\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{32,}")),
    ("google-api-key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}")),
    ("jwt", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
)

# The secret is group "secret"; the rest of the match stays.
_CONTEXT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "bearer-token",
        re.compile(
            r"(?i)\b(?:authorization\s*[:=]\s*(?:basic|token)|bearer)\s+"
            r"(?P<secret>[A-Za-z0-9._~+/=-]{16,})"
        ),
    ),
    (
        "url-password",
        re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]{0,15}://[^\s:/@]{1,128}:(?P<secret>[^\s@/]{1,256})@"),
    ),
)

_SECRET_NAME = (
    r"[A-Za-z0-9_.-]{0,48}?(?:secret|token|passw(?:or)?d|passwd|pwd|api[_-]?key|apikey|"
    r"private[_-]?key|access[_-]?key|signing[_-]?key|credential|auth[_-]?key|client[_-]?secret|"
    r"[_.-]key)[A-Za-z0-9_.-]{0,48}"
)
# NAME = value, NAME: value, "NAME": "value", export NAME=value, --name=value
_ASSIGNMENT = re.compile(
    r"(?i)(?P<name>(?<![A-Za-z0-9_.-])" + _SECRET_NAME + r")[\"']?\s*(?P<op>:=|=>|=|:)\s*"
    r"(?:(?P<quote>[\"'`])(?P<quoted>[^\"'`\n]*)(?P=quote)|(?P<bare>[^\s\"'`,;()\[\]{}<>]+))"
)

_PLACEHOLDER = re.compile(
    r"(?i)^(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|<[^>]*>|\*+|x+|\.{3}|null|none|nil|true|false|"
    r"changeme|redacted|example|your[_-].*|\[REDACTED:.*\])$"
)
_CODE_REFERENCE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")


def shannon_entropy(text: str) -> float:
    """Bits per character: random tokens score above 3.5, words and identifiers lower."""
    if not text:
        return 0.0
    counts = Counter(text)
    length = len(text)
    return -sum(count / length * math.log2(count / length) for count in counts.values())


def _looks_like_secret_value(value: str, *, quoted: bool) -> bool:
    value = value.strip()
    if not value or _PLACEHOLDER.match(value):
        return False
    if quoted:
        # A string literal assigned to a secret name is a secret unless it is a placeholder,
        # however short ("hunter2") - except plain words with spaces (a message, not a key).
        return len(value) >= 4 and " " not in value
    if _CODE_REFERENCE.match(value) and not any(char.isdigit() for char in value):
        return False  # os.environ, settings.JWT_SECRET, get_token: code, not a value
    if len(value) < 8:
        return False
    return shannon_entropy(value) >= 3.0


def redact_text(text: str) -> tuple[str, Counter[str]]:
    """The text with every credential-like value replaced, and how many of each kind."""
    found: Counter[str] = Counter()
    if not text:
        return text, found

    def private_key(_match: re.Match[str]) -> str:
        found["private-key"] += 1
        return REDACTED.format(kind="private-key")

    text = _PRIVATE_KEY.sub(private_key, text)

    for kind, pattern in _TOKEN_PATTERNS:

        def whole(_match: re.Match[str], kind: str = kind) -> str:
            found[kind] += 1
            return REDACTED.format(kind=kind)

        text = pattern.sub(whole, text)

    for kind, pattern in _CONTEXT_PATTERNS:

        def inner(match: re.Match[str], kind: str = kind) -> str:
            secret = match.group("secret")
            if secret.startswith("[REDACTED:"):
                return match.group(0)
            found[kind] += 1
            start, end = match.span("secret")
            offset = match.start()
            whole_match = match.group(0)
            return (
                whole_match[: start - offset]
                + REDACTED.format(kind=kind)
                + whole_match[end - offset :]
            )

        text = pattern.sub(inner, text)

    def assignment(match: re.Match[str]) -> str:
        quoted = match.group("quoted")
        value = quoted if quoted is not None else match.group("bare")
        if not _looks_like_secret_value(value, quoted=quoted is not None):
            return match.group(0)
        found["secret-assignment"] += 1
        group = "quoted" if quoted is not None else "bare"
        start, end = match.span(group)
        offset = match.start()
        whole_match = match.group(0)
        return (
            whole_match[: start - offset]
            + REDACTED.format(kind="secret-assignment")
            + whole_match[end - offset :]
        )

    text = _ASSIGNMENT.sub(assignment, text)
    return text, found


def redact_tree(value: Any, where: str = "") -> tuple[Any, list[Redaction]]:
    """Redact every string in a JSON-like tree (dicts, lists); keys stay as they are.

    Returns the new tree and one Redaction per (place, kind), places as JSON paths
    (`analyses[0].evidence[1].content`).
    """
    redactions: list[Redaction] = []

    def walk(node: Any, here: str) -> Any:
        if isinstance(node, str):
            cleaned, found = redact_text(node)
            for kind in sorted(found):
                redactions.append(Redaction(where=here or "$", kind=kind, count=found[kind]))
            return cleaned
        if isinstance(node, dict):
            return {
                key: walk(item, f"{here}.{key}" if here else str(key)) for key, item in node.items()
            }
        if isinstance(node, list):
            return [walk(item, f"{here}[{index}]") for index, item in enumerate(node)]
        return node

    return walk(value, where), redactions
