"""External claims: revenue, dashboards, cloud logs, customer counts: outside the repository."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from whys.core.claims.checking.common import result
from whys.core.claims.drafts import Draft
from whys.core.claims.kind import Prefetch
from whys.core.claims.mentions import (
    LineMentions,
    _mentions,
)
from whys.core.lazyre import lazy_compile
from whys.core.models import Claim, ClaimCheck

if TYPE_CHECKING:
    from whys.core.claims.checking.context import CheckContext

NAME = "external"
IN_FENCES = False


def assemble(line: LineMentions, earlier: list[Draft]) -> list[Draft]:
    external = _EXTERNAL.search(line.raw) if _mentions(line.raw, _EXTERNAL_WORDS) else None
    return [Draft(external.start(), "external")] if external else []


def settle(claims: list[Claim], paragraphs: dict[str, int]) -> None:
    """Nothing to settle across lines."""


def prefetch(context: CheckContext, claims: list[Claim]) -> Prefetch:
    return Prefetch()


def check(context: CheckContext, claim: Claim) -> ClaimCheck:
    return _check_external(context, claim)


_EXTERNAL = lazy_compile(
    r"\$\s?\d[\d,.]{0,20}\s*[KMB]?\+?|\b(?:MRR|ARR|revenue|churn|customers?\s+affected"
    r"|dashboards?|grafana|datadog|sentry|kibana|splunk|cloudwatch|stackdriver|new\s+relic"
    r"|zendesk|pagerduty|opsgenie|cloud\s+(?:run\s+)?logs?|gcp\s+logs?|(?<!git\s)logs?\s+(?:show|showed|indicate|confirm|list)\w*|(?:delivery|access|request|server|application|error)\s+logs?"
    r"|error\s+rate|p9\d\s+latency|uptime|status\s+page)\b"
    r"|(?<![\d.])\d{1,6}(?:\.\d{1,4})?%\s+of\b"
    r"|(?<![\d,])\d[\d,]{0,15}\+?\s+(?:customers?|users?|orders?|(?:support\s+)?tickets?|merchants?"
    r"|support\s+contacts?|complaints?|accounts?)\b",
    re.IGNORECASE,
)


# Cheap gates: a pattern runs only on a line holding a word each of its matches must hold
# (lower case). Most lines of a long analysis hold none, and a plain `in` is far cheaper
# than a case-insensitive alternation tried at every position.
_EXTERNAL_WORDS = (
    "$", "%", "mrr", "arr", "revenue", "churn", "customer", "dashboard", "grafana",
    "datadog", "sentry", "kibana", "splunk", "cloudwatch", "stackdriver", "relic",
    "zendesk", "pagerduty", "opsgenie", "log", "error", "p9", "uptime", "status", "user",
    "order", "ticket", "merchant", "contact", "complaint", "account",
)  # fmt: skip


def _check_external(context: CheckContext, claim: Claim) -> ClaimCheck:
    return result(
        claim,
        "unverifiable",
        "outside the repository (revenue, dashboards, cloud logs): nothing here can settle it",
    )
