"""The demo Open311 client with the key demo-open311-key (never under Production)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from casework.api.open311 import services
from casework.api.open311.models import Open311Client, Open311Key
from casework.extensions import db

DEMO_CLIENT = "FixMyStreet (demo)"
DEMO_KEY = "demo-open311-key"  # known to everyone: a demo installation only


def seed_demo_open311(added: dict[str, int]) -> None:
    """Add the area's demo data when it is missing (idempotent); count what is added in `added`."""
    if not current_app.config.get("DEMO_ALLOWED"):
        return
    client = db.session.scalar(select(Open311Client).where(Open311Client.name == DEMO_CLIENT))
    if client is None:
        client = services.create_client(None, DEMO_CLIENT, "fixmystreet", [])
        added["open311 clients"] = added.get("open311 clients", 0) + 1
    known = select(Open311Key.id).where(Open311Key.key_hash == services.key_hash(DEMO_KEY))
    if db.session.scalar(known) is None:
        services.issue_key(None, client, raw=DEMO_KEY)
        added["open311 keys"] = added.get("open311 keys", 0) + 1


def demo_banner_lines(base_url: str) -> list[str]:
    """The lines `make run` prints so the endpoint can be tried at once."""
    endpoint = base_url.rstrip("/") + "/open311/v2/"
    return [
        f"  Open311 endpoint: {endpoint}  (demo api_key: {DEMO_KEY})",
        f"    try: curl {endpoint}services.xml",
    ]
