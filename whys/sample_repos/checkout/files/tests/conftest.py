import pytest

from app.checkout.cart import Cart


@pytest.fixture
def cart() -> Cart:
    cart = Cart(customer_id="cust-1", currency="EUR")
    cart.add("SKU-RED-MUG", 2, 1250)
    cart.add("SKU-TEA-TIN", 1, 899)
    return cart
