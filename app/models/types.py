"""Column types shared by the models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, Numeric

# Masses in kg as exact decimals: 6 integer digits, 4 decimals (0.1 g), see domain.units.
Kilograms = Numeric(10, 4, asdecimal=True)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


UtcDateTime = DateTime(timezone=True)
