"""Message claims: a quoted commit subject ("fix(payments): cap retries")."""

from __future__ import annotations

import re
from functools import partial
from typing import TYPE_CHECKING

from whys.core.claims.checking.commits import (
    not_reachable,
    said_revision,
)
from whys.core.claims.checking.common import (
    fmt,
    result,
    short,
)
from whys.core.claims.checking.subjects import (
    holds_quote,
    normal_subject,
    same_subject,
    topic_words,
)
from whys.core.claims.drafts import Draft
from whys.core.claims.kind import Prefetch
from whys.core.claims.mentions import (
    _CONVENTIONAL,
    _QUOTED,
    LineMentions,
    _code_spans,
    _first,
    _negated_reach,
    _role,
    _without_quotes,
)
from whys.core.lazyre import lazy_compile
from whys.core.models import Claim, ClaimCheck

if TYPE_CHECKING:
    from whys.core.claims.checking.context import CheckContext

NAME = "message"
IN_FENCES = False


def assemble(line: LineMentions, earlier: list[Draft]) -> list[Draft]:
    """Quoted subjects the commit drafts of the line did not already take; and what the
    line says git's history lacks ("No remediation attempts found in git history")."""
    found = _no_history_claims(line.raw) if "istory" in line.raw or "ommits" in line.raw else []
    if not line.has_quote:
        return found
    taken = {d.message for d in earlier if d.kind == "commit"}
    return found + _message_claims(line.raw, taken, line.lead_in)


def settle(claims: list[Claim], paragraphs: dict[str, int]) -> None:
    """Nothing to settle across lines."""


def prefetch(context: CheckContext, claims: list[Claim]) -> Prefetch:
    """Quoted subjects to look up in the history walk; for a subject said never merged,
    the search of every branch and tag starts with the other queries."""
    unmerged = {
        ("unmerged", c.message): partial(context.messages.reachable_from, None, c.message, limit=1)
        for c in claims
        if c.message and c.relation == "not-in-revision"
    }
    return Prefetch(
        jobs=unmerged,
        messages=[c.message for c in claims if c.message and context.needs_subjects(c)],
    )


def check(context: CheckContext, claim: Claim) -> ClaimCheck:
    return _check_message(context, claim)


# The words that make a quote a commit subject when they come right before it: "commit
# "x"", "the commit message: "x"", "Git commit history shows: "x"", "merged as "x"".
_MESSAGE_BEFORE = lazy_compile(
    r"(?:\bcommits?|(?<!error )(?<!exception )(?<!log )\bmessage|\bsubject|\btitled|\bmerged"
    r"|\breverted|\bcherry-picked|\blanded|\bgit\s+log)\b"
    r"(?:\s+(?:message|subject|history|log|titled|named|called|shows?|reads?|says?|as|in|is"
    r"|was|with|the|its|a|of))*[\s:,(\-\u2013\u2014]*$",
    re.IGNORECASE,
)
# "**PR #1180:** "title"", "pull request #12 "title"": the title of a pull request, which
# git keeps only in the subject of the merge commit, when there is one.
_PR_BEFORE = lazy_compile(r"\b(?:PR|pull\s+request)\s*#?\d*[\s:,(\-\u2013\u2014]*$", re.I)
# "and" or a comma between two quotes: "fix: a" and "fix: b" are both subjects.
_BETWEEN_SUBJECTS = lazy_compile(r"^[\s,;]*(?:and|or|,)?[\s,;]*$", re.IGNORECASE)
# "area: what changed", the shape of a subject, and of little else in prose.
_SCOPED = lazy_compile(r"^[A-Za-z][\w./-]{0,40}(?:\([^)]{0,60}\))?!?:\s+\S")

_LOG_CONTEXT = lazy_compile(r"\bgit\s+log\b|\bcommits?\b|\bhistory\b|\bmerged\b", re.I)


def _subject_like(text: str) -> bool:
    """ "payments: retry charges on timeouts" reads like a commit subject; "this is fine" not."""
    words = text.split()
    return 3 <= len(words) <= 20 and not text.endswith(("?", "!")) and len(text) <= 120


