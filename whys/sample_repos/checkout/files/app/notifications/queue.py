"""Outgoing mail queue: messages wait here until the SMTP relay takes them."""

from __future__ import annotations

import logging
import smtplib
import threading
from email.message import EmailMessage

from app.notifications.email import SENDER, Message

log = logging.getLogger(__name__)

SMTP_HOST = "smtp-relay.internal"


class MailQueue:
    def __init__(self, host: str = SMTP_HOST) -> None:
        self._host = host
        self._pending: list[Message] = []
        self._lock = threading.Lock()

    def enqueue(self, message: Message) -> None:
        with self._lock:
            self._pending.append(message)
        self.flush_pending()

    def flush_pending(self) -> int:
        """Send everything pending; returns how many messages went out."""
        with self._lock:
            batch, self._pending = self._pending, []
        if not batch:
            return 0
        with smtplib.SMTP(self._host) as smtp:
            for message in batch:
                smtp.send_message(_to_email(message))
        log.info("sent %d queued messages", len(batch))
        return len(batch)


def _to_email(message: Message) -> EmailMessage:
    email = EmailMessage()
    email["From"] = SENDER
    email["To"] = message.to
    email["Subject"] = message.subject
    email.set_content(message.body)
    return email


mail_queue = MailQueue()
