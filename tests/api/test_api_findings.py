"""The API's 5xx found by schemathesis, each pinned by a test: a year 0000 month on /meetings, and a
participant address with CR/LF (refused on input; one stored anyway is left out of the .ics
instead of breaking it forever); and the report's file formats declared in the OpenAPI document."""

from sqlalchemy import update

from workflow.extensions import db
from workflow.models import Participant

from .test_meetings import meeting_body, ready


def test_a_month_outside_the_calendar_is_422_not_500(api):
    officer = api.as_("officer")
    for month in ("0000-01", "9999-12", "2026-13", "2026-1"):
        r = officer.get(f"/meetings?month={month}")
        assert r.status_code == 422, (month, r.get_json())
        assert "month" in r.get_json()["error"]["details"]
    assert officer.get("/meetings?month=2026-12").status_code == 200


def test_a_participant_address_with_a_line_break_is_refused(api):
    req = ready(api)
    body = meeting_body(api, [req["id"]])
    body["participants"][0]["email"] = "agus@kupang.test\r\nBCC: semua@contoh.test"
    r = api.as_("officer").post("/meetings", json=body)
    assert r.status_code == 422
    assert "participants.0" in r.get_json()["error"]["details"]
    body["participants"][0]["email"] = "bukan-alamat"
    assert api.as_("officer").post("/meetings", json=body).status_code == 422


def test_an_address_stored_with_a_line_break_does_not_break_the_invitation(api):
    officer = api.as_("officer")
    req = ready(api)
    body = meeting_body(api, [req["id"]])
    body["participants"][0]["email"] = "agus@kupang.test"
    meeting = officer.ok(officer.post("/meetings", json=body), 201)
    with api.app.app_context():
        db.session.execute(
            update(Participant)
            .where(Participant.meeting_id == meeting["id"])
            .values(email="agus@kupang.test\r\nATTENDEE:mailto:penyusup@contoh.test", name="Agus\r\nX")
        )
        db.session.commit()
    r = officer.get(f"/meetings/{meeting['id']}/invitation.ics")
    assert r.status_code == 200
    assert b"penyusup" not in r.data
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_the_report_formats_are_declared(api):
    spec = api.as_("officer").get("/openapi.json").get_json()
    content = spec["paths"]["/api/v1/reports/harmonisation"]["get"]["responses"]["200"]["content"]
    assert set(content) == {
        "application/json",
        "text/csv; charset=utf-8",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    r = api.as_("head").get("/reports/harmonisation?period=2026&format=csv")
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/csv; charset=utf-8"