def _message_claims(line: str, taken: set[object], lead_in: str) -> list[Draft]:
    """A quote is a subject only when the sentence says it is one: a commit word right
    before it ("commit "x"", "merged as "x""), a pull request's title ("PR #12: "x""), or
    the shape of a subject ("area: what changed", "fix(api): ...") on a line about history
    or merging. Error texts, slogans and mandates in quotes are not subjects."""
    found: list[Draft] = []
    quoted = [
        (match.start(), match.end(), (match.group(1) or match.group(2)).strip())
        for match in _first(_QUOTED.finditer(line))
    ]
    if "`" in line:
        # `hotfix(payments): cap retries` in backticks is a subject too, when it reads as one.
        quoted += [
            (column, column + len(span) + 2, span)
            for column, span in _code_spans(line)
            if _CONVENTIONAL.match(span) and len(span.split()) >= 3
        ]
    plain = _without_quotes(line).replace("*", "")
    previous_end: int | None = None
    for column, end, message in sorted(quoted):
        before = line[max(0, column - 60) : column].replace("*", "")
        follows_subject = previous_end is not None and _BETWEEN_SUBJECTS.match(
            line[previous_end:column].replace("*", "")
        )
        pull_request = bool(_PR_BEFORE.search(before))
        shaped = bool(_CONVENTIONAL.match(message) or _SCOPED.match(message))
        negated = _negated_reach(line, column)
        is_subject = _subject_like(message) and (
            bool(_MESSAGE_BEFORE.search(before))
            or pull_request
            or follows_subject
            or (shaped and bool(_LOG_CONTEXT.search(plain)))
            or (bool(negated) and (shaped or bool(_MESSAGE_BEFORE.search(before))))
        )
        if _CONVENTIONAL.match(message):
            is_subject = True
        previous_end = end if is_subject else None
        if not is_subject or message in taken:
            continue
        found.append(
            Draft(
                column,
                "message",
                message=message,
                role=_role(line, column, message, lead_in),
                relation="not-in-revision" if negated else None,
                revision=negated.get("revision"),
                # "was never merged": the line denies the commit is there; a PR's title is
                # the document quoting GitHub, not a commit it vouches for.
                stance="negated" if negated else "quoted" if pull_request else None,
            )
        )
    return found


def _check_unmerged_message(context: CheckContext, claim: Claim) -> ClaimCheck:
    """A quoted subject said never to have been merged (or not to be on a named branch):
    verified when no commit reachable from that revision has it, contradicted when one has."""
    message = claim.message or ""
    revision, written = said_revision(context, claim)
    if revision is None:
        return result(claim, "unverifiable", f"revision {written!r} is not in the repository")
    if revision == context.revision:
        reachable = [
            c for c in context.messages.commits_for(message) if same_subject(message, c.subject)
        ]
    else:
        reachable = context.messages.reachable_from([revision], message)
    if reachable:
        return not_reachable(context, claim, reachable[0])
    elsewhere = context.messages.reachable_from(None, message, limit=1)
    if elsewhere:
        return not_reachable(context, claim, elsewhere[0])
    return result(
        claim,
        "verified",
        f'no commit reachable from {written} has the subject "{message}", and no branch or '
        "tag holds one either",
    )


