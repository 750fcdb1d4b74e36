"""Credential redaction for exports: what looks like a secret never leaves in a verdict file.

Three passes: known token shapes (JWT, PEM private keys, GitHub, GitLab, Slack, AWS, GCP,
Stripe...), values assigned to a secret-sounding name (JWT_SECRET_STAGING=..., "api_key":
"..."), then any other high-entropy literal (a pasted secret with no name near it). Evidence
is full of commit SHAs and content digests, which generic scanners flag: hexadecimal strings
(SHAs, sha256 digests, UUIDs) and digests marked as such (`sha256-...`, `SHA256:...`) are
never redacted. Each redaction keeps the name and says what kind of secret was removed, so a
reader still understands the evidence: `JWT_SECRET_STAGING=[REDACTED:secret-assignment]`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from whys.core.lazyre import lazy_compile

REDACTED = "[REDACTED:{kind}]"


@dataclass(frozen=True)
class Redaction:
    """`count` secrets of one `kind` removed at `where` (a JSON path in the verdict file)."""

    where: str
    kind: str
    count: int


_PRIVATE_KEY = lazy_compile(
    r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----.*?"
    r"(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|\Z)",
    re.DOTALL,
)

# (kind, pattern): the whole match is the secret.
_TOKEN_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "aws-access-key",
        lazy_compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b"),
    ),
    (
        "github-token",
        lazy_compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})"),
    ),
    ("gitlab-token", lazy_compile(r"\bglpat-[A-Za-z0-9_-]{20,}")),
    ("slack-token", lazy_compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("stripe-key", lazy_compile(r"\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}")),
    ("api-key", lazy_compile(r"\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{32,}")),
    ("google-api-key", lazy_compile(r"\bAIza[0-9A-Za-z_-]{35}")),
    ("gcp-oauth-token", lazy_compile(r"\bya29\.[0-9A-Za-z_-]{20,}")),
    (
        "slack-webhook",
        lazy_compile(r"https://hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9_/-]{20,}"),
    ),
    ("jwt", lazy_compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
)

# The secret is group "secret"; the rest of the match stays.
_CONTEXT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "bearer-token",
        lazy_compile(
            r"(?i)\b(?:authorization\s*[:=]\s*(?:basic|token)|bearer)\s+"
            r"(?P<secret>[A-Za-z0-9._~+/=-]{16,})"
        ),
    ),
    (
        "url-password",
        lazy_compile(
            r"\b[a-zA-Z][a-zA-Z0-9+.-]{0,15}://[^\s:/@]{1,128}:(?P<secret>[^\s@/]{1,256})@"
        ),
    ),
)

_SECRET_NAME = (
    r"[A-Za-z0-9_.-]{0,48}?(?:secret|token|passw(?:or)?d|passwd|pwd|api[_-]?key|apikey|"
    r"private[_-]?key|access[_-]?key|signing[_-]?key|credential|auth[_-]?key|client[_-]?secret|"
    r"[_.-]key)[A-Za-z0-9_.-]{0,48}"
)
# NAME = value, NAME: value, "NAME": "value", export NAME=value, --name=value
_ASSIGNMENT = lazy_compile(
    r"(?i)(?P<name>(?<![A-Za-z0-9_.-])" + _SECRET_NAME + r")[\"']?\s*(?P<op>:=|=>|=|:)\s*"
    r"(?:(?P<quote>[\"'`])(?P<quoted>[^\"'`\n]*)(?P=quote)|(?P<bare>[^\s\"'`,;()\[\]{}<>]+))"
)

_PLACEHOLDER = lazy_compile(
    r"(?i)^(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|<[^>]*>|\*+|x+|\.{3}|null|none|nil|true|false|"
    r"changeme|redacted|example|your[_-].*|\[REDACTED:.*\])$"
)
_CODE_REFERENCE = lazy_compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")


# A literal of 20+ characters from the base64 / base64url alphabets, whole (not part of a
# longer word); the checks in `_is_high_entropy` decide whether it is random enough.
_LITERAL = lazy_compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{20,}={0,2}(?![A-Za-z0-9+/=_-])")
_HEX_LIKE = lazy_compile(r"^[0-9a-fA-F-]+$")
_DIGEST_MARK = lazy_compile(r"(?i)(?:sha(?:1|224|256|384|512)[-:]|sha256=|\[REDACTED:)$")
_WORD = lazy_compile(r"[A-Z]?[a-z]{3,}")
_DIGEST_PREFIX = lazy_compile(r"(?i)sha(?:1|224|256|384|512)-")


def _character_class(char: str) -> str:
    if char.islower():
        return "l"
    if char.isupper():
        return "u"
    return "d" if char.isdigit() else "o"


def _is_high_entropy(token: str) -> bool:
    """A random-looking literal: not hexadecimal (SHAs, digests, UUIDs), digits and letters
    mixed all through it (identifiers and paths change class at word boundaries only),
    few dictionary-like words, and many distinct characters."""
    core = token.rstrip("=")
    if len(core) < 20 or _HEX_LIKE.match(core):
        return False
    digits = sum(char.isdigit() for char in core)
    letters = sum(char.isalpha() for char in core)
    if digits < 2 or letters < 6:
        return False
    changes = sum(
        _character_class(a) != _character_class(b) for a, b in zip(core, core[1:], strict=False)
    )
    if changes / (len(core) - 1) < 0.45:
        return False
    if sum(len(word) for word in _WORD.findall(core)) / len(core) >= 0.5:
        return False
    return shannon_entropy(core) >= (3.6 if len(core) < 32 else 4.0)


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

    def literal(match: re.Match[str]) -> str:
        token = match.group(0)
        before = text[max(0, match.start() - 10) : match.start()]
        if _DIGEST_MARK.search(before) or _DIGEST_PREFIX.match(token):
            return token  # a content digest (`sha512-...` in a lockfile), never a secret
        if not _is_high_entropy(token):
            return token
        found["high-entropy-literal"] += 1
        return REDACTED.format(kind="high-entropy-literal")

    text = _LITERAL.sub(literal, text)
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
