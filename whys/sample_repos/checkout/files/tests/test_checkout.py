from app.checkout.service import CheckoutService
from app.payments.client import ChargeResult


class FakePayments:
    def __init__(self):
        self.calls = []

    def charge(self, order_id, amount_cents, currency, token):
        self.calls.append((order_id, amount_cents, currency, token))
        return ChargeResult("ch_1", "succeeded", amount_cents, currency)


def test_place_order_charges_the_quoted_total(cart, monkeypatch):
    monkeypatch.setattr("app.checkout.service.session_scope", _no_db)
    payments = FakePayments()
    order = CheckoutService(payments).place_order(cart, "tok_visa")
    assert order.status == "paid"
    assert payments.calls[0][1] == order.total_cents


class _no_db:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def add(self, obj):
        pass
