from app.notifications import queue
from app.notifications.email import Message


class FakeSMTP:
    sent: list = []

    def __init__(self, host):
        self.host = host

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_message(self, message):
        FakeSMTP.sent.append(message["To"])


def test_partial_batch_goes_out_once_the_interval_passed(monkeypatch):
    monkeypatch.setattr(queue.smtplib, "SMTP", FakeSMTP)
    mail = queue.MailQueue()
    mail.enqueue(Message("a@example.com", "s", "b"))
    assert FakeSMTP.sent == []
    monkeypatch.setattr(queue.time, "monotonic", lambda: 1e12)
    mail.enqueue(Message("b@example.com", "s", "b"))
    assert FakeSMTP.sent == ["a@example.com", "b@example.com"]
