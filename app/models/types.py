"""Column types shared by the models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, Numeric
from sqlalchemy.types import TypeDecorator

# Masses in kg as exact decimals: 6 integer digits, 4 decimals (0.1 g), see domain.units.
Kilograms = Numeric(10, 4, asdecimal=True)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class UtcDateTimeType(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite returns naive values: tag them)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime: store timezone-aware UTC times")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


UtcDateTime = UtcDateTimeType()


def render_item(type_, obj, autogen_context):
    """Alembic autogenerate hook: write UtcDateTime columns as plain sa.DateTime(timezone=True)
    so migrations never import application code."""
    if type_ == "type" and isinstance(obj, UtcDateTimeType):
        return "sa.DateTime(timezone=True)"
    return False
