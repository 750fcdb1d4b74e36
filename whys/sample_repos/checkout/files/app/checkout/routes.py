"""HTTP routes of the checkout API."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from app.checkout.cart import Cart, CartError
from app.checkout.service import CheckoutService
from app.payments.client import PaymentClient
from app.payments.errors import PaymentDeclined, PaymentError

router = APIRouter(prefix="/v1/checkout")
_service: CheckoutService | None = None


def service() -> CheckoutService:
    global _service
    if _service is None:
        _service = CheckoutService(PaymentClient.from_settings())
    return _service


@router.post("/orders", status_code=201)
def create_order(payload: dict) -> dict:
    try:
        cart = Cart.from_payload(payload["cart"])
    except (KeyError, CartError) as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc
    try:
        order = service().place_order(cart, payload["payment_token"])
    except PaymentDeclined as exc:
        raise HTTPException(status_code=402, detail=exc.decline_code) from exc
    except PaymentError as exc:
        raise HTTPException(status_code=503, detail="payment provider unavailable") from exc
    return {"order_id": order.id, "status": order.status, "total_cents": order.total_cents}
