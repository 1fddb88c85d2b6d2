"""The JSON API with a token: every endpoint with real values, other people's objects 404,
422s that name the field, and idempotent writes (also under 50 parallel requests on
PostgreSQL). The export and the OpenAPI document have files of their own."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.models import Meet, Post, Workout, WorkoutSet
from app.services import planner
from tests.conftest import make_athlete
from tests.services.test_training import onboarded_athlete
from tests.web.test_api_tokens import bearer, token_for

API = "/api/v1"


def keyed(headers: dict, key: str | None = None) -> dict:
    return {**headers, "Idempotency-Key": key or str(uuid.uuid4())}


def meet_body(weeks: int = 10, **overrides) -> dict:
    day = date.today() + timedelta(weeks=weeks)
    return {"name": "Nationals", "meet_date": day.isoformat(), "federation": "IPF", **overrides}


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def start(client, headers, **body) -> dict:
    response = client.post(f"{API}/workouts", json=body, headers=keyed(headers))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


SQUAT_SET = {"exercise": "Competition squat", "lift": "squat", "load_kg": 180, "reps": 3, "rpe": 8}


# Reads ------------------------------------------------------------------------------------------


def test_me_is_the_account_and_profile_in_kg(client, athlete, headers):
    me = client.get(f"{API}/me", headers=headers).get_json()
    assert me["email"] == athlete.email and me["mass_unit"] == "kg"
    assert me["profile"]["bodyweight_kg"] == 82.5 and me["profile"]["squat_best_kg"] == 200
    assert me["current_e1rm_kg"] == {"squat": 200.0, "bench": 130.0, "deadlift": 240.0}
    assert me["created_at"].endswith("Z")


def test_a_meet_made_through_the_api_has_its_plan(client, db, headers):
    response = client.post(f"{API}/meets", json=meet_body(location="Leeds"), headers=keyed(headers))
    assert response.status_code == 201
    meet = response.get_json()
    assert meet["has_plan"] and meet["location"] == "Leeds"
    assert response.headers["Location"].endswith(f"/api/v1/meets/{meet['id']}")
    assert client.get(f"{API}/meets", headers=headers).get_json()["items"] == [meet]
    assert client.get(f"{API}/meets/{meet['id']}", headers=headers).get_json() == meet
    plan = client.get(f"{API}/meets/{meet['id']}/plan", headers=headers).get_json()
    assert plan["meet_id"] == meet["id"] and plan["e1rm_kg"]["squat"] == 200
    assert plan["sessions"][-1]["is_meet"] and plan["sessions"][-1]["day"] == meet["meet_date"]
    loads = [e for s in plan["sessions"] for e in s["exercises"] if e["load_kg"] is not None]
    assert loads and all(e["prescribed_load_kg"] == e["load_kg"] for e in loads)  # maxes unchanged
    assert {b["kind"] for b in plan["blocks"]} >= {"peaking", "taper"}


def test_meet_rules_the_service_enforces_come_back_as_422_or_409(client, db, headers):
    past = client.post(f"{API}/meets", json=meet_body(weeks=-1), headers=keyed(headers))
    assert past.status_code == 422 and past.get_json()["field"] == "meet_date"
    assert "No plan possible" in past.get_json()["error"]
    far = client.post(f"{API}/meets", json=meet_body(weeks=60), headers=keyed(headers))
    assert far.status_code == 422 and "52 weeks" in far.get_json()["error"]
    newcomer = bearer(token_for(make_athlete()))  # profile marked complete but empty
    rookie = bearer(token_for(make_athlete_without_profile()))
    assert client.post(f"{API}/meets", json=meet_body(), headers=keyed(rookie)).status_code == 409
    no_max = client.post(f"{API}/meets", json=meet_body(), headers=keyed(newcomer))
    assert no_max.status_code == 422 and "max" in no_max.get_json()["error"]
    assert count(db, Meet) == 0


def make_athlete_without_profile():
    from tests.conftest import make_user

    return make_user()


def test_logging_a_workout_through_the_api(client, db, athlete, headers):
    today = date.today()
    meet = planner.save_meet(
        athlete,
        {**meet_body(), "meet_date": today + timedelta(weeks=10), "location": None},
        str(uuid.uuid4()),
        today,
    ).meet
    session = meet.plan.sessions[0]
    workout = start(client, headers, plan_session_id=session.id)
    assert workout["title"] == session.title and workout["plan_session_id"] == session.id
    assert workout["sets"] == [] and workout["completed_at"] is None
    logged = client.post(
        f"{API}/workouts/{workout['id']}/sets", json=SQUAT_SET, headers=keyed(headers)
    )
    assert logged.status_code == 201
    entry = logged.get_json()
    assert entry["load_kg"] == 180 and entry["rpe"] == 8 and entry["e1rm_kg"] == 208.57
    assert entry["position"] == 0 and entry["workout_id"] == workout["id"]
    bench = {"exercise": "Bench", "lift": "bench", "load_kg": 102.5, "reps": 5}
    client.post(f"{API}/workouts/{workout['id']}/sets", json=bench, headers=keyed(headers))
    shown = client.get(f"{API}/workouts/{workout['id']}", headers=headers).get_json()
    assert [s["exercise"] for s in shown["sets"]] == ["Competition squat", "Bench"]
    assert shown["set_count"] == 2

    done = client.post(
        f"{API}/workouts/{workout['id']}/complete", json={"notes": "Moved well"}, headers=headers
    )
    assert done.status_code == 200
    completed = done.get_json()
    assert completed["notes"] == "Moved well" and completed["completed_at"]
    summary = completed["summary"]
    assert summary["volume_kg"] == 180 * 3 + 102.5 * 5 and summary["sets"] == 2
    squat = next(lift for lift in summary["lifts"] if lift["lift"] == "squat")
    assert squat["e1rm_kg"] == 208.57 and squat["previous_e1rm_kg"] == 200 and squat["is_pr"]
    again = client.post(f"{API}/workouts/{workout['id']}/complete", json={}, headers=headers)
    assert again.get_json()["completed_at"] == completed["completed_at"]  # nothing changed
    late = client.post(
        f"{API}/workouts/{workout['id']}/sets", json=SQUAT_SET, headers=keyed(headers)
    )
    assert late.status_code == 409 and "finished" in late.get_json()["error"]
    me = client.get(f"{API}/me", headers=headers).get_json()
    assert me["current_e1rm_kg"]["squat"] == 208.57  # the new estimate counts


def test_workouts_are_listed_newest_first_a_page_at_a_time(client, db, headers):
    made = [start(client, headers, title=f"Day {n}")["id"] for n in range(5)]
    first = client.get(f"{API}/workouts?limit=2", headers=headers).get_json()
    assert [w["id"] for w in first["items"]] == made[::-1][:2] and first["next_cursor"]
    seen = [w["id"] for w in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = client.get(f"{API}/workouts?limit=2&cursor={cursor}", headers=headers).get_json()
        seen += [w["id"] for w in page["items"]]
        cursor = page["next_cursor"]
    assert seen == made[::-1]
    assert first["items"][0]["set_count"] == 0 and "sets" not in first["items"][0]


def test_posts_are_listed_as_metadata(client, db, athlete, headers):
    for n, status in enumerate(("ready", "processing")):
        db.session.add(
            Post(
                user_id=athlete.id,
                client_id=f"p{n}",
                movement="squat",
                load_kg=Decimal("190"),
                rpe=Decimal("8.5"),
                caption=f"Top set {n}",
                visibility="public",
                status=status,
            )
        )
    db.session.add(
        Post(
            user_id=make_athlete().id,
            client_id="x",
            movement="bench",
            visibility="public",
            status="ready",
        )
    )
    db.session.commit()
    page = client.get(f"{API}/posts", headers=headers).get_json()
    assert [p["caption"] for p in page["items"]] == ["Top set 1", "Top set 0"]
    assert page["items"][0]["load_kg"] == 190 and page["items"][0]["rpe"] == 8.5
    assert "media" not in page["items"][0] and page["next_cursor"] is None


def test_machine_notes_are_saved_and_listed(client, db, headers):
    note = {
        "brand": "Hammer Strength",
        "model": "Hack Squat",
        "machine_type": "hack_squat",
        "gym_name": "Iron Works",
        "settings": [{"name": "Seat", "value": "4"}, {"name": "", "value": ""}],
        "is_public": True,
    }
    response = client.post(f"{API}/machine-notes", json=note, headers=keyed(headers))
    assert response.status_code == 201
    saved = response.get_json()
    assert saved["settings"] == [{"name": "Seat", "value": "4"}] and saved["is_public"]
    assert client.get(f"{API}/machine-notes", headers=headers).get_json()["items"] == [saved]
    half = {**note, "settings": [{"name": "Seat", "value": ""}]}
    refused = client.post(f"{API}/machine-notes", json=half, headers=keyed(headers))
    assert refused.status_code == 422 and refused.get_json()["field"] == "settings"


# Validation -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**SQUAT_SET, "load_kg": 1200}, "load_kg"),
        ({**SQUAT_SET, "load_kg": -5}, "load_kg"),
        ({**SQUAT_SET, "reps": 0}, "reps"),
        ({**SQUAT_SET, "reps": 2.5}, "reps"),
        ({**SQUAT_SET, "rpe": 8.3}, "rpe"),
        ({**SQUAT_SET, "lift": "clean"}, "lift"),
        ({**SQUAT_SET, "exercise": "   "}, "exercise"),
        ({**SQUAT_SET, "weight": 100}, "weight"),
        ({k: v for k, v in SQUAT_SET.items() if k != "reps"}, "reps"),
        ([1, 2], "body"),
    ],
)
def test_bad_set_values_get_422_naming_the_field(client, db, headers, body, field):
    workout = start(client, headers)
    response = client.post(
        f"{API}/workouts/{workout['id']}/sets", json=body, headers=keyed(headers)
    )
    assert response.status_code == 422
    assert response.get_json()["field"] == field and field in response.get_json()["error"]
    assert count(db, WorkoutSet) == 0


def test_a_body_that_is_not_json_is_refused_not_crashed_on(client, db, headers):
    workout = start(client, headers)
    url = f"{API}/workouts/{workout['id']}/sets"
    form = client.post(url, data={"exercise": "Squat"}, headers=keyed(headers))
    assert form.status_code == 415 and "JSON" in form.get_json()["error"]
    broken = client.post(
        url, data="{not json", content_type="application/json", headers=keyed(headers)
    )
    assert broken.status_code == 400 and broken.get_json()["error"] == "The body isn't valid JSON."
    text = client.post(
        url, data=json.dumps(SQUAT_SET), content_type="text/plain", headers=keyed(headers)
    )
    assert text.status_code == 415
    for not_an_object in ("null", "[]", '"Squat"'):
        response = client.post(
            url, data=not_an_object, content_type="application/json", headers=keyed(headers)
        )
        assert response.status_code == 422 and response.get_json()["field"] == "body"
    # a cut-off body must not write the defaults: no workout titled "Training", no completion
    cut = client.post(
        f"{API}/workouts",
        data='{"title": ',
        content_type="application/json",
        headers=keyed(headers),
    )
    assert cut.status_code == 400
    done = client.post(
        f"{API}/workouts/{workout['id']}/complete",
        data='{"notes": "felt great, knee o',
        content_type="application/json",
        headers=headers,
    )
    assert done.status_code == 400
    assert count(db, WorkoutSet) == 0 and count(db, Workout) == 1
    db.session.expire_all()
    assert db.session.get(Workout, workout["id"]).completed_at is None
    long_key = client.post(url, json=SQUAT_SET, headers=keyed(headers, "k" * 65))
    assert long_key.status_code == 422 and long_key.get_json()["field"] == "Idempotency-Key"


def test_errors_under_the_api_are_json(client, db, headers):
    missing = client.get(f"{API}/nowhere", headers=headers)
    assert missing.status_code == 404 and missing.mimetype == "application/json"
    not_mine = client.get(f"{API}/workouts/999999", headers=headers)
    assert not_mine.get_json() == {
        "error": "Not found: no such object among yours, or no such URL."
    }
    wrong = client.delete(f"{API}/me", headers=headers)
    assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"]
    huge = client.get(f"{API}/workouts/99999999999999999999", headers=headers)
    assert huge.status_code == 404
    nul = client.get(f"{API}/workouts?cursor=1.1%00", headers=headers)
    assert nul.status_code == 400 and "error" in nul.get_json()


def test_a_nul_in_a_json_body_is_refused_and_nothing_stored(client, db, headers):
    """PostgreSQL text can't hold NUL: the app's guard answers 400 (the schema's pattern, a
    422, stands behind it), never a driver error."""
    workout = start(client, headers)
    body = {**SQUAT_SET, "exercise": "Squat\x00"}
    response = client.post(
        f"{API}/workouts/{workout['id']}/sets", json=body, headers=keyed(headers)
    )
    assert response.status_code in (400, 422) and "error" in response.get_json()
    assert count(db, WorkoutSet) == 0


# Per-object authorisation -----------------------------------------------------------------------


def test_another_athletes_objects_are_404_everywhere(client, db, headers):
    rival = onboarded_athlete()
    rival_headers = bearer(token_for(rival))
    meet = client.post(f"{API}/meets", json=meet_body(), headers=keyed(rival_headers)).get_json()
    workout = start(client, rival_headers)
    session_id = db.session.get(Meet, meet["id"]).plan.sessions[0].id
    attempts = [
        client.get(f"{API}/meets/{meet['id']}", headers=headers),
        client.get(f"{API}/meets/{meet['id']}/plan", headers=headers),
        client.get(f"{API}/workouts/{workout['id']}", headers=headers),
        client.post(f"{API}/workouts/{workout['id']}/sets", json=SQUAT_SET, headers=keyed(headers)),
        client.post(f"{API}/workouts/{workout['id']}/complete", json={}, headers=headers),
        client.post(
            f"{API}/workouts", json={"plan_session_id": session_id}, headers=keyed(headers)
        ),
    ]
    assert [a.status_code for a in attempts] == [404] * 6
    assert client.get(f"{API}/workouts", headers=headers).get_json()["items"] == []
    assert client.get(f"{API}/meets", headers=headers).get_json()["items"] == []
    assert (
        count(db, WorkoutSet) == 0 and db.session.get(Workout, workout["id"]).completed_at is None
    )


# Idempotency ------------------------------------------------------------------------------------


def test_a_repeated_idempotency_key_returns_the_original_result(client, db, headers):
    workout_headers = keyed(headers, "workout-1")
    first = client.post(f"{API}/workouts", json={"title": "Heavy"}, headers=workout_headers)
    second = client.post(f"{API}/workouts", json={"title": "Heavy"}, headers=workout_headers)
    assert (first.status_code, first.get_json()) == (second.status_code, second.get_json())
    url = f"{API}/workouts/{first.get_json()['id']}/sets"
    sets = [client.post(url, json=SQUAT_SET, headers=keyed(headers, "set-1")) for _ in range(3)]
    assert {(r.status_code, r.data) for r in sets} == {(201, sets[0].data)}
    meets = [
        client.post(f"{API}/meets", json=meet_body(), headers=keyed(headers, "meet-1"))
        for _ in range(2)
    ]
    assert meets[0].status_code == meets[1].status_code == 201 and meets[0].data == meets[1].data
    note = {"brand": "Atlantis", "machine_type": "leg_press"}
    notes = [
        client.post(f"{API}/machine-notes", json=note, headers=keyed(headers, "note-1"))
        for _ in range(2)
    ]
    assert notes[0].data == notes[1].data
    assert [count(db, m) for m in (Workout, WorkoutSet, Meet)] == [1, 1, 1]
    fresh = client.post(url, json=SQUAT_SET, headers=keyed(headers))  # a new key is a new set
    assert fresh.status_code == 201 and count(db, WorkoutSet) == 2


def test_a_key_reused_for_a_different_request_is_refused(client, db, headers):
    """A replay must send the same request; the same key with another body, or on another
    workout, is a client bug: 422 naming the key, and nothing written or returned."""
    workout, other = start(client, headers), start(client, headers)
    url = f"{API}/workouts/{workout['id']}/sets"
    assert client.post(url, json=SQUAT_SET, headers=keyed(headers, "set-k")).status_code == 201
    bench = {**SQUAT_SET, "exercise": "Bench press", "lift": "bench", "load_kg": 100}
    for target, body in ((url, bench), (f"{API}/workouts/{other['id']}/sets", SQUAT_SET)):
        response = client.post(target, json=body, headers=keyed(headers, "set-k"))
        assert response.status_code == 422, target
        assert response.get_json()["field"] == "Idempotency-Key"
    assert count(db, WorkoutSet) == 1
    heavy = client.post(f"{API}/workouts", json={"title": "Heavy"}, headers=keyed(headers, "w-k"))
    assert heavy.status_code == 201
    light = client.post(f"{API}/workouts", json={"title": "Light"}, headers=keyed(headers, "w-k"))
    assert light.status_code == 422 and count(db, Workout) == 3


def test_a_key_replayed_after_the_workout_is_finished_still_returns_the_set(client, db, headers):
    workout = start(client, headers)
    url = f"{API}/workouts/{workout['id']}/sets"
    first = client.post(url, json=SQUAT_SET, headers=keyed(headers, "late-retry"))
    client.post(f"{API}/workouts/{workout['id']}/complete", json={}, headers=headers)
    retry = client.post(url, json=SQUAT_SET, headers=keyed(headers, "late-retry"))
    assert retry.status_code == 201 and retry.data == first.data


def test_a_key_whose_meet_was_deleted_gives_409_not_another_meet(client, db, athlete, headers):
    kept = client.post(f"{API}/meets", json=meet_body(weeks=8), headers=keyed(headers)).get_json()
    first = client.post(f"{API}/meets", json=meet_body(), headers=keyed(headers, "gone"))
    planner.delete_meet(db.session.get(Meet, first.get_json()["id"]))
    again = client.post(f"{API}/meets", json=meet_body(), headers=keyed(headers, "gone"))
    assert again.status_code == 409 and "already used" in again.get_json()["error"]
    assert [m.id for m in db.session.scalars(select(Meet))] == [kept["id"]]


def parallel(app, count_, request) -> list:
    """``count_`` requests at once from as many threads, each with its own app context."""
    barrier = threading.Barrier(count_)
    answers = [None] * count_

    def send(n):
        with app.test_client() as client:
            barrier.wait()
            answers[n] = request(client)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(count_)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def test_fifty_parallel_requests_with_one_key_make_one_row(app, db, headers):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises writers: the race needs PostgreSQL")
    client = app.test_client()
    workout = start(client, headers)
    url = f"{API}/workouts/{workout['id']}/sets"
    answers = parallel(
        app, 50, lambda c: c.post(url, json=SQUAT_SET, headers=keyed(headers, "race"))
    )
    assert {(a.status_code, a.data) for a in answers} == {(201, answers[0].data)}
    assert count(db, WorkoutSet) == 1
    starts = parallel(
        app, 50, lambda c: c.post(f"{API}/workouts", json={}, headers=keyed(headers, "race-w"))
    )
    assert {(a.status_code, a.data) for a in starts} == {(201, starts[0].data)}
    assert count(db, Workout) == 2
    meets = parallel(
        app,
        20,
        lambda c: c.post(f"{API}/meets", json=meet_body(), headers=keyed(headers, "race-m")),
    )
    assert {(a.status_code, a.data) for a in meets} == {(201, meets[0].data)}
    assert count(db, Meet) == 1
