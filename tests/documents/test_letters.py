"""The office's other letters (DOMAIN.md section 3), on SQLite and PostgreSQL: the undangan rapat
issued when a meeting is scheduled, the surat pengembalian berkas when a file is returned during the
administrative check, and the surat hasil akhir; each numbered in its own gapless series, stored,
verifiable at /verifikasi/<code> and listed with the request's issued documents. The PDFs are read
back with pypdf; page 1 of each is kept under test-artifacts/documents/."""

from datetime import datetime

from workflow.extensions import db
from workflow.models import Request
from workflow.operations.issued import issue_final_result_letter

from ..api.test_meetings import browser, meeting_body, page, ready
from ..helpers import submitted_request, user
from .test_official_documents import keep_page_one, pages_of


def issued_of(api, request_id, kind):
    head = api.as_("head")
    return [d for d in head.ok(head.get(f"/requests/{request_id}/issued")) if d["kind"] == kind]


def approved(api, doc) -> dict:
    """The head approves a letter an officer prepared (issue 13 §3: numbered only then)."""
    assert doc["status"] == "awaiting_approval" and doc["number"] is None, doc
    head = api.as_("head")
    return head.ok(head.post(f"/issued-documents/{doc['id']}/approve", json={"version": doc["version"]}))


def pdf_text(api, doc) -> tuple[list[str], bytes]:
    data = api.as_("officer").get(f"/issued/{doc['id']}/pdf").data
    return pages_of(data), data


def test_scheduling_a_meeting_issues_the_invitation_letter(api):
    officer = api.as_("officer")
    first = ready(api, alias="other_drafter", title="Rancangan Peraturan Daerah Kabupaten Sikka tentang Pajak Daerah")
    second = ready(api, alias="other_drafter", title="Rancangan Peraturan Daerah Kabupaten Sikka tentang Retribusi")
    meeting = officer.ok(officer.post("/meetings", json=meeting_body(api, [first["id"], second["id"]])), 201)
    [letter] = issued_of(api, first["id"], "undangan_rapat")
    assert issued_of(api, second["id"], "undangan_rapat") == []  # one letter per meeting
    letter = approved(api, letter)  # scheduled by an officer: issued once the head approves
    assert letter["number"].startswith("UND-001/PP.04.02/NTT/"), letter["number"]
    pages, data = pdf_text(api, letter)
    keep_page_one(data, "undangan_rapat")
    text = " ".join(pages)
    assert "Hal : Undangan Rapat Pengharmonisasian" in text
    assert "Yth. Bupati Sikka di Maumere" in text
    assert "tentang Pajak Daerah dan Rancangan Peraturan Daerah Kabupaten Sikka tentang Retribusi" in text
    assert "pukul : 07.30 WITA s.d. selesai" in text
    assert "Atas perhatian dan kerja sama Bapak/Ibu, kami ucapkan terima kasih." in text
    assert f"Kode verifikasi: {letter['code']}" in text
    # the closing sentence, the signature and the verification block share a page
    closing = [p for p in pages if "kami ucapkan terima kasih" in p][0]
    assert "NIP 197205141998031002" in closing and letter["code"] in closing
    # verifiable by anyone
    assert letter["number"] in page(browser(api.app), f"/verifikasi/{letter['code']}")
    # a second meeting: the next number of the same series, no gap
    third = ready(api, alias="other_drafter", title="Rancangan Peraturan Daerah Kabupaten Sikka tentang Pasar")
    officer.ok(officer.post("/meetings", json=meeting_body(api, [third["id"]])), 201)
    [again] = issued_of(api, third["id"], "undangan_rapat")
    again = approved(api, again)
    assert again["number"].startswith("UND-002/"), again["number"]
    assert meeting["id"]


def test_returning_a_file_issues_the_return_letter(api):
    req = submitted_request(api)
    officer = api.as_("officer")
    reason = "Keputusan DPRD tentang Propemperda belum ditandatangani."
    officer.ok(officer.fire(req["id"], "return_for_completion", comment=reason))
    [letter] = issued_of(api, req["id"], "pengembalian_berkas")
    letter = approved(api, letter)  # returned by an officer: issued once the head approves
    assert letter["number"].startswith("001/PB/PP.04.02/NTT/"), letter["number"]
    pages, data = pdf_text(api, letter)
    keep_page_one(data, "pengembalian_berkas")
    text = " ".join(pages)
    assert "Yth. Wali Kota Kupang di Kupang" in text
    assert "belum lengkap dan kami kembalikan untuk dilengkapi dengan: 1. " + reason in text
    assert f"Nomor Registrasi {req['number']}" in text
    # the drafter sees it with the request's documents
    drafter = api.as_("drafter")
    assert [d["kind"] for d in drafter.ok(drafter.get(f"/requests/{req['id']}/issued"))] == ["pengembalian_berkas"]
    # a second return of the same file: its own number in the series
    drafter.ok(drafter.fire(req["id"], "resubmit"))
    officer.ok(officer.fire(req["id"], "return_for_completion", comment="Naskah akademik belum diparaf."))
    approved(api, next(d for d in issued_of(api, req["id"], "pengembalian_berkas") if d["number"] is None))
    numbers = sorted(d["number"] for d in issued_of(api, req["id"], "pengembalian_berkas"))
    assert [n[:3] for n in numbers] == ["001", "002"]


def test_final_result_letter(api):
    req = submitted_request(api)
    with api.app.app_context():
        row = db.session.get(Request, req["id"])
        letter = issue_final_result_letter(row, user("head"), datetime(2026, 12, 1, 2, 0))
        db.session.commit()
        letter_id = letter.id
    [doc] = issued_of(api, req["id"], "hasil_akhir")
    assert doc["id"] == letter_id and doc["number"].startswith("001/HA/PP.04.02/NTT/")
    pages, data = pdf_text(api, doc)
    keep_page_one(data, "hasil_akhir")
    text = " ".join(pages)
    assert "Lampiran : 1 (satu) berkas" in text
    assert "Yth. Wali Kota Kupang di Kupang" in text and "dinyatakan harmonis." in text
    assert "Tembusan: 1. Direktur Jenderal" in text
    assert "Dr. Stefanus Lado Ratu, S.H., M.H." in text and "a.n." not in text
