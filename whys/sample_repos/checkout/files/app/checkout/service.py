"""place_order: the one flow that turns a cart into a paid order."""

from __future__ import annotations

import logging
import uuid

from app.checkout.cart import Cart
from app.checkout.pricing import quote
from app.db.models import Order, OrderLine
from app.db.session import session_scope
from app.payments.client import PaymentClient
from app.payments.errors import PaymentError

log = logging.getLogger(__name__)


class CheckoutService:
    def __init__(self, payments: PaymentClient) -> None:
        self._payments = payments

    def place_order(self, cart: Cart, payment_token: str) -> Order:
        """Price the cart, charge the customer, store the order. Raises PaymentError."""
        totals = quote(cart)
        order = Order(
            id=str(uuid.uuid4()),
            customer_id=cart.customer_id,
            total_cents=totals.total_cents,
            currency=cart.currency,
        )
        order.lines = [
            OrderLine(sku=i.sku, quantity=i.quantity, unit_price_cents=i.unit_price_cents)
            for i in cart.items
        ]
        try:
            result = self._payments.charge(
                order.id, totals.total_cents, cart.currency, payment_token
            )
        except PaymentError:
            log.info("payment failed for order %s", order.id)
            raise
        order.charge_id = result.charge_id
        order.status = "paid"
        with session_scope() as session:
            session.add(order)
        return order
