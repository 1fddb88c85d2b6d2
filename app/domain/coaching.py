"""The rule-based AI coach: specific, numeric advice from an athlete's recent training facts.

It answers when no LLM endpoint is configured or the LLM fails. Loads are kg (shown in the
athlete's unit), RPE is the RTS chart's (domain.strength), loads round to plates (domain.loading).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from app.domain import loading, strength
from app.domain.programming import LIFTS
from app.domain.units import display_mass, plain

SAME_LOAD = Decimal("0.01")  # loads within 1% are the same load (plate rounding, kg <-> lb)
OFF_TARGET = Decimal(1)  # a mean of a full RPE point off target is running hot or cold
TREND_DAYS = 42  # the e1RM trend looks back 6 weeks
FLAT = Decimal("0.01")  # a fitted change within 1% of the e1RM is flat (under a half RPE step)
TAPER_DAYS, PEAK_DAYS = 14, 28
PHASES = {
    "taper": "taper time, cut volume by about 40-60% and keep the intensity",
    "peaking": "peaking time, heavier top sets of 1-3 reps while volume comes down",
    "build": "build phase, volume and strength work while there is time",
}
REP_NAMES = {1: "single", 2: "double", 3: "triple"}


@dataclass(frozen=True)
class TopSet:
    """The heaviest set of one lift in one session, as logged; kg, RPE 6-10 or None."""

    day: date
    lift: str
    load_kg: Decimal
    reps: int
    rpe: Decimal | None
    target_rpe: Decimal | None = None


@dataclass(frozen=True)
class PlannedTopSet:
    """The next session's prescribed top set for a lift; kg."""

    day: date
    lift: str
    load_kg: Decimal
    reps: int
    target_rpe: Decimal


@dataclass(frozen=True)
class AthleteFacts:
    """What the coach knows: loads in kg, ``mass_unit`` ('kg' | 'lb') only for display."""

    today: date
    mass_unit: str
    meet_date: date | None = None
    meet_name: str | None = None
    top_sets: tuple[TopSet, ...] = ()
    e1rm_history: dict[str, tuple[tuple[date, Decimal], ...]] = field(default_factory=dict)
    next_sets: tuple[PlannedTopSet, ...] = ()
    # meet attempts per lift, (opener, second, third) in kg: pinned in a chat, else planned
    attempts: dict[str, tuple[Decimal, Decimal, Decimal]] = field(default_factory=dict)
    attempts_source: str = "planned"  # 'pinned' | 'planned'


@dataclass(frozen=True)
class Advice:
    """The reply (plain text lines) and tags of what was found ('rpe-drift:squat', ...)."""

    text: str
    findings: tuple[str, ...]


def meet_phase(days: int) -> str:
    """'taper' in the last 2 weeks (<= 14 days), 'peaking' in weeks 3-4, else 'build'.

    A taper of 1-2 weeks at kept intensity follows Pritchard et al. 2015 (J Strength Cond Res
    29(5):1368-1378); the peak before it is block periodisation's realisation (Issurin 2010).
    """
    return "taper" if days <= TAPER_DAYS else "peaking" if days <= PEAK_DAYS else "build"


def rpe_drift(sets: list[TopSet]) -> tuple[str, TopSet, TopSet] | None:
    """(kind, previous, last) over a lift's last two rated top sets (``sets`` oldest first).

    'rising': the same load (within 1%) and reps felt harder than the session before; 'over':
    both ran at least 1 RPE above their targets. None otherwise. Assumption (a coaching
    heuristic): two sessions make a trend, a single hard day is noise.
    """
    rated = [s for s in sets if s.rpe is not None]
    if len(rated) < 2:
        return None
    prev, last = rated[-2:]
    same = abs(last.load_kg - prev.load_kg) <= prev.load_kg * SAME_LOAD and last.reps == prev.reps
    if same and last.rpe > prev.rpe:
        return "rising", prev, last
    if all(s.target_rpe is not None and s.rpe - s.target_rpe >= OFF_TARGET for s in (prev, last)):
        return "over", prev, last
    return None


def rpe_offset(sets: list[TopSet]) -> Decimal | None:
    """Mean of (RPE - target RPE) over the last two top sets that have both; None if fewer.

    A mean of +1 or more is running hot, -1 or less running cold (OFF_TARGET; an assumption:
    one RPE point is 3-4.5% of the load at 1-5 reps on the RTS chart).
    """
    both = [s.rpe - s.target_rpe for s in sets if s.rpe is not None and s.target_rpe is not None]
    return sum(both[-2:]) / 2 if len(both) >= 2 else None


