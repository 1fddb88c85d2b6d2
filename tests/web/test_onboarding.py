"""Onboarding: five steps in the user's units, idempotent by client id, strict validation."""

from datetime import date, timedelta
from decimal import Decimal
from html import unescape

import pytest
from sqlalchemy import func, select

from app.domain.units import KG_PER_LB
from app.models import AthleteProfile, WriteReceipt
from app.services import hashing
from tests.conftest import form_client_id, login, make_user

MEET = (date.today() + timedelta(days=70)).isoformat()

# A lifter who works in lb and ft/in, competing USAPL (classes from 2022-01-01).
STEPS = {
    1: {
        "mass_unit": "lb",
        "height_unit": "ftin",
        "sex": "M",
        "age": "31",
        "bodyweight": "198",
        "height_ft": "5",
        "height_in": "11",
        "time_zone": "America/Chicago",
    },
    2: {
        "federation": "USAPL",
        "meet_date": MEET,
        "weeks_to_meet": "",
        "weight_class": "90",
        "weight_plan": "cut",
        "target_bodyweight": "196",
        "past_competitions": "2025 Raw Nationals",
    },
    3: {
        "squat_best": "385",
        "squat_best_reps": "1",
        "bench_best": "245",
        "bench_best_reps": "3",
        "deadlift_best": "455",
        "deadlift_best_reps": "1",
        "squat_goal": "405",
        "bench_goal": "265",
        "deadlift_goal": "500",
        "most_important_lift": "squat",
        "least_important_lift": "bench",
        "planned_gain_per_month": "5",
        "evaluate_feasibility": "yes",
    },
    4: {
        "days_per_week": "4",
        "session_minutes": "90",
        "volume_preference": "medium",
        "squat_recovery": "4",
        "bench_recovery": "5",
        "deadlift_recovery": "2",
        "recovers_from_heavy_deadlifts": "no",
        "deadlift_style": "sumo",
        "squat_stance": "medium",
        "knee_sleeves": "yes",
    },
    5: {
        "form_issues": "Knees cave on the way up",
        "injuries": "",
        "feed_visibility": "passcode",
        "passcode": "platform-2026",
    },
}


@pytest.fixture
def athlete(client, db):
    user = make_user("athlete@example.com")
    login(client, "athlete@example.com")
    return user


def post_step(client, step, **changes):
    client_id = form_client_id(client.get(f"/profile/steps/{step}").get_data(as_text=True))
    data = {**STEPS[step], "client_id": client_id, **changes}
    return client.post(f"/profile/steps/{step}", data=data)


def complete_steps(client, upto):
    for step in range(1, upto + 1):
        response = post_step(client, step)
        assert response.status_code == 303, unescape(response.get_data(as_text=True))


def profile(db):
    db.session.expire_all()
    return db.session.scalar(select(AthleteProfile))


def test_onboarding_in_lb_stores_exact_kg(client, athlete, db):
    complete_steps(client, 5)
    stored = profile(db)
    assert stored.is_complete and stored.steps_done == 5
    # 405 lb = 183.70490985 kg (1 lb = 0.45359237 kg); stored to 0.1 g
    assert stored.squat_goal_kg == Decimal("183.7049")
    assert stored.squat_goal_kg.quantize(Decimal("0.01")) == Decimal("183.70")
    assert abs(stored.bodyweight_kg - 198 * KG_PER_LB) < Decimal("0.00005")
    assert stored.height_cm == Decimal("180.3")  # 71 in x 2.54 = 180.34 cm
    assert stored.meet_date.isoformat() == MEET
    assert (stored.federation, stored.weight_class, stored.weight_plan) == ("USAPL", "90", "cut")
    assert stored.bench_best_reps == 3 and stored.recovers_from_heavy_deadlifts is False
    assert stored.knee_sleeves is True and stored.deadlift_style == "sumo"
    assert stored.feed_passcode_hash.startswith("$argon2id$")
    assert hashing.verify_secret(stored.feed_passcode_hash, "platform-2026")
    assert (athlete.mass_unit, athlete.height_unit, athlete.time_zone) == (
        "lb",
        "ftin",
        "America/Chicago",
    )


