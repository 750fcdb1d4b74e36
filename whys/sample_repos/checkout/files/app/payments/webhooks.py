"""Paystream webhooks: charge.succeeded, charge.refunded, charge.disputed."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging

from fastapi import APIRouter, Header, HTTPException, Request

from app.db.models import Order
from app.db.session import session_scope

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/webhooks")

WEBHOOK_SECRET_ENV = "PAYSTREAM_WEBHOOK_SECRET"


def signature_for(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@router.post("/paystream")
async def paystream_event(request: Request, paystream_signature: str = Header("")) -> dict:
    body = await request.body()
    secret = request.app.state.webhook_secret
    if signature_for(secret, body) != paystream_signature:
        raise HTTPException(status_code=401, detail="bad signature")
    event = json.loads(body)
    handle_event(event["type"], event["data"])
    return {"received": True}


def handle_event(event_type: str, data: dict) -> None:
    with session_scope() as session:
        order = session.get(Order, data["order_id"])
        if order is None:
            log.warning("webhook %s for unknown order %s", event_type, data["order_id"])
            return
        if event_type == "charge.refunded":
            order.status = "refunded"
        elif event_type == "charge.disputed":
            order.status = "disputed"
        elif event_type == "charge.succeeded" and order.status == "pending":
            order.status = "paid"
