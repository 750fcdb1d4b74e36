from app.checkout.cart import Cart
from app.checkout.pricing import quote


def test_quote_applies_discount_before_tax():
    cart = Cart(customer_id="c1", currency="EUR", discount_code="welcome10")
    cart.add("SKU-1", 2, 1000)
    result = quote(cart)
    assert result.discount_cents == 200
    assert result.tax_cents == 342
    assert result.total_cents == 2142


def test_unknown_currency_has_no_tax():
    cart = Cart(customer_id="c1", currency="JPY")
    cart.add("SKU-1", 1, 500)
    assert quote(cart).tax_cents == 0
