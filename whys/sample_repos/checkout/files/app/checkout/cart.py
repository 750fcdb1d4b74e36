"""Carts as the storefront sends them: a currency and line items."""

from __future__ import annotations

from dataclasses import dataclass, field


class CartError(ValueError):
    """The cart cannot be checked out as sent."""


@dataclass(frozen=True)
class LineItem:
    sku: str
    quantity: int
    unit_price_cents: int

    @property
    def subtotal_cents(self) -> int:
        return self.quantity * self.unit_price_cents


@dataclass
class Cart:
    customer_id: str
    currency: str
    items: list[LineItem] = field(default_factory=list)
    discount_code: str | None = None

    def add(self, sku: str, quantity: int, unit_price_cents: int) -> None:
        if quantity <= 0:
            raise CartError(f"quantity for {sku} must be positive, got {quantity}")
        self.items.append(LineItem(sku, quantity, unit_price_cents))

    @property
    def subtotal_cents(self) -> int:
        return sum(item.subtotal_cents for item in self.items)

    @classmethod
    def from_payload(cls, payload: dict) -> Cart:
        cart = cls(
            customer_id=payload["customer_id"],
            currency=payload["currency"],
            discount_code=payload.get("discount_code"),
        )
        for item in payload.get("items", []):
            cart.add(item["sku"], item["quantity"], item["unit_price_cents"])
        return cart
