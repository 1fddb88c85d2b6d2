"""The admin's verbs over accounts: finding users and changing their role, with the guard
rails (the system user is untouchable; an admin never removes their own admin role)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import or_, select

from app.extensions import db
from app.models import User
from app.models.user import ROLES

log = logging.getLogger(__name__)

USERS_PER_PAGE = 50
SEARCH_MAX = 100


class AdminError(Exception):
    """A change an admin may not make; str(error) is shown to them."""


@dataclass(frozen=True)
class RoleChange:
    user: User
    changed: bool


def find_users(search: str = "", page: int = 1) -> Pagination:
    """One page of users, newest first, whose email or name contains ``search`` (any case)."""
    query = select(User).order_by(User.created_at.desc(), User.id.desc())
    search = search.strip()[:SEARCH_MAX]
    if search:
        query = query.where(
            or_(
                User.email.icontains(search, autoescape=True),
                User.display_name.icontains(search, autoescape=True),
            )
        )
    return db.paginate(query, page=max(page, 1), per_page=USERS_PER_PAGE, error_out=False)


def change_role(actor: User, user: User, role: str) -> RoleChange:
    """Give ``user`` the ``role``; asking for the role they already have changes nothing.

    Raises AdminError for the system user or when ``actor`` would drop their own admin
    role, ValueError for a role that doesn't exist.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; expected one of {ROLES}")
    if user.is_system:
        raise AdminError(f"{user.display_name} is the system account; its role can't change.")
    if user.id == actor.id and role != "admin":
        raise AdminError("You can't remove your own admin role. Ask another admin to do it.")
    if user.role == role:
        return RoleChange(user, changed=False)
    change = (actor.id, user.id, user.role, role)  # read before the commit expires them
    user.role = role
    db.session.commit()
    log.info("admin %s changed user %s from %s to %s", *change)
    return RoleChange(user, changed=True)
