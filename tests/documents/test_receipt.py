"""The public form's receipt (tanda terima) carries the office's kop like every other document:
the shared letterhead (logo at the left when configured, the text centred on the page, the double
rule under it). Page 1 is kept as a PNG under test-artifacts/documents/."""

import io
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from workflow.documents.store import document_store
from workflow.extensions import db
from workflow.models import Office

from ..services.test_public import DOCUMENTS, browser, post_form, valid_fields
from ..web.conftest import office_state, restore_office
from .test_official_documents import keep_page_one


def test_the_receipt_has_the_shared_letterhead_with_the_logo_centred(app):
    before = office_state(app)
    png = Path(__file__).with_name("logo.png").read_bytes()
    try:
        with app.app_context():
            office = db.session.scalar(select(Office))
            office.settings = {**office.settings, "logo_sha256": document_store().put(png)}
            db.session.commit()
        client = browser(app)
        assert post_form(client, "legal_aid", valid_fields(), DOCUMENTS).status_code == 200
        r = client.get("/layanan/terkirim/tanda-terima.pdf")
        assert r.status_code == 200 and r.mimetype == "application/pdf"
        keep_page_one(r.data, "receipt")
        page = PdfReader(io.BytesIO(r.data)).pages[0]
        assert page.images, "no logo on the receipt's letterhead"
        text = page.extract_text()
        assert "KEMENTERIAN HUKUM REPUBLIK INDONESIA" in text and "TANDA TERIMA PERMOHONAN" in text
    finally:
        restore_office(app, before)
