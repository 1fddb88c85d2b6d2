"""Periodised plans that peak on meet day: blocks sized to the weeks left, days of work with
sets x reps at an RPE target, and loads from the athlete's e1RM. Loads in kg, dates local.

Structure follows block periodisation as used in powerlifting (accumulation -> transmutation
-> realisation; Issurin 2010, Sports Med 40(10):803-805) with a taper of about 40-60% less
volume at kept intensity in the final 1-2 weeks (Pritchard et al. 2015, J Strength Cond Res
29(5):1368-1378; Travis et al. 2020, Sports Med 6:23). Loads use the RTS RPE chart
(domain.strength) and are rounded to what standard plates make (domain.loading).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from app.domain import loading, strength
from app.domain.periodisation import (
    ACCESSORIES,
    BASE_FREQUENCY,
    BLOCKS,
    DAY_PATTERNS,
    MINUTES_PER_SET,
    VOLUME,
)

LIFTS = ("squat", "bench", "deadlift")
MIN_WEEKS, MAX_WEEKS = 1, 52
SHORT_PEAK_WEEKS = 3


class PlanError(ValueError):
    """Inputs a plan can't be built from (meet in the past, days per week out of range ...)."""


@dataclass(frozen=True)
class PlanInputs:
    """What a plan needs. e1rm_kg maps each of LIFTS to the athlete's current e1RM in kg."""

    start: date
    meet: date
    days_per_week: int
    session_minutes: int
    e1rm_kg: dict
    most_important: str = "squat"
    least_important: str = "deadlift"
    recovery: dict = field(default_factory=lambda: {lift: 3 for lift in LIFTS})
    volume_preference: str = "medium"
    recovers_from_heavy_deadlifts: bool = True
    unit: str = "kg"


@dataclass(frozen=True)
class Prescription:
    """One exercise on a day. lift is None for accessories (no load; work to the RPE)."""

    name: str
    lift: str | None
    sets: int
    reps: int
    rpe: Decimal
    kind: str  # 'top set', 'back-off' or 'accessory'
    load_kg: Decimal | None


@dataclass(frozen=True)
class Day:
    day: date
    title: str
    exercises: tuple[Prescription, ...]
    is_meet: bool = False


@dataclass(frozen=True)
class Week:
    number: int  # 1-based
    block: str
    deload: bool
    starts: date
    days: tuple[Day, ...]


@dataclass(frozen=True)
class Block:
    kind: str
    first_week: int
    weeks: int
    explanation: str

    @property
    def title(self) -> str:
        return BLOCKS[self.kind].title


@dataclass(frozen=True)
class Plan:
    weeks: tuple[Week, ...]
    blocks: tuple[Block, ...]
    notice: str | None  # e.g. the short-peak warning

    def sets_per_week(self, lift: str, week: int) -> int:
        return sum(p.sets for d in self.weeks[week - 1].days for p in d.exercises if p.lift == lift)


