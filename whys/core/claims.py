"""Claim extraction: placeholder until the claim-check issue lands."""

from __future__ import annotations

from whys.core.models import Claim, Why


def extract_claims(lines: list[str], whys: list[Why]) -> list[Claim]:
    return []
