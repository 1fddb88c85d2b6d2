"""Planner pages: bad input on the meet and set forms, and typo protection on loads."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from app.models import Meet, WorkoutSet
from app.services import workouts
from tests.conftest import login
from tests.services.test_training import onboarded_athlete


@pytest.fixture
def signed_in(client, db):
    user = onboarded_athlete()
    login(client, user.email)
    return user


def client_id(html: str) -> str:
    return re.search(r'name="client_id" type="hidden" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("meet_date", "2027-13-45", "Not a valid date value."),
        ("meet_date", "2027-02-30", "Not a valid date value."),
        ("meet_date", "2020-01-01", "The meet date is in the past."),
        ("meet_date", (date.today() + timedelta(weeks=60)).isoformat(), "Plans reach 52 weeks out"),
        ("name", "   ", "Name the meet."),
        ("name", "x" * 10_240, "Keep the name under 120 characters."),
        ("federation", "WPC", "Not a valid choice."),
    ],
)
def test_bad_meet_input_gets_a_message_and_writes_nothing(
    client, signed_in, db, field, value, message
):
    form = {
        "name": "Nationals",
        "meet_date": (date.today() + timedelta(weeks=12)).isoformat(),
        "federation": "IPF",
        "location": "",
        "client_id": client_id(client.get("/planner/meets/new").get_data(as_text=True)),
    }
    response = client.post("/planner/meets/new", data={**form, field: value})
    assert response.status_code == 422
    assert message in unescape(response.get_data(as_text=True))
    assert db.session.scalar(select(func.count()).select_from(Meet)) == 0


def test_a_load_far_above_the_e1rm_needs_a_second_look(client, signed_in, db):
    workout = workouts.start_workout(signed_in, "12121212-1212-4121-8121-121212121212")
    form = {
        "exercise": "Squat",
        "lift": "squat",
        "load": "1000",
        "reps": "1",
        "rpe": "10",
        "client_id": "34343434-3434-4343-8343-343434343434",
    }
    typo = client.post(f"/planner/workouts/{workout.id}/sets", data=form)
    assert typo.status_code == 422
    assert "That's 500% of your squat e1RM (200 kg)" in unescape(typo.get_data(as_text=True))
    assert db.session.scalar(select(func.count()).select_from(WorkoutSet)) == 0
    sure = client.post(
        f"/planner/workouts/{workout.id}/sets", data={**form, "confirm": "y", "load": "225"}
    )
    assert sure.status_code == 303  # a real PR, confirmed
    assert db.session.scalar(select(WorkoutSet.load_kg)) == 225


def test_finishing_onboarding_builds_the_plan_from_the_profile_meet(client, db):
    from tests.conftest import make_user
    from tests.web.test_onboarding import STEPS, post_step

    make_user("new@example.com")
    login(client, "new@example.com")
    for step in range(1, 6):
        response = post_step(client, step)
    assert response.headers["Location"].endswith("/planner")
    meet = db.session.scalar(select(Meet))
    assert meet.meet_date.isoformat() == STEPS[2]["meet_date"] and meet.plan is not None
    assert meet.name == "My next meet" and meet.federation == "USAPL"
