"""Template filters: UTC inside, Europe/London on screen (house rule 7)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask

LONDON = ZoneInfo("Europe/London")


def london(value: datetime | None) -> datetime | None:
    """An aware datetime converted to Europe/London time."""
    return value.astimezone(LONDON) if value is not None else None


def datetime_uk(value: datetime | None) -> str:
    """'26 November 2026 at 2:05pm' in London time ('' for None)."""
    if value is None:
        return ""
    local = london(value)
    hour = local.strftime("%I").lstrip("0") or "12"
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{local:%p}".replace("AM", "am").replace("PM", "pm")


def date_uk(value: date | datetime | None) -> str:
    """'26 November 2026' ('' for None); datetimes are shown as their London date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = london(value)
    return f"{value.day} {value:%B %Y}"


def money(value: Decimal | float | None) -> str:
    """'£1,250.00' ('' for None)."""
    return "" if value is None else f"£{value:,.2f}"


def init_formatting(app: Flask) -> None:
    """Register the filters."""
    app.add_template_filter(datetime_uk)
    app.add_template_filter(date_uk)
    app.add_template_filter(money)
