"""In a real browser: an officer returns a file (the surat pengembalian berkas awaits approval),
the head finds it on the dashboard's "Menunggu persetujuan Anda", reads the DRAF preview and sends
it back with a comment; the officer revises the list of what is missing and asks again; the head
approves (after the confirmation) and the letter is numbered. Screenshots under
test-artifacts/screenshots/surat-persetujuan/, the preview's page 1 as PNG beside them."""

import re
import subprocess
from datetime import date, timedelta

from pypdf import PdfReader

from workflow.demo import DEMO_PDF
from workflow.documents.store import document_store
from workflow.extensions import db
from workflow.operations.requests import create_request, upload_documents
from workflow.operations.transitions import fire
from workflow.processes import PROCESSES

from ..helpers import user
from .test_harmonisation_journey import Journey

TITLE = "Rancangan Peraturan Daerah Kota Kupang tentang Pengelolaan Sampah"


def returned_request(app) -> str:
    """A Kota Kupang Ranperda returned by an officer during the administrative check."""
    with app.app_context():
        drafter, officer = user("hukum.kotakupang@harmoni.test"), user("perancang1@harmoni.test")
        req = create_request(
            drafter,
            process="ranperda",
            title=TITLE,
            application_letter_number="100.3.3/600/HK/2026",
            application_letter_date=date.today() - timedelta(days=5),
        )
        uploads = [(g[0], f"{g[0]}.pdf", DEMO_PDF) for g in PROCESSES["ranperda"].required_documents]
        upload_documents(req, drafter, uploads, store=document_store(), max_bytes=len(DEMO_PDF))
        fire(req, "submit", drafter, version=req.version)
        fire(
            req, "return_for_completion", officer, version=req.version, comment="SK tim penyusun belum ditandatangani."
        )
        db.session.commit()
        return req.number


def test_a_letter_is_sent_back_revised_and_approved(browser, live_app, live_server, screenshots, tmp_path):
    shots = screenshots / "surat-persetujuan"
    shots.mkdir(exist_ok=True)
    j = Journey(browser, live_server, shots, tmp_path)
    number = returned_request(live_app)
    try:
        # the head: the dashboard lists the letter awaiting approval
        j.sign_in("kakanwil@harmoni.test")
        j.page.goto(j.base + "/dasbor/")
        waiting = j.page.get_by_test_id("awaiting-approval")
        link = waiting.get_by_role("link", name=f"Surat pengembalian berkas untuk {number}")
        link.scroll_into_view_if_needed()
        j.shot("dasbor-menunggu-persetujuan")
        link.click()
        j.page.wait_for_url(re.compile(r"/permohonan/\d+"))
        letter = j.page.locator("[data-testid^='letter-']")
        assert "Menunggu persetujuan" in letter.inner_text()
        letter.scroll_into_view_if_needed()
        j.shot("surat-menunggu-persetujuan")
        # the DRAF preview
        with j.page.expect_download() as download:
            letter.get_by_role("link", name="Pratinjau DRAF (PDF)").click()
        preview = tmp_path / "draf.pdf"
        download.value.save_as(preview)
        text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(preview).pages)
        assert "DRAF" in text and "(diberikan setelah disetujui)" in text and "Kode verifikasi" not in text
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(preview), str(shots / "draf")],
            check=True,
        )
        # send back: the comment is asked for
        letter.locator("summary", has_text="Kembalikan").click()
        letter.get_by_label("Catatan untuk perancang (wajib bila dikembalikan)").fill("Sebutkan juga Pasal 3.")
        j.shot("surat-kembalikan")
        letter.get_by_role("button", name="Kembalikan").click()
        j.page.wait_for_load_state()
        assert "Surat dikembalikan kepada perancang" in j.page.content()

        # the officer revises the list and asks again
        j.sign_in("perancang1@harmoni.test")
        j.page.goto(j.base + "/permohonan/?q=" + number)
        j.open_request(number)
        letter = j.page.locator("[data-testid^='letter-']")
        assert "Sebutkan juga Pasal 3." in letter.inner_text()
        missing = letter.get_by_label("Kekurangan berkas (satu per baris)")
        missing.fill("SK tim penyusun belum ditandatangani.\nPasal 3 belum mencantumkan dasar hukum.")
        letter.scroll_into_view_if_needed()
        j.shot("surat-dikembalikan-perancang")
        letter.get_by_role("button", name="Ajukan kembali untuk persetujuan").click()
        j.page.wait_for_load_state()
        assert "Surat diajukan kembali" in j.page.content()

        # the head approves, after the confirmation
        j.sign_in("kakanwil@harmoni.test")
        j.page.goto(j.base + "/permohonan/?q=" + number)
        j.open_request(number)
        j.page.locator("[data-testid^='letter-']").get_by_role("button", name="Setujui").click()
        j.page.wait_for_load_state()
        content = j.page.content()
        assert re.search(r"diterbitkan dengan nomor \d{3}/PB/", content), "no number in the flash"
        j.shot("surat-disetujui")
        assert j.page.locator("[data-testid^='letter-']").count() == 0  # issued: listed with the documents
    finally:
        if j.context:
            j.context.close()
