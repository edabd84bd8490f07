"""The meeting form refuses what is not a number with a message on the form, never a 500."""

from .conftest import new_request


def test_a_duration_or_chair_that_is_not_a_number_is_refused_on_the_form(app, api, web):
    req = new_request(api, state="analysed")
    browser = web.new()
    browser.login("officer")
    base = {
        "request_ids": str(req["id"]),
        "title": "Rapat pengharmonisasian",
        "date": "2026-12-10",
        "time": "09:00",
        "place": "Aula Kanwil",
        "participants": "",
    }
    r = browser.post("/rapat/baru", data=base | {"duration": "dua jam"})
    assert r.status_code == 422
    assert "Durasi diisi dengan jumlah menit." in r.get_data(as_text=True)
    r = browser.post("/rapat/baru", data=base | {"duration": "120", "chair_id": "ketua"})
    assert r.status_code == 422


def assigned_request(app, api):
    """A Kota Kupang request ready for its meeting, with Yohanes Bria assigned."""
    from workflow.extensions import db
    from workflow.models import Request

    from ..helpers import user

    req = new_request(api, state="analysed", title="Rancangan Peraturan Daerah Kota Kupang tentang Pasar Rakyat")
    with app.app_context():
        row = db.session.get(Request, req["id"])
        row.assignees = [user("officer2")]
        db.session.commit()
    return req


def test_the_form_is_prefilled_with_a_title_a_place_and_the_invitees(app, api, web):
    import re

    req = assigned_request(app, api)
    web.login("officer")
    page = web.text(f"/rapat/baru?request_ids={req['id']}")
    assert 'value="Rapat Pengharmonisasian Rancangan Peraturan Daerah Kota Kupang tentang Pasar Rakyat"' in page
    assert 'id="place" name="place" value="Kanwil Kementerian Hukum NTT"' in page  # no meeting place set
    names = re.findall(r'name="inv_name"[^>]*value="([^"]*)"', page)
    emails = re.findall(r'name="inv_email"[^>]*value="([^"]*)"', page)
    # the head (the chair), the assigned drafter, the applicant's drafter account; then blank rows
    assert names == ["Dr. Stefanus Lado Ratu, S.H., M.H.", "Yohanes Bria", "Agustina Lay, S.H.", "", "", ""]
    assert emails[:3] == ["kakanwil@harmoni.test", "perancang2@harmoni.test", "hukum.kotakupang@harmoni.test"]
    sides = re.findall(r'name="inv_side"[^>]*>(.*?)</select>', page, re.S)
    assert [re.search(r'<option value="(\w+)" selected', s).group(1) for s in sides[:3]] == [
        "office",
        "office",
        "applicant",
    ]


def test_the_office_meeting_place_is_the_default_place(app, api, web):
    from .conftest import office_state, restore_office

    req = assigned_request(app, api)
    saved = office_state(app)
    try:
        with app.app_context():
            from workflow.extensions import db
            from workflow.models import Office

            office = db.session.scalars(db.select(Office)).first()
            office.settings = {**(office.settings or {}), "meeting_place": "Aula Lantai 2, Jl. Palapa No. 22, Kupang"}
            db.session.commit()
        web.login("officer")
        page = web.text(f"/rapat/baru?request_ids={req['id']}")
        assert 'name="place" value="Aula Lantai 2, Jl. Palapa No. 22, Kupang"' in page
    finally:
        restore_office(app, saved)


def test_the_invitee_rows_become_the_participants_and_a_bad_row_writes_nothing(app, api, web):
    from sqlalchemy import func, select

    from workflow.extensions import db
    from workflow.models import Meeting

    from ..helpers import user

    req = assigned_request(app, api)
    web.login("officer")
    with app.app_context():
        head = user("head").id
        before = db.session.scalar(select(func.count()).select_from(Meeting))
    form = {
        "request_ids": str(req["id"]),
        "title": "Rapat Pasar Rakyat",
        "date": "2026-12-10",
        "time": "09:00",
        "duration": "120",
        "place": "Aula Kanwil",
        "chair_id": str(head),
        "inv_name": ["Agustina Lay", "", "Tamu Tanpa Surel"],
        "inv_position": ["Kepala Bagian Hukum", "", "Staf"],
        "inv_institution": ["Pemerintah Kota Kupang", "", "Kota Kupang"],
        "inv_side": ["applicant", "applicant", "applicant"],
        "inv_email": ["bukan-surel", "", ""],
    }
    r = web.post("/rapat/baru", data=form)
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Baris 1: Alamat email peserta tidak valid." in page
    assert 'value="Tamu Tanpa Surel"' in page  # what was typed stays
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == before
    form["inv_email"] = ["hukum@kupang.test", "", ""]
    r = web.post("/rapat/baru", data=form)
    assert r.status_code == 302
    with app.app_context():
        meeting = db.session.scalars(select(Meeting).order_by(Meeting.id.desc())).first()
        assert [(p.name, p.side, p.email) for p in meeting.participants] == [
            ("Agustina Lay", "applicant", "hukum@kupang.test"),
            ("Tamu Tanpa Surel", "applicant", None),
        ]
