"""Settings read once from the environment at import time."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    version: str
    database_url: str
    paystream_url: str
    paystream_api_key: str


settings = Settings(
    version=_env("CHECKOUT_VERSION", "dev"),
    database_url=_env("DATABASE_URL", "postgresql+psycopg://checkout@localhost/checkout"),
    paystream_url=_env("PAYSTREAM_URL", "https://api.paystream.example/"),
    paystream_api_key=_env("PAYSTREAM_API_KEY", ""),
)
