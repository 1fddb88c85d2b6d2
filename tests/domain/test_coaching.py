"""The rule-based coach: numeric advice checked against the published RTS chart (../shared/refdata)."""

import csv
import statistics
from datetime import date, timedelta
from decimal import ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal

import pytest

from app.domain import coaching
from app.domain.coaching import AthleteFacts, PlannedTopSet, TopSet
from tests.conftest import shared_file

TODAY = date(2025, 3, 17)
LB = Decimal("0.45359237")  # kg per lb, exact (1959 agreement)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def lb(pounds) -> Decimal:
    """A load entered in lb, stored as kg to 0.1 g the way the app stores it."""
    return (Decimal(pounds) * LB).quantize(Decimal("0.0001"))


@pytest.fixture(scope="module")
def pct():
    """%1RM for (reps, RPE) from the published rts_classic chart, as a fraction."""
    rows = csv.DictReader(shared_file("refdata", "rpe_table.csv").read_text().splitlines())
    table = {
        (int(r["reps"]), Decimal(r["rpe"])): Decimal(r["pct_1rm"]) / 100
        for r in rows
        if r["table"] == "rts_classic" and r["pct_1rm"]
    }
    return lambda reps, rpe: table[(reps, Decimal(str(rpe)))]


def shown(value: Decimal) -> str:
    """A decimal as the reply prints it: '187.5', '190', '15'."""
    return f"{value.normalize():f}"


def plates(value, step, reduction: bool) -> Decimal:
    """Nearest multiple of ``step``; an exact tie goes down for a reduction."""
    steps = (Decimal(value) / step).quantize(
        Decimal(1), ROUND_HALF_DOWN if reduction else ROUND_HALF_UP
    )
    return steps * step


def hot_squat(unit: str, load, planned) -> AthleteFacts:
    """Squat single at RPE 9.5 two weeks running against a target of 8; the meet 6 weeks out."""
    return AthleteFacts(
        today=TODAY,
        mass_unit=unit,
        meet_date=TODAY + timedelta(days=42),
        meet_name="Nationals",
        top_sets=(
            TopSet(ago(7), "squat", load, 1, Decimal("9.5"), Decimal(8)),
            TopSet(TODAY, "squat", load, 1, Decimal("9.5"), Decimal(8)),
        ),
        next_sets=(PlannedTopSet(TODAY + timedelta(days=3), "squat", planned, 1, Decimal(8)),),
    )


def test_a_squat_running_hot_six_weeks_out_gets_a_lighter_single_in_kg(pct):
    advice = coaching.advise(hot_squat("kg", Decimal(200), Decimal(195)))

    # 200 kg x1 @ 9.5 -> e1RM 200 / 0.978; 1 @ 8 is 92.2% of it, rounded to 2.5 kg plates
    expected = plates(200 / pct(1, "9.5") * pct(1, 8), Decimal("2.5"), reduction=True)
    assert expected == Decimal("187.5")
    text = advice.text
    assert "6 weeks out (42 days) to Nationals" in text
    assert "RPE 9.5 two weeks running against a target of 8 (200 kg x1)" in text
    assert f"{shown(expected)} kg instead of 195 kg (-{shown(195 - expected)} kg)" in text
    assert "-7.5 kg" in text
    assert {"weeks-out", "rpe-drift:squat", "running-hot:squat", "adjust-next:squat"} <= set(
        advice.findings
    )


def test_the_same_history_for_an_lb_athlete_is_shown_in_lb_on_5_lb_steps(pct):
    advice = coaching.advise(hot_squat("lb", lb(440), lb(430)))

    expected = plates(440 / pct(1, "9.5") * pct(1, 8), Decimal(5), reduction=True)
    assert expected == Decimal(415)
    text = advice.text
    assert "6 weeks" in text and "9.5" in text and "440 lb x1" in text
    assert f"{shown(expected)} lb instead of 430 lb (-{shown(430 - expected)} lb)" in text
    assert " kg" not in text
    assert "adjust-next:squat" in advice.findings


def test_rising_rpe_at_the_same_load_is_reported_and_trims_the_next_single(pct):
    facts = AthleteFacts(
        today=TODAY,
        mass_unit="kg",
        top_sets=(
            TopSet(ago(7), "squat", Decimal(200), 1, Decimal(9)),
            TopSet(TODAY, "squat", Decimal(201), 1, Decimal("9.5")),  # within 1% of 200 kg
        ),
        next_sets=(PlannedTopSet(TODAY + timedelta(days=2), "squat", Decimal(195), 1, Decimal(8)),),
    )
    advice = coaching.advise(facts)

    expected = plates(201 / pct(1, "9.5") * pct(1, 8), Decimal("2.5"), reduction=True)
    assert expected == Decimal(190)
    assert "Squat 201 kg x1 went from RPE 9 to 9.5 (Mar 10 to Mar 17)" in advice.text
    assert f"{shown(expected)} kg instead of 195 kg (-{shown(195 - expected)} kg)" in advice.text
    assert "rpe-drift:squat" in advice.findings


