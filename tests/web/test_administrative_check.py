"""The administrative check's deadline (issue 12) in the pages: set per office in the service
catalogue (within 1-30 working days; a bad value is refused and nothing saved), shown on the request
page and in the work queue like the office's other deadlines, and counted by the overdue filter."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from workflow.extensions import db
from workflow.models import Office

from ..helpers import force_state
from .conftest import new_request, office_state, restore_office


def test_the_request_page_and_the_queue_show_the_check_and_count_it_overdue(app, api, signed_in):
    late = new_request(api, title="Rancangan Peraturan Daerah tentang Pemeriksaan Terlambat")
    on_time = new_request(api, title="Rancangan Peraturan Daerah tentang Pemeriksaan Tepat")
    today = date.today()
    with app.app_context():
        force_state(
            late["id"], "submitted", clock_started_on=today - timedelta(days=10), due_date=today - timedelta(days=5)
        )
    officer = signed_in("officer")
    page = officer.text(f"/permohonan/{late['id']}")
    assert 'data-testid="deadline-stage">Pemeriksaan administrasi<' in page
    overdue = officer.text("/permohonan/?overdue=y")
    assert late["number"] in overdue and on_time["number"] not in overdue
    queue = officer.text("/permohonan/")
    assert on_time["number"] in queue and "lewat tenggat" in queue


def test_the_catalogue_sets_the_check_per_office(app, api, signed_in):
    admin = signed_in("admin")
    before = office_state(app)
    try:
        page = admin.text("/admin/layanan/ranperda")
        assert "Pemeriksaan administrasi" in page
        r = admin.post("/admin/layanan/ranperda", {"enabled": "y", "limit_stage__administrative_check": "5"})
        assert r.status_code == 302
        with app.app_context():
            office = db.session.scalar(select(Office))
            assert office.settings["stages"] == {"ranperda": {"administrative_check": 5}}
        req = new_request(api)  # submitted now: five working days
        shown = api.as_("drafter").ok(api.as_("drafter").get(f"/requests/{req['id']}"))
        assert shown["due_date_kind"] == "administrative_check"
        with app.app_context():
            from workflow.models import Request

            assert db.session.get(Request, req["id"]).time_limit_days == 5
    finally:
        restore_office(app, before)


@pytest.mark.parametrize("value", ["0", "31", "tiga"])
def test_a_bad_check_limit_is_refused_and_nothing_saved(app, signed_in, value):
    admin = signed_in("admin")
    before = office_state(app)
    try:
        r = admin.post("/admin/layanan/ranperda", {"enabled": "y", "limit_stage__administrative_check": value})
        assert r.status_code == 422
        assert "Harus antara 1 dan 30" in r.get_data(as_text=True) or "bilangan" in r.get_data(as_text=True)
        assert office_state(app) == before
    finally:
        restore_office(app, before)
