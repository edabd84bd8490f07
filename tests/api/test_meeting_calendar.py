"""A meeting on a day off at the office (a weekend, a national holiday or cuti bersama, an office
closure; overrides included) is scheduled only when the scheduler confirms it, told which day it is
and the holiday's name. Refused, it writes nothing."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from workflow.extensions import db
from workflow.models import HolidayOverride

from ..helpers import user
from .test_meetings import error_of, footprint, meeting_body, ready


@pytest.fixture
def closure(app):
    """The office closed on Thursday 10 December 2026, and working on Christmas Eve (cuti bersama)."""
    with app.app_context():
        office_id = user("officer").office_id
        db.session.add_all(
            [
                HolidayOverride(
                    office_id=office_id, day=date(2026, 12, 10), working=False, reason="Rapat kerja kantor"
                ),
                HolidayOverride(
                    office_id=office_id, day=date(2026, 12, 24), working=True, reason="Pelayanan tetap buka"
                ),
            ]
        )
        db.session.commit()


@pytest.mark.parametrize(
    "day, question",
    [
        ("2026-12-25", "Tanggal 25 Desember 2026 adalah hari libur: Hari Raya Natal. Tetap jadwalkan?"),
        ("2026-12-26", "Tanggal 26 Desember 2026 adalah hari Sabtu, bukan hari kerja. Tetap jadwalkan?"),
        ("2026-12-10", "Tanggal 10 Desember 2026 adalah hari libur: Rapat kerja kantor. Tetap jadwalkan?"),
    ],
)
def test_a_day_off_needs_the_confirmation_naming_it(api, closure, day, question):
    officer = api.as_("officer")
    req = ready(api)
    body = meeting_body(api, [req["id"]], starts_at=f"{day}T09:00:00")
    del body["confirm_non_working_day"]
    before = footprint(api.app, [req["id"]])
    err = error_of(officer.post("/meetings", json=body), 422, "invalid_input")
    assert err["details"] == {"confirm_non_working_day": [question]}
    assert footprint(api.app, [req["id"]]) == before
    # false is no confirmation either
    error_of(officer.post("/meetings", json=body | {"confirm_non_working_day": False}), 422, "invalid_input")
    assert footprint(api.app, [req["id"]]) == before
    meeting = officer.ok(officer.post("/meetings", json=body | {"confirm_non_working_day": True}), 201)
    assert meeting["starts_at_local"].startswith(day)


def test_a_working_day_and_an_office_opening_need_no_confirmation(api, closure):
    officer = api.as_("officer")
    for day in ("2026-12-09", "2026-12-24"):  # a Wednesday; cuti bersama the office works
        req = ready(api)
        body = meeting_body(api, [req["id"]], starts_at=f"{day}T09:00:00")
        del body["confirm_non_working_day"]
        officer.ok(officer.post("/meetings", json=body), 201)


def test_rescheduling_to_a_day_off_needs_the_confirmation_too(api):
    officer = api.as_("officer")
    req = ready(api)
    meeting = officer.ok(
        officer.post("/meetings", json=meeting_body(api, [req["id"]], starts_at="2026-12-09T09:00:00")), 201
    )
    move = {"version": meeting["version"], "starts_at": "2027-01-01T09:00:00", "reason": "Pimpinan bertugas."}
    before = footprint(api.app, [req["id"]])
    err = error_of(officer.post(f"/meetings/{meeting['id']}/reschedule", json=move), 422, "invalid_input")
    assert err["details"] == {
        "confirm_non_working_day": ["Tanggal 1 Januari 2027 adalah hari libur: Tahun Baru Masehi. Tetap jadwalkan?"]
    }
    assert footprint(api.app, [req["id"]]) == before
    moved = officer.ok(
        officer.post(f"/meetings/{meeting['id']}/reschedule", json=move | {"confirm_non_working_day": True})
    )
    assert moved["starts_at_local"].startswith("2027-01-01")


def test_the_form_asks_with_a_checkbox_and_keeps_what_was_typed(app, api):
    from .test_meetings import browser, csrf_from

    req = ready(api)
    web = browser(app, "officer")
    form = {
        "request_ids": str(req["id"]),
        "title": "Rapat Natal",
        "date": "2026-12-25",
        "time": "09:00",
        "duration": "120",
        "place": "Aula Kanwil",
        "chair_id": str(user_id(app, "head")),
    }
    token = csrf_from(web.get(f"/rapat/baru?request_ids={req['id']}").get_data(as_text=True))
    before = footprint(app, [req["id"]])
    r = web.post("/rapat/baru", data=form | {"csrf_token": token})
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Tanggal 25 Desember 2026 adalah hari libur: Hari Raya Natal. Tetap jadwalkan?" in page
    assert 'name="confirm_non_working_day"' in page and 'value="Rapat Natal"' in page
    assert footprint(app, [req["id"]]) == before
    r = web.post("/rapat/baru", data=form | {"csrf_token": token, "confirm_non_working_day": "y"})
    assert r.status_code == 302 and "/rapat/" in r.headers["Location"]


def user_id(app, alias):
    with app.app_context():
        return user(alias).id


# --- the same rule on the generic paths: POST /requests/{id}/transitions and the request page ----

CHRISTMAS = "Tanggal 25 Desember 2026 adalah hari libur: Hari Raya Natal. Tetap jadwalkan?"


def analysed(api) -> int:
    from ..helpers import force_state, submitted_request

    rid = submitted_request(api)["id"]
    with api.app.app_context():
        force_state(rid, "analysed")
    return rid


def events_of(app, request_id) -> list:
    with app.app_context():
        from workflow.models import Event

        return db.session.scalars(select(Event).where(Event.request_id == request_id).order_by(Event.seq)).all()


def test_firing_schedule_meeting_directly_asks_the_same_question(api, closure):
    officer = api.as_("officer")
    rid = analysed(api)
    before = footprint(api.app, [rid])
    for data in ({}, {"confirm_non_working_day": False}):
        err = error_of(officer.fire(rid, "schedule_meeting", meeting_date="2026-12-25", **data), 422, "invalid_input")
        assert err["details"] == {"data.confirm_non_working_day": [CHRISTMAS]}
        assert footprint(api.app, [rid]) == before
    # an office closure is a day off too, named by its reason
    err = error_of(officer.fire(rid, "schedule_meeting", meeting_date="2026-12-10"), 422, "invalid_input")
    assert err["details"] == {
        "data.confirm_non_working_day": [
            "Tanggal 10 Desember 2026 adalah hari libur: Rapat kerja kantor. Tetap jadwalkan?"
        ]
    }
    # not a flag of another type either
    err = error_of(
        officer.fire(rid, "schedule_meeting", meeting_date="2026-12-25", confirm_non_working_day="ya"),
        422,
        "invalid_input",
    )
    assert list(err["details"]) == ["data.confirm_non_working_day"]
    assert footprint(api.app, [rid]) == before
    req = officer.ok(officer.fire(rid, "schedule_meeting", meeting_date="2026-12-25", confirm_non_working_day=True))
    assert req["state"] == "meeting_scheduled"
    last = events_of(api.app, rid)[-1]
    assert last.data["meeting_date"] == "2026-12-25" and last.data["confirm_non_working_day"] is True


def test_a_working_day_fired_directly_needs_no_confirmation_and_records_none(api, closure):
    officer = api.as_("officer")
    for day in ("2026-12-09", "2026-12-24"):  # a Wednesday; cuti bersama the office works
        rid = analysed(api)
        # a needless confirmation is not recorded: the event says only what mattered
        officer.ok(officer.fire(rid, "schedule_meeting", meeting_date=day, confirm_non_working_day=True))
        assert "confirm_non_working_day" not in events_of(api.app, rid)[-1].data


def test_rescheduling_and_a_follow_up_fired_directly_ask_too(api):
    officer = api.as_("officer")
    rid = analysed(api)
    officer.ok(officer.fire(rid, "schedule_meeting", meeting_date="2026-12-09"))
    err = error_of(
        officer.fire(rid, "reschedule_meeting", comment="Pimpinan bertugas.", meeting_date="2027-01-01"),
        422,
        "invalid_input",
    )
    assert err["details"] == {
        "data.confirm_non_working_day": [
            "Tanggal 1 Januari 2027 adalah hari libur: Tahun Baru Masehi. Tetap jadwalkan?"
        ]
    }
    officer.ok(officer.fire(rid, "hold_meeting"))
    err = error_of(
        officer.fire(rid, "schedule_follow_up_meeting", comment="Pasal 5 belum selesai.", meeting_date="2026-12-26"),
        422,
        "invalid_input",
    )
    assert err["details"] == {
        "data.confirm_non_working_day": [
            "Tanggal 26 Desember 2026 adalah hari Sabtu, bukan hari kerja. Tetap jadwalkan?"
        ]
    }


def test_the_process_listing_offers_the_confirmation(api):
    processes = api.as_("officer").ok(api.as_("officer").get("/processes"))
    for name, trigger in (("ranperda", "schedule_meeting"), ("human_rights_complaint", "schedule_mediation")):
        process = next(p for p in processes if p["name"] == name)
        transition = next(t for t in process["transitions"] if t["trigger"] == trigger)
        inputs = {i["name"]: i["kind"] for i in transition["inputs"]}
        assert inputs["meeting_date"] == "date" and inputs["confirm_non_working_day"] == "bool"


def mediation_ready(app) -> int:
    """A human-rights complaint under substantive examination (its mediation is scheduled on the
    request page's generic form, not on the meeting pages)."""
    from ..helpers import force_state
    from ..services.test_walks import submit

    with app.app_context():
        rid = submit("human_rights_complaint", datetime(2026, 11, 2, 2, 0))
        force_state(rid, "examination")
    return rid


def test_the_request_page_form_asks_with_a_checkbox_and_keeps_the_date(app, api):
    from .test_meetings import browser, csrf_from

    rid = mediation_ready(app)
    web = browser(app, "officer")
    page = web.get(f"/permohonan/{rid}").get_data(as_text=True)
    assert 'data-trigger="schedule_mediation"' in page
    assert 'name="confirm_non_working_day"' not in page  # asked, never offered up front
    form = {"csrf_token": csrf_from(page), "trigger": "schedule_mediation", "version": version_of(app, rid)}
    before = footprint(app, [rid])
    r = web.post(f"/permohonan/{rid}/aksi", data=form | {"meeting_date": "2026-12-25"})
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert CHRISTMAS in page
    assert 'name="confirm_non_working_day"' in page and 'value="2026-12-25"' in page
    assert footprint(app, [rid]) == before
    r = web.post(f"/permohonan/{rid}/aksi", data=form | {"meeting_date": "2026-12-25", "confirm_non_working_day": "y"})
    assert r.status_code == 302
    last = events_of(app, rid)[-1]
    assert (last.trigger, last.data["meeting_date"], last.data["confirm_non_working_day"]) == (
        "schedule_mediation",
        "2026-12-25",
        True,
    )


def test_a_schedule_meeting_posted_to_the_request_page_asks_too(app, api):
    from .test_meetings import browser, csrf_from

    rid = analysed(api)
    web = browser(app, "officer")
    token = csrf_from(web.get(f"/permohonan/{rid}").get_data(as_text=True))
    form = {"csrf_token": token, "trigger": "schedule_meeting", "version": version_of(app, rid)}
    r = web.post(f"/permohonan/{rid}/aksi", data=form | {"meeting_date": "2026-12-25"})
    assert r.status_code == 422 and CHRISTMAS in r.get_data(as_text=True)
    r = web.post(f"/permohonan/{rid}/aksi", data=form | {"meeting_date": "2026-12-25", "confirm_non_working_day": "y"})
    assert r.status_code == 302


def version_of(app, request_id) -> str:
    with app.app_context():
        from workflow.models import Request

        return str(db.session.get(Request, request_id).version)