def test_rising_rpe_alone_never_adds_load(pct):
    facts = AthleteFacts(
        today=TODAY,
        mass_unit="kg",
        top_sets=(
            TopSet(ago(7), "bench", Decimal(100), 3, Decimal(7)),
            TopSet(TODAY, "bench", Decimal(100), 3, Decimal("7.5")),
        ),
        next_sets=(PlannedTopSet(TODAY + timedelta(days=2), "bench", Decimal(100), 3, Decimal(8)),),
    )
    # the chart would allow more (100 / 85.0% x 86.3%), but a rising RPE is no reason to add
    assert 100 / pct(3, "7.5") * pct(3, 8) > 101
    advice = coaching.advise(facts)
    assert "the planned 100 kg stands" in advice.text
    assert "next-stands:bench" in advice.findings


def test_an_e1rm_rising_a_plate_a_week_is_reported_per_week():
    history = {
        "bench": ((ago(14), Decimal(140)), (ago(7), Decimal("142.5")), (TODAY, Decimal(145)))
    }
    advice = coaching.advise(AthleteFacts(today=TODAY, mass_unit="kg", e1rm_history=history))

    assert "Bench e1RM rising +2.5 kg/week over 14 days (latest 145 kg)" in advice.text
    assert "e1rm-trend:bench" in advice.findings


