"""The machine notes pages: create and edit with named settings (errors at the field, 422,
nothing half-written), idempotent posts, delete, the public search, copying, and other
people's private notes answered 404 everywhere."""

import re
import uuid

import pytest
from sqlalchemy import func, select

from app.models import MachineNote
from app.services import machines
from tests.conftest import form_client_id, login, make_athlete, make_user


def note_form(client_id: str, **overrides) -> dict:
    data = {
        "client_id": client_id,
        "brand": "Hammer Strength",
        "model": "Plate-Loaded Hack Squat",
        "machine_type": "hack_squat",
        "gym_name": "Iron Works",
        "settings-0-name": "Seat",
        "settings-0-value": "4",
        "settings-1-name": "",
        "settings-1-value": "",
        "settings-2-name": "Foot plate",
        "settings-2-value": "high",
        "notes": "Safeties one below parallel.",
        "is_public": "private",
    }
    return {**data, **overrides}


def saved(brand="Hammer Strength", public=False, owner=None, **overrides) -> MachineNote:
    values = {
        "brand": brand,
        "model": "Hack Squat",
        "machine_type": "hack_squat",
        "gym_name": "Iron Works",
        "settings": [{"name": "Seat", "value": "4"}],
        "notes": None,
        "is_public": public,
        **overrides,
    }
    return machines.create_note(owner or make_athlete(), values, str(uuid.uuid4()))


def notes_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(MachineNote))


def test_tools_page_links_to_machine_notes(client, db):
    login(client, make_athlete().email)
    page = client.get("/tools").get_data(as_text=True)
    assert 'href="/tools/machines"' in page and "and machine notes" not in page


