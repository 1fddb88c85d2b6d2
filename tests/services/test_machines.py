"""Machine notes on the real database: validation before any write, idempotent create,
edit, delete and copy, and the public search (case-insensitive, wildcards taken literally)."""

import threading
import uuid

import pytest
from sqlalchemy import func, select

from app.extensions import db as _db
from app.models import MachineNote, User, WriteReceipt
from app.models.tools import MACHINE_TYPES
from app.services import machines
from tests.conftest import make_athlete


def values(**overrides) -> dict:
    base = {
        "brand": "Hammer Strength",
        "model": "Plate-Loaded Hack Squat",
        "machine_type": "hack_squat",
        "gym_name": "Iron Works",
        "settings": [
            {"name": "Seat", "value": "4"},
            {"name": "", "value": ""},
            {"name": " Safety pins ", "value": " 12 "},
        ],
        "notes": "  Feet high.  ",
        "is_public": False,
    }
    return {**base, **overrides}


def cid() -> str:
    return str(uuid.uuid4())


def count(model=MachineNote) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


def test_type_labels_cover_the_models_types_in_order():
    assert tuple(machines.TYPE_LABELS) == MACHINE_TYPES


def test_create_note_trims_and_drops_empty_settings(db):
    user = make_athlete()
    note = machines.create_note(user, values(), cid())
    assert note.settings == [{"name": "Seat", "value": "4"}, {"name": "Safety pins", "value": "12"}]
    assert note.notes == "Feet high."
    assert note.is_public is False and note.copied_from_id is None


def test_create_note_is_idempotent_for_same_client_id(db):
    user = make_athlete()
    client_id = cid()
    first = machines.create_note(user, values(), client_id)
    again = machines.create_note(user, values(brand="Changed"), client_id)
    assert again.id == first.id and again.brand == "Hammer Strength"
    assert count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"brand": "   "}, "brand", "Enter the brand"),
        ({"brand": "B" * 81}, "brand", "80 characters or fewer"),
        ({"model": "M" * 81}, "model", "80 characters or fewer"),
        ({"gym_name": "G" * 121}, "gym_name", "120 characters or fewer"),
        ({"notes": "n" * 2001}, "notes", "2000 characters or fewer"),
        ({"machine_type": "smith"}, "machine_type", "Choose a machine type"),
        ({"settings": [{"name": "", "value": "4"}]}, "settings", 'set to "4"'),
        ({"settings": [{"name": "Seat", "value": " "}]}, "settings", 'value for "Seat"'),
        ({"settings": [{"name": "S" * 41, "value": "4"}]}, "settings", "40 characters or fewer"),
        ({"settings": [{"name": "Seat", "value": "4" * 41}]}, "settings", "40 characters or fewer"),
        (
            {"settings": [{"name": f"Pin {n}", "value": str(n)} for n in range(21)]},
            "settings",
            "at most 20",
        ),
    ],
)
def test_bad_values_name_the_field_and_write_nothing(db, overrides, field, message):
    user = make_athlete()
    with pytest.raises(machines.MachineError) as fault:
        machines.create_note(user, values(**overrides), cid())
    assert fault.value.field == field and message in str(fault.value)
    assert count() == 0


def test_twenty_settings_of_forty_characters_fit(db):
    user = make_athlete()
    settings = [{"name": f"{n:02d}".ljust(40, "n"), "value": "v" * 40} for n in range(20)]
    note = machines.create_note(user, values(settings=settings), cid())
    assert len(note.settings) == 20


def test_update_note_replaces_fields_and_a_replay_changes_nothing(db):
    user = make_athlete()
    note = machines.create_note(user, values(), cid())
    edit_id = cid()
    machines.update_note(
        user, note, values(settings=[{"name": "Seat", "value": "5"}], is_public=True), edit_id
    )
    assert note.settings == [{"name": "Seat", "value": "5"}] and note.is_public
    first_update = note.updated_at
    machines.update_note(
        user, note, values(settings=[{"name": "Seat", "value": "5"}], is_public=True), edit_id
    )
    assert note.updated_at == first_update  # the replay wrote nothing
    assert count(WriteReceipt) == 1


def test_update_note_with_bad_values_keeps_the_note(db):
    user = make_athlete()
    note = machines.create_note(user, values(), cid())
    with pytest.raises(machines.MachineError):
        machines.update_note(user, note, values(brand="", model="New"), cid())
    _db.session.expire_all()
    assert _db.session.get(MachineNote, note.id).model == "Plate-Loaded Hack Squat"
    assert count(WriteReceipt) == 0


def test_delete_note_is_recorded_so_a_replay_is_recognised(db):
    user = make_athlete()
    note = machines.create_note(user, values(), cid())
    note_id, delete_id = note.id, cid()
    assert not machines.was_deleted(user, note_id, delete_id)
    machines.delete_note(user, note, delete_id)
    assert count() == 0
    assert machines.was_deleted(user, note_id, delete_id)
    assert not machines.was_deleted(user, note_id, cid())


