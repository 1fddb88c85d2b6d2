"""The messages pages: starting a chat, sending (plain and htmx), live polling, pins, and
strangers kept out of other people's conversations."""

import re

from sqlalchemy import func, select

from app.models import Conversation, Message
from app.services import messaging, social
from tests.conftest import form_client_id, login, make_athlete, make_user


def linked():
    coach = make_user(role="coach", display_name="Dana Reyes")
    athlete = make_athlete(display_name="Sam Okafor")
    social.link_coach(coach, athlete)
    return coach, athlete


def open_chat(client, other) -> str:
    response = client.post(f"/messages/with/{other.id}")
    assert response.status_code == 303
    return response.headers["Location"]


def test_athlete_messages_their_coach_and_the_inbox_counts_unread(client, db):
    coach, athlete = linked()
    login(client, athlete.email)
    chat_url = open_chat(client, coach)
    page = client.get(chat_url).get_data(as_text=True)
    client_id = form_client_id(page)
    sent = client.post(chat_url, data={"client_id": client_id, "body": "Opener 200 kg?"})
    assert sent.status_code == 303
    again = client.post(chat_url, data={"client_id": client_id, "body": "Opener 200 kg?"})
    assert again.status_code == 303  # a double tap sends once
    assert db.session.scalar(select(func.count()).select_from(Message)) == 1
    client.post("/auth/sign-out")
    login(client, coach.email)
    inbox = client.get("/messages").get_data(as_text=True)
    assert "Sam Okafor" in inbox and "Opener 200 kg?" in inbox
    assert '<span class="visually-hidden">1 unread</span>' in inbox
    assert "1 unread</span>" in inbox.split('class="tabbar"')[1]  # the Messages tab too
    client.get(chat_url)
    assert "1 unread</span>" not in client.get("/messages").get_data(as_text=True)


