"""The export through the JSON API: all of an athlete's data as one JSON document and as a ZIP
of CSV files, with no secret in either, and nobody else's rows."""

from __future__ import annotations

import csv
import io
import zipfile

from sqlalchemy import select

from app.models import ApiToken
from tests.services.test_training import onboarded_athlete
from tests.web.test_api import API, SQUAT_SET, keyed, meet_body, start
from tests.web.test_api_tokens import bearer, token_for


def test_the_export_holds_everything_and_no_secret(client, db, athlete, headers):
    meet = client.post(f"{API}/meets", json=meet_body(), headers=keyed(headers)).get_json()
    workout = start(client, headers, title="Heavy")
    client.post(f"{API}/workouts/{workout['id']}/sets", json=SQUAT_SET, headers=keyed(headers))
    client.post(f"{API}/workouts/{workout['id']}/complete", json={}, headers=headers)
    client.post(f"{API}/machine-notes", json={"brand": "Atlantis"}, headers=keyed(headers))
    secret = headers["Authorization"].split()[1]
    digest = db.session.scalar(select(ApiToken.digest))

    data = client.get(f"{API}/export.json", headers=headers)
    assert data.status_code == 200
    exported = data.get_json()
    assert exported["me"]["email"] == athlete.email
    assert exported["meets"][0]["id"] == meet["id"] and exported["meets"][0]["plan"]["sessions"]
    assert exported["workouts"][0]["sets"][0]["load_kg"] == 180
    assert exported["lift_estimates"][-1]["e1rm_kg"] == 208.57
    assert exported["machine_notes"][0]["brand"] == "Atlantis"
    assert exported["api_tokens"][0]["prefix"] == secret[:10]
    assert secret not in data.get_data(as_text=True) and digest not in data.get_data(as_text=True)

    archive = client.get(f"{API}/export.csv", headers=headers)
    assert archive.mimetype == "application/zip"
    assert "attachment" in archive.headers["Content-Disposition"]
    files = zipfile.ZipFile(io.BytesIO(archive.data))
    assert {
        "account.csv",
        "profile.csv",
        "meets.csv",
        "sets.csv",
        "training-log-strong.csv",
    } <= set(files.namelist())
    sets = list(csv.DictReader(io.StringIO(files.read("sets.csv").decode())))
    assert [(s["exercise"], s["load_kg"], s["reps"], s["rpe"]) for s in sets] == [
        ("Competition squat", "180", "3", "8")
    ]
    account = files.read("account.csv").decode()
    assert athlete.email in account and "password_hash" not in account
    everything = b"".join(files.read(name) for name in files.namelist())
    assert secret.encode() not in everything and digest.encode() not in everything
    assert b"$argon2" not in everything


def test_the_export_is_the_athletes_own(client, db, headers):
    rival_headers = bearer(token_for(onboarded_athlete()))
    start(client, rival_headers, title="Rival's day")
    exported = client.get(f"{API}/export.json", headers=headers).get_json()
    assert exported["workouts"] == []
