"""Commit claims: a cited SHA (`a1b2c3d`, "commit 4f2e9a1"), maybe with its quoted subject,
its role (cause, fix) and whether it is said never to have been merged.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from whys.core.claims.checking.commits import not_reachable
from whys.core.claims.checking.common import (
    MAX_LISTED,
    fmt,
    result,
    short,
)
from whys.core.claims.checking.subjects import holds_quote, normal_subject, same_subject
from whys.core.claims.drafts import Draft
from whys.core.claims.kind import Prefetch
from whys.core.claims.mentions import (
    _CODE_SPAN,
    _QUOTED,
    _TOKEN_CHAR,
    MAX_PER_LINE,
    LineMentions,
    _first,
    _negated_reach,
    _role,
)
from whys.core.lazyre import lazy_compile
from whys.core.models import Claim, ClaimCheck

if TYPE_CHECKING:
    from whys.core.claims.checking.context import CheckContext

NAME = "commit"
IN_FENCES = True  # only `git log` fences: their listings cite commits


def assemble(line: LineMentions, earlier: list[Draft]) -> list[Draft]:
    if line.in_fence:
        fence = line.block.fence if line.block is not None else None
        return _log_listing_claims(line.raw) if fence == "git log" else []
    return _commit_claims(line.raw, line.lead_in) if line.has_digit else []


def settle(claims: list[Claim], paragraphs: dict[str, int]) -> None:
    """Nothing to settle across lines."""


def prefetch(context: CheckContext, claims: list[Claim]) -> Prefetch:
    """Quoted subjects to look up in the history walk; and when a cited SHA names no
    commit, whether the history is whole (a walk of every ref: asked beside the rest)."""
    plan = Prefetch(messages=[c.message for c in claims if c.message and context.needs_subjects(c)])
    absent = any(
        not cited.shas
        for claim in claims
        if claim.sha and (cited := context.commits.get(claim.sha.lower()))
    )
    if absent and not context.repo.is_shallow:
        plan.jobs["history damage"] = context.history_damage
    return plan


def check(context: CheckContext, claim: Claim) -> ClaimCheck:
    return _check_commit(context, claim)


# ... or a SHA: 7-40 hex digits, maybe closed by sentence punctuation.
_HEX_TOKEN = lazy_compile(rf"(?<!{_TOKEN_CHAR})[0-9a-fA-F]{{7,40}}[.:!?]*(?!{_TOKEN_CHAR})")

# A line of a `git log` listing: `4be9e10 fix: x`, `* 4be9e10 (HEAD -> main) fix: x`,
# `commit 4be9e10...` (the subject comes lines later: the SHA alone is the claim).
_LOG_LINE = lazy_compile(
    r"^\s*(?:[*|/\\ ]+\s*)?(?:commit\s+)?(?P<sha>[0-9a-f]{7,40})\b(?:\s+\([^)]{0,200}\))?"
    r"(?:\s+(?P<subject>\S.*))?$"
)
# A listing with dates or authors before the subject (`--format="%h %ad %s"`): which part
# is the subject is not known, so only the SHA is claimed.
_LEADING_DATE = lazy_compile(r"^(?:\d|\w{3}\s+\w{3}\s+\d)")
# What a hex token labelled "SHA" is when the sentence is about an image, a session or a
# run rather than a commit: `gcr.io/x/backend:latest` (SHA: 6121fb31), "session 9f8e7d6c".
_NOT_A_COMMIT = lazy_compile(
    r"\b(?:image|digest|docker|container|registry|session|trace|pod|uuid)\b"
    r"|[\w-]+(?:\.[\w-]+)+/[\w./-]+:[\w.-]+",
    re.IGNORECASE,
)


def _log_listing_claims(line: str) -> list[Draft]:
    """A line of a `git log` listing cites its commit, with its subject when the line gives
    the subject right after the SHA (and its decorations)."""
    match = _LOG_LINE.match(line)
    if not match or not _is_sha_shape(match.group("sha")):
        return []
    subject = (match.group("subject") or "").strip()
    message = subject if subject and not _LEADING_DATE.match(subject) else None
    return [
        Draft(
            match.start("sha"),
            "commit",
            sha=match.group("sha").lower(),
            message=message,
            role=_role(line, match.start("sha"), message, ""),
        )
    ]


_COMMIT_WORD = lazy_compile(r"\b(?:commits?|sha|revert(?:ed|s)?|cherry-pick(?:ed)?)\W{0,4}$", re.I)


def _commit_claims(line: str, lead_in: str) -> list[Draft]:
    found: list[Draft] = []
    spans: dict[int, str] | None = None
    seen: set[str] = set()
    for token in _HEX_TOKEN.finditer(line):
        text = token.group(0).rstrip(".:!?")
        if spans is None:
            spans = {m.start(1): m.group(1).strip() for m in _first(_CODE_SPAN.finditer(line))}
        span = spans.get(token.start())
        in_backticks = span == text
        # `3c97c883b feat: x` in one code span: the SHA and its subject.
        span_subject = (
            span[len(text) :].strip()
            if span and span.startswith(text + " ") and _is_sha_shape(text)
            else None
        )
        before = line[max(0, token.start() - 24) : token.start()]
        next_to_word = bool(_COMMIT_WORD.search(before))
        quoted_after = _message_after(line, token.end() + (1 if in_backticks else 0))
        # `**2af549bb5**: "Fix Issue #416: ..."`: a SHA with its quoted subject.
        with_subject = bool(quoted_after and _is_sha_shape(text))
        if not (in_backticks or next_to_word or span_subject or with_subject):
            continue
        clause = line[max(0, token.start() - 80) : token.start()]
        if _NOT_A_COMMIT.search(clause) and not re.search(r"\bcommit", clause, re.I):
            continue  # an image digest, a session or request id
        if not _is_sha_shape(text) and not (
            text.isdigit() and (next_to_word or quoted_after) and len(text) >= 7
        ):
            continue
        if line[token.start() - 1 : token.start()] in {"-", "."} or line[
            token.end() : token.end() + 1
        ] in {"-", "."}:
            continue  # part of a UUID, a version or a revision name
        if text.lower() in seen:
            continue
        seen.add(text.lower())
        if len(seen) > MAX_PER_LINE:
            break
        message = span_subject or _message_after(line, token.end())
        negated = _negated_reach(line, token.start())
        found.append(
            Draft(
                token.start(),
                "commit",
                sha=text.lower(),
                message=message,
                role=_role(line, token.start(), message, lead_in),
                relation="not-in-revision" if negated else None,
                revision=negated.get("revision"),
                # "was never merged": the line denies the commit is there.
                stance="negated" if negated else None,
            )
        )
    return found


def _is_sha_shape(text: str) -> bool:
    return any(c.isdigit() for c in text) and any(c.isalpha() for c in text)


def _message_after(line: str, position: int) -> str | None:
    """The quoted subject right after a SHA: `abc1234`: "fix: ..." or (“fix: ...”)."""
    window = line[position : position + 12]
    offset = next((i for i, c in enumerate(window) if c in '"\u201c'), None)
    if offset is None or any(c.isalnum() for c in window[:offset]):
        return None
    match = _QUOTED.match(line, position + offset)
    if not match:
        return None
    return (match.group(1) or match.group(2)).strip()


def _fits(quoted: str, subject: str) -> bool:
    """A quoted subject fits a commit's: the same, close, or its words inside it."""
    return same_subject(quoted, subject) or holds_quote(quoted, subject)


