"""render_view(): the one place that decides between a full page and an htmx fragment."""

from __future__ import annotations

from flask import make_response, render_template
from jinja2_fragments.flask import render_block

from app.extensions import htmx


def wants_fragment() -> bool:
    """True for an htmx request that is neither boosted nor a history restore."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_view(template: str, block: str | None = None, status: int = 200, **context):
    """Render ``block`` of ``template`` for a plain htmx request, else the whole page.

    Every HTML response varies on HX-Request so caches never mix pages and fragments.
    """
    if block and wants_fragment():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response
