"""Offline in a basement gym: the real service worker, Chromium's offline switch, and the
server's row count as the judge. Logging sets with no signal loses nothing and, whatever the
replays go through (reloads, 500s, two tabs), never duplicates anything."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import func, select

from app.models import CoachLink, Comment, Like, MachineNote, Message, Post, Workout, WorkoutSet
from app.services import comments, messaging, planner, workouts
from app.web.onboarding.base import local_today
from tests.conftest import make_user
from tests.e2e.conftest import settled, sign_in
from tests.services.test_training import meet_values, onboarded_athlete

# Replays back off (1 s, 2 s ... with jitter) and the machine may be busy: allow for it.
SYNC_MS = 30_000
SETS = [
    ("100", "5", "7"),
    ("102.5", "5", "7.5"),
    ("105", "5", "8"),
    ("105", "5", "8.5"),
    ("95", "8", ""),
]


@pytest.fixture
def planned(db):
    """An athlete with a plan 12 weeks out, and the session due next (today's, or the next)."""
    user = onboarded_athlete()
    today = local_today(user.time_zone)
    values = {**meet_values(12), "meet_date": today + timedelta(weeks=12)}
    plan = planner.save_meet(user, values, "11111111-1111-4111-8111-111111111111", today).meet.plan
    return user, planner.next_session(plan, today)


@pytest.fixture
def workout(planned):
    """The same, with the session started online (a workout with no sets yet)."""
    user, session = planned
    started = workouts.start_workout(
        user, "22222222-2222-4222-8222-222222222222", plan_session=session
    )
    return user, started


def saved_on_device(page: Page, path: str) -> None:
    """Wait until the service worker has saved the page at ``path``."""
    page.wait_for_function(
        """async (path) => {
            for (const name of await caches.keys()) {
                if (!name.startsWith('meetday-pages-')) continue;
                const cache = await caches.open(name);
                if ((await cache.keys()).some((r) => new URL(r.url).pathname === path)) return true;
            }
            return false;
        }""",
        arg=path,
    )


def under_service_worker(page: Page, url: str) -> None:
    """Open ``url`` once the service worker controls the page, so the page is saved on the
    device (the very first load happens before the worker exists)."""
    page.goto(url)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.goto(url)
    expect(page.locator("#sync-status")).to_have_text("All saved", timeout=SYNC_MS)


def workout_on_device(page: Page, live_server: str, user, started) -> str:
    """Sign ``user`` in and open the workout ``started`` once the service worker has saved
    it on the device; returns its URL."""
    sign_in(page, live_server, user.email)
    url = f"{live_server}/planner/workouts/{started.id}"
    under_service_worker(page, url)
    return url


def log_sets(page: Page, sets, already: int = 0) -> None:
    """Log ``sets`` (load, reps, RPE) on the first exercise; each shows at once as pending
    (``already``: how many were pending before)."""
    card = page.locator(".exercise").first
    form = card.locator("form.set-form")
    for n, (load, reps, rpe) in enumerate(sets, start=1):
        form.get_by_label("Weight").fill(load)
        form.get_by_label("Reps").fill(reps)
        form.get_by_label("RPE").fill(rpe)
        form.get_by_role("button", name="Log set").click()
        expect(card.locator(".pending")).to_have_count(already + n)


def set_count(db, workout_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count()).select_from(WorkoutSet).where(WorkoutSet.workout_id == workout_id)
    )


def test_five_sets_logged_offline_survive_a_reload_and_land_once(
    db, page: Page, context: BrowserContext, live_server, planned, screenshots
):
    """Today's session was never started: the plan page was seen with a signal, that's all."""
    user, session = planned
    sign_in(page, live_server, user.email)
    under_service_worker(page, f"{live_server}/planner")
    saved_on_device(page, f"/planner/sessions/{session.id}/workout")  # "Start session"

    context.set_offline(True)
    page.goto(f"{live_server}/planner")  # the app, from the device
    expect(page.locator("#stale-banner")).to_contain_text("Data may be out of date (saved")
    page.get_by_role("link", name="Start session").click()
    expect(page.get_by_role("heading", name=session.title)).to_be_visible()
    expect(page.locator("#stale-banner")).to_be_visible()
    log_sets(page, SETS)
    expect(page.locator("#sync-status")).to_have_text("Offline · 5 pending")
    first = page.locator(".exercise").first.locator(".pending").first
    expect(first).to_contain_text(f"100 {user.mass_unit} × 5 @ RPE 7")
    expect(first).to_contain_text("Waiting to sync")
    page.screenshot(path=screenshots / "offline-pending.png")

    page.reload()  # still offline: the page and the five waiting sets come from the device
    expect(page.locator(".exercise").first.locator(".pending")).to_have_count(5)
    expect(page.locator(".exercise").first.locator(".pending").last).to_contain_text("95 kg × 8")
    assert db.session.scalar(select(func.count()).select_from(WorkoutSet)) == 0

    context.set_offline(False)
    expect(page.locator("#sync-status")).to_have_text("All saved", timeout=SYNC_MS)
    expect(page.locator("[id^=set-row-]")).to_have_count(5, timeout=SYNC_MS)  # as the server has it
    expect(page.locator("#stale-banner")).to_be_hidden()
    db.session.expire_all()
    started = db.session.scalars(select(Workout)).all()
    assert [w.plan_session_id for w in started] == [session.id]  # one workout, for the session
    assert set_count(db, started[0].id) == 5
    loads = db.session.scalars(
        select(WorkoutSet.load_kg)
        .where(WorkoutSet.workout_id == started[0].id)
        .order_by(WorkoutSet.id)
    ).all()
    assert [f"{load.normalize():f}" for load in loads] == [s[0] for s in SETS]  # in order