def test_htmx_send_and_live_poll(client, htmx_client, db):
    coach, athlete = linked()
    login(htmx_client, athlete.email)
    chat_url = open_chat(htmx_client, coach)
    page = htmx_client.get(chat_url, headers={"HX-Boosted": "true"}).get_data(as_text=True)
    live = re.search(r'hx-get="([^"]+/live[^"]*)"', page).group(1).replace("&amp;", "&")
    assert htmx_client.get(live).status_code == 204  # nothing new
    response = htmx_client.post(
        chat_url, data={"client_id": form_client_id(page), "body": "<b>bold</b> claim"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "&lt;b&gt;bold&lt;/b&gt; claim" in html  # escaped, never markup
    assert 'id="composer"' in html and 'hx-swap-oob="true"' in html
    assert form_client_id(html) != form_client_id(page)  # a fresh id for the next message
    conversation = db.session.scalar(select(Conversation))
    messaging.send(coach, conversation, "Yes, 200.", "coach-1")
    polled = htmx_client.get(live)
    assert polled.status_code == 200 and "Yes, 200." in polled.get_data(as_text=True)
    empty = htmx_client.post(chat_url, data={"client_id": form_client_id(html), "body": "  "})
    assert empty.status_code == 422
    assert "Write a message" in empty.get_data(as_text=True)


def test_pinning_attempts_from_the_chat(client, db):
    coach, athlete = linked()
    login(client, coach.email)
    chat_url = open_chat(client, athlete)
    page = client.get(chat_url).get_data(as_text=True)
    pin_id = re.search(
        r'<form method="post" action="[^"]+/pin">.*?name="client_id"[^>]*value="([^"]+)"',
        page,
        re.S,
    ).group(1)
    bad = client.post(
        chat_url + "/pin",
        data={
            "client_id": pin_id,
            "squat_opener": "210",
            "squat_second": "200",
            "squat_third": "220",
        },
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "each attempt must be heavier" in html
    assert 'value="210"' in html and 'id="pin-editor" open' in html  # typed values kept
    client.post(
        chat_url + "/pin",
        data={
            "client_id": pin_id,
            "squat_opener": "200",
            "squat_second": "210",
            "squat_third": "217.5",
        },
    )
    shown = client.get(chat_url).get_data(as_text=True)
    assert 'id="pinned"' in shown and "<td>217.5</td>" in shown
    client.post("/auth/sign-out")
    login(client, athlete.email)
    assert "<td>217.5</td>" in client.get("/messages").get_data(as_text=True)  # one tap away


def test_strangers_cannot_read_or_post_to_a_conversation(client, db):
    coach, athlete = linked()
    conversation = messaging.conversation_between(athlete, coach)
    messaging.send(athlete, conversation, "private plan talk", "p-1")
    stranger = make_athlete(display_name="Stranger")
    login(client, stranger.email)
    base = f"/messages/{conversation.id}"
    assert client.get(base).status_code == 404
    assert client.get(base + "/live").status_code == 404
    assert client.post(base, data={"client_id": "x", "body": "hi"}).status_code == 404
    assert client.post(base + "/pin", data={}).status_code == 404
    assert client.post(base + "/unpin").status_code == 404
    assert client.post(base + "/block").status_code == 404
    refused = client.post(f"/messages/with/{athlete.id}", follow_redirects=True)
    assert "people who follow you back" in refused.get_data(as_text=True)
    assert "Sam Okafor" not in refused.get_data(as_text=True)  # no names to strangers
    assert db.session.scalar(select(func.count()).select_from(Conversation)) == 1
    assert "private plan talk" not in client.get("/messages").get_data(as_text=True)


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    coach, athlete = linked()
    conversation = messaging.conversation_between(athlete, coach)
    response = client.get(f"/messages/{conversation.id}")
    assert response.status_code == 302 and "/auth/sign-in" in response.headers["Location"]


def test_a_phone_photo_is_attached_upright_without_metadata_and_only_for_the_chat(client, db, app):
    import io

    from PIL import Image

    from app.models import Post
    from app.services import posts
    from tests.conftest import shared_file

    coach, athlete = linked()
    raw = shared_file("realdata", "photo_samsung_exif_orientation6.jpg").read_bytes()
    assert Image.open(io.BytesIO(raw)).size == (640, 480)  # stored sideways, EXIF says 6
    login(client, athlete.email)
    chat_url = open_chat(client, coach)
    client_id = form_client_id(client.get(chat_url).get_data(as_text=True))
    form = {
        "client_id": client_id,
        "body": "Bar path from the side",
        "attachment": (io.BytesIO(raw), "IMG_0001.jpg"),
    }
    assert client.post(chat_url, data=form, content_type="multipart/form-data").status_code == 303
    again = {**form, "attachment": (io.BytesIO(raw), "IMG_0001.jpg")}
    client.post(chat_url, data=again, content_type="multipart/form-data")  # a retry
    post = db.session.scalar(select(Post))
    assert db.session.scalar(select(func.count()).select_from(Post)) == 1
    if post.status == "processing":  # with Redis a worker does this; without, it ran inline
        assert posts.process(post.id) == "ready"
    db.session.expire_all()
    post = db.session.get(Post, post.id)
    assert (post.status, post.error) == ("ready", None)
    assert post.visibility == "message" and (post.width, post.height) == (480, 640)  # upright
    assert "photo.jpg" not in client.get("/feed?tab=mine").get_data(as_text=True)  # not a post

    client.post("/auth/sign-out")
    login(client, coach.email)
    assert f"/media/posts/{post.id}/photo.jpg" in client.get(chat_url).get_data(as_text=True)
    with client.get(f"/media/posts/{post.id}/photo.jpg") as served:
        assert served.status_code == 200
        photo = Image.open(io.BytesIO(served.data))
    assert photo.size == (480, 640)
    assert not photo.getexif()  # no orientation, camera or location left
    client.post("/auth/sign-out")

    stranger = make_athlete(display_name="Stranger")
    login(client, stranger.email)
    for name in ("photo.jpg", "poster.jpg", "poster.webp"):
        assert client.get(f"/media/posts/{post.id}/{name}").status_code == 404
    assert client.get(f"/feed/posts/{post.id}").status_code == 404
    client.post("/auth/sign-out")
    assert client.get(f"/media/posts/{post.id}/photo.jpg").status_code == 404  # signed out


def test_a_week_out_the_plan_page_shows_the_pinned_attempts(client, db):
    from datetime import timedelta

    from app.models import Meet
    from app.models.types import utcnow

    coach, athlete = linked()
    chat = messaging.conversation_between(coach, athlete)
    messaging.pin_attempts(coach, chat, {"bench": ["140", "147.5", "152.5"]}, "pin-week")
    meet = Meet(
        user_id=athlete.id,
        name="Nationals",
        federation="IPF",
        meet_date=utcnow().date() + timedelta(days=30),
    )
    db.session.add(meet)
    db.session.commit()
    login(client, athlete.email)
    assert 'id="meet-day-attempts"' not in client.get("/planner").get_data(as_text=True)
    meet.meet_date = utcnow().date() + timedelta(days=3)
    db.session.commit()
    page = client.get("/planner").get_data(as_text=True)
    assert 'id="meet-day-attempts"' in page and "<td>152.5</td>" in page


def test_expired_sessions_and_odd_requests_are_handled(client, htmx_client, db):
    import io

    coach, athlete = linked()
    conversation = messaging.conversation_between(athlete, coach)
    live = f"/messages/{conversation.id}/live"
    polled = htmx_client.get(live)  # signed out: htmx navigates to sign-in, no swap
    assert polled.status_code == 401 and "/auth/sign-in" in polled.headers["HX-Redirect"]
    login(client, athlete.email)
    opened = client.get(live)  # the poll URL opened as a page
    assert opened.status_code == 303 and opened.headers["Location"].endswith(
        f"/messages/{conversation.id}"
    )
    page = client.get(f"/messages/{conversation.id}").get_data(as_text=True)
    fake = {
        "client_id": form_client_id(page),
        "body": "",
        "attachment": (io.BytesIO(b"just some text, not a photo"), "IMG_0002.jpg"),
    }
    refused = client.post(
        f"/messages/{conversation.id}",
        data=fake,
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "isn&#39;t a photo or a video" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Message)) == 0
    # 1990 characters and 10 line breaks are 2000, as the textarea counts them
    text = "\r\n".join(["x" * 199] * 10)
    assert len(text.replace("\r\n", "\n")) == 1999
    sent = client.post(
        f"/messages/{conversation.id}",
        data={"client_id": form_client_id(page), "body": text + "y"},
    )
    assert sent.status_code == 303
    assert len(db.session.scalar(select(Message)).body) == 2000