def test_copy_note_makes_a_private_copy_once(db):
    owner, other = make_athlete(), make_athlete()
    source = machines.create_note(owner, values(is_public=True), cid())
    copy_id = cid()
    copy = machines.copy_note(other, source, copy_id)
    again = machines.copy_note(other, source, copy_id)
    assert again.id == copy.id and count() == 2
    assert copy.user_id == other.id and copy.copied_from_id == source.id
    assert copy.is_public is False
    assert copy.settings == source.settings and copy.notes == source.notes
    copy.settings[0]["value"] = "9"  # the copy's settings are its own
    assert source.settings[0]["value"] == "4"


def test_copy_of_someone_elses_private_note_is_refused(db):
    owner, other = make_athlete(), make_athlete()
    source = machines.create_note(owner, values(), cid())
    with pytest.raises(machines.MachineError):
        machines.copy_note(other, source, cid())
    assert machines.visible(other, source.id) is None
    assert machines.visible(owner, source.id).id == source.id


def test_deleting_the_source_keeps_the_copy(db):
    owner, other = make_athlete(), make_athlete()
    source = machines.create_note(owner, values(is_public=True), cid())
    copy = machines.copy_note(other, source, cid())
    machines.delete_note(owner, source, cid())
    _db.session.expire_all()
    kept = _db.session.get(MachineNote, copy.id)
    assert kept is not None and kept.copied_from_id is None
    assert kept.settings[0] == {"name": "Seat", "value": "4"}


def test_search_finds_public_notes_case_insensitively(db):
    owner = make_athlete()
    hack = machines.create_note(owner, values(is_public=True), cid())
    machines.create_note(owner, values(brand="Hammer Secret"), cid())  # private
    press = machines.create_note(
        owner,
        values(brand="Atlantis", model="C-105", machine_type="leg_press", is_public=True),
        cid(),
    )
    assert [n.id for n in machines.search(brand="hammer").notes] == [hack.id]
    assert [n.id for n in machines.search(model="LOADED HACK").notes] == [hack.id]
    assert [n.id for n in machines.search(machine_type="leg_press").notes] == [press.id]
    assert [n.id for n in machines.search(gym="iron").notes] == [press.id, hack.id]
    assert machines.search(brand="hammer", machine_type="leg_press").notes == []
    assert [n.id for n in machines.search().notes] == [press.id, hack.id]  # newest first


def test_search_takes_percent_and_underscore_literally(db):
    owner = make_athlete()
    plain = machines.create_note(owner, values(brand="Panatta", is_public=True), cid())
    odd = machines.create_note(owner, values(brand="Gym_80 100% Pro", is_public=True), cid())
    slash = machines.create_note(owner, values(brand="A/B Fitness", is_public=True), cid())
    assert [n.id for n in machines.search(brand="%").notes] == [odd.id]
    assert [n.id for n in machines.search(brand="_").notes] == [odd.id]
    assert [n.id for n in machines.search(brand="a/b").notes] == [slash.id]
    assert machines.search(brand="P%a").notes == []
    assert plain.id in [n.id for n in machines.search(brand="pan").notes]


def test_search_is_limited_to_the_newest(db):
    owner = make_athlete()
    made = [
        machines.create_note(owner, values(brand=f"Brand {n}", is_public=True), cid())
        for n in range(5)
    ]
    found = machines.search(limit=3)
    assert [n.id for n in found.notes] == [m.id for m in made[::-1][:3]] and found.more
    assert not machines.search(limit=5).more


def test_mine_lists_only_the_users_notes(db):
    me, other = make_athlete(), make_athlete()
    machines.create_note(other, values(is_public=True), cid())
    mine = machines.create_note(me, values(gym_name=None), cid())
    at_gym = machines.create_note(me, values(brand="Atlantis"), cid())
    assert [n.id for n in machines.mine(me)] == [at_gym.id, mine.id]  # no gym last


def test_seed_demo_notes_twice_makes_two_notes(db):
    athlete = make_athlete()
    first = machines.seed_demo_notes(athlete)
    again = machines.seed_demo_notes(athlete)
    assert [n.id for n in again] == [n.id for n in first] and count() == 2
    hack, press = first
    assert (hack.brand, hack.machine_type, hack.is_public) == (
        "Hammer Strength",
        "hack_squat",
        True,
    )
    assert (press.brand, press.machine_type) == ("Atlantis", "leg_press")
    assert {"name": "Safety pins", "value": "12"} in press.settings


def test_concurrent_creates_with_one_client_id_make_one_note(app, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("concurrency needs PostgreSQL (SQLite serialises writers)")
    user_id, client_id = make_athlete().id, cid()
    barrier = threading.Barrier(6)
    results, errors = [], []

    def create() -> None:
        with app.app_context():
            try:
                user = _db.session.get(User, user_id)
                barrier.wait()
                results.append(machines.create_note(user, values(), client_id).id)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=create) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(set(results)) == 1
    assert count() == 1
