"""End to end in a real browser (issue 12): a harmonisation meeting that does not settle every
article is followed by a rapat lanjutan, scheduled from "meeting held" with a reason, each meeting
with its own berita acara; the conclusion "harmonis dengan catatan", the corrected draft, and the
head accepting it, which issues the final letter (surat hasil akhir), downloaded and read with pypdf.
The request page and the meeting form are photographed at 1366 and 390 px."""

import io
import re
from datetime import date, timedelta
from pathlib import Path

from pypdf import PdfReader

from workflow.demo import DEMO_PDF
from workflow.documents.store import document_store
from workflow.extensions import db
from workflow.operations.requests import create_request, upload_documents
from workflow.operations.transitions import fire
from workflow.processes import PROCESSES

from ..helpers import user
from .test_harmonisation_journey import Journey

TITLE = "Rancangan Peraturan Daerah Kota Kupang tentang Pasar Rakyat"


def analysed_request(app) -> str:
    """A Kota Kupang Ranperda whose analysis is done, set up through the operations (the first
    journey walks those steps in the browser); returns its number."""
    with app.app_context():
        drafter, officer, head = (
            user("hukum.kotakupang@harmoni.test"),
            user("perancang1@harmoni.test"),
            user("kakanwil@harmoni.test"),
        )
        req = create_request(
            drafter,
            process="ranperda",
            title=TITLE,
            application_letter_number="100.3.3/512/HK/2026",
            application_letter_date=date.today() - timedelta(days=20),
        )
        uploads = [(g[0], f"{g[0]}.pdf", DEMO_PDF) for g in PROCESSES["ranperda"].required_documents]
        upload_documents(req, drafter, uploads, store=document_store(), max_bytes=len(DEMO_PDF))
        fire(req, "submit", drafter, version=req.version)
        fire(req, "declare_complete", officer, version=req.version)
        fire(req, "assign", head, version=req.version, data={"assignees": [officer.id]})
        fire(req, "complete_analysis", officer, version=req.version)
        db.session.commit()
        return req.number


def schedule_from_request(j, trigger, reason=None):
    """The meeting form from the request page's button; the defaults (title, place, invitees) kept."""
    j.page.locator(f"a[data-trigger='{trigger}']").click()
    j.page.wait_for_url(re.compile(r"/rapat/baru"))
    kind = "Rapat Lanjutan" if reason else "Rapat"
    assert j.page.get_by_label("Judul rapat").input_value() == f"{kind} Pengharmonisasian {TITLE}"
    assert j.page.get_by_label("Tempat").input_value()  # the office's meeting place, or its name
    assert j.page.get_by_label("Nama 1", exact=True).input_value()  # the head, prefilled
    if reason:
        j.page.get_by_label(re.compile("Alasan rapat lanjutan")).fill(reason)
    j.page.get_by_label("Tanggal", exact=True).fill(date.today().isoformat())
    j.page.get_by_label("Jam (WITA)").fill("00:00")  # already begun: it can be recorded as held
    j.schedule_meeting()


def hold_and_write_minutes(j, conclusion, notes=None, deadline=None):
    """On the meeting page: record it held, then the head drafts and finalises its berita acara."""
    j.page.get_by_role("button", name="Simpan dan catat rapat telah dilaksanakan").click()
    j.page.wait_for_load_state()
    assert "Rapat dicatat telah dilaksanakan" in j.page.content()
    j.page.get_by_role("button", name="Susun berita acara").click()
    j.page.wait_for_url(re.compile(r"/berita-acara/\d+$"))
    assert "100.3.3/512/HK/2026" in j.page.get_by_test_id("application-letter").inner_text()
    j.page.get_by_label("Temuan 1", exact=True).fill("Rumusan Pasal 7 tentang retribusi belum disepakati")
    j.page.get_by_label("Kesimpulan", exact=True).select_option(conclusion)
    if notes:
        j.page.get_by_label("Catatan", exact=True).fill(notes)
    if deadline:
        j.page.get_by_label(re.compile("Batas waktu perbaikan")).fill(deadline.isoformat())
    j.page.get_by_role("button", name="Finalkan dan terbitkan").click()
    j.page.wait_for_load_state()
    assert "difinalkan dan diterbitkan dengan nomor" in j.page.content()


