"""Posting a real lift video from a phone: upload with progress, processed, in the feed, liked."""

from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.models import Post
from app.services import posts
from tests.conftest import make_user, shared_file
from tests.e2e.conftest import sign_in


def test_upload_a_real_clip_see_it_processed_and_like_it(page: Page, live_server, db, screenshots):
    make_user("filmer@example.com", role="coach", display_name="Riley Chen")
    sign_in(page, live_server, "filmer@example.com")
    page.goto(f"{live_server}/feed/posts/new")
    page.locator("#video").set_input_files(
        str(shared_file("realdata", "squat_portrait_608x1080_gym_audio.mp4"))
    )
    page.locator('input[name="movement"][value="squat"]').check()
    page.get_by_label("Load").fill("180")
    page.get_by_label("RPE").fill("8")
    page.get_by_label("Caption").fill("Last single before the meet")
    page.get_by_role("button", name="Post").click()
    expect(page.locator(".upload-progress progress")).to_be_visible()
    page.wait_for_url("**/feed?tab=mine*", timeout=30_000)
    post = db.session.scalar(select(Post))
    assert post.load_kg == 180
    if post.status == "processing":  # with Redis a worker does this; without, it ran inline
        expect(page.get_by_text("Processing your video…")).to_be_visible()
        page.screenshot(path=screenshots / "feed-processing.png")
        assert posts.process(post.id) == "ready"

    card = page.locator(f"#post-{post.id}")
    poster = card.locator("a[data-video] img")  # the poster; a tap swaps in the player
    expect(poster).to_have_attribute("src", f"/media/posts/{post.id}/poster.jpg", timeout=15_000)
    expect(card).to_contain_text("180 kg @ 8")
    card.get_by_role("button", name="Like").click()
    expect(card.locator(".like-count")).to_have_text("1")
    expect(card.get_by_role("button", name="Unlike")).to_be_visible()
    page.screenshot(path=screenshots / "feed.png")
    poster.click()  # the player takes the poster's place and plays
    page.wait_for_function(f"() => document.querySelector('#post-{post.id} video').currentTime > 0")
    db.session.expire_all()
    assert db.session.get(Post, post.id).like_count == 1

    # Comment at a moment of the video, then reply to it
    card.get_by_role("link", name="comments").click()
    page.get_by_label("Add a comment").fill("0:03 hips rise first")
    page.get_by_role("button", name="Comment", exact=True).click()
    stamp = page.get_by_role("button", name="Play from 0:03")
    expect(stamp).to_be_visible()
    expect(page.locator(f"#comment-count-{post.id}")).to_have_text("1 comment")  # updated live
    stamp.click()
    page.wait_for_function("() => document.querySelector('video').currentTime >= 3")
    page.locator(".comment summary", has_text="Reply").first.click()
    page.get_by_label("Reply to Riley Chen").fill("Brace harder before you unrack")
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.locator(".replies .comment-body")).to_have_text("Brace harder before you unrack")
    page.screenshot(path=screenshots / "comments.png")
