"""Order mail: rendering and handing messages to the outgoing queue."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TEMPLATES = Path(__file__).parent / "templates"
SENDER = "orders@shopfront.example"


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str


def render_order_confirmation(order_id: str, total_cents: int, currency: str) -> str:
    template = (TEMPLATES / "order_confirmation.txt").read_text(encoding="utf-8")
    total = f"{total_cents / 100:.2f} {currency}"
    return template.format(order_id=order_id, total=total)


def build_order_confirmation(to: str, order_id: str, total_cents: int, currency: str) -> Message:
    body = render_order_confirmation(order_id, total_cents, currency)
    return Message(to=to, subject=f"Your Shopfront order {order_id}", body=body)
