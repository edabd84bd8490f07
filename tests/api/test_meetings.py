"""Meetings, minutes (berita acara) and the documents Harmoni issues, through the API, the pages and
the operations, on SQLite and PostgreSQL (the `app` fixture).

- meetings: one covers several requests; rescheduling and cancelling (with a reason) fire the engine
  transition on every covered request; the .ics invitation's SEQUENCE grows with each change and it
  says CANCELLED when cancelled; attendance decides who the berita acara lists;
- minutes: a draft is editable and every save is kept; final minutes are locked on every route;
  a correction is a new revision that supersedes the old, which stays downloadable and verifiable;
- the PDF read back with pypdf: number, title, date in words, attendees, findings, conclusion,
  page numbers and the attendance list; markup typed by users is literal in the PDF and escaped in
  the pages; the same data renders to the same bytes, with one renderer per process;
- gapless numbers when two meetings' minutes are finalised at the same moment (OS processes);
- bad input is 422 with the JSON error body and writes nothing; another organisation's drafter
  gets 404 everywhere, a drafter never writes minutes (403).
"""

import hashlib
import io
import os
import re
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from pypdf import PdfReader
from sqlalchemy import func, select

from workflow.documents.pdf import TEMPLATES, renderer
from workflow.documents.words import date_in_words, long_date
from workflow.engine.errors import InvalidInput
from workflow.extensions import db
from workflow.models import (
    Counter,
    Event,
    Finding,
    IssuedDocument,
    Meeting,
    Minutes,
    MinutesSnapshot,
    Participant,
    Request,
)
from workflow.models.minutes import LockedError

from ..conftest import PASSWORD
from ..helpers import ALIASES, REQUIRED, final_minutes, force_state, user
from ..processes import api_client, run_together

TZ = ZoneInfo("Asia/Makassar")  # the demo office's time zone (WITA)
TITLE = "Rancangan Peraturan Daerah Kota Kupang tentang Pengelolaan Sampah"
HEADING = (
    "BERITA ACARA PENGHARMONISASIAN, PEMBULATAN, DAN PEMANTAPAN KONSEPSI "
    "RANCANGAN PERATURAN DAERAH KOTA KUPANG TENTANG PENGELOLAAN SAMPAH"
)
PLACE = "Aula Kanwil NTT, Kupang"
ABSENT = "Yosefina Tidakhadir"
PARTICIPANTS = [
    {
        "name": "Maria Fernandez",
        "position": "Perancang Ahli Muda",
        "institution": "Kanwil Kementerian Hukum NTT",
        "side": "office",
        "email": "maria@kanwil.test",
    },
    {
        "name": "Agustinus <b>Lake</b>",
        "position": "Kepala Bagian Hukum",
        "institution": "Pemerintah Kota Kupang",
        "side": "applicant",
        "email": "agus@kupang.test",
    },
    {
        "name": ABSENT,
        "position": "Asisten Pemerintahan",
        "institution": "Sekretariat Daerah Kota Kupang",
        "side": "applicant",
    },
    {
        "name": "Fransiskus Bapemperda",
        "position": "Ketua Bapemperda",
        "institution": "DPRD Kota Kupang",
        "side": "dprd",
    },
]
FINDINGS = [
    {
        "aspect": "prosedural",
        "article": None,
        "finding": "Izin prakarsa belum dilampirkan",
        "agreed_change": "Pemrakarsa melampirkan izin prakarsa",
    },
    {
        "aspect": "substansi",
        "article": "Pasal 5 ayat (2)",
        "finding": "Sanksi <script>alert(1)</script> belum proporsional",
        "agreed_change": "Denda paling banyak Rp50.000.000",
    },
    {"aspect": "substansi", "article": "Pasal 9", "finding": "Retribusi & tarif belum diatur", "agreed_change": None},
    {
        "aspect": "teknik_penyusunan",
        "article": "Pasal 1 angka 3",
        "finding": "Definisi Dinas tidak konsisten",
        "agreed_change": "Disesuaikan dengan Lampiran II",
    },
]
NOTES = "Pemrakarsa memperbaiki Pasal 5 dan Pasal 9 sesuai kesepakatan rapat."
NUMBER = re.compile(r"^BA-(\d{3})/PP\.04\.02/NTT/(\d{4})$")  # with the classification code


# --- helpers ------------------------------------------------------------------------------------


def local_today():
    return datetime.now(TZ).date()


def meeting_day():
    """A recent past day: the meeting can be recorded as held. Meetings start at 07:30 WITA, which
    is 23:30 UTC of the day before, so a document dated by its UTC day would show the wrong day."""
    return local_today() - timedelta(days=3)


def ready(api, alias="drafter", process="ranperda", title=TITLE):
    """A submitted request of `alias`'s organisation whose analysis is done (state `analysed`)."""
    client = api.as_(alias)
    # the application letter as given with the request: the berita acara and letters read it there
    req = client.create(
        process, title=title, application_letter_number="180/412/HK/2026", application_letter_date="2026-10-01"
    )
    for kind in REQUIRED[process]:
        client.ok(client.upload(req["id"], kind), 201)
    client.ok(client.fire(req["id"], "submit"))
    with api.app.app_context():
        force_state(req["id"], "analysed")
    return client.ok(client.get(f"/requests/{req['id']}"))


def meeting_body(api, request_ids, **overrides):
    with api.app.app_context():
        head_id = user("head").id
    body = {
        "request_ids": request_ids,
        "title": "Rapat Pengharmonisasian Kota Kupang",
        "starts_at": f"{meeting_day().isoformat()}T07:30:00",
        "confirm_non_working_day": True,  # a relative date may be a day off
        "place": PLACE,
        "chair_id": head_id,
        "participants": [dict(p) for p in PARTICIPANTS],
    }
    body.update(overrides)
    return body


def held_meeting(api, request_ids, **overrides):
    """A meeting for `request_ids`, held, with everyone present except ABSENT."""
    officer = api.as_("officer")
    meeting = officer.ok(officer.post("/meetings", json=meeting_body(api, request_ids, **overrides)), 201)
    attendance = [{"participant_id": p["id"], "attended": p["name"] != ABSENT} for p in meeting["participants"]]
    return officer.ok(
        officer.post(f"/meetings/{meeting['id']}/held", json={"version": meeting["version"], "attendance": attendance})
    )


def draft_minutes(api, **request_kw):
    """A request, its held meeting and its saved draft minutes (conclusion: harmonis dengan catatan)."""
    officer = api.as_("officer")
    req = ready(api, **request_kw)
    meeting = held_meeting(api, [req["id"]])
    minutes = officer.ok(officer.post(f"/requests/{req['id']}/minutes", json={"meeting_id": meeting["id"]}), 201)
    deadline = local_today() + timedelta(days=30)
    minutes = officer.ok(
        officer.put(
            f"/minutes/{minutes['id']}",
            json={
                "version": minutes["version"],
                "conclusion": "harmonis_with_notes",
                "notes": NOTES,
                "correction_deadline": deadline.isoformat(),
                "findings": FINDINGS,
            },
        )
    )
    return SimpleNamespace(request=req, meeting=meeting, minutes=minutes, deadline=deadline)


