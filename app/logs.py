"""Logging: readable lines in development, one JSON object per line in production."""

from __future__ import annotations

import logging
import sys

from flask import Flask


def init_app(app: Flask) -> None:
    """Configure the root logger once, JSON when JSON_LOGS is true."""
    handler = logging.StreamHandler(sys.stderr)
    if app.config["JSON_LOGS"]:
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