def weeks_until(start: date, meet: date) -> int:
    """Whole plan weeks between ``start`` and ``meet`` (the last one ends on meet day); >= 1."""
    return max(MIN_WEEKS, -(-(meet - start).days // 7))


def block_lengths(weeks: int) -> list[tuple[str, int]]:
    """(kind, weeks) in order for a plan of ``weeks``; they always add up to ``weeks``.

    Meet week last, a taper week before it (two from 16 weeks), a peak of 1-3 weeks, and the
    rest split about 55/45 between base and strength.
    """
    if weeks < 1:
        raise PlanError("a plan needs at least one week")
    meet_week = 1
    taper = 0 if weeks < 3 else (2 if weeks >= 16 else 1)
    rest = weeks - meet_week - taper
    peak = min(3, max(1, int(rest * 0.25 + 0.5))) if rest > 0 else 0
    rest -= peak
    strength_weeks = int(rest * 0.45 + 0.5)
    base = rest - strength_weeks
    blocks = [
        ("base", base),
        ("strength", strength_weeks),
        ("peaking", peak),
        ("taper", taper),
        ("meet_week", meet_week),
    ]
    return [(kind, n) for kind, n in blocks if n > 0]


def frequencies(inputs: PlanInputs) -> dict[str, int]:
    """Sessions per week per lift: more for the most important lift, fewer for the least
    important and for lifts rated 1-2 for recovery (and heavy deadlifts kept to one a week
    for athletes who recover slowly from them). Each lift at least once a week."""
    days = inputs.days_per_week
    freq = dict(BASE_FREQUENCY[days])
    freq[inputs.most_important] += 1
    if inputs.least_important != inputs.most_important:
        freq[inputs.least_important] -= 1
    for lift in LIFTS:
        if inputs.recovery.get(lift, 3) <= 2 and lift != inputs.most_important:
            freq[lift] -= 1
        freq[lift] = min(max(freq[lift], 1), days)
    if not inputs.recovers_from_heavy_deadlifts and inputs.most_important != "deadlift":
        freq["deadlift"] = 1
    return freq


def _lift_days(freq: dict[str, int], days: int) -> list[list[str]]:
    """Spread each lift's sessions over the training days: evenly spaced, on the least busy
    days first (so no training day is left empty), squat and deadlift apart where possible."""
    schedule: list[list[str]] = [[] for _ in range(days)]
    offsets = {"squat": 0, "bench": 1 % days, "deadlift": days // 2}
    for lift in sorted(LIFTS, key=lambda name: -freq[name]):
        for k in range(freq[lift]):
            ideal = (offsets[lift] + k * days / freq[lift]) % days
            free = [d for d in range(days) if lift not in schedule[d]]
            best = min(
                free,
                key=lambda d: (
                    len(schedule[d]),
                    sum(lift in schedule[n] for n in (d - 1, (d + 1) % days)),  # not back to back
                    min(abs(d - ideal), days - abs(d - ideal)),
                ),
            )
            schedule[best].append(lift)
    return schedule


def _volume_factor(inputs: PlanInputs, lift: str) -> Decimal:
    factor = VOLUME[inputs.volume_preference]
    rating = inputs.recovery.get(lift, 3)
    if rating <= 2:
        factor *= Decimal("0.8")
    elif rating == 5:
        factor *= Decimal("1.1")
    return factor


def _progress(span: tuple, position: int, length: int):
    if length <= 1:
        return span[1]
    first, last = span
    step = (Decimal(last) - Decimal(first)) * position / (length - 1)
    value = Decimal(first) + step
    if isinstance(first, int):
        return int(value + Decimal("0.5"))
    return (value * 2).quantize(Decimal(1)) / 2  # RPE in half steps


def _main_lift(inputs, lift, style, position, length, deload, secondary, budget):
    e1rm = Decimal(inputs.e1rm_kg[lift])
    reps = _progress(style.top_reps, position, length)
    rpe = _progress(style.top_rpe, position, length)
    if secondary:  # the second weekly session of a lift: lighter, more reps
        reps, rpe = min(reps + 2, 10), max(rpe - 1, Decimal(6))
    if lift == "deadlift" and not inputs.recovers_from_heavy_deadlifts:
        rpe = max(rpe - Decimal("0.5"), Decimal(6))
    if deload:
        rpe = max(rpe - Decimal("1.5"), Decimal(6))
    name = {"squat": "Squat", "bench": "Bench press", "deadlift": "Deadlift"}[lift]
    if secondary:
        name = (
            {
                "squat": "Paused squat",
                "bench": "Close-grip bench press",
                "deadlift": "Paused deadlift",
            }[lift]
            if lift != "bench"
            else "Bench press (paused)"
        )
    top_load = loading.loadable(
        strength.load_for(e1rm, reps, rpe) * (Decimal("0.92") if secondary else 1), inputs.unit
    )
    backoff_sets = int(
        style.backoff_sets * _volume_factor(inputs, lift) * (Decimal("0.5") if deload else 1)
        + Decimal("0.5")
    )
    backoff_sets = max(1, min(backoff_sets, budget - 1)) if budget > 1 else 0
    top = Prescription(name, lift, 1, reps, rpe, "top set", top_load)
    items = [top]
    if backoff_sets:
        backoff_load = loading.loadable(top_load * style.backoff_drop, inputs.unit)
        items.append(
            Prescription(
                name,
                lift,
                backoff_sets,
                style.backoff_reps if not secondary else reps,
                max(rpe - 1, Decimal(6)),
                "back-off",
                backoff_load,
            )
        )
    return items


def _day(inputs, day_date, lifts, block, position, length, deload, seen):
    style = BLOCKS[block]
    budget = max(3, inputs.session_minutes // MINUTES_PER_SET)
    exercises: list[Prescription] = []
    ordered = sorted(lifts, key=lambda lift: (lift != inputs.most_important, LIFTS.index(lift)))
    for lift in ordered:
        secondary = seen.get(lift, 0) > 0 and block not in ("meet_week",)
        seen[lift] = seen.get(lift, 0) + 1
        share = budget // max(len(ordered), 1)
        exercises.extend(
            _main_lift(inputs, lift, style, position, length, deload, secondary, share)
        )
    used = sum(p.sets for p in exercises)
    if block in ("base", "strength") and not deload:
        for lift in ordered:
            if budget - used < 3:
                break
            accessory = ACCESSORIES[lift][position % len(ACCESSORIES[lift])]
            exercises.append(
                Prescription(
                    accessory, None, 3, 10 if block == "base" else 8, Decimal(8), "accessory", None
                )
            )
            used += 3
    title = " + ".join(lift.capitalize() for lift in ordered)
    return Day(day_date, title, tuple(exercises))


def generate_plan(inputs: PlanInputs) -> Plan:
    """Build the plan from ``inputs.start`` to meet day.

    Weeks are counted back from the meet (the last week ends on meet day); days before
    ``start`` are skipped. Under 3 weeks the plan is a short peak and says so.
    Raises PlanError for a meet before the start, more than 52 weeks out, days per week
    outside 2-7, an unknown lift or a missing/non-positive e1RM.
    """
    _validate(inputs)
    total_weeks = weeks_until(inputs.start, inputs.meet)
    blocks, weeks = [], []
    first_week = 1
    for kind, length in block_lengths(total_weeks):
        blocks.append(Block(kind, first_week, length, BLOCKS[kind].why))
        first_week += length
    freq = frequencies(inputs)
    schedule = _lift_days(freq, inputs.days_per_week)
    pattern = DAY_PATTERNS[inputs.days_per_week]
    for block in blocks:
        for position in range(block.weeks):
            number = block.first_week + position
            week_start = inputs.meet - timedelta(days=7 * (total_weeks - number + 1) - 1)
            deload = (
                block.kind in ("base", "strength") and block.weeks >= 4 and (position + 1) % 4 == 0
            )
            days, seen = [], {}
            for slot, offset in enumerate(pattern):
                day_date = week_start + timedelta(days=offset)
                if day_date < inputs.start or day_date >= inputs.meet:
                    continue
                if block.kind == "meet_week":
                    if (inputs.meet - day_date).days >= 3:  # nothing heavy in the last two days
                        openers = _day(inputs, day_date, LIFTS, block.kind, 0, 1, False, {})
                        days[:] = [openers]  # one openers session, the latest that fits
                    continue
                if schedule[slot]:
                    days.append(
                        _day(
                            inputs,
                            day_date,
                            schedule[slot],
                            block.kind,
                            position,
                            block.weeks,
                            deload,
                            seen,
                        )
                    )
            if number == total_weeks:
                days.append(Day(inputs.meet, "Meet day", (), is_meet=True))
            weeks.append(Week(number, block.kind, deload, week_start, tuple(days)))
    _balance(weeks, inputs)
    notice = None
    if total_weeks < SHORT_PEAK_WEEKS:
        notice = (
            f"Only {total_weeks} week{'s' if total_weeks > 1 else ''} to the meet: too "
            "little time to build strength, so this is a short peak to sharpen what you have."
        )
    return Plan(tuple(weeks), tuple(blocks), notice)


def _balance(weeks: list[Week], inputs: PlanInputs) -> None:
    """Make sure the most important lift never gets fewer weekly sets than the least important."""
    most, least = inputs.most_important, inputs.least_important
    for i, week in enumerate(weeks):
        excess = _sets(week, least) - _sets(week, most)
        if excess <= 0:
            continue
        days = []
        for day in week.days:
            exercises = []
            for p in day.exercises:
                if p.lift == least and p.kind == "back-off" and excess > 0:
                    cut = min(excess, p.sets - 1) if p.sets > 1 else 0
                    excess -= cut
                    p = Prescription(p.name, p.lift, p.sets - cut, p.reps, p.rpe, p.kind, p.load_kg)
                exercises.append(p)
            days.append(Day(day.day, day.title, tuple(exercises), day.is_meet))
        weeks[i] = Week(week.number, week.block, week.deload, week.starts, tuple(days))


def _sets(week: Week, lift: str) -> int:
    return sum(p.sets for d in week.days for p in d.exercises if p.lift == lift)


def _validate(inputs: PlanInputs) -> None:
    if inputs.meet < inputs.start:
        raise PlanError("the meet is before the plan starts")
    if (inputs.meet - inputs.start).days > MAX_WEEKS * 7:
        raise PlanError(f"the meet is more than {MAX_WEEKS} weeks away")
    if inputs.days_per_week not in DAY_PATTERNS:
        raise PlanError("train 2 to 7 days a week")
    if not 20 <= inputs.session_minutes <= 300:
        raise PlanError("sessions must be 20 to 300 minutes")
    if inputs.most_important not in LIFTS or inputs.least_important not in LIFTS:
        raise PlanError("lift priorities must be squat, bench or deadlift")
    if inputs.volume_preference not in VOLUME:
        raise PlanError("volume preference must be low, medium or high")
    for lift in LIFTS:
        value = inputs.e1rm_kg.get(lift)
        if value is None or Decimal(value) <= 0:
            raise PlanError(f"a current max for the {lift} is needed")
