"""Machine notes: how a lifter sets up a hack squat, leg press or bar at a gym (named settings
and free notes), kept private or shared; shared notes are searched and copied by others."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import MachineNote, User
from app.models.tools import MACHINE_TYPES
from app.services import receipts

TYPE_LABELS = {
    "barbell": "Barbell",
    "hack_squat": "Hack squat",
    "leg_press": "Leg press",
    "hex_bar": "Hex bar",
    "cable": "Cable",
    "other": "Other",
}

MAX_SETTINGS = 20
MAX_SETTING_CHARS = 40  # a setting's name and its value, each
MAX_BRAND = 80
MAX_MODEL = 80
MAX_GYM = 120
MAX_NOTES = 2000
SEARCH_LIMIT = 50


class MachineError(ValueError):
    """Values a note can't be saved with; ``field`` names the form field at fault and
    ``str()`` is the message for the user."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _text(values: dict, key: str) -> str:
    return (values.get(key) or "").strip()


def _limit(field: str, text: str, most: int, what: str) -> str:
    if len(text) > most:
        raise MachineError(field, f"Keep the {what} to {most} characters or fewer.")
    return text


def clean(values: dict) -> dict:
    """Checked, trimmed column values from ``values`` (brand, model, machine_type, gym_name,
    settings as [{"name", "value"}], notes, is_public). Settings with neither name nor value
    are dropped. Raises MachineError naming the field at fault."""
    brand = _limit("brand", _text(values, "brand"), MAX_BRAND, "brand")
    if not brand:
        raise MachineError("brand", "Enter the brand, e.g. Hammer Strength.")
    machine_type = values.get("machine_type") or "other"
    if machine_type not in MACHINE_TYPES:
        raise MachineError("machine_type", "Choose a machine type from the list.")
    return {
        "brand": brand,
        "model": _limit("model", _text(values, "model"), MAX_MODEL, "model"),
        "machine_type": machine_type,
        "gym_name": _limit("gym_name", _text(values, "gym_name"), MAX_GYM, "gym name") or None,
        "settings": clean_settings(values.get("settings") or []),
        "notes": _limit("notes", _text(values, "notes"), MAX_NOTES, "notes") or None,
        "is_public": bool(values.get("is_public")),
    }


def clean_settings(settings: list[dict]) -> list[dict]:
    """[{"name": " Seat ", "value": "4"}, {"name": "", "value": ""}] -> [{"name": "Seat",
    "value": "4"}]: blank pairs dropped; each kept pair needs both parts, at most
    MAX_SETTING_CHARS each, and MAX_SETTINGS pairs at most."""
    kept = []
    for setting in settings:
        name, value = _text(setting, "name"), _text(setting, "value")
        if not name and not value:
            continue
        if not name:
            raise MachineError("settings", f'Name the setting set to "{value}".')
        if not value:
            raise MachineError("settings", f'Add a value for "{name}".')
        if max(len(name), len(value)) > MAX_SETTING_CHARS:
            raise MachineError(
                "settings",
                f"Keep setting names and values to {MAX_SETTING_CHARS} characters or fewer.",
            )
        kept.append({"name": name, "value": value})
    if len(kept) > MAX_SETTINGS:
        raise MachineError("settings", f"A note holds at most {MAX_SETTINGS} settings.")
    return kept


def create_note(user: User, values: dict, client_id: str) -> MachineNote:
    """Save a new note of ``user`` from ``values`` (see clean); the same client id returns the
    note already saved with it, unchanged. Raises MachineError; nothing is written then."""
    existing = receipts.existing(MachineNote, user.id, client_id)
    if existing is not None:
        return existing
    note = MachineNote(user_id=user.id, client_id=client_id, **clean(values))
    return _insert(user, note, client_id)


def _insert(user: User, note: MachineNote, client_id: str) -> MachineNote:
    db.session.add(note)
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent request with the same client id won
        # the user object, not user.id: its attributes can't be read before the rollback
        winner = receipts.after_conflict(MachineNote, user, client_id)
        if winner is None:
            raise
        return winner
    return note


def update_note(user: User, note: MachineNote, values: dict, client_id: str) -> MachineNote:
    """Replace the note's fields with ``values`` (see clean); one commit. The same client id
    with the same values changes nothing (a replayed edit). Raises MachineError; nothing is
    written then."""
    cleaned = clean(values)
    digest = receipts.fingerprint("machine.update", note.id, sorted(cleaned.items()))
    if receipts.is_replay(user.id, client_id, digest):
        return note
    try:
        receipts.stamp(user.id, client_id, "machine.update", digest)
        for name, value in cleaned.items():
            setattr(note, name, value)
        db.session.commit()
    except IntegrityError:  # the same edit, sent twice at once: the other one saved it
        db.session.rollback()
    return note


def _delete_digest(note_id: int) -> str:
    return receipts.fingerprint("machine.delete", note_id)


def was_deleted(user: User, note_id: int, client_id: str) -> bool:
    """True when ``user`` already deleted note ``note_id`` with ``client_id`` (a replayed
    delete, answered as done instead of 404)."""
    return receipts.is_replay(user.id, client_id, _delete_digest(note_id))