def test_the_e1rm_trend_is_a_least_squares_fit_over_the_last_six_weeks():
    days_values = [(60, 100), (35, 200), (28, 201), (21, 199), (7, 204), (0, 203)]
    history = {"deadlift": tuple((ago(d), Decimal(v)) for d, v in days_values)}
    # outside the 6-week window: the 100 kg point; the rest fitted independently
    fit = statistics.linear_regression(
        [-d for d, _ in days_values[1:]], [v for _, v in days_values[1:]]
    )
    per_week = Decimal(str(fit.slope * 7)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert per_week == Decimal("0.8")

    advice = coaching.advise(AthleteFacts(today=TODAY, mass_unit="kg", e1rm_history=history))
    assert f"rising +{per_week} kg/week over 35 days (latest 203 kg)" in advice.text
    assert "Deadlift e1RM rising" in advice.text


@pytest.mark.parametrize(
    ("values", "word", "rate"),
    [((145, 142.5, 140), "falling", "-2.5 kg/week"), ((140, 141, 140), "flat", "0 kg/week")],
)
def test_falling_and_flat_e1rm_trends(values, word, rate):
    history = {
        "squat": tuple((ago(d), Decimal(str(v))) for d, v in zip((14, 7, 0), values, strict=True))
    }
    advice = coaching.advise(AthleteFacts(today=TODAY, mass_unit="kg", e1rm_history=history))
    assert f"Squat e1RM {word}" in advice.text and rate in advice.text


def test_a_squat_running_cold_gets_a_heavier_triple(pct):
    facts = AthleteFacts(
        today=TODAY,
        mass_unit="kg",
        top_sets=(
            TopSet(ago(7), "squat", Decimal(180), 3, Decimal(7), Decimal("8.5")),
            TopSet(TODAY, "squat", Decimal(180), 3, Decimal(7), Decimal("8.5")),
        ),
        next_sets=(
            PlannedTopSet(TODAY + timedelta(days=3), "squat", Decimal(180), 3, Decimal("8.5")),
        ),
    )
    advice = coaching.advise(facts)

    expected = plates(180 / pct(3, 7) * pct(3, "8.5"), Decimal("2.5"), reduction=False)
    assert expected == Decimal(190)
    assert "running cold: -1.5 RPE" in advice.text
    assert f"{shown(expected)} kg instead of 180 kg (+{shown(expected - 180)} kg)" in advice.text
    assert {"running-cold:squat", "adjust-next:squat"} <= set(advice.findings)


def test_on_target_top_sets_keep_the_planned_load():
    facts = AthleteFacts(
        today=TODAY,
        mass_unit="kg",
        meet_date=TODAY + timedelta(days=45),
        top_sets=(
            TopSet(ago(7), "bench", Decimal(140), 3, Decimal(8), Decimal(8)),
            TopSet(TODAY, "bench", Decimal("142.5"), 3, Decimal("8.5"), Decimal(8)),
        ),
        next_sets=(PlannedTopSet(TODAY + timedelta(days=3), "bench", Decimal(145), 3, Decimal(8)),),
    )
    advice = coaching.advise(facts)

    assert (
        "the planned 145 kg stands (last top set: bench 142.5 kg x3 @ 8.5, target 8)" in advice.text
    )
    assert "6 weeks and 3 days out (45 days)" in advice.text
    assert "next-stands:bench" in advice.findings
    assert not [f for f in advice.findings if f.startswith(("rpe-drift", "adjust-next"))]


def test_a_completed_workout_gets_comments_on_the_latest_days_sets(pct):
    facts = AthleteFacts(
        today=TODAY,
        mass_unit="kg",
        meet_date=TODAY + timedelta(days=42),
        top_sets=(
            TopSet(ago(3), "deadlift", Decimal(240), 2, Decimal(8)),
            TopSet(ago(7), "squat", Decimal(200), 1, Decimal("9.5"), Decimal(8)),
            TopSet(TODAY, "bench", Decimal("142.5"), 3, Decimal(8), Decimal(8)),
            TopSet(TODAY, "squat", Decimal(200), 1, Decimal("9.5"), Decimal(8)),
        ),
    )
    advice = coaching.advise(facts, trigger="workout")

    squat_e1rm = (200 / pct(1, "9.5")).quantize(Decimal("0.1"), ROUND_HALF_UP)
    bench_e1rm = (Decimal("142.5") / pct(3, 8)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    first = advice.text.splitlines()[0]
    assert first == (
        f"Workout of Mar 17: squat 200 kg x1 @ 9.5, target 8, e1RM {squat_e1rm} kg; "
        f"bench 142.5 kg x3 @ 8, target 8, e1RM {bench_e1rm} kg."
    )
    assert "two weeks running" in advice.text
    assert "deadlift" not in advice.text.lower()
    assert "workout" in advice.findings


def test_a_question_about_a_lift_leads_with_that_lift():
    facts = hot_squat("kg", Decimal(200), Decimal(195))
    facts = AthleteFacts(
        today=facts.today,
        mass_unit="kg",
        meet_date=facts.meet_date,
        top_sets=facts.top_sets,
        e1rm_history={"bench": ((ago(7), Decimal(140)), (TODAY, Decimal("142.5")))},
    )
    assert coaching.advise(facts).text.startswith("6 weeks out")
    asked = coaching.advise(facts, question="How's my bench looking?")
    assert asked.text.startswith("Bench e1RM rising +2.5 kg/week over 7 days (latest 142.5 kg)")


@pytest.mark.parametrize(
    ("unit", "example"), [("kg", "squat 180 kg x3 @ 8"), ("lb", "squat 405 lb x3 @ 8")]
)
def test_no_facts_says_what_the_coach_needs(unit, example):
    advice = coaching.advise(AthleteFacts(today=TODAY, mass_unit=unit))

    assert "log each lift's top set as load x reps @ RPE (RPE 6-10 in half steps)" in advice.text
    assert example in advice.text
    assert "Set a meet date" in advice.text
    assert set(advice.findings) == {"needs-data", "no-meet"}


@pytest.mark.parametrize(
    ("days", "phase", "words"),
    [(7, "taper", "1 week out (7 days)"), (14, "taper", "2 weeks out (14 days)"),
     (15, "peaking", "2 weeks and 1 day out (15 days)"), (28, "peaking", "4 weeks out"),
     (29, "build", "4 weeks and 1 day out")],
)  # fmt: skip
def test_weeks_out_and_the_phase(days, phase, words):
    assert coaching.meet_phase(days) == phase
    facts = AthleteFacts(today=TODAY, mass_unit="kg", meet_date=TODAY + timedelta(days=days))
    assert words in coaching.advise(facts).text


def test_an_unknown_trigger_is_refused():
    with pytest.raises(ValueError, match="trigger"):
        coaching.advise(AthleteFacts(today=TODAY, mass_unit="kg"), trigger="cron")


def test_a_question_about_pain_is_answered_with_pain_first():
    facts = AthleteFacts(
        today=TODAY,
        mass_unit="kg",
        e1rm_history={"squat": ((ago(7), Decimal(200)), (TODAY, Decimal("202.5")))},
    )
    advice = coaching.advise(facts, question="My knee hurts when I squat, should I skip tomorrow?")
    assert advice.text.startswith("Pain first: don't load a lift that hurts.")
    assert "pain" in advice.findings and "Squat e1RM rising" in advice.text


def test_a_question_about_openers_gets_the_attempts_in_the_athletes_unit():
    attempts = {
        "deadlift": (Decimal(235), Decimal(250), Decimal(260)),
        "squat": (Decimal(200), Decimal(210), Decimal("217.5")),
    }
    kg = AthleteFacts(
        today=TODAY,
        mass_unit="kg",
        attempts=attempts,
        attempts_source="pinned",
        e1rm_history={"deadlift": ((ago(7), Decimal(270)), (TODAY, Decimal(272)))},
    )
    advice = coaching.advise(kg, question="What should my deadlift opener be?")
    assert advice.text.startswith("Deadlift attempts (pinned): 235 / 250 / 260 kg.")
    assert "Squat attempts (pinned): 200 / 210 / 217.5 kg." in advice.text
    # 235 kg / 0.45359237 kg per lb = 518.08 lb, shown to 0.1 lb
    lb = AthleteFacts(today=TODAY, mass_unit="lb", attempts=attempts)
    assert (
        "Deadlift attempts (planned): 518.1 / 551.2 / 573.2 lb."
        in coaching.advise(lb, question="openers?").text
    )