def finalised(api, **request_kw):
    s = draft_minutes(api, **request_kw)
    officer = api.as_("officer")
    s.minutes = officer.ok(officer.post(f"/minutes/{s.minutes['id']}/finalise", json={"version": s.minutes["version"]}))
    s.issued = s.minutes["issued_document"]
    return s


def flat(text: str) -> str:
    return " ".join(text.split())


def pdf_pages(data: bytes) -> list[str]:
    assert data.startswith(b"%PDF-")
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def error_of(response, status, code=None):
    """The error object of a JSON error response, after checking its status and shape."""
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}, body
    err = body["error"]
    assert set(err) <= {"code", "message", "details"} and err["message"], err
    if code is not None:
        assert err["code"] == code, err
    return err


def stored_files(app) -> set[str]:
    root = Path(app.config["DOCUMENT_STORE"])
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def footprint(app, request_ids=(), minutes_id=None) -> dict:
    """Everything a refused call must leave as it was."""
    with app.app_context():

        def count(model):
            return db.session.scalar(select(func.count()).select_from(model))

        shot = {
            model.__tablename__: count(model)
            for model in (Meeting, Participant, Event, Minutes, MinutesSnapshot, Finding, IssuedDocument)
        }
        shot["numbers"] = db.session.scalar(select(func.coalesce(func.sum(Counter.value), 0)))
        shot["meetings"] = [
            tuple(row)
            for row in db.session.execute(
                select(Meeting.id, Meeting.version, Meeting.status, Meeting.starts_at, Meeting.place).order_by(
                    Meeting.id
                )
            )
        ]
        shot["attendance"] = [
            tuple(row)
            for row in db.session.execute(select(Participant.id, Participant.attended).order_by(Participant.id))
        ]
        shot["requests"] = [
            tuple(row)
            for row in db.session.execute(
                select(Request.id, Request.state, Request.version)
                .where(Request.id.in_(list(request_ids)))
                .order_by(Request.id)
            )
        ]
        if minutes_id is not None:
            m = db.session.get(Minutes, minutes_id)
            shot["minutes"] = (
                m.version,
                m.status,
                m.conclusion,
                m.notes,
                m.correction_deadline,
                m.signatories,
                [(f.aspect, f.article, f.finding, f.agreed_change) for f in m.findings],
                len(m.history),
            )
        shot["files"] = stored_files(app)
        return shot


_CSRF_INPUT = re.compile(r'<input\b[^>]*\bname="csrf_token"[^>]*>')
_VALUE = re.compile(r'\bvalue="([^"]+)"')


def csrf_from(page: str) -> str:
    tag = _CSRF_INPUT.search(page)
    assert tag, "no csrf_token input on the page"
    return _VALUE.search(tag.group(0)).group(1)


def browser(app, alias=None):
    """A test client signed in through the /masuk form (CSRF on, as in production)."""
    client = app.test_client()
    if alias:
        token = csrf_from(client.get("/masuk").get_data(as_text=True))
        r = client.post("/masuk", data={"csrf_token": token, "email": ALIASES[alias], "password": PASSWORD})
        assert r.status_code == 302, r.get_data(as_text=True)[:800]
    return client


def page(client, path, status=200) -> str:
    r = client.get(path)
    assert r.status_code == status, (path, r.status_code, r.get_data(as_text=True)[:800])
    return r.get_data(as_text=True)


def verify_upload(app, code, content: bytes):
    """Upload `content` on the public verification page of `code`, with the page's CSRF token."""
    client = app.test_client()
    token = csrf_from(page(client, f"/verifikasi/{code}"))
    return client.post(
        f"/verifikasi/{code}",
        data={"csrf_token": token, "file": (io.BytesIO(content), "ba.pdf")},
        content_type="multipart/form-data",
    )


def invitation(client, meeting_id):
    r = client.get(f"/meetings/{meeting_id}/invitation.ics")
    assert r.status_code == 200 and r.mimetype == "text/calendar", r.get_data(as_text=True)[:500]
    cal = Calendar.from_ical(r.data)
    (event,) = cal.walk("VEVENT")
    return cal, event


# --- the berita acara, read back ----------------------------------------------------------------


