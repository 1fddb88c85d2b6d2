"""Post cards rendered once and reused: a feed page is ten cards that look the same to every
viewer but for the like toggle, the viewer's unit and the CSRF token.

``post_cards`` (``post_card`` for one) memoises the ``post_card`` macro in feed/_cards.html
over everything the card shows (so it can never show stale data: a changed count or caption
is a different key), with the CSRF token punched in per request. Per process, bounded, oldest
out first.
"""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy.engine import Row

from app.models import Post
from app.services import feed
from app.web.filters import ago

CAPACITY = 4096
_HOLE = "\x00csrf\x00"  # never in rendered HTML: security.py rejects NUL bytes in input


def post_card(post: Post, liked: bool) -> Markup:
    """The card for ``post`` as the signed-in viewer sees it (``liked``: they like it)."""
    return post_cards([post], {post.id} if liked else set())


def post_cards(posts: list[Post], liked: set[int]) -> Markup:
    """The cards for ``posts`` in order, as the signed-in viewer sees them (``liked``: the ids
    of those they like). What is the same for every card (the viewer's unit, the CSRF token,
    the memo) is looked up once."""
    cache = current_app.extensions.setdefault("post_cards", {})
    unit = getattr(current_user, "mass_unit", None)
    script_root = request.script_root
    cards = []
    for post in posts:
        is_liked = post.id in liked
        key = (_shown(post), ago(post.created_at), is_liked, unit, script_root)
        html = cache.get(key)
        if html is None:
            macro = current_app.jinja_env.get_template("feed/_cards.html").module.post_card
            html = str(macro(post, is_liked, _HOLE))
            if len(cache) >= CAPACITY:
                del cache[next(iter(cache))]
            cache[key] = html
        cards.append(html)
    return Markup("".join(cards).replace(_HOLE, generate_csrf()))


def _shown(post: Row | Post) -> tuple:
    """Everything of ``post`` its card shows: a feed row is that already (feed.FEED_COLUMNS and
    the author's name, all hashable); a Post on its own page gives the same columns."""
    if isinstance(post, Row):
        return tuple(post)
    return (*(getattr(post, column.key) for column in feed.FEED_COLUMNS), post.author_name)