def e1rm_trend(points, today: date) -> tuple[Decimal, Decimal, int, Decimal] | None:
    """(first kg, last kg, span days, kg per week) of (day, e1RM kg) points in the last 6 weeks.

    The rate is the least-squares slope with 3 or more points, else first to last; None with
    fewer than 2 points on different days. Flat (in advise) when the fitted change is within 1%
    of the e1RM: an assumption, half an RPE step at a single is 2.2% on the RTS chart.
    """
    window = sorted(p for p in points if p[0] >= today - timedelta(days=TREND_DAYS))
    if len(window) < 2 or window[0][0] == window[-1][0]:
        return None
    xs = [Decimal((d - window[0][0]).days) for d, _ in window]
    ys = [Decimal(v) for _, v in window]
    if len(window) >= 3:
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        num = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
        slope = num / sum((x - mx) ** 2 for x in xs)
    else:
        slope = (ys[-1] - ys[0]) / xs[-1]
    return ys[0], ys[-1], int(xs[-1]), slope * 7


def next_load(sets: list[TopSet], plan: PlannedTopSet, unit: str) -> tuple[Decimal, Decimal] | None:
    """(e1RM kg, load kg) for ``plan``'s reps at its target RPE, from the newest rated set.

    e1RM by strength.e1rm_rpe, load by strength.load_for (RPE autoregulation: Helms et al. 2016,
    Strength Cond J 38(4):42-49), rounded to the nearest plate step in ``unit`` (2.5 kg / 5 lb,
    loading.loadable); an exact tie goes down for a reduction, up otherwise. None when no set of
    ``sets`` (oldest first) or the plan is on the chart (1-12 reps, RPE 6-10).
    """
    for s in reversed([s for s in sets if s.rpe is not None]):
        try:
            e1rm = strength.e1rm_rpe(s.load_kg, s.reps, s.rpe)
            raw = strength.load_for(e1rm, plan.reps, plan.target_rpe)
        except strength.StrengthInputError:
            continue
        down, up = loading.loadable(raw, unit, "down"), loading.loadable(raw, unit, "up")
        tie_down = raw - down == up - raw and raw < plan.load_kg
        return e1rm, down if raw - down < up - raw or tie_down else up
    return None


def advise(facts: AthleteFacts, trigger: str = "dm", question: str | None = None) -> Advice:
    """Reply to a DM (``question`` is its text) or comment on a completed workout.

    ``trigger`` is 'dm' or 'workout' (the latest day's top sets). A lift named in the question
    leads. Every line cites numbers; without facts the reply says what to log. A planned load
    changes only down for drift or running hot and up for running cold (next_load); otherwise
    it stands. Loads in ``facts.mass_unit``. Raises ValueError for another trigger.
    """
    if trigger not in ("dm", "workout"):
        raise ValueError(f"unknown trigger {trigger!r}; expected 'dm' or 'workout'")
    unit, findings = facts.mass_unit, []
    by_lift: dict[str, list[TopSet]] = {}
    for s in sorted(facts.top_sets, key=lambda s: s.day):
        by_lift.setdefault(s.lift, []).append(s)
    meet = _meet_lines(facts, findings)
    if not by_lift and not any(facts.e1rm_history.values()) and not facts.next_sets:
        findings.append("needs-data")
        example = "180 kg x3 @ 8" if unit == "kg" else "405 lb x3 @ 8"
        need = "I need numbers to coach you: log each lift's top set as load x reps @ RPE"
        need += f" (RPE 6-10 in half steps), e.g. squat {example}."
        answers = _answers(facts, trigger, question, findings)
        return Advice("\n".join([*answers, need, *meet]), tuple(findings))
    lifts = {*by_lift, *facts.e1rm_history, *(p.lift for p in facts.next_sets)}
    head = []
    if trigger == "workout" and by_lift:
        latest = max(s.day for s in facts.top_sets)
        done = sorted((s for s in facts.top_sets if s.day == latest), key=lambda s: _rank(s.lift))
        lifts = {s.lift for s in done}
        head = [
            f"Workout of {_day(latest)}: " + "; ".join(_logged(s, unit, True) for s in done) + "."
        ]
        findings.append("workout")
    order = sorted(lifts, key=_rank)
    asked = _asked_lift(question)
    if asked in order:
        order.insert(0, order.pop(order.index(asked)))
    blocks = [_lift_lines(lift, by_lift.get(lift, []), facts, findings) for lift in order]
    lead = len(blocks) if trigger == "workout" else int(asked in order)
    lines = head + sum(blocks[:lead], []) + meet + sum(blocks[lead:], [])
    return Advice("\n".join(_answers(facts, trigger, question, findings) + lines), tuple(findings))