def test_profile_page_shows_loads_in_the_users_unit(client, athlete, db):
    complete_steps(client, 5)
    page = unescape(client.get("/profile").get_data(as_text=True))
    assert "405 lb" in page and "183.7 kg" in page
    assert "5 ft 11 in" in page  # 180.3 cm shown back in ft/in
    assert "USAPL" in page and "90 kg" in page


def test_weeks_until_meet_derives_the_date(client, athlete, db):
    complete_steps(client, 1)
    response = post_step(client, 2, meet_date="", weeks_to_meet="12")
    assert response.status_code == 303
    assert profile(db).meet_date == date.today() + timedelta(weeks=12)


def test_repeated_client_id_is_the_same_write(client, athlete, db):
    client_id = form_client_id(client.get("/profile/steps/1").get_data(as_text=True))
    first = client.post("/profile/steps/1", data={**STEPS[1], "client_id": client_id})
    replay = client.post("/profile/steps/1", data={**STEPS[1], "client_id": client_id})
    assert first.status_code == replay.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(AthleteProfile)) == 1
    assert db.session.scalar(select(func.count()).select_from(WriteReceipt)) == 1
    assert profile(db).bodyweight_kg == Decimal("89.8113")  # 198 lb


def test_a_stale_form_with_new_values_is_saved_not_dropped(client, athlete, db):
    # The browser's Back button can bring back a form with an id already used
    client_id = form_client_id(client.get("/profile/steps/1").get_data(as_text=True))
    client.post("/profile/steps/1", data={**STEPS[1], "client_id": client_id})
    client.post("/profile/steps/1", data={**STEPS[1], "bodyweight": "200", "client_id": client_id})
    assert profile(db).bodyweight_kg == Decimal("90.7185")  # 200 lb x 0.45359237


def test_a_value_left_as_shown_keeps_its_stored_kg(client, athlete, db):
    complete_steps(client, 5)
    stored = profile(db)
    stored.bodyweight_kg = Decimal("66")  # a class limit, saved in kg before switching to lb
    db.session.commit()
    # The form shows 145.51 lb; saving it unchanged must not turn 66 kg into 66.0022 kg
    page = client.get("/profile/steps/1").get_data(as_text=True)
    assert 'value="145.51"' in page
    post_step(client, 1, bodyweight="145.51")
    assert profile(db).bodyweight_kg == Decimal("66.0000")


def test_editing_later_keeps_the_profile_complete(client, athlete, db):
    complete_steps(client, 5)
    response = post_step(client, 3, squat_goal="410")
    assert response.status_code == 303 and response.headers["Location"].endswith("/profile")
    assert profile(db).squat_goal_kg == Decimal("185.9729")  # 410 x 0.45359237 = 185.97287


def test_athletes_must_finish_onboarding_first(client, athlete, db):
    response = client.get("/planner")
    assert response.status_code == 302 and response.headers["Location"].endswith("/steps/1")
    assert client.get("/profile/steps/4").headers["Location"].endswith("/steps/1")


def test_weight_classes_follow_the_federation(htmx_client, db):
    make_user("a@example.com")
    login(htmx_client, "a@example.com")
    complete_steps(htmx_client, 1)
    fragment = htmx_client.get(f"/profile/weight-classes?federation=IPF&meet_date={MEET}")
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and 'value="93"' in html and 'value="90"' not in html
    html = htmx_client.get(f"/profile/weight-classes?federation=USAPL&meet_date={MEET}").get_data(
        as_text=True
    )
    assert 'value="90"' in html and 'value="140+"' in html


