"""Mail the customer about their order."""

from __future__ import annotations

from app.db.models import Order
from app.notifications.email import build_order_confirmation
from app.notifications.queue import mail_queue


def send_order_confirmation(order: Order, customer_email: str) -> None:
    """Queue the confirmation mail; never raises into the checkout flow."""
    message = build_order_confirmation(customer_email, order.id, order.total_cents, order.currency)
    mail_queue.enqueue(message)