def _check_message(context: CheckContext, claim: Claim) -> ClaimCheck:
    if claim.pattern and not claim.message:
        return _check_no_history(context, claim)
    if claim.relation == "not-in-revision":
        return _check_unmerged_message(context, claim)
    message = claim.message or ""
    hits = context.messages.commits_for(message)
    exact = [c for c in hits if normal_subject(c.subject) == normal_subject(message)]
    if exact:
        more = f" (and {len(exact) - 1} more)" if len(exact) > 1 else ""
        found = exact[0]
        detail = (
            f'commit {found.sha[:10]} has the subject "{found.subject}" '
            f"(committed {fmt(found.committer_date)}){more}"
        )
        evidence = context.pins.commit_evidence(claim, exact[0].sha, exact[0])
        return result(claim, "verified", detail, evidence=evidence)
    close = [c for c in hits if same_subject(message, c.subject)]
    if close:
        detail = (
            f'commit {close[0].sha[:10]} has a subject close to it: "{close[0].subject}" '
            f"(committed {fmt(close[0].committer_date)})"
        )
        evidence = context.pins.commit_evidence(claim, close[0].sha, close[0])
        return result(claim, "verified", detail, evidence=evidence)
    holding = [c for c in hits if holds_quote(message, c.subject)]
    if holding:
        detail = (
            f"commit {holding[0].sha[:10]} has a subject holding the quoted words: "
            f'"{holding[0].subject}" (committed {fmt(holding[0].committer_date)})'
        )
        evidence = context.pins.commit_evidence(claim, holding[0].sha, holding[0])
        return result(claim, "verified", detail, evidence=evidence)
    suggestion = f"closest: commit {short(hits[0])}" if hits else None
    if claim.stance == "quoted":
        return result(
            claim,
            "unverifiable",
            f"a pull request's title: no merge commit reachable from {context.revision[:12]} "
            f'has "{message}" in its subject, and git does not keep PR titles otherwise',
            suggestion,
        )
    body = context.messages.in_any_message(message)
    if body is not None:
        return result(
            claim,
            "unverifiable",
            f'no subject is "{message}", but the message of commit {short(body)} holds it',
        )
    return result(
        claim,
        "contradicted",
        f'no commit reachable from {context.revision[:12]} has the subject "{message}", '
        "nor a message holding it",
        suggestion,
    )


# "No systematic remediation attempts found in git history", "**Git history analysis:** No
# syntax error fixes attempted", "No CI/CD pipelines evident in commit history": the history
# is said to hold no commit about a topic.
_NO_IN_HISTORY = lazy_compile(
    r"\bno\s+(?P<topic>[A-Za-z][\w/ -]{2,80}?)\s+(?:(?:were|was|have\s+been|has\s+been)\s+)?"
    r"(?:(?:found|attempted|made|evident|seen|visible)\s+)?in\s+(?:the\s+)?(?:git|commit)\s+"
    r"(?:history|log|commits)\b",
    re.IGNORECASE,
)
_HISTORY_LABEL = lazy_compile(
    r"^\W*(?:[-*+]\s+)?(?:git|commit)\s+(?:history|log)(?:\s+\w+)?\s*:\s*no\s+"
    r"(?P<topic>[A-Za-z][\w/ -]{2,80}?)\s+(?:were\s+|was\s+)?(?:found|attempted|made)\b",
    re.IGNORECASE,
)
# How the topic of a "no such commits" claim is written as its pattern.
NO_HISTORY = "no commits: "


def _no_history_claims(raw: str) -> list[Draft]:
    plain = raw.replace("*", "")
    match = _HISTORY_LABEL.match(plain) or _NO_IN_HISTORY.search(plain)
    if match is None:
        return []
    words = topic_words(match.group("topic"))
    if not words:
        return []
    column = raw.find(match.group("topic")[:12])
    return [
        Draft(
            max(column, 0),
            "message",
            pattern=NO_HISTORY + " ".join(words),
            # Like "was never merged": no commit to lend a time claim or place on the line.
            relation="not-in-revision",
            stance="negated",
        )
    ]


def _check_no_history(context: CheckContext, claim: Claim) -> ClaimCheck:
    """ "No X found in git history": a commit reachable from the revision whose subject
    names every word of X (and, for a one-word X, the analysis's own topic) contradicts it.
    Finding none is not evidence: messages may word it otherwise."""
    words = (claim.pattern or "").removeprefix(NO_HISTORY).split()
    topic = topic_words(context.analysis.title) if len(words) < 2 else []
    found = context.messages.subjects_about(words, topic)
    if found:
        info = found[0]
        more = " (and more)" if len(found) > 1 else ""
        named = words + [w for w in topic if w in info.subject.casefold()]
        evidence = context.pins.commit_evidence(claim, info.sha, info)
        return result(
            claim,
            "contradicted",
            f"the history holds commit {short(info)}{more}: its subject names {', '.join(named)}",
            evidence=evidence,
        )
    return result(
        claim,
        "unverifiable",
        f"no subject reachable from {context.revision[:12]} names all of "
        f"{', '.join(words + topic)}; messages may word it otherwise",
    )
