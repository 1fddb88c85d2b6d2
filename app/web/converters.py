"""URL converters shared by every blueprint."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # ids are PostgreSQL integers (32-bit)


class IdConverter(IntegerConverter):
    """``<int:...>`` everywhere: a number past MAX_ID is no row's id, so the URL map answers
    404 for it rather than the database refusing the query (a 500 on PostgreSQL)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
