from flask import Blueprint

bp = Blueprint("feed", __name__, url_prefix="/feed")

from app.web.feed import cards, routes  # noqa: E402,F401

bp.add_app_template_global(cards.post_card)
bp.add_app_template_global(cards.post_cards)
