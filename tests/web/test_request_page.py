"""The request page puts the next step first: a returned file shows why, who and by when above
the actions; several files go up at once; the kind offered first is the next missing one; the
documents follow the checklist's order."""

import io
import re

from sqlalchemy import func, select

from workflow.extensions import db
from workflow.models import Document

from ..helpers import PDF
from .conftest import new_request


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
