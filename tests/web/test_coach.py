"""The coach's pages: invites, the roster, editing an athlete's session, and who may see what."""

import re
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.models import CoachInvite, CoachLink, PlanSession, Workout
from app.models.types import utcnow
from app.services import planner, roster, social, workouts
from app.web.onboarding.base import local_today
from tests.conftest import login, make_athlete, make_user
from tests.services.test_training import onboarded_athlete


def invite_code(client) -> str:
    client.post("/coach/invites")
    page = client.get("/coach").get_data(as_text=True)
    return re.search(r'data-code="([A-Z0-9]{8})"', page).group(1)


def planned_athlete(name: str, **user):
    """An onboarded athlete with maxes (a plan can be built), named ``name``."""
    athlete = onboarded_athlete()
    athlete.display_name = name
    for key, value in user.items():
        setattr(athlete, key, value)
    from app.extensions import db

    db.session.commit()
    return athlete


def with_plan(athlete, weeks=8):
    today = local_today("UTC")
    meet = {"name": "Nationals", "meet_date": today + timedelta(weeks=weeks), "federation": "IPF"}
    return planner.save_meet(athlete, meet, "33333333-3333-4333-8333-333333333333", today).meet


def test_athletes_and_strangers_cannot_open_coach_or_admin_pages(client, db):
    athlete = make_athlete()
    login(client, athlete.email)
    for path in ("/coach", "/admin", "/coach/athletes/1", "/coach/sessions/1"):
        assert client.get(path).status_code == 404, path
    assert client.post("/coach/invites").status_code == 404


def test_a_coach_sees_only_their_athletes(client, db):
    coach, other_coach = make_user(role="coach"), make_user(role="coach")
    mine, theirs = planned_athlete("Mine"), planned_athlete("Theirs")
    social.link_coach(coach, mine)
    social.link_coach(other_coach, theirs)
    session_id = with_plan(theirs).plan.sessions[0].id
    with_plan(mine)
    login(client, coach.email)
    page = client.get("/coach").get_data(as_text=True)
    assert "Mine" in page and "Theirs" not in page
    assert client.get(f"/coach/athletes/{mine.id}").status_code == 200
    assert client.get(f"/coach/athletes/{theirs.id}").status_code == 404
    assert client.get(f"/coach/sessions/{session_id}").status_code == 404
    assert client.post(f"/coach/sessions/{session_id}", data={}).status_code == 404


def test_invite_accept_and_leave(client, db):
    coach = make_user(role="coach", display_name="Dana")
    athlete = make_athlete(display_name="Sam")
    login(client, coach.email)
    code = invite_code(client)
    client.post("/auth/sign-out")
    login(client, athlete.email)
    page = client.get(f"/coach/join/{code.lower()}").get_data(as_text=True)  # case forgiven
    assert "Join Dana's team?" in page
    assert client.post("/coach/join", data={"code": code}).status_code == 303
    assert client.post("/coach/join", data={"code": code}).status_code == 303  # twice: no-op
    assert roster.coach_of(athlete).id == coach.id
    assert "Dana</strong> coaches you" in client.get("/profile").get_data(as_text=True)
    other = make_athlete()
    client.post("/auth/sign-out")
    login(client, other.email)
    used = client.post("/coach/join", data={"code": code})
    assert used.status_code == 422 and "used or withdrawn" in used.get_data(as_text=True)
    bad = client.post("/coach/join", data={"code": "NOPE-NOPE"})
    assert bad.status_code == 422 and "invite code isn&#39;t right" in bad.get_data(as_text=True)
    client.post("/auth/sign-out")
    login(client, athlete.email)
    client.post("/coach/leave")
    assert roster.coach_of(athlete) is None
    assert db.session.scalar(select(CoachLink)) is None


def test_an_expired_invite_is_refused(db):
    coach, athlete = make_user(role="coach"), make_athlete()
    invite = roster.create_invite(coach, now=utcnow() - timedelta(days=15))
    try:
        roster.accept_invite(athlete, invite.code)
    except roster.InviteError as error:
        assert "expired" in str(error)
    else:
        raise AssertionError("an expired invite was accepted")
    assert db.session.scalar(select(CoachInvite)).accepted_at is None


