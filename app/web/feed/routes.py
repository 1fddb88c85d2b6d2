"""The feed: your posts and Discover, posting a lift video, a post's page, likes."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from app.domain import units
from app.extensions import db, limiter
from app.hypermedia import render_view, wants_fragment
from app.models import Comment, Post, Upload, User
from app.readonly import read_only
from app.services import access, comments, feed, posts, receipts, social
from app.web import grants
from app.web.access import owned_or_404
from app.web.converters import MAX_ID
from app.web.feed import bp
from app.web.feed.forms import PostForm

TABS = ("following", "discover", "mine")


@bp.get("")
@login_required
@read_only
def index():
    tab = request.args.get("tab") if request.args.get("tab") in TABS else "following"
    result = feed.page(current_user, tab, request.args.get("cursor"), grants=grants.from_request())
    return render_view("feed/index.html", block="posts", tab=tab, result=result)


@bp.get("/athletes/<int:user_id>")
@login_required
@read_only
def show_athlete(user_id: int):
    athlete = db.session.get(User, user_id) or abort(404)
    held = grants.from_request()
    result = feed.page(
        current_user, "athlete", request.args.get("cursor"), author_id=user_id, grants=held
    )
    locked = (
        social.is_protected(user_id)
        and user_id != current_user.id
        and not social.is_following(current_user.id, user_id)
        and not social.grant_valid(user_id, held.get(user_id))
    )
    return render_view(
        "feed/athlete.html",
        block="posts",
        athlete=athlete,
        result=result,
        tab="athlete",
        locked=locked,
        following=social.is_following(current_user.id, user_id),
    )


def _feed_key() -> str:
    return f"feed-passcode:{request.view_args.get('user_id')}"


@bp.post("/athletes/<int:user_id>/passcode")
@login_required
@limiter.limit("5 per minute", key_func=lambda: f"visitor:{current_user.get_id()}")
@limiter.limit("30 per hour", key_func=_feed_key)
def enter_passcode(user_id: int):
    athlete = db.session.get(User, user_id) or abort(404)
    token = social.check_passcode(athlete.id, request.form.get("passcode", "")[:64])
    if token is None:
        flash("That passcode isn't right.", "error")
        return redirect(url_for("feed.show_athlete", user_id=user_id), 303)
    response = redirect(url_for("feed.show_athlete", user_id=user_id), 303)
    grants.remember(response, athlete.id, token)
    flash(f"You can see {athlete.display_name}'s lifts for the next 12 hours.", "success")
    return response


@bp.post("/athletes/<int:user_id>/follow")
@login_required
def follow_athlete(user_id: int):
    athlete = db.session.get(User, user_id) or abort(404)
    try:
        if request.form.get("follow") == "0":
            social.unfollow(current_user, athlete)
        else:
            social.follow(
                current_user,
                athlete,
                social.grant_valid(user_id, grants.from_request().get(user_id)),
            )
    except (social.PasscodeRequired, ValueError) as error:
        flash(str(error), "error")
    return redirect(url_for("feed.show_athlete", user_id=user_id), 303)


@bp.route("/posts/new", methods=["GET", "POST"])
@login_required
def create_post():
    form = PostForm(mass_unit=current_user.mass_unit)
    if request.method == "GET":
        form.client_id.data = receipts.new_client_id()
    elif form.validate():
        try:
            upload = _upload_for(form)
            post = posts.create_post(current_user, upload, _details(form), form.client_id.data)
        except posts.UploadError as error:
            form.video.errors = [str(error)]
        else:
            return redirect(url_for("feed.index", tab="mine", _anchor=f"post-{post.id}"), 303)
    return render_view(
        "feed/new.html",
        status=422 if request.method == "POST" else 200,
        form=form,
        max_mb=posts.max_upload_bytes() // (1024 * 1024),
    )


def _upload_for(form: PostForm) -> Upload:
    if form.upload_id.data:  # sent ahead with tus (resumable)
        upload = db.session.get(Upload, form.upload_id.data)
        if upload is None or upload.user_id != current_user.id:
            raise posts.UploadError("That upload was not found; choose the video again.")
        return upload
    chosen = form.video.data  # no JavaScript: a plain multipart upload
    return posts.upload_whole(
        current_user, chosen.stream, chosen.filename, request.content_length or 0
    )


def _details(form: PostForm) -> posts.NewPost:
    load = units.to_kg(form.load.data, current_user.mass_unit) if form.load.data else None
    rpe = form.rpe.rpe
    return posts.NewPost(
        form.movement.data,
        load,
        rpe,
        (form.caption.data or "").strip() or None,
        form.visibility.data,
    )


def _visible_post(post_id: int) -> Post:
    post = db.session.get(Post, post_id)
    if post is None or not access.can_view_post(current_user, post, grants.from_request()):
        abort(404)
    return post


@bp.get("/posts/<int:post_id>")
@login_required
def show_post(post_id: int):
    return _comments_view(_visible_post(post_id))


@bp.get("/posts/<int:post_id>/card")
@login_required
def show_card(post_id: int):
    """The post's card; the owner's 'processing' card polls this until it is done (286 stops)."""
    post = _visible_post(post_id)
    response = render_view("feed/_post.html", post=post, liked=set())
    if post.status != "processing":
        response.status_code = 286
    return response


@bp.post("/posts/<int:post_id>/like")
@login_required
def toggle_like(post_id: int):
    post = _visible_post(post_id)
    liked, count = feed.toggle_like(current_user, post, request.form.get("liked") == "1")
    return render_view("feed/_like.html", post=post, liked=liked, count=count)


@bp.post("/posts/<int:post_id>/comments")
@login_required
def create_comment(post_id: int):
    post = _visible_post(post_id)
    parent_id = request.form.get("parent_id", type=int) or 0
    parent = db.session.get(Comment, parent_id) if 0 < parent_id <= MAX_ID else None
    client_id = request.form.get("client_id") or receipts.new_client_id()
    try:
        comments.add(current_user, post, request.form.get("body", ""), client_id, parent)
    except comments.CommentError as error:
        return _comments_view(post, error=str(error), status=422)
    if wants_fragment():
        return _comments_view(post)
    return redirect(url_for("feed.show_post", post_id=post.id, _anchor="comments"), 303)


@bp.post("/comments/<int:comment_id>/edit")
@login_required
def edit_comment(comment_id: int):
    comment = owned_or_404(Comment, comment_id)
    post = _visible_post(comment.post_id)
    try:
        comments.edit(comment, request.form.get("body", ""))
    except comments.CommentError as error:
        return _comments_view(post, error=str(error), status=422)
    return _after_comment(post)


@bp.post("/comments/<int:comment_id>/delete")
@login_required
def delete_comment(comment_id: int):
    comment = owned_or_404(Comment, comment_id)
    post = _visible_post(comment.post_id)
    comments.delete(comment)
    return _after_comment(post)


def _after_comment(post: Post):
    if wants_fragment():
        return _comments_view(post)
    return redirect(url_for("feed.show_post", post_id=post.id, _anchor="comments"), 303)


def _comments_view(post: Post, error: str | None = None, status: int = 200):
    return render_view(
        "feed/show.html",
        block="comments",
        status=status,
        post=post,
        thread=comments.thread(post),
        error=error,
        liked=feed.liked_ids(current_user.id, [post.id]),
        new_client_id=receipts.new_client_id,
        refresh_count=wants_fragment(),
    )
