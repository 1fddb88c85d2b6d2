"""Machine notes: the user's own (list, create, edit, delete), public ones found by search,
and copying a public note into one's own. Someone else's private note is a 404 everywhere."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from app.hypermedia import render_view
from app.models import MachineNote
from app.services import machines, receipts
from app.web.access import owned_or_404
from app.web.tools import bp
from app.web.tools.machine_forms import MachineForm, NoteActionForm, SearchForm


@bp.get("/machines")
@login_required
def list_machines():
    return render_view("tools/machines/index.html", notes=machines.mine(current_user))


@bp.route("/machines/new", methods=["GET", "POST"])
@login_required
def create_machine():
    form = MachineForm()
    if request.method == "GET":
        form.client_id.data = receipts.new_client_id()
    elif form.validate():
        try:
            note = machines.create_note(current_user, form.values(), form.client_id.data)
        except machines.MachineError as fault:
            _field_error(form, fault)
        else:
            flash("Machine saved.", "success")
            return redirect(url_for("tools.show_machine", note_id=note.id), 303)
    return _form_page(form, None)


@bp.get("/machines/<int:note_id>")
@login_required
def show_machine(note_id: int):
    return _show_page(_visible_or_404(note_id))


@bp.route("/machines/<int:note_id>/edit", methods=["GET", "POST"])
@login_required
def edit_machine(note_id: int):
    note = owned_or_404(MachineNote, note_id)
    form = MachineForm(obj=note if request.method == "GET" else None)
    if request.method == "GET":
        form.client_id.data = receipts.new_client_id()
    elif form.validate():
        try:
            machines.update_note(current_user, note, form.values(), form.client_id.data)
        except machines.MachineError as fault:
            _field_error(form, fault)
        else:
            flash("Changes saved.", "success")
            return redirect(url_for("tools.show_machine", note_id=note.id), 303)
    return _form_page(form, note)


@bp.post("/machines/<int:note_id>/delete")
@login_required
def delete_machine(note_id: int):
    form = NoteActionForm()
    valid = form.validate()
    if valid and machines.was_deleted(current_user, note_id, form.client_id.data):
        return redirect(url_for("tools.list_machines"), 303)  # a replay: deleted already
    note = owned_or_404(MachineNote, note_id)
    if not valid:
        return _show_page(note, action_form=form)
    machines.delete_note(current_user, note, form.client_id.data)
    flash("Machine note deleted.", "success")
    return redirect(url_for("tools.list_machines"), 303)


@bp.post("/machines/<int:note_id>/copy")
@login_required
def copy_machine(note_id: int):
    source = _visible_or_404(note_id)
    form = NoteActionForm()
    if not form.validate():
        return _show_page(source, action_form=form)
    note = machines.copy_note(current_user, source, form.client_id.data)
    flash("Copied to your machines. Only you can see your copy: edit it to fit you.", "success")
    return redirect(url_for("tools.show_machine", note_id=note.id), 303)


@bp.get("/machines/search")
@login_required
def search_machines():
    form = SearchForm(request.args)
    searched = form.validate()
    found = machines.search(**form.criteria()) if searched else None
    return render_view(
        "tools/machines/search.html",
        status=200 if searched else 422,
        form=form,
        found=found,
        filtered=any(form.criteria().values()),
    )


def _visible_or_404(note_id: int) -> MachineNote:
    """The note if it is the user's own or public; someone else's private note is a 404."""
    return machines.visible(current_user, note_id) or abort(404)


def _field_error(form: MachineForm, fault: machines.MachineError) -> None:
    field = getattr(form, fault.field, None) or form.brand
    field.errors = [*field.errors, str(fault)]


def _form_page(form: MachineForm, note: MachineNote | None):
    return render_view(
        "tools/machines/form.html",
        status=422 if request.method == "POST" else 200,
        form=form,
        note=note,
    )


def _show_page(note: MachineNote, action_form: NoteActionForm | None = None):
    """A note; ``action_form`` is a copy or delete that failed validation (answered 422)."""
    source = note.copied_from_id and machines.visible(current_user, note.copied_from_id)
    return render_view(
        "tools/machines/show.html",
        status=422 if action_form else 200,
        note=note,
        source=source or None,
        action_error=next(iter(action_form.errors.values()))[0] if action_form else None,
        new_client_id=receipts.new_client_id(),
    )


@bp.app_template_filter("machine_type_label")
def machine_type_label(machine_type: str) -> str:
    """'hack_squat' -> 'Hack squat'."""
    return machines.TYPE_LABELS.get(machine_type, machine_type)
