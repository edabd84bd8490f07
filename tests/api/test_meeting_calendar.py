"""A meeting on a day off at the office (a weekend, a national holiday or cuti bersama, an office
closure; overrides included) is scheduled only when the scheduler confirms it, told which day it is
and the holiday's name. Refused, it writes nothing."""

from datetime import date

import pytest

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
