"""Who applies and their application letter, recorded with the request: the Kepala Daerah (through
the Sekda) or the DPRD (through the Sekwan); a Ranperkada only from the Kepala Daerah. Bad input
is named and writes nothing."""

import pytest
from sqlalchemy import func, select

from workflow.extensions import db
from workflow.models import Request


def count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Request))


def test_the_applicant_and_the_letter_are_recorded(api):
    drafter = api.as_("drafter")
    req = drafter.create("ranperda", application_letter_number="180/412/HK/2026", application_letter_date="2026-10-01")
    assert (req["applicant_type"], req["application_letter_number"], req["application_letter_date"]) == (
        "kepala_daerah",  # a city government applies through its head by default
        "180/412/HK/2026",
        "2026-10-01",
    )


@pytest.mark.parametrize(
    "process, body, field",
    [
        ("ranperda", {"applicant_type": "bupati"}, "applicant_type"),
        ("ranperkada", {"applicant_type": "dprd"}, "applicant_type"),  # only the executive
        ("ranperda", {"applicant_type": "dprd"}, "applicant_type"),  # a city government is no DPRD
        ("ranperda", {"application_letter_date": "01-10-2026"}, "application_letter_date"),
        ("ranperda", {"application_letter_date": "2999-01-01"}, "application_letter_date"),
        ("ranperda", {"application_letter_number": "x" * 121}, "application_letter_number"),
    ],
)
def test_bad_applicant_input_is_named_and_writes_nothing(app, api, process, body, field):
    before = count(app)
    r = api.as_("drafter").post("/requests", json={"process": process, "title": "Rancangan uji", **body})
    assert r.status_code == 422, r.get_json()
    assert field in str(r.get_json()["error"]["details"])
    assert count(app) == before


@pytest.mark.parametrize("process", ["ranperda", "ranperkada"])
def test_the_application_letter_is_a_required_document_checked_at_submission(api, process):
    """An API client creates, uploads, then submits: without the letter the submission is refused
    with the reason, and nothing moves; with it, the request is submitted."""
    from ..helpers import REQUIRED

    drafter = api.as_("drafter")
    listed = {p["name"]: p for p in drafter.ok(drafter.get("/processes"))}
    assert listed[process]["required_documents"][0] == ["surat_permohonan"]
    req = drafter.create(process)
    for kind in REQUIRED[process]:
        if kind != "surat_permohonan":
            drafter.ok(drafter.upload(req["id"], kind), 201)
    version = drafter.ok(drafter.get(f"/requests/{req['id']}"))["version"]
    r = drafter.fire(req["id"], "submit")
    assert r.status_code == 422
    assert r.get_json()["error"]["details"] == ["Surat permohonan belum diunggah."]
    after = drafter.ok(drafter.get(f"/requests/{req['id']}"))
    assert (after["state"], after["version"]) == ("draft", version)
    drafter.ok(drafter.upload(req["id"], "surat_permohonan"), 201)
    assert drafter.ok(drafter.fire(req["id"], "submit"))["state"] == "submitted"


@pytest.mark.parametrize(
    "on_request, on_minutes, shown",
    [
        (("180/412/HK/2026", "2026-10-01"), (None, None), ("180/412/HK/2026", "1 Oktober 2026")),
        # minutes saved before the request held the letter (older requests) keep what they said
        ((None, None), ("180/77/HK/2025", "2025-12-01"), ("180/77/HK/2025", "1 Desember 2025")),
        # the request's own letter wins over what older minutes said
        (("180/412/HK/2026", "2026-10-01"), ("180/77/HK/2025", "2025-12-01"), ("180/412/HK/2026", "1 Oktober 2026")),
    ],
)
def test_the_berita_acara_reads_the_letter_from_the_request(app, api, on_request, on_minutes, shown):
    from datetime import date

    from workflow.operations.minutes import finalise_minutes

    from ..helpers import draft_minutes, force_state, submitted_request, user

    req = submitted_request(api)
    with app.app_context():
        number, day = on_request
        force_state(
            req["id"],
            "meeting_held",
            application_letter_number=number,
            application_letter_date=date.fromisoformat(day) if day else None,
        )
        minutes = draft_minutes(req["id"])
        minutes.application_letter_number = on_minutes[0]
        minutes.application_letter_date = date.fromisoformat(on_minutes[1]) if on_minutes[1] else None
        issued = finalise_minutes(minutes, user("head"), version=minutes.version)
        basis = issued.payload["basis"]
        assert (basis["letter_number"], basis["letter_date"]) == shown
        db.session.rollback()


def test_the_minutes_editor_refuses_the_letter_fields(app, api):
    from workflow.engine.errors import InvalidInput
    from workflow.operations.minutes import save_minutes

    from ..helpers import draft_minutes, force_state, submitted_request, user

    req = submitted_request(api)
    with app.app_context():
        force_state(req["id"], "meeting_held")
        minutes = draft_minutes(req["id"])
        with pytest.raises(InvalidInput) as raised:
            save_minutes(
                minutes,
                user("officer"),
                version=minutes.version,
                fields={"application_letter_number": "1"},
                findings=None,
            )
        assert raised.value.details == {
            "application_letter_number": [
                "Nomor dan tanggal surat permohonan diambil dari permohonan, bukan diisi pada berita acara."
            ]
        }
        db.session.rollback()
