"""The service catalogue of an office, through its admin page, the public pages and the API:
a service switched off takes no new request and disappears from the public pages and forms, its
running files finish; its limits and extra required documents stay within the definition."""

import re

from sqlalchemy import select

from workflow.actors import PublicActor
from workflow.engine.errors import NotPermitted
from workflow.extensions import db
from workflow.models import Office, Request
from workflow.operations.requests import create_request
from workflow.operations.transitions import fire

from ..helpers import force_state, user
from ..services.test_public import DETAILS, DOCUMENTS, browser, post_form
from .conftest import office_state, restore_office

HR = {
    "name": "Markus Katalog",
    "nik": "5371010101900041",
    "address": "Jl. Katalog",
    "phone": "0812",
    "reported_party": "Instansi",
    "chronology": "Kronologi.",
}


def switch(web, name, *, enabled, **fields):
    data = {"documents": fields.pop("documents", [])}
    if enabled:
        data["enabled"] = "y"
    data.update(fields)
    return web.post(f"/admin/layanan/{name}", data)


def test_a_service_switched_off_takes_no_new_request_but_its_running_files_finish(app, api, signed_in):
    admin = signed_in("admin")
    before = office_state(app)
    with app.app_context():  # a human-rights complaint under way before the switch
        office = db.session.scalar(select(Office))
        running = create_request(PublicActor(request_id=0), process="human_rights_complaint", details=HR, office=office)
        db.session.commit()
        running_id = running.id
        force_state(running_id, "submitted")
    try:
        r = switch(admin, "human_rights_complaint", enabled=False)
        assert (r.status_code, r.headers["Location"]) == (302, "/admin/layanan")
        row = re.search(r'data-testid="service-human_rights_complaint">.*?</tr>', admin.text("/admin/layanan"), re.S)
        assert "nonaktif" in row.group(0)

        public = browser(app)
        services = public.get("/layanan/").get_data(as_text=True)
        assert 'href="/layanan/human_rights_complaint"' not in services
        assert 'href="/layanan/legal_aid"' in services
        assert public.get("/layanan/human_rights_complaint").status_code == 404
        assert "Pengaduan dugaan pelanggaran HAM" not in public.get("/bantuan/").get_data(as_text=True)

        head = api.as_("head")
        listed = {p["name"]: p["enabled"] for p in head.ok(head.get("/processes"))}
        assert listed["human_rights_complaint"] is False
        assert {name for name, on in listed.items() if on} == set(listed) - {"human_rights_complaint"}

        with app.app_context():
            office = db.session.scalar(select(Office))
            try:
                create_request(PublicActor(request_id=0), process="human_rights_complaint", details=HR, office=office)
                raise AssertionError("a switched-off service took a new request")
            except NotPermitted:
                db.session.rollback()
            # the running file finishes: the office's staff still act on it
            req = db.session.get(Request, running_id)
            fire(req, "return_for_completion", user("officer"), version=req.version, comment="Lengkapi bukti.")
            db.session.commit()
            assert db.session.get(Request, running_id).state == "incomplete"

        switch(admin, "human_rights_complaint", enabled=True)
        assert browser(app).get("/layanan/human_rights_complaint").status_code == 200
        assert {p["name"]: p["enabled"] for p in head.ok(head.get("/processes"))}["human_rights_complaint"] is True
    finally:
        restore_office(app, before)