def test_the_coach_edits_a_session_in_the_athletes_unit(client, db):
    coach = make_user(role="coach")
    athlete = planned_athlete("Sam", mass_unit="lb")
    social.link_coach(coach, athlete)
    session = with_plan(athlete).plan.sessions[0]
    top = next(e for e in session.exercises if e.load_kg is not None)
    login(client, coach.email)
    form = {}
    for ex in session.exercises:
        form.update(
            {
                f"ex{ex.id}_sets": ex.sets,
                f"ex{ex.id}_reps": ex.reps,
                f"ex{ex.id}_rpe": str(ex.rpe),
                f"ex{ex.id}_load": "",
            }
        )
    bad = client.post(f"/coach/sessions/{session.id}", data={**form, f"ex{top.id}_rpe": "11"})
    assert bad.status_code == 422 and "RPE goes from 6 to 10" in bad.get_data(as_text=True)
    form[f"ex{top.id}_load"] = "315"
    form[f"ex{top.id}_rpe"] = "7.5"
    assert client.post(f"/coach/sessions/{session.id}", data=form).status_code == 303
    db.session.expire_all()
    edited = db.session.get(PlanSession, session.id)
    changed = next(e for e in edited.exercises if e.id == top.id)
    # 315 lb x 0.45359237 kg/lb = 142.88159655 kg, stored to 4 decimals
    assert changed.load_kg == Decimal("142.8816") and changed.rpe == Decimal("7.5")


def test_the_roster_shows_adherence_and_flags(client, db):
    coach = make_user(role="coach")
    athlete = planned_athlete("Sam")
    social.link_coach(coach, athlete)
    meet = with_plan(athlete, weeks=8)
    today = local_today("UTC")
    past = [s for s in meet.plan.sessions if s.day < today]
    assert not past  # a fresh plan starts today: nothing is overdue yet
    for s in meet.plan.sessions[:2]:
        s.day = today - timedelta(days=2)
    db.session.commit()
    done = meet.plan.sessions[0]
    workout = workouts.start_workout(athlete, "w-1", plan_session=done)
    workouts.log_set(athlete, workout, "Squat", "squat", Decimal(100), 5, Decimal(8), "s-1")
    workouts.complete_workout(athlete, workout, "Left knee pain on the last set", now=utcnow())
    login(client, coach.email)
    page = client.get("/coach").get_data(as_text=True)
    assert "50%" in page and "(1/2)" in page
    assert "1 missed session this week" in page
    assert "Pain noted" in page
    assert db.session.scalar(select(Workout)).notes.startswith("Left knee")


def test_a_rebuilt_plan_keeps_the_sessions_the_coach_edited(client, db):
    coach = make_user(role="coach")
    athlete = planned_athlete("Sam")
    social.link_coach(coach, athlete)
    meet = with_plan(athlete, weeks=8)
    session = meet.plan.sessions[1]
    day, top = session.day, next(e for e in session.exercises if e.load_kg is not None)
    login(client, coach.email)
    form = {}
    for ex in session.exercises:
        form.update(
            {
                f"ex{ex.id}_sets": ex.sets,
                f"ex{ex.id}_reps": ex.reps,
                f"ex{ex.id}_rpe": str(ex.rpe),
                f"ex{ex.id}_load": "",
            }
        )
    form.update({f"ex{top.id}_sets": 5, f"ex{top.id}_load": "123.5"})
    assert client.post(f"/coach/sessions/{session.id}", data=form).status_code == 303
    today = local_today("UTC")
    values = {
        "name": "Nationals",
        "meet_date": meet.meet_date + timedelta(weeks=2),
        "federation": "IPF",
    }
    planner.save_meet(athlete, values, "55555555-5555-4555-8555-555555555555", today, meet)
    db.session.expire_all()
    rebuilt = {s.day: s for s in meet.plan.sessions}
    kept = rebuilt[day]
    assert kept.edited_by_id == coach.id
    changed = next(e for e in kept.exercises if e.name == top.name and e.kind == top.kind)
    assert (changed.sets, changed.load_kg) == (5, Decimal("123.5"))
    client.post("/auth/sign-out")
    login(client, athlete.email)
    assert "set by your coach" in client.get(f"/planner/sessions/{kept.id}").get_data(as_text=True)


def test_an_invite_opened_before_signing_up_waits_for_onboarding(client, db):
    coach = make_user(role="coach", display_name="Dana")
    login(client, coach.email)
    code = invite_code(client)
    client.post("/auth/sign-out")
    to_sign_in = client.get(f"/coach/join/{code}")
    assert to_sign_in.status_code == 302 and "next=" in to_sign_in.headers["Location"]
    sign_in_page = client.get(to_sign_in.headers["Location"]).get_data(as_text=True)
    assert f"/auth/sign-up?next=/coach/join/{code}" in sign_in_page
    signed_up = client.post(
        f"/auth/sign-up?next=/coach/join/{code}",
        data={
            "email": "new@example.com",
            "password": "correct horse battery",
            "display_name": "New Lifter",
        },
    )
    assert "/profile/steps/1" in signed_up.headers["Location"]  # onboarding first
    with client.session_transaction() as session:
        assert session["after_onboarding"] == f"/coach/join/{code}"  # ...then the invite
