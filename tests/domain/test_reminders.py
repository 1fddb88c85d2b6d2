"""Reminder times across daylight saving (UK: BST from 01:00 UTC on the last Sunday of March,
the Summer Time Order 2002; US: from the second Sunday of March, Energy Policy Act 2005)."""

from datetime import UTC, date, datetime

from app.domain.reminders import message, reminder_times


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_london_reminders_follow_the_clock_change():
    # Meet on Sun 11 Apr 2027; BST starts Sun 28 Mar 2027
    times = dict(reminder_times(date(2027, 4, 11), "Europe/London"))
    assert times["weeks-4"] == utc(2027, 3, 14, 9, 0)  # 09:00 GMT
    assert times["weeks-2"] == utc(2027, 3, 28, 8, 0)  # 09:00 BST, the day the clocks change
    assert times["weeks-1"] == utc(2027, 4, 4, 8, 0)  # 09:00 BST


def test_new_york_reminders_follow_the_clock_change():
    # Meet on Sat 3 Apr 2027; EDT starts Sun 14 Mar 2027
    times = dict(reminder_times(date(2027, 4, 3), "America/New_York"))
    assert times["weeks-4"] == utc(2027, 3, 6, 14, 0)  # 09:00 EST (UTC-5)
    assert times["weeks-2"] == utc(2027, 3, 20, 13, 0)  # 09:00 EDT (UTC-4)
    assert times["weeks-1"] == utc(2027, 3, 27, 13, 0)


def test_message_names_the_meet_and_the_weeks():
    title, body = message("weeks-2", "Nationals", date(2027, 4, 11))
    assert title == "Nationals: 2 weeks to go" and "Sun 11 Apr 2027" in body