def test_limits_within_the_definition_configured_versus_default(app, signed_in):
    admin = signed_in("admin")
    before = office_state(app)
    try:
        page = admin.text("/admin/layanan/public_complaint")
        assert "Kosongkan untuk memakai bawaan: 14 hari" in page and "Kosongkan untuk memakai bawaan: 30 hari" in page
        # beyond what the definition allows: refused, nothing saved
        for field, value in (
            ("limit_timer__deem_withdrawn", "91"),
            ("limit_time_limit", "61"),
            ("limit_time_limit", "0"),
        ):
            r = switch(admin, "public_complaint", enabled=True, **{field: value})
            assert r.status_code == 422, (field, value)
            assert "Harus antara" in r.get_data(as_text=True)
            assert office_state(app) == before
        r = switch(admin, "legal_aid", enabled=True, limit_time_limit="2")  # PP 42/2013: 1 working day
        assert r.status_code == 422
        r = switch(
            admin, "public_complaint", enabled=True, limit_timer__deem_withdrawn="10", limit_deadline__written_reply=""
        )
        assert r.status_code == 302
        _name, settings = office_state(app)
        assert settings["timers"] == {"public_complaint": {"deem_withdrawn": 10}}
        assert "public_complaint" not in settings.get("deadlines", {})
        row = re.search(r'data-testid="service-public_complaint">.*?</tr>', admin.text("/admin/layanan"), re.S).group(0)
        assert "Dianggap dicabut: tidak dilengkapi dalam batas waktu: 10 hari" in row and "diatur kantor" in row
        assert "Jawaban tertulis kepada pelapor: 14 hari" in row
        # the confirmation of a complaint promises the office's days, in words
        r = post_form(
            browser(app),
            "public_complaint",
            {
                **{k: "x" for k in ("reported_person", "place", "time")},
                "name": "Pelapor",
                "chronology": "Kronologi.",
                "language": "id",
            },
        )
        promise = re.search(r'data-testid="promise">([^<]*)<', r.get_data(as_text=True)).group(1)
        assert "paling lama 14 hari sejak pengaduan diterima" in promise and "lengkapi dalam 10 hari" in promise
        assert "paling lama 60 hari sejak berkas dinyatakan lengkap" in promise
        # back to the defaults: empty fields
        r = switch(admin, "public_complaint", enabled=True, limit_timer__deem_withdrawn="")
        assert r.status_code == 302 and "public_complaint" not in office_state(app)[1].get("timers", {})
    finally:
        restore_office(app, before)


def test_the_office_adds_a_required_document(app, signed_in):
    admin = signed_in("admin")
    before = office_state(app)
    try:
        assert switch(admin, "legal_aid", enabled=True, documents=["no_such_kind"]).status_code == 422
        assert switch(admin, "legal_aid", enabled=True, documents=["case_documents"]).status_code == 302
        r = post_form(browser(app), "legal_aid", {**DETAILS, "language": "id"}, DOCUMENTS)
        assert r.status_code == 422 and "Dokumen perkara" in r.get_data(as_text=True)
        r = post_form(
            browser(app), "legal_aid", {**DETAILS, "language": "id"}, {**DOCUMENTS, "case_documents": DOCUMENTS["ktp"]}
        )
        assert r.status_code == 200 and 'data-testid="code"' in r.get_data(as_text=True)
    finally:
        restore_office(app, before)


def test_an_oral_legal_aid_application_registered_at_the_counter(app, signed_in):
    """The officer writes it down with the thumbprinted statement; the applicant's code and PIN
    are on the confirmation, which a reload shows again without filing again."""
    officer = signed_in("officer")
    assert 'href="/permohonan/baru/legal_aid"' in officer.text("/permohonan/baru")
    page = officer.text("/permohonan/baru/legal_aid")
    assert "cap jempol" in page
    import io

    from ..helpers import PDF

    files = {k: (io.BytesIO(PDF), f"{k}.pdf") for k in ("ktp", "sktm", "oral_statement")}
    r = officer.post(
        "/permohonan/baru/legal_aid",
        {**DETAILS, "email": "", **files},
        content_type="multipart/form-data",
    )
    assert (r.status_code, r.headers["Location"]) == (302, "/layanan/terkirim")
    confirmation = officer.text("/layanan/terkirim")
    code = re.search(r'data-testid="code">([^<]+)<', confirmation).group(1)
    assert re.search(r'data-testid="pin">\d{6}<', confirmation)
    again = officer.text("/layanan/terkirim")
    assert code in again and 'data-testid="pin"' not in again  # the PIN once
    with app.app_context():
        req = db.session.scalar(select(Request).where(Request.tracking_code == code))
        assert (req.process, req.state, req.created_by_id) == ("legal_aid", "submitted", user("officer").id)
        assert (
            db.session.scalar(select(db.func.count()).select_from(Request).where(Request.process == "legal_aid")) >= 1
        )
