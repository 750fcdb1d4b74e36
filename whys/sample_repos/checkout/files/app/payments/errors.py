"""Failures of a payment, as the checkout flow needs to tell them apart."""


class PaymentError(Exception):
    """Base class: the charge did not go through."""


class PaymentDeclined(PaymentError):
    """The provider declined the card; retrying will not help."""

    def __init__(self, decline_code: str) -> None:
        super().__init__(f"card declined: {decline_code}")
        self.decline_code = decline_code


class ProviderUnavailable(PaymentError):
    """The provider answered 5xx or could not be reached."""