def test_replays_that_meet_500s_back_off_and_still_land_once(
    db, page: Page, context: BrowserContext, live_server, workout, faults
):
    user, started = workout
    workout_on_device(page, live_server, user, started)
    context.set_offline(True)
    page.reload()
    log_sets(page, SETS)
    faults.fail(f"/planner/workouts/{started.id}/sets", times=2)

    context.set_offline(False)
    expect(page.locator("#sync-status")).to_have_text("All saved", timeout=SYNC_MS)
    assert faults.hits == {f"/planner/workouts/{started.id}/sets": 2}
    assert set_count(db, started.id) == 5


def test_two_tabs_replaying_one_queue_create_no_duplicates(
    db, page: Page, context: BrowserContext, live_server, workout
):
    user, started = workout
    url = workout_on_device(page, live_server, user, started)
    other = context.new_page()
    other.goto(url)
    context.set_offline(True)
    log_sets(page, SETS[:3])
    other.reload()
    log_sets(other, SETS[3:], already=3)  # the second tab sees the first tab's three
    expect(page.locator(".exercise").first.locator(".pending")).to_have_count(5)

    context.set_offline(False)
    for tab in (page, other):  # both ask for a replay at the same moment
        tab.evaluate("navigator.serviceWorker.controller.postMessage({type: 'replay'})")
    expect(page.locator("#sync-status")).to_have_text("All saved", timeout=SYNC_MS)
    expect(other.locator("#sync-status")).to_have_text("All saved", timeout=SYNC_MS)
    assert set_count(db, started.id) == 5


def test_a_write_the_server_refuses_is_shown_not_retried(
    db, page: Page, context: BrowserContext, live_server, workout
):
    user, started = workout
    workout_on_device(page, live_server, user, started)
    context.set_offline(True)
    page.reload()
    log_sets(page, [("100", "5", "8"), ("100", "0", "8")])  # 0 reps: the server says no
    context.set_offline(False)
    expect(page.locator("#sync-status")).to_have_text("1 not saved", timeout=SYNC_MS)
    problem = page.locator(".sync-problem")
    expect(problem).to_contain_text("A set: 100 × 0")
    assert set_count(db, started.id) == 1
    problem.get_by_role("button", name="Discard").click()
    expect(page.locator("#sync-status")).to_have_text("All saved", timeout=SYNC_MS)
    assert set_count(db, started.id) == 1
    settled(page)
    db.session.expire_all()
    assert db.session.get(Workout, started.id).completed_at is None