BAD_INPUT = [
    (1, "age", "", "Age is required."),
    (1, "age", "thirty", "Enter a whole number."),
    (1, "age", "-5", "Enter an age between 13 and 100."),
    (1, "age", "25.5", "Enter a whole number."),
    (1, "age", "9" * 10_240, "Enter a whole number."),
    (1, "bodyweight", "", "Bodyweight is required."),
    (1, "bodyweight", "-80", "Enter a bodyweight between 66 lb and 551 lb."),
    (1, "bodyweight", "heavy", "Enter a number, like 82.5."),
    (1, "bodyweight", "NaN", "Enter a number, like 82.5."),
    (1, "bodyweight", "1e30", "That number is far too large."),
    (1, "height_in", "1e30", "That number is far too large."),
    (1, "bodyweight", "1" * 10_240, "Enter a number, like 82.5."),
    (1, "sex", "", "Choose the category you compete in."),
    (1, "sex", "X", "Not a valid choice."),
    (1, "mass_unit", "stone", "Not a valid choice."),
    (1, "height_ft", "", "Height is required."),
    (1, "height_ft", "9", "Enter a height between 3 ft 11 in and 7 ft 6 in."),
    (1, "height_in", "14", "Inches must be from 0 to under 12."),
    (1, "time_zone", "Mars/Olympus_Mons", "Choose a time zone from the list."),
    (1, "time_zone", "x" * 10_240, "Choose a time zone from the list."),
    (1, "height_unit", "furlong", "Not a valid choice."),
    (1, "height_cm", "-170", "Enter a height between 120 and 230 cm.", {"height_unit": "cm"}),
    (1, "height_cm", "tall", "Enter a number, like 82.5.", {"height_unit": "cm"}),
    (1, "height_cm", "", "Height is required.", {"height_unit": "cm"}),
    (1, "time_zone", "", "Choose a time zone from the list."),
    (2, "federation", "WPC", "Not a valid choice."),
    (2, "weeks_to_meet", "-3", "Enter between 1 and 104 weeks.", {"meet_date": ""}),
    (2, "weeks_to_meet", "x" * 10_240, "Enter a whole number.", {"meet_date": ""}),
    (2, "meet_date", "", "Enter the meet date or the weeks until it."),
    (2, "meet_date", "2020-01-01", "The meet date is in the past."),
    (2, "meet_date", "1980-01-01", "The meet date is in the past.", {"federation": "USPA"}),
    (2, "meet_date", "31/31/2027", "Not a valid date value."),
    (2, "weeks_to_meet", "0", "Enter between 1 and 104 weeks."),
    (2, "weight_class", "83", "Not a valid choice."),
    (2, "weight_plan", "bulk", "Not a valid choice."),
    (2, "target_bodyweight", "", "Enter the bodyweight you want to cut to."),
    (2, "target_bodyweight", "210", "A cut needs a target below your bodyweight."),
    (2, "target_bodyweight", "1e30", "That number is far too large."),
    (2, "weight_class", "82.5", "You'd weigh in at 196 lb, over the 82.5 kg (181 lb) limit"),
    (2, "weeks_to_meet", "600000", "Enter between 1 and 104 weeks.", {"meet_date": ""}),
    (
        2,
        "weeks_to_meet",
        "99999999999999999999",
        "That number is far too large.",
        {"meet_date": ""},
    ),
    (2, "weeks_to_meet", "-2000", "Enter between 1 and 104 weeks.", {"meet_date": ""}),
    (2, "past_competitions", "x" * 10_240, "Keep this under 2000 characters."),
    (3, "squat_best", "-100", "Enter a load between 2 lb and 1323 lb."),
    (3, "squat_best", "", "Squat best is required."),
    (3, "bench_best_reps", "0", "Enter 1 to 10 reps."),
    (3, "squat_best_reps", "2.5", "Enter a whole number."),
    (3, "deadlift_best_reps", "11", "Enter 1 to 10 reps."),
    (3, "bench_best", "x" * 10_240, "Enter a number, like 82.5."),
    (3, "deadlift_best", "0", "Enter a load between 2 lb and 1323 lb."),
    (3, "squat_goal", "-405", "Enter a goal between 2 lb and 1323 lb."),
    (3, "bench_goal", "", "Bench goal is required."),
    (3, "deadlift_goal", "x" * 10_240, "Enter a number, like 82.5."),
    (3, "most_important_lift", "clean", "Not a valid choice."),
    (3, "least_important_lift", "squat", "Pick a different lift from your most important one."),
    (3, "planned_gain_per_month", "-1", "Enter a monthly gain between 0 lb and 44 lb."),
    (3, "evaluate_feasibility", "maybe", "Not a valid choice."),
    (4, "days_per_week", "1", "Not a valid choice."),
    (4, "days_per_week", "", "Choose training days per week."),
    (4, "days_per_week", "seven", "Not a valid choice."),
    (4, "session_minutes", "600", "Enter 30 to 240 minutes."),
    (4, "session_minutes", "x" * 10_240, "Enter a whole number."),
    (4, "volume_preference", "extreme", "Not a valid choice."),
    (4, "bench_recovery", "0", "Not a valid choice."),
    (4, "deadlift_recovery", "", "Choose a deadlift recovery rating."),
    (4, "squat_recovery", "6", "Not a valid choice."),
    (4, "recovers_from_heavy_deadlifts", "", "Choose yes or no."),
    (4, "deadlift_style", "trap bar", "Not a valid choice."),
    (4, "squat_stance", "", "Choose a squat stance."),
    (4, "knee_sleeves", "", "Choose yes or no."),
    (5, "form_issues", "x" * 10_240, "Keep this under 2000 characters."),
    (5, "injuries", "x" * 10_240, "Keep this under 2000 characters."),
    (5, "feed_visibility", "friends", "Not a valid choice."),
    (5, "passcode", "", "Choose a passcode for your feed."),
    (5, "passcode", "abc", "Use 4 to 64 characters."),
]


