"""Backoff schedules for retried calls."""

from __future__ import annotations

import random
from collections.abc import Iterator


def backoff_delays(attempts: int, base_s: float = 0.2, cap_s: float = 2.0) -> Iterator[float]:
    """Delays to sleep after each failed attempt: exponential, capped, with full jitter.

    Yields `attempts` values; the last one is 0 because nothing follows the last attempt.
    """
    for attempt in range(attempts):
        if attempt == attempts - 1:
            yield 0.0
        else:
            yield random.uniform(0, min(cap_s, base_s * 2**attempt))
