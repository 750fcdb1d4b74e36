import pytest
import respx

from app.payments.client import PaymentClient
from app.payments.errors import PaymentDeclined, ProviderUnavailable

BASE = "https://paystream.test/"


@pytest.fixture
def client():
    return PaymentClient(BASE, "sk_test", timeout_s=1.0)


@respx.mock
def test_charge_parses_a_successful_answer(client):
    respx.post(BASE + "v2/charges").respond(
        200, json={"id": "ch_1", "status": "succeeded", "amount": 1500, "currency": "EUR"}
    )
    result = client.charge("ord-1", 1500, "EUR", "tok_visa")
    assert result.charge_id == "ch_1"


@respx.mock
def test_decline_raises_payment_declined(client):
    respx.post(BASE + "v2/charges").respond(402, json={"decline_code": "insufficient_funds"})
    with pytest.raises(PaymentDeclined):
        client.charge("ord-1", 1500, "EUR", "tok_visa")


@respx.mock
def test_server_error_raises_provider_unavailable(client):
    respx.post(BASE + "v2/charges").respond(503)
    with pytest.raises(ProviderUnavailable):
        client.charge("ord-1", 1500, "EUR", "tok_visa")
