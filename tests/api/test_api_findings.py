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


# --- the OpenAPI document is exact ---------------------------------------------------------------


def schema_of(spec, name):
    return spec["components"]["schemas"][name]["properties"]


def test_openapi_declares_enums_nullable_references_and_ranges(api):
    from workflow.processes import PROCESSES

    spec = api.as_("officer").get("/openapi.json").get_json()
    request_out = schema_of(spec, "RequestOut")
    assert request_out["process"]["enum"] == sorted(PROCESSES)
    nullable = {"type": "object", "nullable": True}  # apispec's rendering of a nullable reference
    assert nullable in request_out["organisation"]["anyOf"]
    document_out = schema_of(spec, "DocumentOut")
    assert nullable in document_out["uploaded_by"]["anyOf"]
    assert "passport_copy" in document_out["kind"]["enum"] and "rancangan" in document_out["kind"]["enum"]
    assert "declare_complete" in schema_of(spec, "TransitionIn")["trigger"]["enum"]
    assert "ktp" in schema_of(spec, "DocumentUpload")["kind"]["enum"]
    assert schema_of(spec, "RequestCreate")["process"]["enum"] == sorted(PROCESSES)
    due = {p["name"]: p for p in spec["paths"]["/api/v1/calendar/due"]["get"]["parameters"]}
    assert "2099-12-01" in due["start"]["description"]
    assert (due["days"]["schema"]["minimum"], due["days"]["schema"]["maximum"]) == (0, 366)


def test_a_public_request_has_no_organisation_and_validates(api):
    from workflow.documents.store import DocumentStore
    from workflow.operations.public import submit_public_request

    from ..helpers import PDF

    with api.app.app_context():
        req, _code, _pin = submit_public_request(
            "public_complaint",
            details={
                "name": "Yohanes",
                "reported_person": "Loket",
                "place": "Kupang",
                "time": "Senin",
                "chronology": "Lambat.",
            },
            email=None,
            language="id",
            uploads=[("evidence", "bukti.pdf", PDF)],
            store=DocumentStore(api.app.config["DOCUMENT_STORE"]),
            max_bytes=10**6,
        )
        db.session.commit()
        rid = req.id
    head = api.as_("head")
    body = head.ok(head.get(f"/requests/{rid}"))
    assert body["organisation"] is None
    docs = head.ok(head.get(f"/requests/{rid}/documents"))
    assert docs[0]["uploaded_by"] is None


def test_405_says_which_methods_are_allowed(api):
    r = api.as_("officer").client.delete("/api/v1/processes", headers=api.as_("officer")._headers())
    assert r.status_code == 405
    assert set(r.headers["Allow"].replace(" ", "").split(",")) >= {"GET"}
    assert r.get_json()["error"]["code"] == "method_not_allowed"


def test_a_meeting_time_with_z_is_accepted_as_utc(api):
    from datetime import timedelta

    from .test_meetings import meeting_day

    officer = api.as_("officer")
    req = ready(api)
    day = meeting_day()
    body = meeting_body(api, [req["id"]], starts_at=f"{(day - timedelta(days=1)).isoformat()}T23:30:00Z")
    meeting = officer.ok(officer.post("/meetings", json=body), 201)
    assert meeting["starts_at_local"].startswith(f"{day.isoformat()}T07:30")  # WITA = UTC+8
    assert meeting["starts_at"] == f"{(day - timedelta(days=1)).isoformat()}T23:30:00Z"


def test_an_empty_online_link_is_no_link_not_a_500(api):
    req = ready(api)
    body = meeting_body(api, [req["id"]], online_link="")
    meeting = api.as_("officer").ok(api.as_("officer").post("/meetings", json=body), 201)
    assert meeting["online_link"] is None
    too_long = meeting_body(api, [ready(api)["id"]], online_link="https://contoh.test/" + "a" * 500)
    r = api.as_("officer").post("/meetings", json=too_long)
    assert r.status_code == 422 and "online_link" in r.get_json()["error"]["details"]
