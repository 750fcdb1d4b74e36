"""ASGI entry point: `uvicorn app.main:app`."""

from fastapi import FastAPI

from app.config import settings

app = FastAPI(title="checkout", version=settings.version)


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok", "version": settings.version}