def test_new_note_form_shows_six_setting_rows_and_more_behind_a_disclosure(client, db):
    login(client, make_athlete().email)
    response = client.get("/tools/machines/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    form_client_id(page)
    visible, hidden = page.split('<details class="more-settings">')
    assert visible.count('aria-label="Setting ') == 12  # six name/value pairs
    assert hidden.count('aria-label="Setting ') == 28  # fourteen more: twenty in all
    assert 'name="settings-19-value"' in hidden and "settings-20" not in page


def test_creating_a_note_saves_it_once_and_shows_it(client, db):
    user = make_athlete()
    login(client, user.email)
    client_id = form_client_id(client.get("/tools/machines/new").get_data(as_text=True))
    response = client.post("/tools/machines/new", data=note_form(client_id))
    assert response.status_code == 303
    again = client.post("/tools/machines/new", data=note_form(client_id))  # a double tap
    assert again.headers["Location"] == response.headers["Location"]
    note = db.session.scalar(select(MachineNote))
    assert notes_count(db) == 1 and note.user_id == user.id
    assert note.settings == [
        {"name": "Seat", "value": "4"},
        {"name": "Foot plate", "value": "high"},
    ]
    assert note.is_public is False
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<dt>Seat</dt><dd>4</dd>" in page and "Only me" in page
    listing = client.get("/tools/machines").get_data(as_text=True)
    assert f'id="machine-{note.id}"' in listing and "Iron Works" in listing


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"brand": "  "}, "brand-error", "Enter the brand"),
        ({"brand": "B" * 81}, "brand-error", "80 characters or fewer"),
        ({"machine_type": "smith_machine"}, "machine_type-error", "Choose a machine type"),
        ({"gym_name": "G" * 121}, "gym_name-error", "120 characters or fewer"),
        ({"notes": "n" * 2001}, "notes-error", "2000 characters or fewer"),
        ({"is_public": "friends"}, "is_public-error", "Choose who can see it"),
        ({"settings-1-value": "12"}, "setting-2-error", "Name this setting"),
        ({"settings-2-value": ""}, "setting-3-error", "Add the value for Foot plate"),
        ({"settings-0-name": "S" * 41}, "setting-1-error", "40 characters or fewer"),
        ({"settings-2-value": "v" * 41}, "setting-3-error", "40 characters or fewer"),
    ],
)
def test_bad_input_is_answered_422_at_the_field_and_nothing_is_saved(
    client, db, overrides, field_id, message
):
    login(client, make_athlete().email)
    client_id = form_client_id(client.get("/tools/machines/new").get_data(as_text=True))
    response = client.post("/tools/machines/new", data=note_form(client_id, **overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(rf'<p class="field-error" id="{field_id}">([^<]*)</p>', page)
    assert error and message in error.group(1)
    assert "has-error" in page
    assert form_client_id(page) == client_id  # the retry keeps its id
    assert notes_count(db) == 0


def test_more_than_twenty_settings_are_refused(client, db):
    login(client, make_athlete().email)
    data = note_form(str(uuid.uuid4()))
    for n in range(21):
        data[f"settings-{n}-name"], data[f"settings-{n}-value"] = f"Pin {n}", str(n)
    response = client.post("/tools/machines/new", data=data)
    assert response.status_code == 422
    assert "at most 20 settings" in response.get_data(as_text=True)
    assert notes_count(db) == 0


def test_a_lost_client_id_is_a_clear_422(client, db):
    login(client, make_athlete().email)
    response = client.post("/tools/machines/new", data=note_form("not-a-uuid"))
    assert response.status_code == 422
    assert "This form lost its id" in response.get_data(as_text=True)
    assert notes_count(db) == 0


def test_editing_a_note_prefills_it_and_saves_changes(client, db):
    user = make_athlete()
    note = saved(owner=user, settings=[{"name": f"S{n}", "value": str(n)} for n in range(7)])
    login(client, user.email)
    page = client.get(f"/tools/machines/{note.id}/edit").get_data(as_text=True)
    assert 'value="Hammer Strength"' in page and 'value="S6"' in page
    visible = page.split('<details class="more-settings">')[0]
    assert visible.count('aria-label="Setting ') == 16  # seven filled and one empty row
    client_id = form_client_id(page)
    assert client_id != note.client_id
    data = note_form(client_id, brand="Hammer", is_public="public")
    response = client.post(f"/tools/machines/{note.id}/edit", data=data)
    assert response.status_code == 303
    assert client.post(f"/tools/machines/{note.id}/edit", data=data).status_code == 303
    db.session.expire_all()
    note = db.session.get(MachineNote, note.id)
    assert note.brand == "Hammer" and note.is_public and len(note.settings) == 2
    bad = client.post(f"/tools/machines/{note.id}/edit", data={**data, "brand": ""})
    assert bad.status_code == 422
    db.session.expire_all()
    assert db.session.get(MachineNote, note.id).brand == "Hammer"


def test_deleting_a_note_and_replaying_the_delete(client, db):
    user = make_athlete()
    note = saved(owner=user)
    login(client, user.email)
    page = client.get(f"/tools/machines/{note.id}").get_data(as_text=True)
    data = {"client_id": form_client_id(page)}
    response = client.post(f"/tools/machines/{note.id}/delete", data=data)
    assert response.status_code == 303 and response.headers["Location"] == "/tools/machines"
    assert notes_count(db) == 0
    replay = client.post(f"/tools/machines/{note.id}/delete", data=data)
    assert replay.status_code == 303  # done already, not a 404
    other = client.post(f"/tools/machines/{note.id}/delete", data={"client_id": str(uuid.uuid4())})
    assert other.status_code == 404


def test_a_delete_without_its_client_id_is_422_and_keeps_the_note(client, db):
    user = make_athlete()
    note = saved(owner=user)
    login(client, user.email)
    response = client.post(f"/tools/machines/{note.id}/delete", data={"client_id": ""})
    assert response.status_code == 422
    assert 'id="action-error"' in response.get_data(as_text=True)
    assert notes_count(db) == 1


def test_someone_elses_private_note_is_404_everywhere(client, db):
    note = saved(public=False)
    login(client, make_athlete().email)
    base = f"/tools/machines/{note.id}"
    fresh = {"client_id": str(uuid.uuid4())}
    assert client.get(base).status_code == 404
    assert client.get(base + "/edit").status_code == 404
    assert client.post(base + "/edit", data=note_form(fresh["client_id"])).status_code == 404
    assert client.post(base + "/delete", data=fresh).status_code == 404
    assert client.post(base + "/copy", data=fresh).status_code == 404
    assert client.get("/tools/machines/999999").status_code == 404
    assert notes_count(db) == 1


def test_someone_elses_public_note_can_be_seen_and_copied_but_not_changed(client, db):
    owner = make_athlete(display_name="Sam Okafor")
    note = saved(public=True, owner=owner)
    reader = make_user(role="coach", display_name="Riley Chen")
    login(client, reader.email)
    base = f"/tools/machines/{note.id}"
    page = client.get(base).get_data(as_text=True)
    assert "Shared by Sam Okafor" in page and "Copy to my machines" in page
    assert base + "/edit" not in page
    assert client.get(base + "/edit").status_code == 404
    fresh = {"client_id": str(uuid.uuid4())}
    assert client.post(base + "/delete", data=fresh).status_code == 404
    data = {"client_id": form_client_id(page)}
    response = client.post(base + "/copy", data=data)
    again = client.post(base + "/copy", data=data)
    assert response.status_code == 303 and again.headers["Location"] == response.headers["Location"]
    copy = db.session.scalar(select(MachineNote).filter_by(user_id=reader.id))
    assert notes_count(db) == 2
    assert copy.copied_from_id == note.id and copy.is_public is False
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sam Okafor's note" in shown and "Only me" in shown
    assert client.get(f"/tools/machines/{copy.id}/edit").status_code == 200


def test_a_copy_without_its_client_id_is_422(client, db):
    note = saved(public=True)
    login(client, make_athlete().email)
    response = client.post(f"/tools/machines/{note.id}/copy", data={})
    assert response.status_code == 422
    assert "This form lost its id" in response.get_data(as_text=True)
    assert notes_count(db) == 1


def test_search_shows_public_notes_only(client, db):
    owner = make_athlete(display_name="Sam Okafor")
    public = saved("Hammer Strength", public=True, owner=owner)
    private = saved("Hammer Private", public=False, owner=owner)
    press = saved("Atlantis", public=True, owner=owner, machine_type="leg_press")
    login(client, make_athlete().email)
    everything = client.get("/tools/machines/search")
    page = everything.get_data(as_text=True)
    assert everything.status_code == 200 and "Newest shared notes" in page
    assert f'id="machine-{public.id}"' in page and f'id="machine-{press.id}"' in page
    assert f'id="machine-{private.id}"' not in page and "by Sam Okafor" in page
    found = client.get("/tools/machines/search?brand=HAMMER&machine_type=").get_data(as_text=True)
    assert f'id="machine-{public.id}"' in found and f'id="machine-{press.id}"' not in found
    assert f'id="machine-{private.id}"' not in found
    assert 'value="HAMMER"' in found  # the search stays in the form
    typed = client.get("/tools/machines/search?machine_type=leg_press").get_data(as_text=True)
    assert f'id="machine-{press.id}"' in typed and f'id="machine-{public.id}"' not in typed
    wild = client.get("/tools/machines/search?brand=%25").get_data(as_text=True)
    assert "No shared notes match that search" in wild


@pytest.mark.parametrize(
    ("query", "field_id"),
    [("machine_type=smith", "machine_type-error"), ("brand=" + "b" * 81, "brand-error")],
)
def test_bad_search_input_is_422_at_the_field(client, db, query, field_id):
    login(client, make_athlete().email)
    response = client.get(f"/tools/machines/search?{query}")
    assert response.status_code == 422
    assert f'id="{field_id}"' in response.get_data(as_text=True)


def test_boosted_pages_are_whole_pages_that_vary_on_hx_request(htmx_client, db):
    user = make_athlete()
    note = saved(owner=user)
    login(htmx_client, user.email)
    boosted = {"HX-Boosted": "true"}
    for url in ("/tools/machines", f"/tools/machines/{note.id}", "/tools/machines/search"):
        response = htmx_client.get(url, headers=boosted)
        assert response.status_code == 200 and "<main" in response.get_data(as_text=True)
        assert "HX-Request" in response.headers["Vary"]
    bad = htmx_client.post("/tools/machines/new", data=note_form("x", brand=""), headers=boosted)
    assert bad.status_code == 422 and 'id="brand-error"' in bad.get_data(as_text=True)


def test_my_machines_lists_only_mine(client, db):
    user = make_athlete()
    mine = saved("Atlantis", owner=user)
    theirs = saved("Panatta", public=True)
    login(client, user.email)
    page = client.get("/tools/machines").get_data(as_text=True)
    assert f'id="machine-{mine.id}"' in page and f'id="machine-{theirs.id}"' not in page
    empty_user = make_athlete()
    client.post("/auth/sign-out")
    login(client, empty_user.email)
    assert "No machine notes yet" in client.get("/tools/machines").get_data(as_text=True)