def _answers(facts: AthleteFacts, trigger: str, question: str | None, findings) -> list[str]:
    """What a question asks for directly, before the general lines: pain, then attempts."""
    lines = []
    if PAIN.search(question or ""):
        findings.append("pain")
        lines.append(PAIN_LINE)
    if trigger == "dm" and facts.attempts and ATTEMPTS_ASKED.search(question or ""):
        findings.append("attempts")
        lines += _attempt_lines(facts, _asked_lift(question))
    return lines


# A question about pain gets this first, whatever the numbers say: load advice is no answer
# to an injury (an assumption of prudence, not a sourced protocol).
PAIN = re.compile(r"\b(pain\w*|hurt\w*|injur\w*|tweak\w*|sharp|numb\w*|popped)\b", re.I)
PAIN_LINE = (
    "Pain first: don't load a lift that hurts. Skip or swap it today, tell your coach, and see a "
    "physio or doctor if it is sharp, numb or lasts more than 2-3 days. The numbers below can wait."
)
ATTEMPTS_ASKED = re.compile(r"\b(opener|openers|attempts?|third|second attempt|meet day)\b", re.I)


def _attempt_lines(facts: AthleteFacts, asked: str | None) -> list[str]:
    """The meet attempts, the asked lift first: 'Deadlift attempts (planned): 235 / 250 / 260 kg'."""
    unit = facts.mass_unit
    order = sorted(facts.attempts, key=_rank)
    if asked in order:
        order.insert(0, order.pop(order.index(asked)))
    lines = []
    for lift in order:
        opener, second, third = facts.attempts[lift]
        loads = " / ".join(
            plain(display_mass(kg, unit).split()[0]) for kg in (opener, second, third)
        )
        lines.append(f"{lift.capitalize()} attempts ({facts.attempts_source}): {loads} {unit}.")
    return lines


def _meet_lines(facts: AthleteFacts, findings: list[str]) -> list[str]:
    name = facts.meet_name or "your meet"
    if facts.meet_date is None:
        findings.append("no-meet")
        return ["Set a meet date and I'll count the weeks out and pace the peak (taper 1-2 weeks)."]
    days = (facts.meet_date - facts.today).days
    if days <= 0:
        findings.append("meet-passed" if days else "meet-day")
        if not days:
            return [f"0 days out: {name} is today. Open with a weight you'd triple on a bad day."]
        return [f"{name} was {_n(-days, 'day')} ago ({_day(facts.meet_date)}): set the next one."]
    findings.append("weeks-out")
    weeks, rest = divmod(days, 7)
    span = " and ".join(_n(n, w) for n, w in ((weeks, "week"), (rest, "day")) if n)
    return [f"{span} out ({_n(days, 'day')}) to {name}: {PHASES[meet_phase(days)]}."]


def _lift_lines(lift: str, sets: list[TopSet], facts: AthleteFacts, findings) -> list[str]:
    unit, name, lines = facts.mass_unit, lift.capitalize(), []
    drift, offset = rpe_drift(sets), rpe_offset(sets)
    heat = "" if offset is None or abs(offset) < OFF_TARGET else "hot" if offset > 0 else "cold"
    if drift:
        findings.append(f"rpe-drift:{lift}")
        lines.append(_drift_line(name, *drift, unit))
    if heat:
        findings.append(f"running-{heat}:{lift}")
        if not drift or drift[0] != "over":
            off = ("" if offset < 0 else "+") + plain(offset.quantize(Decimal("0.01")))
            lines.append(f"{name} is running {heat}: {off} RPE against target over two top sets.")
    trend = e1rm_trend(facts.e1rm_history.get(lift, ()), facts.today)
    if trend:
        findings.append(f"e1rm-trend:{lift}")
        first, last, span, per_week = trend
        word = "rising" if per_week > 0 else "falling"
        word = "flat" if abs(per_week * span / 7) < FLAT * last else word
        rate = (
            f"({_signed(per_week, unit)}/week)"
            if word == "flat"
            else f"{_signed(per_week, unit)}/week"
        )
        lines.append(
            f"{name} e1RM {word} {rate} over {span} days (latest {display_mass(last, unit)})."
        )
    for plan in sorted((p for p in facts.next_sets if p.lift == lift), key=lambda p: p.day):
        tag, line = _plan_line(
            plan, sets, unit, cut=bool(drift) or heat == "hot", add=heat == "cold"
        )
        findings.append(f"{tag}:{lift}")
        lines.append(line)
    if not lines and sets:
        lines.append(f"{name}: last top set {_logged(sets[-1], unit)} on {_day(sets[-1].day)}.")
    return lines


