"""Idempotency keys for provider calls.

Paystream settles at most one charge per idempotency key within 24 hours: a request that
repeats a key gets the first request's result back instead of a second charge.
"""

from __future__ import annotations

import uuid


def new_idempotency_key(order_id: str) -> str:
    """A fresh key for one logical charge of `order_id`."""
    return f"chk-{order_id}-{uuid.uuid4().hex[:16]}"
