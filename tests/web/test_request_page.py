"""The request page puts the next step first: a returned file shows why, who and by when above
the actions; several files go up at once; the kind offered first is the next missing one; the
documents follow the checklist's order."""

import io
import re

from sqlalchemy import func, select

from workflow.extensions import db
from workflow.models import Document

from ..helpers import PDF
from .conftest import csrf_from, new_request


def test_a_returned_file_shows_the_reasons_first(app, api, web):
    req = new_request(api)
    officer = api.as_("officer")
    officer.ok(officer.fire(req["id"], "return_for_completion", comment="SK tim penyusun belum ditandatangani."))
    web.login("drafter")
    page = web.text(f"/permohonan/{req['id']}")
    box = page.split('data-testid="return-box"', 1)[1].split("</section>", 1)[0]
    assert "SK tim penyusun belum ditandatangani." in box
    assert "Maria Fernandez" in box or "Dikembalikan oleh" in box
    assert page.index('data-testid="return-box"') < page.index('id="aksi-judul"') < page.index("Riwayat")
    # not shown once resubmitted
    api.as_("drafter").ok(api.as_("drafter").fire(req["id"], "resubmit"))
    assert 'data-testid="return-box"' not in web.text(f"/permohonan/{req['id']}")


def test_several_files_at_once_and_the_next_missing_kind_first(app, api, web):
    req = new_request(api, state="draft")  # the first required document only
    web.login("drafter")
    page = web.text(f"/permohonan/{req['id']}")
    selected = re.search(r'<option selected value="([^"]+)"|<option value="([^"]+)" selected', page)
    # the checklist's next missing one (the application letter, first, is there)
    assert (selected.group(1) or selected.group(2)) == "naskah_akademik"
    assert re.search(r'<input[^>]*multiple[^>]*name="file"|<input[^>]*name="file"[^>]*multiple', page)
    r = web.post(
        f"/permohonan/{req['id']}/dokumen",
        {
            "kind": "rancangan",
            "file": [(io.BytesIO(PDF), "rancangan.pdf"), (io.BytesIO(PDF), "lampiran-rancangan.pdf")],
        },
        from_page=f"/permohonan/{req['id']}",
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    with app.app_context():
        names = db.session.scalars(
            select(Document.filename).where(Document.request_id == req["id"], Document.kind == "rancangan")
        ).all()
        assert sorted(names) == ["lampiran-rancangan.pdf", "rancangan.pdf"]
    page = web.text(f"/permohonan/{req['id']}")
    # the document table in the checklist's order: the application letter before the draft
    table = page.split('id="dokumen"', 1)[1]
    assert table.index("berkas.pdf") < table.index("rancangan.pdf")


def test_a_bad_file_among_several_uploads_none(app, api, web):
    req = new_request(api, state="draft")
    web.login("drafter")
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Document))
    r = web.post(
        f"/permohonan/{req['id']}/dokumen",
        {"kind": "rancangan", "file": [(io.BytesIO(PDF), "baik.pdf"), (io.BytesIO(b"MZ\x90\x00" * 50), "buruk.exe")]},
        from_page=f"/permohonan/{req['id']}",
        content_type="multipart/form-data",
    )
    assert r.status_code in (415, 422)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Document)) == before


def _sections(page: str) -> str:
    """The page from its title down, without CSRF tokens (they carry a timestamp)."""
    from .conftest import without_echo

    return without_echo(page.split("<main", 1)[1])


def test_the_page_shows_the_same_whether_or_not_it_knew_its_sections_were_empty(app, api, web, monkeypatch):
    """The request page reads with the request whether it has meetings, minutes and issued
    documents, and skips the queries of empty sections: with and without that knowledge the page
    is the same, for a file with none of them and for one with all three."""
    import workflow.web.cases as cases

    from ..helpers import final_minutes, force_state

    bare, full = new_request(api), new_request(api, title="Rancangan Peraturan Daerah tentang Rapat")
    with app.app_context():
        force_state(full["id"], "meeting_held")
        final_minutes(full["id"])
    web.login("officer")
    for req, has_all in ((bare, False), (full, True)):
        with app.app_context():
            db.session.expire_all()
        known = web.text(f"/permohonan/{req['id']}")
        with monkeypatch.context() as m:
            m.setattr(cases, "REQUEST_SECTIONS", ())  # unknown: every section queried
            queried = web.text(f"/permohonan/{req['id']}")
        assert _sections(known) == _sections(queried)
        assert ("Belum ada rapat." in known) is not has_all
        assert ("Rapat pengharmonisasian uji" in known) is has_all
        assert ("Berita acara revisi 1" in known) is has_all
        assert ("(PDF)" in known) is has_all