def snapshot(db):
    row = profile(db)
    if row is None:
        return None
    return {c.name: getattr(row, c.key) for c in AthleteProfile.__table__.columns}


@pytest.mark.parametrize("case", BAD_INPUT, ids=[f"{c[0]}-{c[1]}-{c[2][:12]}" for c in BAD_INPUT])
def test_bad_input_is_refused_at_the_field_and_nothing_is_written(client, athlete, db, case):
    step, field, value, message, *extra = case
    complete_steps(client, step - 1)
    before = snapshot(db)
    receipts_before = db.session.scalar(select(func.count()).select_from(WriteReceipt))
    response = post_step(client, step, **(extra[0] if extra else {}), **{field: value})
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert f'<p class="field-error" id="{field}-error">{message}' in html
    assert snapshot(db) == before
    assert db.session.scalar(select(func.count()).select_from(WriteReceipt)) == receipts_before


def test_a_missing_client_id_is_refused(client, athlete, db):
    response = client.post("/profile/steps/1", data=STEPS[1])
    assert response.status_code == 422
    assert "lost its id" in response.get_data(as_text=True)
    assert profile(db) is None


def test_a_coach_without_an_athlete_profile_sees_their_account(client, db):
    make_user("coach@example.com", role="coach", display_name="Dana Reyes")
    login(client, "coach@example.com")
    assert client.get("/planner").status_code == 200  # coaches are not sent to onboarding
    page = client.get("/profile").get_data(as_text=True)
    assert "Dana Reyes" in page and "Add my athlete profile" in page


def test_changing_sex_clears_a_class_that_no_longer_exists(client, athlete, db):
    complete_steps(client, 5)
    post_step(client, 2, federation="IPF", weight_class="93")
    assert profile(db).weight_class == "93"
    post_step(client, 1, sex="F")  # IPF women have no 93 kg class (47 ... 84, 84+)
    assert profile(db).weight_class is None
    assert "Choose your class" in client.get("/profile").get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "top_class"),
    [
        ("federation=USPA&meet_date=1980-01-01", "140+"),
        ("federation=IPF&weeks_to_meet=600000", "120+"),
        ("federation=IPF&weeks_to_meet=-2000", "120+"),
    ],
)
def test_weight_class_fragment_survives_dates_out_of_range(htmx_client, db, query, top_class):
    make_user("a@example.com")
    login(htmx_client, "a@example.com")
    complete_steps(htmx_client, 1)
    response = htmx_client.get(f"/profile/weight-classes?{query}")
    assert response.status_code == 200
    assert f'value="{top_class}"' in response.get_data(as_text=True)  # today's classes


def test_nul_bytes_are_refused_with_400(client, athlete, db):
    response = client.post("/auth/sign-in", data={"email": "a\x00b@example.com", "password": "x"})
    assert response.status_code == 400
