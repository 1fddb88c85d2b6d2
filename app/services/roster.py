"""Coaches and their athletes: invites (a code or link the athlete accepts), leaving a
coach, and the coach's roster with each athlete's countdown, adherence, e1RM trend and flags."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.domain import coaching, units
from app.extensions import db
from app.models import CoachInvite, CoachLink, Meet, PlanSession, User, Workout
from app.models.types import utcnow
from app.services import coach_ai, planner, social

INVITE_DAYS = 14
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in a gym
CODE_LENGTH = 8
FLAG_WINDOW_DAYS = 7  # missed sessions count over the last week
HOT_RPE = Decimal("1.5")  # mean RPE over target on the last two top sets that flags it
PAIN = re.compile(r"\b(pain|hurt|hurts|injur\w*|tweak\w*|strain\w*|sore knee|sore back)\b", re.I)


class InviteError(ValueError):
    """An invite code that can't be used; ``str()`` says why, for the athlete."""


def create_invite(coach: User, now=None) -> CoachInvite:
    """A new single-use invite from ``coach``, valid INVITE_DAYS days (committed)."""
    now = now or utcnow()
    for _ in range(5):  # a clash of random codes is astronomically rare; retry anyway
        invite = CoachInvite(
            coach_id=coach.id,
            code="".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)),
            expires_at=now + timedelta(days=INVITE_DAYS),
        )
        db.session.add(invite)
        try:
            db.session.commit()
            return invite
        except IntegrityError:
            db.session.rollback()
    raise RuntimeError("could not mint a unique invite code")


def open_invites(coach: User, now=None) -> list[CoachInvite]:
    """The coach's invites not yet used, revoked or expired, newest first."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(CoachInvite)
            .filter(
                CoachInvite.coach_id == coach.id,
                CoachInvite.accepted_at.is_(None),
                CoachInvite.revoked_at.is_(None),
                CoachInvite.expires_at > now,
            )
            .order_by(CoachInvite.id.desc())
        )
    )


def find_invite(code: str) -> CoachInvite | None:
    """The invite with ``code`` (case and spaces forgiven), or None."""
    cleaned = re.sub(r"[\s-]", "", code or "").upper()[:CODE_LENGTH]
    if len(cleaned) != CODE_LENGTH:
        return None
    return db.session.scalar(select(CoachInvite).filter_by(code=cleaned))


def accept_invite(athlete: User, code: str, now=None) -> User:
    """Make the invite's coach ``athlete``'s coach (replacing any other) and return the
    coach. Accepting the same invite twice is a no-op. Raises InviteError for an unknown,
    used, revoked or expired code, or an account that isn't an athlete's."""
    now = now or utcnow()
    invite = find_invite(code)
    if invite is None:
        raise InviteError("That invite code isn't right. Check it with your coach.")
    coach = db.session.get(User, invite.coach_id)
    if invite.accepted_by_id == athlete.id:
        return coach
    if invite.revoked_at is not None or invite.accepted_at is not None:
        raise InviteError("That invite has been used or withdrawn. Ask your coach for a new one.")
    if invite.expires_at <= now:
        raise InviteError("That invite has expired. Ask your coach for a new one.")
    if athlete.id == coach.id or athlete.role != "athlete":
        raise InviteError("Invites are for athletes.")
    invite.accepted_at, invite.accepted_by_id = now, athlete.id
    social.link_coach(coach, athlete)  # commits, with the invite
    return coach


def revoke_invite(coach: User, invite: CoachInvite) -> None:
    if invite.coach_id == coach.id and invite.revoked_at is None:
        invite.revoked_at = utcnow()
        db.session.commit()


def leave_coach(athlete: User) -> None:
    """The athlete stops being coached (idempotent)."""
    db.session.execute(delete(CoachLink).filter_by(athlete_id=athlete.id))
    db.session.commit()


def coach_of(athlete: User) -> User | None:
    link = db.session.scalar(select(CoachLink).filter_by(athlete_id=athlete.id))
    return db.session.get(User, link.coach_id) if link else None


def athletes_of(coach: User) -> list[User]:
    """The coach's athletes by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(CoachLink, CoachLink.athlete_id == User.id)
            .filter(CoachLink.coach_id == coach.id)
            .order_by(User.display_name, User.id)
        )
    )


