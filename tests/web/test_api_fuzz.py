"""The JSON API's OpenAPI 3.1 document: valid, complete, and true. schemathesis fuzzes every
operation against it with valid and invalid requests, signed in with a read and write token:
never a 5xx, always an answer as documented. Deterministic (derandomized) and bounded, so CI
is stable."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.config import SchemathesisConfig

from app import create_app
from app.services import api_tokens, planner, workouts
from tests.services.test_training import meet_values, onboarded_athlete

API = "/api/v1"
EXAMPLES = 10  # per operation and phase: the whole file takes 30-45 s


def _document() -> dict:
    """The OpenAPI document as the app serves it (an app on no database: it needs none)."""
    app = create_app({"MEETDAY_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return app.test_client().get("/api/v1/openapi.json").get_json()


CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {"max-examples": EXAMPLES, "deterministic": True, "database": "none"},
        "phases": {"stateful": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_dict(_document(), config=CONFIG)


@pytest.fixture
def athlete(db):
    """An athlete with a meet (and its plan), an open workout with a set, and a read and
    write token: (the ids of their objects, the request headers)."""
    user = onboarded_athlete()
    today = date.today()
    values = {**meet_values(), "meet_date": today + timedelta(weeks=10)}
    meet = planner.save_meet(user, values, "fuzz-meet", today).meet
    workout = workouts.start_workout(user, "fuzz-workout", title="Fuzzed")
    workouts.log_set(user, workout, "Squat", "squat", 100, 5, None, "fuzz-set")
    secret = api_tokens.create_token(user, "fuzz", "read write", "fuzz-token").secret
    ids = {"meet_id": meet.id, "workout_id": workout.id}
    return ids, {"Authorization": f"Bearer {secret}"}


@schema.parametrize()
@settings(  # the athlete is made once per operation; its rows may grow across examples
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)
def test_api_answers_as_documented_and_never_5xx(case, app, athlete):
    ids, headers = athlete
    for name, value in (case.path_parameters or {}).items():
        if name in ids and isinstance(value, int):  # valid ids: make them the athlete's own
            case.path_parameters[name] = ids[name]
    case.call_and_validate(
        app=app, headers=headers, checks=[not_a_server_error, response_schema_conformance]
    )


def test_the_openapi_document_is_valid_3_1_and_covers_the_api(client, db):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    validate(document)  # raises on any error against the OpenAPI 3.1 schema
    assert document["openapi"] == "3.1.0"
    paths = document["paths"]
    for path, method in [
        ("/api/v1/me", "get"),
        ("/api/v1/meets", "post"),
        ("/api/v1/meets/{meet_id}/plan", "get"),
        ("/api/v1/workouts", "get"),
        ("/api/v1/workouts/{workout_id}/sets", "post"),
        ("/api/v1/workouts/{workout_id}/complete", "post"),
        ("/api/v1/posts", "get"),
        ("/api/v1/machine-notes", "post"),
        ("/api/v1/export.json", "get"),
        ("/api/v1/export.csv", "get"),
        ("/api/v1/calc/plates", "get"),
        ("/api/v1/calc/points", "get"),
        ("/api/v1/calc/e1rm", "get"),
    ]:
        assert method in paths[path], (path, method)
    create_set = paths["/api/v1/workouts/{workout_id}/sets"]["post"]
    assert create_set["security"] == [{"token": []}]
    assert {"201", "401", "403", "404", "422", "429"} <= set(create_set["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in create_set["parameters"])
    assert (
        "security" not in paths["/api/v1/calc/plates"]["get"]
        or not paths["/api/v1/calc/plates"]["get"]["security"]
    )
    assert document["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    assert not any("/profile" in p or "/planner" in p for p in paths)  # pages stay out
