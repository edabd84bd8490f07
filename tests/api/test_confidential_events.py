"""A public complaint whose reporter asked for confidentiality, filed before the default title left
their name out: its create event still holds the old title "Pengaduan pelayanan publik: NAME" (the
trail is append-only), and an officer's comment may quote the name. Whoever may not read the
reporter's identity (everyone but the assigned staff, access.can_read_field) sees the events with
the anonymised title and the name redacted, in the API and on the request page; the stored events
stay as written, and the trail still verifies."""

import json

import pytest
from sqlalchemy import select, update

from workflow.actors import PublicActor
from workflow.extensions import db
from workflow.models import Event, Request
from workflow.operations.audit import broken_chains, global_chain_problems
from workflow.operations.public import public_office
from workflow.operations.requests import create_request
from workflow.operations.transitions import fire

from ..helpers import user
from ..web.conftest import WebClient

NAME = "Fransiska Rahasia Nenoliu"
PHONE = "081299887766"
LABEL = "Pengaduan pelayanan publik"
DETAILS = {
    "name": NAME,
    "phone": PHONE,
    "confidential": True,
    "reported_person": "Petugas loket",
    "place": "Loket",
    "time": "2 Maret 2026 pukul 10.00",
    "chronology": "Pelayanan ditunda tanpa alasan.",
}
REPLY = f"Jawaban tertulis dikirim kepada {NAME.upper()} (telepon {PHONE})."


def old_style_complaint(app) -> int:
    """Filed as before the anonymisation (the default title named the reporter), then retitled as
    migration a1b2c3d4e5f7 does; assigned to the officer, who records a reply naming the reporter."""
    with app.app_context():
        req = create_request(
            PublicActor(request_id=0),
            process="public_complaint",
            title=f"{LABEL}: {NAME}",  # the old default title, written into the create event
            details=DETAILS,
            office=public_office(None),
        )
        fire(req, "submit", PublicActor(request_id=req.id), version=req.version)
        db.session.execute(update(Request).where(Request.id == req.id).values(title=LABEL))
        fire(req, "assign", user("head"), version=req.version, data={"assignees": [user("officer").id]})
        fire(req, "send_reply", user("officer"), version=req.version, comment=REPLY)
        db.session.commit()
        return req.id


def assert_no_identity(text: str):
    assert NAME.lower() not in text.lower() and "Nenoliu" not in text and PHONE not in text


@pytest.mark.parametrize("alias", ["head", "officer2", "admin"])
def test_those_who_may_not_know_the_reporter_see_no_name_in_the_events(api, alias):
    rid = old_style_complaint(api.app)
    client = api.as_(alias)
    events = client.ok(client.get(f"/requests/{rid}/events"))
    assert_no_identity(json.dumps(events, ensure_ascii=False))
    create = events[0]
    assert create["trigger"] == "create" and create["data"]["title"] == LABEL  # the request's own wording
    reply = next(e for e in events if e["trigger"] == "send_reply")
    assert reply["comment"] == "Jawaban tertulis dikirim kepada [disembunyikan] (telepon [disembunyikan])."
    assert client.ok(client.get(f"/requests/{rid}"))["title"] == LABEL


def test_the_assigned_officer_sees_the_events_as_written(api):
    rid = old_style_complaint(api.app)
    officer = api.as_("officer")
    events = officer.ok(officer.get(f"/requests/{rid}/events"))
    assert events[0]["data"]["title"] == f"{LABEL}: {NAME}"
    assert next(e for e in events if e["trigger"] == "send_reply")["comment"] == REPLY


@pytest.mark.parametrize("alias, shown", [("head", False), ("officer2", False), ("officer", True)])
def test_the_request_page_timeline_follows_the_same_rule(app, alias, shown):
    rid = old_style_complaint(app)
    web = WebClient(app)
    web.login(alias)
    page = web.text(f"/permohonan/{rid}")
    if shown:
        assert REPLY in page
    else:
        assert_no_identity(page)
        assert "Jawaban tertulis dikirim kepada [disembunyikan]" in page


def test_the_stored_events_stay_as_written_and_the_trail_verifies(api):
    rid = old_style_complaint(api.app)
    head = api.as_("head")
    head.ok(head.get(f"/requests/{rid}/events"))
    with api.app.app_context():
        stored = db.session.scalars(select(Event).where(Event.request_id == rid).order_by(Event.seq)).all()
        assert stored[0].data["title"] == f"{LABEL}: {NAME}"
        assert stored[-1].comment == REPLY
        assert broken_chains() == [] and global_chain_problems()[0] == []


def test_a_complaint_without_confidentiality_is_shown_as_written(api):
    with api.app.app_context():
        req = create_request(
            PublicActor(request_id=0),
            process="public_complaint",
            details={**DETAILS, "confidential": False},
            office=public_office(None),
        )
        fire(req, "submit", PublicActor(request_id=req.id), version=req.version)
        db.session.commit()
        rid = req.id
    head = api.as_("head")
    assert head.ok(head.get(f"/requests/{rid}/events"))[0]["data"]["title"] == f"{LABEL}: {NAME}"