@dataclass
class RosterRow:
    """One athlete as the coach sees them. Trends: lift -> kg per week (None: too few
    points); flags: short reasons to look closer."""

    athlete: User
    meet: Meet | None
    days_out: int | None
    last_workout: Workout | None
    done: int
    planned: int
    trends: dict[str, Decimal | None] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)

    def trend_text(self, lift: str) -> str:
        """'+2.5 kg/wk' in the athlete's unit; '–' without a trend."""
        rate = self.trends.get(lift)
        if rate is None:
            return "–"
        sign = "+" if rate >= 0 else "−"
        return f"{sign}{units.display_mass(abs(rate), self.athlete.mass_unit)}/wk"

    @property
    def adherence(self) -> int | None:
        """Sessions done as a % of those planned up to today (None before the first)."""
        return round(100 * self.done / self.planned) if self.planned else None


def roster(coach: User, today: date) -> list[RosterRow]:
    """Every athlete of ``coach`` as a RosterRow (see row_for), by name."""
    return [row_for(athlete, today) for athlete in athletes_of(coach)]


def row_for(athlete: User, today: date) -> RosterRow:
    """One athlete's countdown, last workout, adherence (sessions done / planned so far),
    e1RM trend per lift and flags: missed sessions in the last week, top sets running
    HOT_RPE over target, pain noted in a workout's notes."""
    meet = planner.active_meet(athlete, today)
    sessions = meet.plan.sessions if meet and meet.plan else []
    past = [s for s in sessions if s.day <= today and not s.is_meet]
    done_ids = set(
        db.session.scalars(
            select(Workout.plan_session_id).filter(
                Workout.user_id == athlete.id, Workout.completed_at.is_not(None)
            )
        )
    )
    last = db.session.scalar(
        select(Workout)
        .filter(Workout.user_id == athlete.id, Workout.completed_at.is_not(None))
        .order_by(Workout.completed_at.desc())
        .limit(1)
    )
    known = coach_ai.facts(athlete, today, with_attempts=False)
    row = RosterRow(
        athlete=athlete,
        meet=meet,
        days_out=(meet.meet_date - today).days if meet else None,
        last_workout=last,
        done=sum(1 for s in past if s.id in done_ids),
        planned=len(past),
    )
    for lift, points in sorted(known.e1rm_history.items()):
        trend = coaching.e1rm_trend(points, today)
        row.trends[lift] = trend[3] if trend else None
    missed = [
        s
        for s in past
        if s.id not in done_ids
        and s.day >= today - timedelta(days=FLAG_WINDOW_DAYS)
        and s.day < today
    ]
    if missed:
        row.flags.append(f"{len(missed)} missed session{'s' if len(missed) > 1 else ''} this week")
    for lift in ("squat", "bench", "deadlift"):
        offset = coaching.rpe_offset([s for s in known.top_sets if s.lift == lift])
        if offset is not None and offset >= HOT_RPE:
            row.flags.append(f"{lift.capitalize()} RPE {offset:+.1f} over target")
    noted = _pain_noted(athlete, today)
    if noted:
        row.flags.append(f"Pain noted {noted.isoformat()}")
    return row


def _pain_noted(athlete: User, today: date) -> date | None:
    """The day of the latest workout in two weeks whose notes mention pain, if any."""
    recent = db.session.scalars(
        select(Workout)
        .filter(
            Workout.user_id == athlete.id,
            Workout.notes.is_not(None),
            Workout.started_at >= datetime.combine(today - timedelta(days=14), time.min, UTC),
        )
        .order_by(Workout.started_at.desc())
    )
    for workout in recent:
        if PAIN.search(workout.notes or ""):
            return workout.started_at.date()
    return None


def coached_session(coach: User, session_id: int) -> PlanSession | None:
    """A planned session of one of ``coach``'s athletes, else None."""
    session = db.session.get(PlanSession, session_id)
    if session is None or not social.coaches(coach.id, session.plan.user_id):
        return None
    return session