def test_follow_up_meeting_then_the_accepted_correction_with_the_final_letter(
    browser, live_app, live_server, screenshots, tmp_path
):
    shots = screenshots / "rapat-lanjutan"  # its own folder: the steps are numbered per journey
    shots.mkdir(exist_ok=True)
    j = Journey(browser, live_server, shots, tmp_path)
    number = analysed_request(live_app)
    try:
        # the head schedules the first meeting: the form prefilled, photographed at both widths
        j.sign_in("kakanwil@harmoni.test")
        j.page.goto(j.base + "/permohonan/?q=" + number)
        j.open_request(number)
        j.page.locator("a[data-trigger='schedule_meeting']").click()
        j.page.wait_for_url(re.compile(r"/rapat/baru"))
        j.shot_at("rapat-baru-terisi", 1366)
        j.shot_at("rapat-baru-terisi", 390)
        j.page.go_back()
        schedule_from_request(j, "schedule_meeting")
        first_meeting = j.page.url
        hold_and_write_minutes(j, "not_harmonis", notes="Pasal 7 dibahas kembali pada rapat lanjutan.")

        # not settled: a rapat lanjutan from "meeting held", with its reason
        j.page.goto(j.base + "/permohonan/?q=" + number)
        j.open_request(number)
        assert j.state() == "Rapat pengharmonisasian telah dilaksanakan"
        schedule_from_request(j, "schedule_follow_up_meeting", reason="Pasal 7 tentang retribusi belum disepakati.")
        assert j.page.url != first_meeting
        j.shot("rapat-lanjutan")
        deadline = date.today() + timedelta(days=30)
        hold_and_write_minutes(j, "harmonis_with_notes", notes="Sesuaikan rumusan Pasal 7 ayat (2).", deadline=deadline)

        # the conclusion follows the follow-up meeting's minutes (the last meeting's)
        j.page.goto(j.base + "/permohonan/?q=" + number)
        j.open_request(number)
        timeline = j.page.content()
        assert "Jadwalkan rapat lanjutan" in timeline and "Pasal 7 tentang retribusi belum disepakati." in timeline
        assert j.page.get_by_text("Berita acara").count() >= 2  # one per meeting
        j.act("conclude_with_notes", comment="Sesuai berita acara rapat lanjutan.")
        assert j.state() == "Harmonis dengan catatan, menunggu perbaikan"

        # the applicant corrects the draft and submits it by the deadline
        j.sign_in("hukum.kotakupang@harmoni.test")
        j.open_request(number)
        assert j.page.get_by_test_id("due-date").inner_text()  # the correction deadline
        j.upload("Rancangan hasil perbaikan", "rancangan-perbaikan.pdf")
        j.act("submit_correction")
        assert j.state() == "Perbaikan diajukan"

        # the head accepts it: the final letter is issued
        j.sign_in("kakanwil@harmoni.test")
        j.page.goto(j.base + "/permohonan/?q=" + number)
        j.open_request(number)
        j.act("accept_correction")
        assert j.state() == "Harmonis"
        j.shot_at("permohonan-hasil-akhir", 1366)
        j.shot_at("permohonan-hasil-akhir", 390)
        with j.page.expect_download() as download:
            j.page.get_by_role("link", name=re.compile("Surat hasil akhir")).click()
        assert download.value.suggested_filename.endswith(".pdf")
        pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
        flat = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
        (j.shots / "surat-hasil-akhir.txt").write_text(flat)
        assert "Hal : Penyampaian Hasil Akhir Pengharmonisasian" in flat
        assert f"{TITLE} dinyatakan harmonis" in flat
        assert "(rancangan-perbaikan.pdf) terlampir" in flat  # the corrected draft the head accepted
        assert "Lampiran : 1 (satu) berkas" in flat
        assert "Berita Acara Nomor BA-002/" in flat  # the follow-up meeting's minutes, the last ones
        assert "100.3.3/512/HK/" in flat  # the application letter, from the request
    finally:
        if j.context:
            j.context.close()
