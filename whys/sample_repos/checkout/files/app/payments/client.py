"""HTTP client for the card payment provider (Paystream)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx

from app.payments.errors import PaymentDeclined, ProviderUnavailable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChargeResult:
    charge_id: str
    status: str
    amount_cents: int
    currency: str


class PaymentClient:
    """Thin wrapper over the provider's REST API. One instance per process."""

    def __init__(self, base_url: str, api_key: str, timeout_s: float = 10.0) -> None:
        self._http = httpx.Client(
            base_url=base_url,
            timeout=timeout_s,
            headers={"Authorization": f"Bearer {api_key}"},
        )

    def charge(self, order_id: str, amount_cents: int, currency: str, token: str) -> ChargeResult:
        body = {"order_id": order_id, "amount": amount_cents, "currency": currency, "source": token}
        return self._parse(self._http.post("/v2/charges", json=body))

    def refund(self, charge_id: str, amount_cents: int | None = None) -> ChargeResult:
        body: dict[str, object] = {"charge": charge_id}
        if amount_cents is not None:
            body["amount"] = amount_cents
        return self._parse(self._http.post("/v2/refunds", json=body))

    @staticmethod
    def _parse(response: httpx.Response) -> ChargeResult:
        if response.status_code >= 500:
            raise ProviderUnavailable(f"provider answered {response.status_code}")
        payload = response.json()
        if response.status_code == 402:
            raise PaymentDeclined(payload.get("decline_code", "unknown"))
        response.raise_for_status()
        return ChargeResult(
            charge_id=payload["id"],
            status=payload["status"],
            amount_cents=payload["amount"],
            currency=payload["currency"],
        )
