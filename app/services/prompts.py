"""Prompt templates for the AI coach: stored in the database, versioned, edited by coaches and
admins, rendered in Jinja's sandbox (a template can't reach Python internals or the app)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import StrictUndefined, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import PromptTemplate, User
from app.models.ai import TEMPLATE_NAMES

FILES = Path(__file__).resolve().parents[2] / "ai" / "templates"
MAX_BODY = 20_000
_sandbox = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined, trim_blocks=False)


class PromptError(ValueError):
    """A template that doesn't parse or is too long; ``str()`` says where, for the editor."""


def current(name: str) -> PromptTemplate:
    """The newest version of template ``name``. A database made without migrations (tests, a
    fresh laptop with create_all) gets version 1 from ai/templates/ first, as the migration
    does. Raises KeyError for an unknown name."""
    if name not in TEMPLATE_NAMES:
        raise KeyError(name)
    found = db.session.scalar(
        select(PromptTemplate).filter_by(name=name).order_by(PromptTemplate.version.desc()).limit(1)
    )
    if found is not None:
        return found
    db.session.add(PromptTemplate(name=name, version=1, body=(FILES / f"{name}.j2").read_text()))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
    return current(name)


def versions(name: str) -> list[PromptTemplate]:
    """Every version of ``name``, newest first."""
    current(name)
    return list(
        db.session.scalars(
            select(PromptTemplate).filter_by(name=name).order_by(PromptTemplate.version.desc())
        )
    )


# Every variable the coach fills in (services/coach_ai.py), with sample values: a template
# is tried against it before it is saved, so a typo in a name fails in the editor, not later.
_SET = {
    "day": "2026-03-02",
    "lift": "squat",
    "load": "200 kg",
    "reps": 1,
    "rpe": "8",
    "target_rpe": "8",
}
SAMPLE_CONTEXT = {
    "athlete": {"name": "Sam", "unit": "kg", "bodyweight": "82.5 kg", "coach": "Dana"},
    "meet": {
        "name": "Nationals",
        "date": "2026-04-12",
        "days_out": 42,
        "weeks_out": 6,
        "federation": "IPF",
    },
    "e1rm_trends": [{"lift": "squat", "current": "210 kg", "change": "+5 kg", "weeks": 4}],
    "recent_top_sets": [_SET],
    "next_session": [_SET],
    "rules_advice": "6 weeks out (42 days) to Nationals.",
    "conversation": [{"who": "Sam", "text": "Opener?"}],
    "question": "Opener?",
    "workout": {
        "day": "2026-03-02",
        "title": "Heavy squat",
        "minutes": 75,
        "notes": "",
        "sets": [{"exercise": "Squat", "load": "200 kg", "reps": 1, "rpe": "8", "note": ""}],
    },
}


def check(body: str) -> None:
    """Raise PromptError unless ``body`` compiles in the sandbox and renders with the
    variables the coach provides (SAMPLE_CONTEXT): unknown names fail here."""
    if not body.strip():
        raise PromptError("The template is empty.")
    if len(body) > MAX_BODY:
        raise PromptError(f"Templates are at most {MAX_BODY} characters.")
    try:
        _sandbox.from_string(body).render(SAMPLE_CONTEXT)
    except TemplateSyntaxError as error:
        raise PromptError(f"Line {error.lineno}: {error.message}") from None
    except Exception as error:  # noqa: BLE001 - undefined names, sandbox refusals
        raise PromptError(f"{type(error).__name__}: {error}") from None


def save_version(name: str, body: str, author: User) -> PromptTemplate:
    """Store ``body`` as the next version of ``name`` (committed) and return it; an unchanged
    body returns the current version. Raises PromptError (see check), KeyError."""
    check(body)
    latest = current(name)
    if latest.body == body:
        return latest
    number = (
        db.session.scalar(select(func.max(PromptTemplate.version)).filter_by(name=name)) or 0
    ) + 1
    version = PromptTemplate(name=name, version=number, body=body, created_by_id=author.id)
    db.session.add(version)
    db.session.commit()
    return version


def render(template: PromptTemplate, context: dict) -> str:
    """The prompt text: ``template`` rendered in the sandbox with ``context`` (plain dicts,
    lists and strings). Raises PromptError when the template uses something missing."""
    try:
        return _sandbox.from_string(template.body).render(context).strip()
    except Exception as error:  # noqa: BLE001 - any template fault is the template's
        raise PromptError(f"{template.name} v{template.version}: {error}") from None
