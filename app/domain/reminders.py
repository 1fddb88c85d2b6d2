"""When meet reminders are due: 4, 2 and 1 weeks before the meet at 09:00 local time.

Local time is resolved with the IANA time zone database (zoneinfo), so a reminder that falls
after a daylight-saving change is at 09:00 of that day's offset, not the offset of today.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

REMINDER_WEEKS = (4, 2, 1)
LOCAL_TIME = time(9, 0)


def reminder_times(meet_date: date, time_zone: str) -> list[tuple[str, datetime]]:
    """[(kind, due UTC datetime)] for weeks 4, 2 and 1 before ``meet_date`` at 09:00 in
    ``time_zone`` (an IANA name). Kinds are 'weeks-4', 'weeks-2', 'weeks-1'.

    Raises zoneinfo.ZoneInfoNotFoundError for an unknown zone.
    """
    tz = ZoneInfo(time_zone)
    times = []
    for weeks in REMINDER_WEEKS:
        day = meet_date - timedelta(weeks=weeks)
        local = datetime.combine(day, LOCAL_TIME, tzinfo=tz)
        times.append((f"weeks-{weeks}", local.astimezone(UTC)))
    return times


def message(kind: str, meet_name: str, meet_date: date) -> tuple[str, str]:
    """(title, body) of the reminder of ``kind`` for the meet."""
    weeks = int(kind.split("-")[1])
    title = f"{meet_name}: {weeks} week{'s' if weeks > 1 else ''} to go"
    advice = {
        4: "Peaking starts soon: check your attempts and your weight class.",
        2: "Taper time: keep the intensity, drop the volume, plan your openers.",
        1: "Meet week: openers early in the week, then rest. Pack your kit.",
    }[weeks]
    return title, f"{advice} Meet day: {meet_date.strftime('%a %-d %b %Y')}."
