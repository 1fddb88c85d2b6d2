"""The AI coach's back office: coaches and admins edit versioned prompts; admins read the
exchange log; athletes reach neither."""

from app.models import AiExchange
from app.services import coach_ai, events, messaging
from tests.conftest import login, make_athlete, make_user


def test_athletes_reach_neither_page(client, db):
    athlete = make_athlete()
    login(client, athlete.email)
    for path in ("/ai/prompts", "/ai/prompts/coach_dm_response", "/ai/exchanges"):
        assert client.get(path).status_code == 404
    assert client.post("/ai/prompts/coach_dm_response", data={"body": "x"}).status_code == 404


def test_a_coach_saves_a_new_version_and_sees_errors_where_they_typed(client, db):
    coach = make_user(role="coach", display_name="Dana")
    login(client, coach.email)
    assert "coach_workout_completed" in client.get("/ai/prompts").get_data(as_text=True)
    bad = client.post("/ai/prompts/coach_dm_response", data={"body": "Hi {{ athlete.name"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Line 1" in html and "Hi {{ athlete.name" in html  # their text is kept
    saved = client.post(
        "/ai/prompts/coach_dm_response",
        data={"body": "Hi {{ athlete.name }}"},
        follow_redirects=True,
    )
    page = saved.get_data(as_text=True)
    assert "Saved as version 2" in page and "v1 ·" in page and "Dana" in page
    assert client.get("/ai/exchanges").status_code == 404  # the log is for admins
    assert client.get("/ai/prompts/not_a_template").status_code == 404


def test_admins_read_every_exchange(client, db):
    admin = make_user(role="admin")
    athlete = make_athlete(display_name="Sam")
    chat = messaging.conversation_between(athlete, coach_ai.coach_user())
    messaging.send(athlete, chat, "How is my bench?", "q-1")
    events.dispatch_pending()
    from app.models import OutboxEvent

    for event in db.session.query(OutboxEvent).filter(OutboxEvent.done_at.is_(None)):
        events.handle(event.id)  # what the worker does (idempotent if it already ran)
    exchange = db.session.query(AiExchange).one()
    login(client, admin.email)
    page = client.get("/ai/exchanges").get_data(as_text=True)
    assert f'id="exchange-{exchange.id}"' in page
    assert "coach_dm_response v1" in page and "rules" in page
    assert "How is my bench?" in page  # the prompt carries the conversation