def _check_commit(context: CheckContext, claim: Claim) -> ClaimCheck:
    prefix = (claim.sha or "").lower()
    found = context.commits.get(prefix)
    shas = found.shas if found else []
    if len(shas) == 1:
        info = context.infos.get(shas[0])
        if info is None:
            return result(claim, "unverifiable", f"commit {prefix} exists but cannot be read")
        evidence = context.pins.commit_evidence(claim, prefix, info)
        if claim.relation == "not-in-revision" and (
            not claim.message or _fits(claim.message, info.subject)
        ):
            return not_reachable(context, claim, info)
        if not claim.message or _fits(claim.message, info.subject):
            exact = claim.message is None or normal_subject(claim.message) == normal_subject(
                info.subject
            )
            if claim.message is None:
                said = f'commit {info.sha[:10]} exists: "{info.subject}"'
            elif exact:
                said = f'commit {info.sha[:10]} has the quoted message "{info.subject}"'
            else:
                said = f'commit {info.sha[:10]} has "{info.subject}", close to the quoted message'
            said += f" (committed {fmt(info.committer_date)})"
            if not context.contains(info.sha):
                said += f"; it is not in the checked revision {context.revision[:12]}"
            return result(claim, "verified", said, evidence=evidence)
        matching = [
            c
            for c in context.messages.commits_for(claim.message)
            if _fits(claim.message, c.subject)
        ]
        suggestion = f"the quoted message is commit {short(matching[0])}" if matching else None
        return result(
            claim,
            "contradicted",
            f'commit {info.sha[:10]} has another message: "{info.subject}"',
            suggestion,
            evidence,
        )
    if len(shas) > 1:
        infos = [context.infos[s] for s in shas if s in context.infos]
        listed = ", ".join(short(i) for i in infos[:MAX_LISTED])
        if claim.message:
            fitting = [i for i in infos if _fits(claim.message, i.subject)]
            if len(fitting) == 1:
                return result(
                    claim,
                    "unverifiable",
                    f"prefix {prefix} is ambiguous ({len(shas)} commits: {listed})",
                    f"write the SHA in full: {fitting[0].sha}",
                )
        return result(
            claim, "unverifiable", f"prefix {prefix} is ambiguous ({len(shas)} commits: {listed})"
        )
    # The most common error in real analyses: the SHA does not exist but its message does.
    if claim.message:
        matching = [
            c
            for c in context.messages.commits_for(claim.message)
            if _fits(claim.message, c.subject)
        ]
        if matching:
            return result(
                claim,
                "contradicted",
                f"no commit {prefix}; its quoted message is commit {short(matching[0])}",
                f"commit {matching[0].sha[:10]}",
                context.pins.missing_commit_evidence(claim, prefix, 0)
                + context.pins.commit_evidence(claim, matching[0].sha, matching[0]),
            )
    if context.repo.is_shallow:
        return result(
            claim,
            "unverifiable",
            f"no commit {prefix} in this shallow clone: it may be beyond the clone's history",
        )
    damage = context.history_damage()
    if damage is not None:
        named = [sha for sha in damage if sha.startswith(prefix)]
        if named:
            detail = f"commit {named[0][:12]} is missing from the repository (damaged clone)"
        else:
            detail = (
                f"no commit {prefix} readable, but the history is damaged (missing "
                f"{', '.join(d[:12] for d in damage[:MAX_LISTED])}): it may be lost there"
            )
        return result(claim, "unverifiable", detail)
    suggestion = None
    if claim.message:
        close = context.messages.commits_for(claim.message)
        if close:
            suggestion = f"closest message: commit {short(close[0])}"
    return result(
        claim,
        "contradicted",
        f"no commit {prefix} in the repository",
        suggestion,
        context.pins.missing_commit_evidence(claim, prefix, 0),
    )
