"""The minutes editor: "Finalkan" sits in the editor's form and posts what is on the
screen; it is saved first, in the same transaction, so an edit not yet saved is neither lost nor
finalised half-way."""

import re

from sqlalchemy import select

from workflow.extensions import db
from workflow.models import Minutes

from ..helpers import draft_minutes, force_state
from .conftest import new_request


def editor(app, api, web, role="officer"):
    req = new_request(api, state="submitted")
    with app.app_context():
        force_state(req["id"], "meeting_held")
        minutes = draft_minutes(req["id"], "harmonis")
        db.session.commit()
        minutes_id = minutes.id
    browser = web.new()
    browser.login(role)
    path = f"/berita-acara/{minutes_id}"
    return browser, path, minutes_id


def form_of(page: str) -> dict:
    """The editor's fields as the browser would post them (one finding row per finding shown)."""
    fields = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', page))
    fields.update(
        {name: text for name, text in re.findall(r'<textarea[^>]*name="(\w+)"[^>]*>([^<]*)</textarea>', page)}
    )
    fields["conclusion"] = "harmonis"
    return fields


def test_finalising_from_the_editor_keeps_an_edit_not_yet_saved(app, api, web):
    browser, path, minutes_id = editor(app, api, web)
    page = browser.text(path)
    assert 'formaction="' + path + '/final"' in page and "data-confirm=" in page  # harmoni.js asks before finalising
    fields = form_of(page) | {"notes": "Disepakati dalam rapat tanpa perubahan."}
    r = browser.post(path + "/final", data=fields, from_page=path)
    assert r.status_code == 302
    with app.app_context():
        minutes = db.session.get(Minutes, minutes_id)
        # an officer's finalised minutes await the head's approval: saved, locked, not numbered
        assert (minutes.status, minutes.notes) == ("awaiting_approval", "Disepakati dalam rapat tanpa perubahan.")
        assert minutes.issued_document is None


def test_an_invalid_edit_is_shown_again_and_nothing_is_finalised(app, api, web):
    browser, path, minutes_id = editor(app, api, web)
    page = browser.text(path)
    fields = form_of(page) | {"notes": "Catatan yang tidak boleh hilang.", "correction_deadline": "bukan-tanggal"}
    r = browser.post(path + "/final", data=fields, from_page=path)
    assert r.status_code == 422
    shown = r.get_data(as_text=True)
    assert "Catatan yang tidak boleh hilang." in shown  # the edit is still on the screen
    with app.app_context():
        minutes = db.session.scalar(select(Minutes).where(Minutes.id == minutes_id))
        assert (minutes.status, minutes.notes) == ("draft", None)


def test_a_forged_version_is_a_stale_version_not_a_server_error(app, api, web):
    browser, path, minutes_id = editor(app, api, web)
    page = browser.text(path)
    for target in (path, path + "/final"):
        r = browser.post(target, data=form_of(page) | {"version": "satu"}, from_page=path)
        assert (r.status_code, r.headers.get("Location")) == (302, path)
        assert 'role="alert">Berita acara ini baru saja disimpan oleh orang lain.' in browser.text(path), target
    with app.app_context():
        assert db.session.get(Minutes, minutes_id).status == "draft"
