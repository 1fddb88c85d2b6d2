"""Jinja filters and globals: display units and dates in the viewer's preferences."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask
from flask_login import current_user

from app.domain import units


def mass(kg, unit: str | None = None, places: int = 1) -> str:
    """Format a stored kg value in ``unit`` or the signed-in user's unit."""
    if unit is None:
        unit = getattr(current_user, "mass_unit", None) or "kg"
    return units.display_mass(kg, unit, places)


def mass_number(kg, unit: str | None = None, places: int = 1) -> str:
    """A stored kg value as a number in ``unit`` or the signed-in user's unit, no unit."""
    if kg is None:
        return ""
    if unit is None:
        unit = getattr(current_user, "mass_unit", None) or "kg"
    return units.mass_number(kg, unit, places)


def height(cm, unit: str | None = None) -> str:
    if cm is None:
        return ""
    unit = unit or getattr(current_user, "height_unit", None) or "cm"
    if unit == "ftin":
        feet, inches = units.cm_to_feet_inches(cm)
        return f"{feet} ft {units.plain(inches)} in"
    return f"{units.plain(cm)} cm"


def countdown(meet_date: date | None, today: date) -> str:
    """'9 weeks (63 days)' until ``meet_date``; 'meet day' on the day; '' when unknown."""
    if meet_date is None:
        return ""
    days = (meet_date - today).days
    if days < 0:
        return f"{-days} days ago"
    if days == 0:
        return "meet day"
    weeks = days // 7
    return f"{weeks} week{'s' if weeks != 1 else ''} ({days} day{'s' if days != 1 else ''})"


def rpe(value) -> str:
    """An RPE as typed: 8, 8.5."""
    return "" if value is None else units.plain(value)


def localtime(moment: datetime | None, fmt: str = "%H:%M") -> str:
    """A UTC datetime shown in the signed-in user's time zone."""
    if moment is None:
        return ""
    zone = getattr(current_user, "time_zone", None) or "UTC"
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    return moment.astimezone(tz).strftime(fmt)


def ago(moment: datetime | None) -> str:
    """'just now', '5 min ago', '3 h ago', '2 d ago', else the date."""
    if moment is None:
        return ""
    seconds = (datetime.now(UTC) - moment).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    if seconds < 7 * 86400:
        return f"{int(seconds // 86400)} d ago"
    return localtime(moment, "%-d %b %Y")


def clock(seconds) -> str:
    """3 -> '0:03', 75.4 -> '1:15'."""
    seconds = int(seconds or 0)
    return f"{seconds // 60}:{seconds % 60:02d}"


def init_app(app: Flask) -> None:
    app.add_template_filter(ago)
    app.add_template_filter(clock)
    app.add_template_filter(mass)
    app.add_template_filter(mass_number)
    app.add_template_filter(rpe)
    app.add_template_filter(localtime)
    app.add_template_filter(height)
    app.add_template_global(countdown)