def test_every_kind_of_write_works_offline(
    db, page: Page, context: BrowserContext, live_server, workout, screenshots
):
    """Like, comment, reply, message, machine note, profile and completing the workout, all
    made with no signal, shown as pending, and each on the server once when it returns."""
    user, started = workout
    coach = make_user(role="coach", display_name="Coach Kim")
    db.session.add(CoachLink(coach_id=coach.id, athlete_id=user.id))
    post = Post(
        user_id=coach.id,
        client_id="offline-post",
        movement="squat",
        visibility="public",
        status="ready",
        duration_seconds=3.0,
        media={},
    )
    db.session.add(post)
    db.session.commit()
    thread = comments.add(
        coach, post, "Brace before you unrack.", "c0ffee00-0000-4000-8000-000000000001"
    )
    chat = messaging.conversation_between(user, coach)
    sign_in(page, live_server, user.email)
    pages = {
        "post": f"{live_server}/feed/posts/{post.id}",
        "chat": f"{live_server}/messages/{chat.id}",
        "machine": f"{live_server}/tools/machines/new",
        "profile": f"{live_server}/profile/steps/1",
        "workout": f"{live_server}/planner/workouts/{started.id}",
    }
    under_service_worker(page, pages["workout"])
    for url in pages.values():
        page.goto(url)
        settled(page)

    context.set_offline(True)
    page.goto(pages["post"])
    page.get_by_role("button", name="Like").click()
    page.get_by_label("Add a comment").fill("0:03 hips rise first")
    page.get_by_role("button", name="Comment").click()
    expect(page.locator(".pending", has_text="0:03 hips rise first")).to_be_visible()
    page.locator(f"#comment-{thread.id} summary", has_text="Reply").click()
    page.get_by_label("Reply to Coach Kim").fill("Will do")
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.locator(f"#comment-{thread.id} .pending")).to_contain_text("Will do")

    page.goto(pages["chat"])
    page.get_by_label("Message").fill("Opener 180?")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".pending", has_text="Opener 180?")).to_be_visible()

    page.goto(pages["machine"])
    page.get_by_label("Brand").fill("Hammer Strength")
    page.get_by_label("Model").fill("Hack Squat")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".pending")).to_contain_text("Note: Hammer Strength Hack Squat")

    page.goto(pages["profile"])
    page.get_by_label("Bodyweight").fill("82.4")
    page.locator("#step-form button[type=submit]").last.click()
    expect(page.locator(".pending")).to_contain_text("Your changes to this step")

    page.goto(pages["workout"])
    page.get_by_label("Notes").fill("Basement, no signal")
    page.get_by_role("button", name="Complete workout").click()
    expect(page.locator(".pending")).to_contain_text("Workout completed: Basement, no signal")
    expect(page.locator("#sync-status")).to_have_text("Offline · 7 pending")
    page.screenshot(path=screenshots / "offline-complete.png")

    context.set_offline(False)
    expect(page.locator("#sync-status")).to_have_text("All saved", timeout=SYNC_MS)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Like)) == 1
    bodies = db.session.scalars(select(Comment.body).where(Comment.user_id == user.id)).all()
    assert sorted(bodies) == ["Will do", "hips rise first"]
    assert db.session.scalars(select(Message.body).where(Message.sender_id == user.id)).all() == [
        "Opener 180?"
    ]
    note = db.session.scalar(select(MachineNote).where(MachineNote.user_id == user.id))
    assert (note.brand, note.model) == ("Hammer Strength", "Hack Squat")
    assert f"{user.profile.bodyweight_kg.normalize():f}" == "82.4"
    assert db.session.get(Workout, started.id).completed_at is not None


def test_signing_out_forgets_the_saved_pages_and_the_queue(
    db, page: Page, context: BrowserContext, live_server, workout
):
    user, started = workout
    workout_on_device(page, live_server, user, started)
    context.set_offline(True)
    log_sets(page, SETS[:1])
    sign_out = page.get_by_role("button", name="Sign out")
    sign_out.click()  # a write is waiting: say what signing out would lose
    expect(page.locator("#flash")).to_contain_text("1 change hasn't reached Meetday yet")
    sign_out.click()
    expect(page.get_by_role("heading", name="You're offline")).to_be_visible()
    left = page.evaluate(
        """async () => {
            const names = (await caches.keys()).filter((n) => n.startsWith('meetday-pages-'));
            const db = await new Promise((ok) => { const r = indexedDB.open('meetday-sync'); r.onsuccess = () => ok(r.result); });
            const writes = await new Promise((ok) => { const r = db.transaction('writes').objectStore('writes').count(); r.onsuccess = () => ok(r.result); });
            return { pages: names.length, writes };
        }"""
    )
    assert left == {"pages": 0, "writes": 0}
    context.set_offline(False)
    page.goto(f"{live_server}/auth/sign-in")
    assert set_count(db, started.id) == 0


def test_a_request_that_fails_says_so_and_tries_again_on_a_tap(
    db, page: Page, context: BrowserContext, live_server, workout, faults
):
    """Forms that need the server (here: deleting a set) say what went wrong and offer to
    send the same request again."""
    user, started = workout
    entry = workouts.log_set(
        user,
        started,
        "Squat",
        "squat",
        Decimal("100"),
        5,
        Decimal("8"),
        "33333333-3333-4333-8333-333333333333",
    )
    entry = entry.entry
    workout_on_device(page, live_server, user, started)
    delete = page.get_by_role("button", name="Delete set 1")

    faults.fail(f"/planner/workouts/{started.id}/sets/{entry.id}/delete", times=1)
    delete.click()
    flash = page.locator("#flash")
    expect(flash).to_contain_text("Something went wrong on our side.")
    flash.get_by_role("button", name="Try again").click()
    expect(page.locator("[id^=set-row-]")).to_have_count(0)
    assert set_count(db, started.id) == 0

    workouts.log_set(
        user,
        started,
        "Squat",
        "squat",
        Decimal("100"),
        5,
        Decimal("8"),
        "44444444-4444-4444-8444-444444444444",
    )
    page.reload()
    context.set_offline(True)
    page.get_by_role("button", name="Delete set 1").click()
    expect(flash).to_contain_text("You're offline: this needs a connection.")
    context.set_offline(False)
    flash.get_by_role("button", name="Try again").click()
    expect(page.locator("[id^=set-row-]")).to_have_count(0)
    assert set_count(db, started.id) == 0
