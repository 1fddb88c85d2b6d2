"""SQLAlchemy models, one module per aggregate; imported here so Alembic sees them all."""

from app.models.profile import AthleteProfile
from app.models.receipt import WriteReceipt
from app.models.user import OidcIdentity, User

__all__ = ["AthleteProfile", "OidcIdentity", "User", "WriteReceipt"]
