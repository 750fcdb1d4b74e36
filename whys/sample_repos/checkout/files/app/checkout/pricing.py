"""Totals: subtotal, discount, tax. All amounts in integer cents."""

from __future__ import annotations

from dataclasses import dataclass

from app.checkout.cart import Cart

TAX_RATES = {"EUR": 0.19, "GBP": 0.20, "USD": 0.0}
DISCOUNT_CODES = {"WELCOME10": 0.10, "SPRING15": 0.15}


@dataclass(frozen=True)
class Quote:
    subtotal_cents: int
    discount_cents: int
    tax_cents: int

    @property
    def total_cents(self) -> int:
        return self.subtotal_cents - self.discount_cents + self.tax_cents


def quote(cart: Cart) -> Quote:
    subtotal = cart.subtotal_cents
    rate = DISCOUNT_CODES.get((cart.discount_code or "").upper(), 0.0)
    discount = int(subtotal * rate)
    tax = int((subtotal - discount) * TAX_RATES.get(cart.currency, 0.0))
    return Quote(subtotal, discount, tax)