def test_berita_acara_pdf_reads_back(api):
    s = finalised(api)
    officer = api.as_("officer")
    number = s.issued["number"]
    assert NUMBER.match(number) and NUMBER.match(number).group(1) == "001", number
    r = officer.get(f"/issued/{s.issued['id']}/pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    pages = pdf_pages(r.data)
    text = " ".join(pages)

    assert f"Nomor: {number}" in text
    assert HEADING in text  # the title, upper case as in the heading
    words = date_in_words(meeting_day())  # the office's local day, not the UTC one
    assert words.startswith(("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"))
    assert f"Pada hari ini, {words}, pukul 07.30 WITA, bertempat di {PLACE}" in text, text[:1500]
    assert date_in_words(meeting_day() - timedelta(days=1)) not in text
    assert "Nomor 180/412/HK/2026 tanggal 1 Oktober 2026" in text
    for p in PARTICIPANTS:
        if p["name"] == ABSENT:
            assert p["name"] not in text and p["position"] not in text
        else:
            assert p["name"] in text and p["position"] in text and p["institution"] in text, p
    for label in ("1. Aspek Prosedural", "2. Aspek Substansi", "3. Aspek Teknik Penyusunan"):
        assert label in text
    for f in FINDINGS:
        assert f["finding"] in text, f
        assert (f["article"] or "Umum") in text and (f["agreed_change"] or "—") in text
    assert (
        "dinyatakan harmonis dengan catatan, dengan perbaikan yang wajib diselesaikan paling lambat "
        f"tanggal {long_date(s.deadline)}"
    ) in text
    assert f"Catatan: {NOTES}" in text
    assert f"Kode verifikasi: {s.issued['code']}" in text

    total = len(pages)
    assert total >= 2
    for i, page_text in enumerate(pages, 1):
        assert f"Halaman {i} dari {total}" in page_text, (i, page_text[-300:])
    attachment = pages[-1]
    assert "LAMPIRAN: DAFTAR HADIR" in attachment and "LAMPIRAN" not in pages[0]
    assert f"Berita Acara Nomor {number}" in attachment
    assert long_date(meeting_day()) in attachment
    for p in PARTICIPANTS:
        assert (p["name"] in attachment) == (p["name"] != ABSENT), p["name"]


def test_every_page_carries_the_document_number(api):
    """print.css puts the number in every page's footer (@bottom-right: string(docnumber)), so a
    loose page of a berita acara still says which document it belongs to."""
    s = finalised(api)
    pages = pdf_pages(api.as_("officer").get(f"/issued/{s.issued['id']}/pdf").data)
    assert len(pages) >= 2
    missing = [i for i, text in enumerate(pages, 1) if s.issued["number"] not in text]
    assert missing == [], f"pages without the number {s.issued['number']}: {missing}"


def test_markup_is_literal_in_the_pdf_and_escaped_in_the_pages(api):
    s = finalised(api)
    pdf = api.as_("officer").get(f"/issued/{s.issued['id']}/pdf").data
    text = " ".join(pdf_pages(pdf))
    assert "Agustinus <b>Lake</b>" in text
    assert "Sanksi <script>alert(1)</script> belum proporsional" in text
    assert "Retribusi & tarif belum diatur" in text
    assert "&lt;" not in text and "&amp;" not in text  # escaped once, for the HTML, not twice

    for alias in ("officer", "drafter"):
        web = browser(api.app, alias)
        meeting_page = page(web, f"/rapat/{s.meeting['id']}")
        assert "Agustinus &lt;b&gt;Lake&lt;/b&gt;" in meeting_page
        assert "<b>Lake</b>" not in meeting_page
        minutes_page = page(web, f"/berita-acara/{s.minutes['id']}")
        assert "Sanksi &lt;script&gt;alert(1)&lt;/script&gt; belum proporsional" in minutes_page
        assert "<script>alert(1)</script>" not in minutes_page
        assert "Retribusi &amp; tarif" in minutes_page
    verification = page(browser(api.app), f"/verifikasi/{s.issued['code']}")
    assert s.issued["number"] in verification and HEADING in verification


def test_the_draft_editor_escapes_markup_too(api):
    s = draft_minutes(api)
    editor = page(browser(api.app, "officer"), f"/berita-acara/{s.minutes['id']}")
    assert "Simpan draf" in editor  # the editable form
    assert "Sanksi &lt;script&gt;alert(1)&lt;/script&gt; belum proporsional</textarea>" in editor
    assert "<script>alert(1)</script>" not in editor


@pytest.mark.parametrize(
    "alias, title, expected",
    [
        ("drafter", "Tarif Parkir", "RANCANGAN PERATURAN WALI KOTA KUPANG TENTANG TARIF PARKIR"),
        ("other_drafter", "Tata Kelola Tenun Ikat", "RANCANGAN PERATURAN BUPATI SIKKA TENTANG TATA KELOLA TENUN IKAT"),
    ],
)
def test_ranperkada_heading_names_the_regulation_once(api, alias, title, expected):
    """A Ranperkada titled without "tentang": the heading names the regulation as it is called,
    Peraturan Wali Kota Kupang / Peraturan Bupati Sikka, not "Wali Kota Kota Kupang"."""
    req = ready(api, alias=alias, process="ranperkada", title=title)
    with api.app.app_context():
        force_state(req["id"], "meeting_held")
        issued = final_minutes(req["id"])
        doc_title = issued.title
    assert doc_title == "BERITA ACARA PENGHARMONISASIAN, PEMBULATAN, DAN PEMANTAPAN KONSEPSI " + expected


# --- rendering ----------------------------------------------------------------------------------


def test_the_same_final_data_renders_to_the_same_bytes(api):
    s = finalised(api)
    stored = api.as_("officer").get(f"/issued/{s.issued['id']}/pdf").data
    assert sha256(stored) == s.issued["sha256"]
    with api.app.app_context():
        issued = db.session.get(IssuedDocument, s.issued["id"])
        payload, code = issued.payload, issued.code
        first = renderer().render("berita_acara", payload, identifier=code)
        second = renderer().render("berita_acara", dict(payload), identifier=code)
        other_id = renderer().render("berita_acara", payload, identifier=code + "X")
    assert first == second
    assert first == stored  # later, in another request: still the issued bytes
    assert other_id != first  # the identifier is what pins the PDF /ID


def test_one_renderer_one_font_configuration_per_process(api, monkeypatch):
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    req = ready(api)
    with api.app.app_context():
        force_state(req["id"], "meeting_held")
        payload = dict(final_minutes(req["id"]).payload)
    built = {"fonts": 0, "stylesheets": []}
    font_init, css_init = FontConfiguration.__init__, CSS.__init__

    def counting_font_init(self, *args, **kwargs):
        built["fonts"] += 1
        font_init(self, *args, **kwargs)

    def counting_css_init(self, *args, **kwargs):
        built["stylesheets"].append(kwargs.get("filename"))
        css_init(self, *args, **kwargs)

    monkeypatch.setattr(FontConfiguration, "__init__", counting_font_init)
    monkeypatch.setattr(CSS, "__init__", counting_css_init)
    renderer.cache_clear()  # as in a fresh process
    with api.app.app_context():
        assert renderer() is renderer()
        a = renderer().render("berita_acara", payload, identifier="satu")
        b = renderer().render("berita_acara", {**payload, "number": "BA-999/X/NTT/2026"}, identifier="dua")
        c = renderer().render("berita_acara", payload, identifier="tiga")
    assert a != b and a != c
    assert built["fonts"] == 1, built
    assert built["stylesheets"] == [str(TEMPLATES / "print.css")], built
    # the counters see what a naive render does: a font configuration of its own each time
    HTML(string="<p>x</p>").write_pdf()
    assert built["fonts"] == 2


# --- meetings: invitation, reschedule, cancel, attendance ---------------------------------------


def test_invitation_follows_reschedule_and_cancel_on_every_request(api):
    officer = api.as_("officer")
    first, second = ready(api), ready(api, process="ranperkada")
    ids = [first["id"], second["id"]]
    meeting = officer.ok(officer.post("/meetings", json=meeting_body(api, ids)), 201)
    assert [r["id"] for r in meeting["requests"]] == ids
    assert meeting["starts_at"] == f"{(meeting_day() - timedelta(days=1)).isoformat()}T23:30:00Z"
    for rid in ids:
        assert officer.ok(officer.get(f"/requests/{rid}"))["state"] == "meeting_scheduled"

    cal, event = invitation(officer, meeting["id"])
    uid = str(event["uid"])
    assert str(cal["method"]) == "REQUEST" and str(event["status"]) == "CONFIRMED"
    assert event.decoded("sequence") == 1
    assert str(event["location"]) == PLACE
    assert str(event["organizer"]) == "mailto:kakanwil@harmoni.test"
    attendees = event.get("attendee")
    assert sorted(str(a) for a in (attendees if isinstance(attendees, list) else [attendees])) == [
        "mailto:agus@kupang.test",
        "mailto:maria@kanwil.test",
    ]
    description = str(event["description"])
    assert first["number"] in description and second["number"] in description

    # reschedule: every covered request records it, with the reason; the invitation updates
    new_day = local_today() + timedelta(days=7)
    reason = "Kepala Kantor Wilayah bertugas ke Jakarta"
    meeting = officer.ok(
        officer.post(
            f"/meetings/{meeting['id']}/reschedule",
            json={
                "version": meeting["version"],
                "starts_at": f"{new_day.isoformat()}T10:00:00",
                "confirm_non_working_day": True,  # a relative date may be a day off
                "place": "Ruang Rapat Lantai 2",
                "reason": reason,
            },
        )
    )
    assert meeting["status"] == "scheduled" and meeting["status_reason"] == reason
    assert meeting["starts_at"] == f"{new_day.isoformat()}T02:00:00Z"
    for rid in ids:
        events = officer.ok(officer.get(f"/requests/{rid}/events"))
        last = events[-1]
        assert last["trigger"] == "reschedule_meeting" and last["comment"] == reason
        assert last["data"]["meeting_date"] == new_day.isoformat()
        assert last["data"]["meeting_id"] == meeting["id"]
        assert officer.ok(officer.get(f"/requests/{rid}"))["state"] == "meeting_scheduled"
    cal, event = invitation(officer, meeting["id"])
    assert str(event["uid"]) == uid and event.decoded("sequence") == 2
    assert event.decoded("dtstart").isoformat() == f"{new_day.isoformat()}T02:00:00+00:00"
    assert str(event["location"]) == "Ruang Rapat Lantai 2" and str(event["status"]) == "CONFIRMED"

    # a stale version is refused and changes nothing
    before = footprint(api.app, ids)
    error_of(
        officer.post(f"/meetings/{meeting['id']}/cancel", json={"version": meeting["version"] - 1, "reason": "x"}),
        409,
        "stale_version",
    )
    assert footprint(api.app, ids) == before

    # cancel: every covered request goes back to `analysed`; the invitation says CANCELLED
    meeting = officer.ok(
        officer.post(
            f"/meetings/{meeting['id']}/cancel",
            json={"version": meeting["version"], "reason": "Pemrakarsa meminta penundaan"},
        )
    )
    assert meeting["status"] == "cancelled" and meeting["status_reason"] == "Pemrakarsa meminta penundaan"
    for rid in ids:
        assert officer.ok(officer.get(f"/requests/{rid}"))["state"] == "analysed"
        last = officer.ok(officer.get(f"/requests/{rid}/events"))[-1]
        assert last["trigger"] == "cancel_meeting" and last["comment"] == "Pemrakarsa meminta penundaan"
    cal, event = invitation(officer, meeting["id"])
    assert str(event["uid"]) == uid and event.decoded("sequence") == 3
    assert str(event["status"]) == "CANCELLED" and str(cal["method"]) == "CANCEL"

    # a cancelled meeting is over: no reschedule, attendance or holding; the requests can be rescheduled
    before = footprint(api.app, ids)
    v = meeting["version"]
    error_of(
        officer.post(
            f"/meetings/{meeting['id']}/reschedule",
            json={
                "version": v,
                "starts_at": f"{new_day.isoformat()}T10:00:00",
                "reason": "lagi",
                "confirm_non_working_day": True,
            },
        ),
        409,
    )
    error_of(officer.post(f"/meetings/{meeting['id']}/held", json={"version": v, "attendance": []}), 409)
    error_of(
        officer.post(
            f"/meetings/{meeting['id']}/attendance",
            json={"version": v, "attendance": [{"participant_id": meeting["participants"][0]["id"], "attended": True}]},
        ),
        409,
    )
    assert footprint(api.app, ids) == before
    again = officer.ok(officer.post("/meetings", json=meeting_body(api, ids)), 201)
    assert again["id"] != meeting["id"]


def test_the_calendar_lists_a_meeting_in_its_local_month(api):
    """The month calendar shows WITA times; a meeting at 07:30 WITA on the first of a month is
    stored as 23:30 UTC on the last day of the month before, and belongs to its own month."""
    first = local_today().replace(day=1)
    before_month = (first - timedelta(days=1)).replace(day=1)
    officer = api.as_("officer")
    req = ready(api)
    officer.ok(
        officer.post(
            "/meetings",
            json=meeting_body(api, [req["id"]], title="Rapat Awal Bulan", starts_at=f"{first.isoformat()}T07:30:00"),
        ),
        201,
    )
    web = browser(api.app, "officer")
    listed_in = [
        month.strftime("%Y-%m")
        for month in (before_month, first)
        if "Rapat Awal Bulan" in page(web, f"/rapat/?bulan={month.strftime('%Y-%m')}")
    ]
    assert listed_in == [first.strftime("%Y-%m")]


def test_attendance_is_recorded_and_a_future_meeting_cannot_be_held(api):
    officer = api.as_("officer")
    req = ready(api)
    later = local_today() + timedelta(days=5)
    meeting = officer.ok(
        officer.post("/meetings", json=meeting_body(api, [req["id"]], starts_at=f"{later.isoformat()}T09:00:00")), 201
    )
    assert all(p["attended"] is None for p in meeting["participants"])
    present = {p["id"]: p["name"] != ABSENT for p in meeting["participants"]}
    meeting = officer.ok(
        officer.post(
            f"/meetings/{meeting['id']}/attendance",
            json={
                "version": meeting["version"],
                "attendance": [{"participant_id": pid, "attended": v} for pid, v in present.items()],
            },
        )
    )
    assert {p["id"]: p["attended"] for p in meeting["participants"]} == present

    before = footprint(api.app, [req["id"]])
    error_of(
        officer.post(f"/meetings/{meeting['id']}/held", json={"version": meeting["version"]}),
        409,
        "transition_unavailable",
    )
    error_of(
        officer.post(
            f"/meetings/{meeting['id']}/attendance",
            json={"version": meeting["version"], "attendance": [{"participant_id": 999_999, "attended": True}]},
        ),
        422,
        "invalid_input",
    )
    error_of(
        officer.post(
            f"/meetings/{meeting['id']}/attendance",
            json={"version": meeting["version"], "attendance": [{"participant_id": "x", "attended": True}]},
        ),
        422,
        "invalid_input",
    )
    error_of(
        api.as_("drafter").post(
            f"/meetings/{meeting['id']}/attendance", json={"version": meeting["version"], "attendance": []}
        ),
        403,
        "forbidden",
    )
    assert footprint(api.app, [req["id"]]) == before
    assert officer.ok(officer.get(f"/requests/{req['id']}"))["state"] == "meeting_scheduled"


# --- minutes: drafts, locking, revisions --------------------------------------------------------


def test_every_draft_save_is_kept(api):
    officer, officer2 = api.as_("officer"), api.as_("officer2")
    req = ready(api)
    meeting = held_meeting(api, [req["id"]])
    minutes = officer.ok(officer.post(f"/requests/{req['id']}/minutes", json={"meeting_id": meeting["id"]}), 201)
    assert minutes["status"] == "draft" and minutes["revision"] == 1 and minutes["history"] == 0
    # prefilled: the chair for the office, the applicant side
    assert minutes["signatories"][0] == {
        "name": "Dr. Stefanus Lado Ratu, S.H., M.H.",
        "position": "Kepala Kantor Wilayah Kementerian Hukum Nusa Tenggara Timur",
        "nip": "197205141998031002",
        "side": "office",
    }
    error_of(officer.post(f"/requests/{req['id']}/minutes", json={"meeting_id": meeting["id"]}), 409)

    first = officer.ok(
        officer.put(
            f"/minutes/{minutes['id']}",
            json={"version": minutes["version"], "notes": "Catatan pertama", "findings": FINDINGS[:1]},
        )
    )
    assert first["history"] == 1 and len(first["findings"]) == 1
    second = officer2.ok(
        officer2.put(
            f"/minutes/{minutes['id']}",
            json={
                "version": first["version"],
                "notes": "Catatan kedua",
                "conclusion": "harmonis",
                "findings": FINDINGS,
            },
        )
    )
    assert second["history"] == 2 and len(second["findings"]) == len(FINDINGS)
    # a save on the version before is refused, nothing lost
    before = footprint(api.app, [req["id"]], minutes["id"])
    err = error_of(
        officer.put(f"/minutes/{minutes['id']}", json={"version": first["version"], "notes": "lama"}),
        409,
        "stale_version",
    )
    assert err["details"]["current_version"] == second["version"]
    assert footprint(api.app, [req["id"]], minutes["id"]) == before

    # the page saves too (CSRF token from the editor), and that save is kept as well
    web = browser(api.app, "officer")
    token = csrf_from(page(web, f"/berita-acara/{minutes['id']}"))
    r = web.post(
        f"/berita-acara/{minutes['id']}",
        data={
            "csrf_token": token,
            "version": str(second["version"]),
            "conclusion": "harmonis",
            "notes": "Catatan ketiga",
            "signatories": "Kepala Kantor Wilayah; Kepala Kantor Wilayah; kanwil",
            "aspect": ["substansi", "prosedural"],
            "article": ["Pasal 2", ""],
            "finding": ["Dari halaman", ""],
            "agreed_change": ["", ""],
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)[:800]
    third = officer.ok(officer.get(f"/minutes/{minutes['id']}"))
    assert third["history"] == 3 and third["notes"] == "Catatan ketiga"
    assert third["findings"] == [
        {"aspect": "substansi", "article": "Pasal 2", "finding": "Dari halaman", "agreed_change": None}
    ]
    with api.app.app_context():
        shots = db.session.scalars(
            select(MinutesSnapshot).where(MinutesSnapshot.minutes_id == minutes["id"]).order_by(MinutesSnapshot.id)
        ).all()
        assert [s.content["notes"] for s in shots] == ["Catatan pertama", "Catatan kedua", "Catatan ketiga"]
        assert [len(s.content["findings"]) for s in shots] == [1, len(FINDINGS), 1]
        assert shots[1].content["findings"][1]["finding"] == FINDINGS[1]["finding"]
        assert [s.saved_by_id for s in shots] == [user("officer").id, user("officer2").id, user("officer").id]


def test_a_drafter_cannot_write_minutes(api):
    req = ready(api)
    meeting = held_meeting(api, [req["id"]])
    drafter = api.as_("drafter")
    assert drafter.ok(drafter.get(f"/meetings/{meeting['id']}"))["id"] == meeting["id"]  # they see it
    before = footprint(api.app, [req["id"]])
    error_of(drafter.post(f"/requests/{req['id']}/minutes", json={"meeting_id": meeting["id"]}), 403, "forbidden")
    assert footprint(api.app, [req["id"]]) == before
    web = browser(api.app, "drafter")
    token = csrf_from(page(web, f"/rapat/{meeting['id']}"))
    r = web.post(f"/rapat/{meeting['id']}/berita-acara/{req['id']}", data={"csrf_token": token})
    assert r.status_code == 403
    assert footprint(api.app, [req["id"]]) == before
    # staff can (the test can fail)
    officer = api.as_("officer")
    minutes = officer.ok(officer.post(f"/requests/{req['id']}/minutes", json={"meeting_id": meeting["id"]}), 201)
    # and a drafter can neither edit, finalise nor revise them: a draft is the office's working
    # copy, not even visible to the applicant (404); final minutes are visible, and still refused
    before = footprint(api.app, [req["id"]], minutes["id"])
    error_of(drafter.put(f"/minutes/{minutes['id']}", json={"version": minutes["version"], "notes": "x"}), 404)
    error_of(drafter.post(f"/minutes/{minutes['id']}/finalise", json={"version": minutes["version"]}), 404)
    error_of(drafter.post(f"/minutes/{minutes['id']}/revise"), 404)
    assert (
        web.post(
            f"/berita-acara/{minutes['id']}",
            data={"csrf_token": token, "version": str(minutes["version"]), "notes": "x"},
        ).status_code
        == 403  # the page's writes are refused to non-staff before anything is loaded
    )
    assert footprint(api.app, [req["id"]], minutes["id"]) == before


def test_final_minutes_are_locked_everywhere(api):
    s = finalised(api)
    officer, mid = api.as_("officer"), s.minutes["id"]
    assert s.minutes["status"] == "final" and s.minutes["history"] == 1
    before = footprint(api.app, [s.request["id"]], mid)
    v = s.minutes["version"]
    error_of(officer.put(f"/minutes/{mid}", json={"version": v, "notes": "diubah"}), 409, "transition_unavailable")
    error_of(officer.put(f"/minutes/{mid}", json={"version": v, "findings": []}), 409)
    error_of(api.as_("head").put(f"/minutes/{mid}", json={"version": v, "conclusion": "harmonis"}), 409)
    error_of(officer.post(f"/minutes/{mid}/finalise", json={"version": v}), 409)
    error_of(api.as_("drafter").put(f"/minutes/{mid}", json={"version": v, "notes": "x"}), 403)

    web = browser(api.app, "officer")
    final_page = page(web, f"/berita-acara/{mid}")
    assert "Simpan draf" not in final_page  # no editor on final minutes
    r = web.post(
        f"/berita-acara/{mid}",
        data={
            "csrf_token": csrf_from(final_page),
            "version": str(v),
            "conclusion": "harmonis",
            "notes": "diubah",
            "signatories": "A; B; kanwil",
            "aspect": ["substansi"],
            "article": [""],
            "finding": ["baru"],
            "agreed_change": [""],
        },
    )
    assert r.status_code == 409, r.status_code
    r = web.post(f"/berita-acara/{mid}/final", data={"csrf_token": csrf_from(final_page), "version": str(v)})
    assert r.status_code in (302, 409)
    assert footprint(api.app, [s.request["id"]], mid) == before

    # underneath the routes, the model refuses a change to final minutes too
    with api.app.app_context():
        minutes = db.session.get(Minutes, mid)
        minutes.notes = "diubah langsung"
        with pytest.raises(LockedError):
            db.session.flush()
        db.session.rollback()
    assert footprint(api.app, [s.request["id"]], mid) == before


def test_a_revision_supersedes_and_the_old_document_still_verifies(api):
    s = finalised(api)
    officer, drafter = api.as_("officer"), api.as_("drafter")
    old, old_issued = s.minutes, s.issued
    old_pdf = officer.get(f"/issued/{old_issued['id']}/pdf").data
    assert sha256(old_pdf) == old_issued["sha256"]

    revision = officer.ok(officer.post(f"/minutes/{old['id']}/revise"), 201)
    assert (revision["revision"], revision["status"], revision["issued_document"]) == (2, "draft", None)
    assert revision["findings"] == old["findings"] and revision["conclusion"] == old["conclusion"]
    error_of(officer.post(f"/minutes/{old['id']}/revise"), 409)  # one correction at a time
    assert officer.ok(officer.get(f"/minutes/{old['id']}"))["status"] == "final"  # until the revision is final
    revision = officer.ok(
        officer.put(
            f"/minutes/{revision['id']}",
            json={"version": revision["version"], "notes": "Catatan setelah koreksi: Pasal 9 dihapus."},
        )
    )
    new = officer.ok(officer.post(f"/minutes/{revision['id']}/finalise", json={"version": revision["version"]}))
    new_issued = new["issued_document"]
    assert new["status"] == "final"
    assert int(NUMBER.match(new_issued["number"]).group(1)) == int(NUMBER.match(old_issued["number"]).group(1)) + 1

    listing = officer.ok(officer.get(f"/requests/{s.request['id']}/minutes"))
    assert [(m["revision"], m["status"]) for m in listing] == [(2, "final"), (1, "superseded")]
    # (the meeting's invitation letter, issued when it was scheduled, is not a berita acara)
    issued = [d for d in drafter.ok(drafter.get(f"/requests/{s.request['id']}/issued")) if d["kind"] == "berita_acara"]
    assert [(d["id"], d["superseded_by_id"]) for d in issued] == [
        (old_issued["id"], new_issued["id"]),
        (new_issued["id"], None),
    ]
    # both downloadable; the old one is byte for byte what was issued
    for client in (officer, drafter):
        again = client.get(f"/issued/{old_issued['id']}/pdf")
        assert again.status_code == 200 and again.data == old_pdf
    with api.app.app_context():
        assert db.session.get(IssuedDocument, old_issued["id"]).sha256 == sha256(old_pdf)
    new_pdf = drafter.get(f"/issued/{new_issued['id']}/pdf").data
    assert sha256(new_pdf) == new_issued["sha256"] != old_issued["sha256"]
    new_text, old_text = " ".join(pdf_pages(new_pdf)), " ".join(pdf_pages(old_pdf))
    assert f"revisi ke-1, menggantikan Nomor {old_issued['number']}" in new_text
    assert "Pasal 9 dihapus" in new_text and "Pasal 9 dihapus" not in old_text

    # superseded minutes are locked like final ones
    before = footprint(api.app, [s.request["id"]], old["id"])
    error_of(officer.put(f"/minutes/{old['id']}", json={"version": listing[1]["version"], "notes": "x"}), 409)
    error_of(officer.post(f"/minutes/{old['id']}/revise"), 409)
    assert footprint(api.app, [s.request["id"]], old["id"]) == before

    # the public page: what the document is, that it was superseded, and whether a PDF is it
    shown = page(browser(api.app), f"/verifikasi/{old_issued['code']}")
    assert old_issued["number"] in shown and "Berita Acara Pengharmonisasian" in shown
    assert old_issued["sha256"] in shown
    assert f"telah digantikan oleh revisi Nomor {new_issued['number']}" in shown
    assert "digantikan" not in page(browser(api.app), f"/verifikasi/{new_issued['code']}")
    r = verify_upload(api.app, old_issued["code"], old_pdf)
    assert r.status_code == 200 and "Cocok" in r.get_data(as_text=True)
    r = verify_upload(api.app, old_issued["code"], new_pdf)
    assert r.status_code == 200 and "Tidak cocok" in r.get_data(as_text=True)
    # CSRF is on: a post without the page's token is refused
    r = browser(api.app).post(
        f"/verifikasi/{old_issued['code']}",
        data={"file": (io.BytesIO(old_pdf), "ba.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 400


def test_a_conclusion_needs_final_minutes_that_agree(api):
    s = draft_minutes(api)
    head, rid = api.as_("head"), s.request["id"]
    deadline = s.deadline.isoformat()  # the minutes' deadline: the conclusion must state the same
    err = error_of(
        head.fire(rid, "conclude_with_notes", comment="Perbaiki", correction_deadline=deadline), 422, "guard_failed"
    )
    assert "Berita acara rapat belum difinalkan." in err["details"]
    officer = api.as_("officer")
    officer.ok(officer.post(f"/minutes/{s.minutes['id']}/finalise", json={"version": s.minutes["version"]}))
    err = error_of(head.fire(rid, "conclude_harmonis"), 422, "guard_failed")
    assert "Kesimpulan pada berita acara berbeda dengan tindakan ini." in err["details"]
    done = head.ok(head.fire(rid, "conclude_with_notes", comment="Perbaiki", correction_deadline=deadline))
    assert done["state"] == "harmonis_with_notes"
    kinds = [d["kind"] for d in officer.ok(officer.get(f"/requests/{rid}/issued"))]
    assert kinds == ["undangan_rapat", "berita_acara", "result_letter"]  # the invitation from scheduling


# --- two meetings finalised at once -------------------------------------------------------------


def finalise_work(app, wait, token, minutes_id, version):
    """In a fresh interpreter: warm up, wait for the other, finalise."""
    client, headers = api_client(app, token)
    wait()
    r = client.post(f"/api/v1/minutes/{minutes_id}/finalise", headers=headers, json={"version": version})
    return {"status": r.status_code, "body": r.get_json(silent=True)}


@pytest.mark.slow
def test_two_meetings_finalised_at_once_get_consecutive_numbers(app, api):
    drafts = [draft_minutes(api), draft_minutes(api)]
    assert drafts[0].meeting["id"] != drafts[1].meeting["id"]
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(Counter).where(Counter.series == "berita_acara")) == 0
        )  # the first number of the year
    tokens = [app.config["TEST_TOKENS"][ALIASES[a]] for a in ("officer", "officer2")]
    outcomes = run_together(
        app, finalise_work, [(tokens[i], d.minutes["id"], d.minutes["version"]) for i, d in enumerate(drafts)]
    )
    assert [o["status"] for o in outcomes] == [200, 200], outcomes
    numbers = [outcomes[i]["body"]["issued_document"]["number"] for i in (0, 1)]
    assert len(set(numbers)) == 2, numbers
    seqs = sorted(int(NUMBER.match(n).group(1)) for n in numbers)
    assert seqs == [1, 2], numbers  # distinct, consecutive, no gap
    with app.app_context():
        docs = db.session.scalars(
            select(IssuedDocument).where(IssuedDocument.kind == "berita_acara").order_by(IssuedDocument.id)
        ).all()
        assert sorted(d.number for d in docs) == sorted(numbers)
        assert all(d.sha256 for d in docs) and len({d.code for d in docs}) == 2
        assert db.session.scalar(select(Counter.value).where(Counter.series == "berita_acara")) == 2
        statuses = db.session.scalars(select(Minutes.status)).all()
        assert statuses == ["final", "final"]
    for d in drafts:
        text = " ".join(pdf_pages(api.as_("officer").get(f"/issued/{_issued_id(api, d)}/pdf").data))
        assert any(n in text for n in numbers)


def _issued_id(api, s):
    return api.as_("officer").ok(api.as_("officer").get(f"/minutes/{s.minutes['id']}"))["issued_document"]["id"]


# --- bad input: 422, the JSON error body, nothing written ---------------------------------------


def test_bad_meetings_are_refused_and_write_nothing(api):
    officer = api.as_("officer")
    req = ready(api)
    with api.app.app_context():
        officer_id = user("officer").id
    bad_side = [dict(PARTICIPANTS[0], side="pemda")]
    no_name = [dict(PARTICIPANTS[0], name="")]
    cases = [
        ("no requests", {"request_ids": []}, "request_ids"),
        ("no place or link", {"place": None, "online_link": None}, "place"),
        ("blank place, no link", {"place": "   "}, "place"),
        ("link that is no URL", {"place": None, "online_link": "zoom rapat"}, "online_link"),
        ("chair not a head", {"chair_id": officer_id}, "chair_id"),
        ("chair nobody", {"chair_id": 999_999}, "chair_id"),
        ("bad participant side", {"participants": bad_side}, "participants"),
        ("participant without a name", {"participants": no_name}, "participants"),
        ("starts_at missing", {"starts_at": None}, "starts_at"),
        ("starts_at not a date", {"starts_at": "besok pagi"}, "starts_at"),
        ("blank title", {"title": "   "}, "title"),
        ("duration too short", {"duration_minutes": 5}, "duration_minutes"),
    ]
    before = footprint(api.app, [req["id"]])
    for name, change, field in cases:
        body = {**meeting_body(api, [req["id"]]), **change}
        if change.get("starts_at", "") is None:
            del body["starts_at"]
        err = error_of(officer.post("/meetings", json=body), 422)
        assert err["code"] == "invalid_input", (name, err)
        assert any(key == field or key.startswith(field + ".") for key in err.get("details", {})), (name, err)
        assert footprint(api.app, [req["id"]]) == before, name
    # not JSON at all
    error_of(officer.post("/meetings", data="{", content_type="application/json"), 422, "invalid_input")
    assert footprint(api.app, [req["id"]]) == before
    # a request that is not ready (already in a meeting) is refused whole: no meeting, no event
    meeting = officer.ok(
        officer.post("/meetings", json=meeting_body(api, [req["id"]], place=None, online_link="https://zoom.us/j/123")),
        201,
    )  # the test can fail
    other = ready(api)
    before = footprint(api.app, [req["id"], other["id"]])
    error_of(officer.post("/meetings", json=meeting_body(api, [other["id"], req["id"]])), 409, "transition_unavailable")
    assert footprint(api.app, [req["id"], other["id"]]) == before
    # a reschedule or cancel without a reason
    for path, body in (
        ("reschedule", {"version": meeting["version"], "starts_at": "2030-01-02T09:00:00", "reason": "   "}),
        ("reschedule", {"version": meeting["version"], "starts_at": "2030-01-02T09:00:00"}),
        ("cancel", {"version": meeting["version"], "reason": ""}),
        ("cancel", {"version": meeting["version"]}),
    ):
        error_of(officer.post(f"/meetings/{meeting['id']}/{path}", json=body), 422, "invalid_input")
        assert footprint(api.app, [req["id"], other["id"]]) == before, (path, body)


def test_schedule_meeting_names_every_wrong_field(app, ctx):
    from workflow.operations.meetings import schedule_meeting

    officer = user("officer")
    before = db.session.scalar(select(func.count()).select_from(Meeting))
    with pytest.raises(InvalidInput) as raised:
        schedule_meeting(
            officer,
            request_ids=[],
            title=" ",
            starts_at_local=datetime(2026, 11, 2, 9),
            place=" ",
            online_link=None,
            chair_id=officer.id,
            duration_minutes=180,
            participants=[
                {"name": "A", "position": "B", "institution": "C", "side": "pemda"},
                "bukan objek",
                {"name": "A\x00", "position": "B", "institution": "C", "side": "office"},
            ],
        )
    assert set(raised.value.details) == {
        "request_ids",
        "title",
        "place",
        "chair_id",
        "participants.0",
        "participants.1",
        "participants.2",
    }
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == before


def test_bad_minutes_are_refused_and_write_nothing(api):
    s = draft_minutes(api)
    officer, mid = api.as_("officer"), s.minutes["id"]
    v = s.minutes["version"]
    cases = [
        ("finding without text", {"findings": [{"aspect": "substansi", "article": "Pasal 1"}]}, "findings"),
        ("finding empty", {"findings": [{"aspect": "substansi", "finding": ""}]}, "findings"),
        ("finding blank", {"findings": [{"aspect": "substansi", "finding": "   "}]}, "findings"),
        ("finding with a bad aspect", {"findings": [{"aspect": "lainnya", "finding": "x"}]}, "findings"),
        ("findings not a list", {"findings": "Pasal 1 salah"}, "findings"),
        ("unknown conclusion", {"conclusion": "lulus"}, "conclusion"),
        ("deadline not a date", {"correction_deadline": "27-11-2026"}, "correction_deadline"),
        ("signatory without position", {"signatories": [{"name": "A", "side": "office"}]}, "signatories"),
        ("unknown field", {"nomor": "BA-999"}, "nomor"),
        ("NUL in notes", {"notes": "a\x00b"}, "notes"),
    ]
    before = footprint(api.app, [s.request["id"]], mid)
    for name, change, field in cases:
        err = error_of(officer.put(f"/minutes/{mid}", json={"version": v, **change}), 422, "invalid_input")
        assert any(key == field or key.startswith(field + ".") for key in err.get("details", {})), (name, err)
        assert footprint(api.app, [s.request["id"]], mid) == before, name
    error_of(officer.put(f"/minutes/{mid}", json={"notes": "tanpa versi"}), 422, "invalid_input")
    # finalising what is incomplete names every reason and numbers nothing
    bare = draft_minutes(api)
    blank = officer.ok(
        officer.put(
            f"/minutes/{bare.minutes['id']}",
            json={"version": bare.minutes["version"], "conclusion": None, "signatories": []},
        )
    )
    before = footprint(api.app, [bare.request["id"]], blank["id"])
    err = error_of(
        officer.post(f"/minutes/{blank['id']}/finalise", json={"version": blank["version"]}), 422, "guard_failed"
    )
    assert "Kesimpulan belum diisi." in err["details"] and "Penanda tangan belum diisi." in err["details"]
    assert footprint(api.app, [bare.request["id"]], blank["id"]) == before


# --- who sees what ------------------------------------------------------------------------------


def other_drafter_calls(s):
    mtg, rid, mid, iid = s.meeting["id"], s.request["id"], s.minutes["id"], s.issued["id"]
    v = s.minutes["version"]
    return [
        ("get", f"/meetings/{mtg}", None),
        ("get", f"/meetings/{mtg}/invitation.ics", None),
        ("post", f"/meetings/{mtg}/reschedule", {"version": 1, "starts_at": "2030-01-02T09:00:00", "reason": "x"}),
        ("post", f"/meetings/{mtg}/cancel", {"version": 1, "reason": "x"}),
        ("post", f"/meetings/{mtg}/attendance", {"version": 1, "attendance": []}),
        ("get", f"/requests/{rid}/minutes", None),
        ("post", f"/requests/{rid}/minutes", {"meeting_id": mtg}),
        ("get", f"/minutes/{mid}", None),
        ("put", f"/minutes/{mid}", {"version": v, "notes": "x"}),
        ("post", f"/minutes/{mid}/finalise", {"version": v}),
        ("post", f"/minutes/{mid}/revise", None),
        ("get", f"/requests/{rid}/issued", None),
        ("get", f"/issued/{iid}/pdf", None),
    ]


def call(client, method, path, body):
    return getattr(client, method)(path, **({"json": body} if body is not None else {}))


NOBODY = 2**31 - 1  # a valid id no row has


def test_another_organisations_drafter_sees_nothing(api):
    s = finalised(api)
    other = api.as_("other_drafter")
    mtg, rid, mid, iid = s.meeting["id"], s.request["id"], s.minutes["id"], s.issued["id"]
    before = footprint(api.app, [rid], mid)
    for method, path, body in other_drafter_calls(s):
        r = call(other, method, path, body)
        error_of(r, 404, "not_found")
        assert s.issued["number"] not in r.get_data(as_text=True) and "Agustinus" not in r.get_data(as_text=True)
    assert mtg not in [m["id"] for m in other.ok(other.get("/meetings"))]
    assert footprint(api.app, [rid], mid) == before

    web = browser(api.app, "other_drafter")
    for path in (f"/rapat/{mtg}", f"/rapat/{mtg}/undangan.ics", f"/berita-acara/{mid}", f"/dokumen-resmi/{iid}.pdf"):
        body = page(web, path, 404)
        assert s.issued["number"] not in body and "Agustinus" not in body
    calendar = page(web, f"/rapat/?bulan={meeting_day().strftime('%Y-%m')}")
    assert "Rapat Pengharmonisasian Kota Kupang" not in calendar
    assert footprint(api.app, [rid], mid) == before

    # the applicant's own drafter sees all of it (so the 404s are about visibility)
    own = api.as_("drafter")
    assert own.ok(own.get(f"/meetings/{mtg}"))["id"] == mtg
    assert own.get(f"/meetings/{mtg}/invitation.ics").status_code == 200
    assert own.ok(own.get(f"/minutes/{mid}"))["status"] == "final"
    assert own.get(f"/issued/{iid}/pdf").status_code == 200
    own_web = browser(api.app, "drafter")
    assert s.issued["number"] in page(own_web, f"/berita-acara/{mid}")
    assert own_web.get(f"/dokumen-resmi/{iid}.pdf").status_code == 200


def _without_echo(html: str) -> str:
    """A page without what merely echoes the request: CSRF tokens and the path asked for."""
    return re.sub(r'(name="(?:csrf_token|next)"[^>]*value=")[^"]*"', r'\1"', html)


def test_a_hidden_meeting_minutes_or_document_is_answered_like_a_missing_one(api):
    """As for requests (test_bad_input, test_access_matrix): another organisation's drafter gets the
    same 404 for an existing id as for one that does not exist, so ids reveal nothing."""
    s = finalised(api)
    other = api.as_("other_drafter")
    different = []
    for method, path, body in other_drafter_calls(s):
        hidden = call(other, method, path, body)
        missing = call(other, method, re.sub(r"/\d+", f"/{NOBODY}", path, count=1), body)
        if (hidden.status_code, hidden.get_json()) != (missing.status_code, missing.get_json()):
            different.append(
                (method.upper(), path, hidden.get_json()["error"]["message"], missing.get_json()["error"]["message"])
            )
    web = browser(api.app, "other_drafter")
    for path in (
        f"/rapat/{s.meeting['id']}",
        f"/berita-acara/{s.minutes['id']}",
        f"/dokumen-resmi/{s.issued['id']}.pdf",
    ):
        hidden, missing = web.get(path), web.get(re.sub(r"/\d+", f"/{NOBODY}", path, count=1))
        if (hidden.status_code, _without_echo(hidden.get_data(as_text=True))) != (
            missing.status_code,
            _without_echo(missing.get_data(as_text=True)),
        ):
            different.append(("GET page", path, hidden.status_code, missing.status_code))
    assert different == [], "\n".join(map(str, different))


def test_a_meeting_shared_by_two_organisations_shows_each_drafter_only_their_own(api):
    """A drafter sees only the files of their own organisation (DOMAIN.md). If one meeting may cover
    requests of two organisations, neither drafter learns about the other's request through it."""
    officer = api.as_("officer")
    kupang, sikka = (
        ready(api),
        ready(api, alias="other_drafter", title="Rancangan Peraturan Daerah Kabupaten Sikka tentang Rahasia Sikka"),
    )
    body = meeting_body(api, [kupang["id"], sikka["id"]])
    before = footprint(api.app, [kupang["id"], sikka["id"]])
    r = officer.post("/meetings", json=body)
    if r.status_code == 422:  # refusing mixed meetings is one correct answer
        assert footprint(api.app, [kupang["id"], sikka["id"]]) == before
        return
    meeting = officer.ok(r, 201)
    other = api.as_("other_drafter")
    seen = other.get(f"/meetings/{meeting['id']}")
    ics = other.get(f"/meetings/{meeting['id']}/invitation.ics")
    web = page(browser(api.app, "other_drafter"), f"/rapat/{meeting['id']}")
    for answer in (seen.get_data(as_text=True), ics.get_data(as_text=True), web):
        assert kupang["number"] not in answer and "Pengelolaan Sampah" not in answer


def test_prefilled_signatories_leave_out_absent_participants(api):
    """The draft's signatories are prefilled from the meeting; someone marked absent cannot sign."""
    req = ready(api)
    absent_first = [PARTICIPANTS[0], PARTICIPANTS[2], PARTICIPANTS[1]]  # the absent applicant listed first
    meeting = held_meeting(api, [req["id"]], participants=absent_first)
    assert [p["attended"] for p in meeting["participants"]] == [True, False, True]
    officer = api.as_("officer")
    minutes = officer.ok(officer.post(f"/requests/{req['id']}/minutes", json={"meeting_id": meeting["id"]}), 201)
    names = [sig["name"] for sig in minutes["signatories"]]
    assert ABSENT not in names, names
    assert "Agustinus <b>Lake</b>" in names


def test_the_document_store_is_what_verifies(api):
    """The stored file under the recorded hash is the downloaded one (no second copy drifts)."""
    s = finalised(api)
    data = api.as_("officer").get(f"/issued/{s.issued['id']}/pdf").data
    stored = Path(api.app.config["DOCUMENT_STORE"]) / s.issued["sha256"][:2] / s.issued["sha256"]
    assert stored.read_bytes() == data
    assert os.path.getsize(stored) == len(data)
