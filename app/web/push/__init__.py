from flask import Blueprint

# Web Push: the VAPID public key and this device's subscription (JSON, for static/js/push.js).
bp = Blueprint("push", __name__, url_prefix="/push")

from app.web.push import routes  # noqa: E402,F401