def test_the_bell_count_read_with_the_user_is_the_unread_count(app, api, web):
    """The bell's count comes with the signed-in user's row (one statement fewer per page): it is
    the number of unread notifications, and follows them as they are read."""
    from workflow.models import Notification

    from ..helpers import user

    req = new_request(api)  # submitting notifies the officers
    web.login("officer")
    with app.app_context():
        unread = db.session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user("officer").id, Notification.read_at.is_(None))
        )
    assert unread >= 1
    page = web.text(f"/permohonan/{req['id']}")
    assert re.search(rf'id="bell-count">{unread}<', page)
    web.text("/notifikasi")  # shown: marked read
    assert 'id="bell-count"' not in web.text(f"/permohonan/{req['id']}")


def test_the_hand_drawn_upload_form_posts_and_is_validated(app, api, web):
    """The page draws its upload form without WTForms (a GET builds no form object): what it
    holds (its own CSRF token, the offered kinds) is what the upload takes, UploadForm still
    refuses a missing file, an unknown kind and a forged token, writing nothing, and the errors
    show beside their fields in Indonesian, in English for an English user."""
    req = new_request(api, state="draft")
    path = f"/permohonan/{req['id']}"
    web.login("drafter")

    def upload_form(page):
        return page.split('enctype="multipart/form-data"', 1)[1].split("</form>", 1)[0]

    def documents():
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(Document).where(Document.request_id == req["id"]))

    form = upload_form(web.text(path))
    token = csrf_from(form)
    kinds = re.findall(r'<option (?:selected )?value="([^"]+)"', form)
    assert '<option selected value="naskah_akademik">' in form and "surat_permohonan" in kinds
    before = documents()
    r = web.post(
        f"{path}/dokumen",
        {"csrf_token": token, "kind": "naskah_akademik", "file": (io.BytesIO(PDF), "naskah.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302 and documents() == before + 1

    r = web.post(f"{path}/dokumen", {"csrf_token": token, "kind": "rancangan"}, content_type="multipart/form-data")
    assert r.status_code == 422
    form = upload_form(r.get_data(as_text=True))
    assert '<option selected value="rancangan">' in form  # the kind chosen stays chosen
    assert re.search(
        r'<input class="form-control is-invalid" id="file"[^>]*>\s*<div class="invalid-feedback d-block">Pilih berkas\.</div>',
        form,
    )
    assert "is-invalid" not in form.split('for="file"')[0]  # the kind was valid

    r = web.post(
        f"{path}/dokumen",
        {"csrf_token": token, "kind": "bukan_jenis", "file": (io.BytesIO(PDF), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422
    form = upload_form(r.get_data(as_text=True))
    assert re.search(r'<select class="form-select is-invalid" id="kind"', form)
    assert '<div class="invalid-feedback d-block">Pilihan tidak valid.</div>' in form

    r = web.post(
        f"{path}/dokumen",
        {"csrf_token": "palsu", "kind": "rancangan", "file": (io.BytesIO(PDF), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 400
    assert documents() == before + 1

    web.post("/bahasa/en", {"next": path}, from_page=path)  # the account keeps its language: set back below
    try:
        r = web.post(f"{path}/dokumen", {"kind": "rancangan"}, from_page=path, content_type="multipart/form-data")
        assert r.status_code == 422
        form = upload_form(r.get_data(as_text=True))
        assert ">Document type</label>" in form and ">File (PDF, DOCX or ODT)</label>" in form
        assert '<div class="invalid-feedback d-block">Choose a file.</div>' in form
    finally:
        web.post("/bahasa/id", {"next": path}, from_page=path)