def _drift_line(name: str, kind: str, prev: TopSet, last: TopSet, unit: str) -> str:
    if kind == "rising":
        return (
            f"{name} {display_mass(last.load_kg, unit)} x{last.reps} went from RPE"
            f" {plain(prev.rpe)} to {plain(last.rpe)} ({_day(prev.day)} to {_day(last.day)})."
        )
    running = "weeks" if 6 <= (last.day - prev.day).days <= 8 else "sessions"
    top = f"top {_reps(last.reps)}" if prev.reps == last.reps else "top sets"
    rpe = _both(plain(prev.rpe), plain(last.rpe))
    target = _both(plain(prev.target_rpe), plain(last.target_rpe))
    sets = _both(*(f"{display_mass(s.load_kg, unit)} x{s.reps}" for s in (prev, last)))
    return f"{name} {top} at RPE {rpe} two {running} running against a target of {target} ({sets})."


def _plan_line(plan: PlannedTopSet, sets, unit: str, cut: bool, add: bool) -> tuple[str, str]:
    what = f"Next {plan.lift} top {_reps(plan.reps)} @ {plain(plan.target_rpe)} ({_day(plan.day)})"
    planned = display_mass(plan.load_kg, unit)
    found = next_load(sets, plan, unit) if cut or add else None
    if found:
        e1rm, load = found
        change = load - plan.load_kg
        if (change < 0 and cut) or (change > 0 and add):
            return "adjust-next", (
                f"{what}: {display_mass(load, unit)} instead of {planned}"
                f" ({_signed(change, unit)}), from your e1RM of {display_mass(e1rm, unit)}."
            )
    rated = [s for s in sets if s.rpe is not None]
    why = f"last top set: {_logged(rated[-1], unit)}" if rated else "no rated top set yet"
    return "next-stands", f"{what}: the planned {planned} stands ({why})."


def _logged(s: TopSet, unit: str, e1rm: bool = False) -> str:
    """A set as the athlete reads it: 'squat 200 kg x1 @ 9.5, target 8, e1RM 204.5 kg'."""
    text = f"{s.lift} {display_mass(s.load_kg, unit)} x{s.reps}"
    if s.rpe is None:
        return text
    text += f" @ {plain(s.rpe)}"
    text += f", target {plain(s.target_rpe)}" if s.target_rpe is not None else ""
    try:
        estimate = strength.e1rm_rpe(s.load_kg, s.reps, s.rpe) if e1rm else None
    except strength.StrengthInputError:
        estimate = None
    return text + (f", e1RM {display_mass(estimate, unit)}" if estimate else "")


def _asked_lift(question: str | None) -> str | None:
    match = re.search(r"\b(squat|bench|dead|dl\b)", (question or "").lower())
    return {"dead": "deadlift", "dl": "deadlift"}.get(match[1], match[1]) if match else None


def _signed(kg, unit: str) -> str:
    text = display_mass(abs(kg), unit)
    return text if text.startswith("0 ") else ("-" if kg < 0 else "+") + text


def _both(first: str, second: str) -> str:
    return first if first == second else f"{first} then {second}"


def _rank(lift: str) -> tuple[int, str]:
    return (LIFTS.index(lift) if lift in LIFTS else len(LIFTS), lift)


def _reps(reps: int) -> str:
    return REP_NAMES.get(reps, f"set of {reps}")


def _n(count: int, word: str) -> str:
    return f"{count} {word}" + ("s" if count != 1 else "")


def _day(day: date) -> str:
    return f"{day:%b} {day.day}"
