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


def _session_page(client, user):
    from app.services import planner
    from app.web.onboarding.base import local_today

    today = local_today(user.time_zone)
    meet = planner.save_meet(
        user,
        {"name": "Open", "meet_date": today + timedelta(weeks=10), "federation": "IPF", "location": ""},
        "13131313-1313-4131-8131-131313131313",
        today,
    ).meet
    session = planner.next_session(meet.plan, today)
    html = client.get(f"/planner/sessions/{session.id}/workout").get_data(as_text=True)
    action = re.search(r'action="(/planner/sessions/\d+/workouts/[0-9a-f-]{36}/sets)"', html).group(1)
    return session, action


def _set(client_id_value, load="100"):
    return {"exercise": "Squat", "lift": "squat", "load": load, "reps": "5", "rpe": "8",
            "client_id": client_id_value}


def test_a_planned_session_starts_with_its_first_set_and_keeps_one_workout(client, signed_in, db):
    from app.models import Workout

    session, action = _session_page(client, signed_in)
    assert db.session.scalar(select(func.count()).select_from(Workout)) == 0  # not started yet
    first = client.post(action, data=_set("14141414-1414-4141-8141-141414141414"))
    assert first.status_code == 303
    again = client.post(action, data=_set("14141414-1414-4141-8141-141414141414"))  # a replay
    assert again.status_code == 303
    client.post(action, data=_set("15151515-1515-4151-8151-151515151515", "105"))
    # a page rendered before the workout existed (another tab) carries another workout id:
    # its sets still go to the session's open workout
    _, other_action = _session_page_again(client, session)
    client.post(other_action, data=_set("16161616-1616-4161-8161-161616161616", "110"))
    started = db.session.scalars(select(Workout)).all()
    assert [w.plan_session_id for w in started] == [session.id]
    loads = db.session.scalars(select(WorkoutSet.load_kg).order_by(WorkoutSet.id)).all()
    assert [f"{x.normalize():f}" for x in loads] == ["100", "105", "110"]
    page = client.get(f"/planner/sessions/{session.id}/workout").get_data(as_text=True)
    assert f'action="/planner/workouts/{started[0].id}/sets"' in page  # the open workout


def _session_page_again(client, session):
    other_id = "17171717-1717-4171-8171-171717171717"
    return session, f"/planner/sessions/{session.id}/workouts/{other_id}/sets"


def test_a_bad_set_on_a_planned_session_starts_nothing(client, signed_in, db):
    from app.models import Workout

    session, action = _session_page(client, signed_in)
    response = client.post(action, data={**_set("18181818-1818-4181-8181-181818181818"), "reps": "0"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Workout)) == 0


def test_session_workout_urls_refuse_odd_ids_and_other_peoples_sessions(client, signed_in, db):
    session, action = _session_page(client, signed_in)
    bad = action.replace(action.split("/")[-2], "not-a-uuid")
    assert client.post(bad, data=_set("19191919-1919-4191-8191-191919191919")).status_code == 404
    other = onboarded_athlete()
    client.post("/auth/sign-out")
    login(client, other.email)
    assert client.get(f"/planner/sessions/{session.id}/workout").status_code == 404
    assert client.post(action, data=_set("20202020-2020-4202-8202-202020202020")).status_code == 404