def delete_note(user: User, note: MachineNote, client_id: str) -> None:
    """Delete one of the user's notes; copies others made of it keep their settings (their
    ``copied_from_id`` becomes NULL)."""
    try:
        receipts.stamp(user.id, client_id, "machine.delete", _delete_digest(note.id))
        # the foreign key says ON DELETE SET NULL, but SQLite only obeys it with
        # PRAGMA foreign_keys on, and a reused id would then point a copy at a stranger's note
        db.session.execute(
            update(MachineNote)
            .filter(MachineNote.copied_from_id == note.id)
            .values(copied_from_id=None)
        )
        db.session.delete(note)
        db.session.commit()
    except IntegrityError:  # the same delete, sent twice at once
        db.session.rollback()


def copy_note(user: User, source: MachineNote, client_id: str) -> MachineNote:
    """A new private note of ``user`` with the brand, model, type, gym, settings and notes of
    ``source`` (a public note, or one of the user's own), linked by ``copied_from_id``. The
    same client id returns the copy already made. Raises MachineError for someone else's
    private note."""
    existing = receipts.existing(MachineNote, user.id, client_id)
    if existing is not None:
        return existing
    if not may_see(user, source):
        raise MachineError("note", "That note is private.")
    note = MachineNote(
        user_id=user.id,
        client_id=client_id,
        brand=source.brand,
        model=source.model,
        machine_type=source.machine_type,
        gym_name=source.gym_name,
        settings=[dict(setting) for setting in source.settings or []],
        notes=source.notes,
        is_public=False,
        copied_from_id=source.id,
    )
    return _insert(user, note, client_id)


def may_see(user: User, note: MachineNote) -> bool:
    """Whether ``user`` may see ``note``: their own, or a public one."""
    return note.is_public or note.user_id == user.id


def visible(user: User, note_id: int) -> MachineNote | None:
    """Note ``note_id`` if ``user`` may see it (their own or public), else None."""
    note = db.session.get(MachineNote, note_id)
    return note if note is not None and may_see(user, note) else None


def mine(user: User) -> list[MachineNote]:
    """The user's notes, grouped by gym (notes without a gym last), then brand and model."""
    query = (
        select(MachineNote)
        .filter_by(user_id=user.id)
        .order_by(
            MachineNote.gym_name.is_(None),
            MachineNote.gym_name,
            MachineNote.brand,
            MachineNote.model,
            MachineNote.id,
        )
    )
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Found:
    """What a search returned: at most the limit of notes, newest first."""

    notes: list[MachineNote]
    more: bool  # more public notes matched than were returned


def search(
    brand: str = "",
    model: str = "",
    machine_type: str = "",
    gym: str = "",
    limit: int = SEARCH_LIMIT,
) -> Found:
    """Public notes of everyone, newest first, at most ``limit``: each text given must appear
    in its column, case-insensitively (% and _ match themselves); an empty text or type
    matches all."""
    query = (
        select(MachineNote)
        .options(joinedload(MachineNote.owner))
        .filter(MachineNote.is_public.is_(True))
    )
    for column, text in (
        (MachineNote.brand, brand),
        (MachineNote.model, model),
        (MachineNote.gym_name, gym),
    ):
        text = (text or "").strip()
        if text:  # lower(column) LIKE '%' || lower(text) || '%' ESCAPE '/', wildcards escaped
            query = query.filter(column.icontains(text, autoescape=True))
    if machine_type:
        query = query.filter(MachineNote.machine_type == machine_type)
    query = query.order_by(MachineNote.created_at.desc(), MachineNote.id.desc()).limit(limit + 1)
    rows = list(db.session.scalars(query))
    return Found(rows[:limit], more=len(rows) > limit)


# Demo data -----------------------------------------------------------------------------------

_DEMO_NOTES = (
    (
        "demo-machine-hack-squat",
        {
            "brand": "Hammer Strength",
            "model": "Plate-Loaded Hack Squat",
            "machine_type": "hack_squat",
            "gym_name": "Iron Works Leeds",
            "settings": [
                {"name": "Back pad", "value": "3"},
                {"name": "Shoulder pads", "value": "2nd from top"},
                {"name": "Safety stops", "value": "7"},
                {"name": "Feet", "value": "mid plate, shoulder width"},
            ],
            "notes": "Feet a bit higher for quads-only days. Safeties at 7 catch just below parallel.",
            "is_public": True,
        },
    ),
    (
        "demo-machine-leg-press",
        {
            "brand": "Atlantis",
            "model": "45° Leg Press",
            "machine_type": "leg_press",
            "gym_name": "Iron Works Leeds",
            "settings": [
                {"name": "Seat", "value": "4"},
                {"name": "Safety pins", "value": "12"},
                {"name": "Foot plate", "value": "high"},
            ],
            "notes": "The sled is heavy on its own: log the plates only, and compare like with like.",
            "is_public": False,
        },
    ),
)


def seed_demo_notes(user: User) -> list[MachineNote]:
    """Two notes for a demo athlete (a public Hammer Strength hack squat, a private Atlantis
    leg press); fixed client ids make a second run change nothing."""
    return [create_note(user, values, client_id) for client_id, values in _DEMO_NOTES]
