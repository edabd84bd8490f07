"""Electronic signatures on issued documents (PAdES, pyHanko) and the verification of an uploaded
file, on SQLite and PostgreSQL:

- with a certificate (the tests' own CA, made in tests/conftest.py), the berita acara and the result
  letter are signed: validated here by pyHanko directly against that CA (intact, trusted, the
  whole file, the office's certificate as signer, PAdES); the visible signature sits in the office
  signatory's signature space (between caption and name, over no text) and names the approver;
  the PDF says it is signed electronically; the SHA-256 recorded is that of the signed bytes, which
  every later download returns unchanged (rendered and signed once, even when two first downloads
  race);
- one byte changed in the signed content breaks the signature; a re-saved copy and a copy with an
  incremental update fail the hash (and the update is reported as made after signing);
- without a certificate the PDF is to be signed by hand (wet-ink space and wording), unsigned;
- the verification page and POST /api/v1/verify say which issued document a file is, whether the
  signature is intact, who signed and when, with clear messages for a non-PDF, an unknown file and
  a tampered one;
- seed-demo makes a demo CA and certificate (marked DEMO) once, and only where allowed; a
  configured certificate that cannot be read stops the app at start.
The page with the visible signature is kept as a PNG under test-artifacts/documents/.
"""

import hashlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader, PdfWriter
from sqlalchemy import select, update

from workflow import create_app
from workflow.demo import DEMO_PDF
from workflow.documents.certificates import DEMO_MARK, demo_signing_files
from workflow.documents.signing import SigningNotConfigured, office_signer, stamp_safe
from workflow.documents.store import document_store
from workflow.extensions import db
from workflow.models import IssuedDocument, User
from workflow.operations.issued import render_issued

from ..api.test_meetings import browser, csrf_from, error_of, finalised, page
from ..conftest import PASSWORD
from ..helpers import docx
from .test_official_documents import ARTIFACTS, CLOSING, HEAD_NAME, issue, page_with

OFFICE_CN = "Kanwil Kementerian Hukum NTT (UJI)"
ELECTRONIC = "telah ditandatangani secara elektronik"
BY_HAND = "baru sah setelah ditandatangani basah"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pyhanko_status(data: bytes, trust_root: Path):
    """The one signature of `data`, validated by pyHanko against `trust_root` (no network)."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    (signature,) = reader.embedded_signatures
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(trust_root))], allow_fetching=False)
    return signature, validate_pdf_signature(signature, context)


def signature_widget(data: bytes) -> tuple[int, list[float], str]:
    """(page index, rectangle, text) of the visible signature: the text its appearance stream
    shows, extracted by pypdf (through the embedded font's ToUnicode map)."""
    for index, pdf_page in enumerate(PdfReader(io.BytesIO(data)).pages):
        for annotation in pdf_page.get("/Annots") or []:
            widget = annotation.get_object()
            if widget.get("/FT") == "/Sig":
                appearance = widget["/AP"]["/N"].get_object()
                return index, [float(v) for v in widget["/Rect"]], pdf_page.extract_xform_text(appearance)
    raise AssertionError("no signature widget")


def _mult(m, n):
    return [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]


def text_lines(data: bytes, index: int) -> list[tuple[float, float, str]]:
    """(x, y of the baseline, text) of each piece of text on a page, in PDF points."""
    found = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            matrix = _mult(tm, cm)
            found.append((matrix[4], matrix[5], text.strip()))

    PdfReader(io.BytesIO(data)).pages[index].extract_text(visitor_text=visit)
    return found


def tamper_content(data: bytes) -> bytes:
    """One byte changed inside page 1's content stream (the file keeps its length and structure)."""
    reader = PdfReader(io.BytesIO(data))
    contents = reader.pages[0].raw_get("/Contents")
    number = (contents[0] if isinstance(contents, list) else contents).idnum
    start = re.search(rb"(?<![0-9])%d 0 obj" % number, data).start()
    offset = data.index(b"stream", start) + len(b"stream\n") + 40
    changed = bytearray(data)
    changed[offset] ^= 0x01
    return bytes(changed)


def keep_page(data: bytes, index: int, name: str) -> Path | None:
    """A page as a PNG test artifact (pdftoppm draws the signature's appearance), to look at."""
    if shutil.which("pdftoppm") is None:
        return None
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / f"{name}.pdf"
    pdf.write_bytes(data)
    number = str(index + 1)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", number, "-l", number, "-singlefile", str(pdf), str(pdf.with_suffix(""))],
        check=True,
    )
    return pdf.with_suffix(".png")


def api_verify(api, content: bytes, alias="drafter", name="berkas.pdf"):
    return api.as_(alias).post(
        "/verify", data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data"
    )


def page_verify(app, content: bytes, path="/verifikasi/"):
    client = app.test_client()
    token = csrf_from(page(client, path))
    return client.post(
        path,
        data={"csrf_token": token, "file": (io.BytesIO(content), "dokumen.pdf")},
        content_type="multipart/form-data",
    )


# --- signed ------------------------------------------------------------------------------------


def test_issued_documents_are_signed_with_the_office_certificate(api, signing):
    docs = issue(api)
    for kind, (doc, pages, data) in docs.items():
        signature, status = pyhanko_status(data, signing.trust_root)
        assert status.intact and status.valid and status.trusted, (kind, status.summary())
        assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        assert status.signing_cert.subject.native["common_name"] == OFFICE_CN
        assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
        assert status.signer_reported_dt is not None
        # what was recorded is what was signed, and what every download returns
        assert doc["sha256"] == sha256(data), kind
        again = api.as_("head").get(f"/issued/{doc['id']}/pdf").data
        assert again == data, f"{kind}: signed again on a later download"
        stored = Path(api.app.config["DOCUMENT_STORE"]) / doc["sha256"][:2] / doc["sha256"]
        assert stored.read_bytes() == data
        text = " ".join(pages)
        assert ELECTRONIC in text and BY_HAND not in text, kind
        keep_page(data, signature_widget(data)[0], f"{kind}_signed_signature_page")


def test_the_visible_signature_sits_in_the_signature_space_and_names_the_approver(api, signing):
    doc, pages, data = issue(api)["berita_acara"]
    index, (x1, y1, x2, y2), shown = signature_widget(data)
    assert index == page_with(pages, CLOSING), "the signature is on the page of the signature blocks"
    with api.app.app_context():
        approver = db.session.get(IssuedDocument, doc["id"]).issued_by.name
    assert f"Disetujui: {approver}" in shown and "Ditandatangani secara elektronik" in shown, shown
    assert f"Sertifikat: {OFFICE_CN}" in shown and "WITA" in shown
    lines = text_lines(data, index)
    caption_y = min(y for x, y, t in lines if t.startswith("Hukum Nusa Tenggara Timur,"))
    name_x, name_y = next((x, y) for x, y, t in lines if t == HEAD_NAME)
    # under the office's caption and above the signatory's name: in the signature space, over no text
    assert name_y + 8 < y1 < y2 < caption_y - 2, (y1, y2, caption_y, name_y)
    assert abs(x1 - name_x) < 2 and x2 < 300, "in the office's (left) column"
    for x, y, text in lines:
        assert not (x1 <= x <= x2 and y1 <= y <= y2), f"text under the signature: {text!r}"
    keep_page(data, 0, "berita_acara_signed_page1")
    keep_page(data, index, "berita_acara_signed_signature_page")


UNICODE_NAME = "Dr. Ñoño Çağrı Ŝ. Lewa"  # ğ, ı and Ŝ are outside Latin-1 (a standard PDF font's WinAnsi)


def test_the_visible_signature_shows_names_beyond_latin_1(api, signing):
    """The stamp is set in an embedded Unicode font: every letter of the approver's name is in the
    text pypdf extracts from it, and the signature still validates."""
    with api.app.app_context():
        head = db.session.scalar(select(User).where(User.email == "kakanwil@harmoni.test"))
        saved, head.name = head.name, UNICODE_NAME
        db.session.commit()
    try:
        s = finalised(api)
        data = api.as_("officer").get(f"/issued/{s.issued['id']}/pdf").data
    finally:
        with api.app.app_context():
            db.session.scalar(select(User).where(User.email == "kakanwil@harmoni.test")).name = saved
            db.session.commit()
    _, _, shown = signature_widget(data)
    assert f"Disetujui: {UNICODE_NAME}" in shown, shown
    _, status = pyhanko_status(data, signing.trust_root)
    assert status.intact and status.valid and status.trusted, status.summary()
    fonts = [
        font.get_object()
        for pdf_page in PdfReader(io.BytesIO(data)).pages
        for annotation in pdf_page.get("/Annots") or []
        if annotation.get_object().get("/FT") == "/Sig"
        for font in annotation.get_object()["/AP"]["/N"].get_object()["/Resources"]["/Font"].values()
    ]
    assert fonts and all("DejaVuSans" in font["/BaseFont"] for font in fonts), fonts  # embedded, not Courier
    # glyph widths per 1000 em, as PDF reads them (a font of 2048 units per em written as is would
    # set every line twice too wide, out of the stamp's box)
    widths = [
        float(w)
        for font in fonts
        for entry in font["/DescendantFonts"][0].get_object()["/W"]
        if isinstance(entry, list)
        for w in entry
    ]
    assert widths and max(widths) < 1100, max(widths)


def test_a_letter_the_stamp_font_lacks_loses_its_accent_or_becomes_a_question_mark():
    assert stamp_safe(UNICODE_NAME) == UNICODE_NAME
    assert stamp_safe("Lǘ 李") == "Lǘ ?"  # ǘ is in the font (Latin Extended-B), 李 is not


def test_one_changed_byte_breaks_the_signature_and_resaved_copies_fail_the_hash(api, signing):
    s = finalised(api)
    officer = api.as_("officer")
    data = officer.get(f"/issued/{s.issued['id']}/pdf").data
    tampered = tamper_content(data)
    assert len(tampered) == len(data) and tampered != data
    _, status = pyhanko_status(tampered, signing.trust_root)
    assert not status.intact and not status.trusted

    checked = officer.ok(api_verify(api, tampered, alias="officer"))
    assert checked["verdict"] == "tampered" and checked["hash_matches"] is False
    assert checked["issued_document"] is None
    assert checked["message"].startswith("Tanda tangan rusak")
    assert checked["signatures"][0]["intact"] is False

    # re-saved by another program: other bytes, so not the issued document
    out = io.BytesIO()
    PdfWriter(clone_from=PdfReader(io.BytesIO(data))).write(out)
    resaved = officer.ok(api_verify(api, out.getvalue(), alias="officer"))
    assert resaved["hash_matches"] is False and resaved["verdict"] != "authentic"

    # an incremental update after signing: the signature still intact, but no longer the whole file
    writer = PdfWriter(io.BytesIO(data), incremental=True)
    writer.add_metadata({"/Title": "Diubah"})
    out = io.BytesIO()
    writer.write(out)
    updated = officer.ok(api_verify(api, out.getvalue(), alias="officer"))
    assert updated["hash_matches"] is False and updated["verdict"] == "modified"
    (signature,) = updated["signatures"]
    assert signature["intact"] and signature["covers_whole_file"] is False

    r = page_verify(api.app, tampered)
    assert r.status_code == 200 and "Tanda tangan rusak" in r.get_data(as_text=True)
    r = page_verify(api.app, tampered, f"/verifikasi/{s.issued['code']}")
    assert r.status_code == 200 and "Tidak cocok" in r.get_data(as_text=True)


def test_verification_reports_the_document_the_signature_its_signer_and_time(api, signing):
    s = finalised(api)
    data = api.as_("officer").get(f"/issued/{s.issued['id']}/pdf").data
    checked = api.as_("drafter").ok(api_verify(api, data))  # any account may check a file it holds
    assert checked["verdict"] == "authentic" and checked["hash_matches"] is True
    assert checked["message"].startswith("Asli")
    assert checked["sha256"] == s.issued["sha256"] and checked["size"] == len(data)
    found = checked["issued_document"]
    assert (found["code"], found["number"], found["kind"]) == (s.issued["code"], s.issued["number"], "berita_acara")
    assert found["verify_url"].endswith(f"/verifikasi/{s.issued['code']}") and found["superseded"] is False
    (signature,) = checked["signatures"]
    assert signature["signer_name"] == OFFICE_CN and "Sertifikat uji" in signature["signer"]
    assert signature["intact"] and signature["valid"] and signature["trusted"] and signature["covers_whole_file"]
    assert signature["demo"] is False and signature["timestamped_at"] is None  # B-B: no timestamp authority here
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", signature["signed_at"]), signature["signed_at"]

    # the public page: which document, intact, who, when
    for path in ("/verifikasi/", f"/verifikasi/{s.issued['code']}"):
        r = page_verify(api.app, data, path)
        html = r.get_data(as_text=True)
        assert r.status_code == 200 and "Asli: berkas ini identik" in html, path
        assert OFFICE_CN in html and "Utuh" in html and "Tepercaya" in html and s.issued["number"] in html


def test_two_first_downloads_at_once_keep_one_signed_pdf(app, api, signing):
    """A signature carries its time: if another download recorded its signed PDF first, a late
    renderer answers with that one instead of recording a second."""
    s = finalised(api)
    first = api.as_("officer").get(f"/issued/{s.issued['id']}/pdf").data
    with app.app_context():
        db.session.execute(update(IssuedDocument).where(IssuedDocument.id == s.issued["id"]).values(sha256=None))
        db.session.commit()
        late = db.session.get(IssuedDocument, s.issued["id"])  # read before the other one records
        db.session.expunge(late)
        db.session.execute(
            update(IssuedDocument).where(IssuedDocument.id == s.issued["id"]).values(sha256=sha256(first))
        )
        db.session.commit()
        db.session.add(late)
        assert late.sha256 is None  # it still believes the PDF was never made
        answered = render_issued(late)
        db.session.commit()
        assert answered == first and late.sha256 == sha256(first)
        assert document_store().get(sha256(first)) == first


# --- unsigned ----------------------------------------------------------------------------------


def test_without_a_certificate_the_document_is_to_be_signed_by_hand(api):
    with api.app.app_context():
        assert office_signer() is None
    docs = issue(api)
    for kind, (doc, pages, data) in docs.items():
        text = " ".join(pages)
        assert BY_HAND in text and "tanpa tanda tangan elektronik" in text, kind
        assert "ditandatangani secara elektronik" not in text, kind
        assert PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures == [], kind
        assert doc["sha256"] == sha256(data)
    doc, pages, data = docs["berita_acara"]
    checked = api.as_("officer").ok(api_verify(api, data, alias="officer"))
    assert checked["verdict"] == "issued_unsigned" and checked["signatures"] == []
    assert "tidak ditandatangani secara elektronik" in checked["message"]
    r = page_verify(api.app, data, f"/verifikasi/{doc['code']}")
    assert r.status_code == 200 and "Cocok" in r.get_data(as_text=True)


# --- what is not an issued document ---------------------------------------------------------------


def test_a_file_that_is_not_a_pdf_or_not_issued_gets_a_clear_answer(api):
    err = error_of(api_verify(api, docx(), name="surat.pdf"), 415, "unsupported_media_type")
    assert err["message"].startswith("Berkas ini bukan PDF")
    error_of(api.as_("drafter").post("/verify", data={}, content_type="multipart/form-data"), 422)
    error_of(api.post("/verify", data={"file": (io.BytesIO(DEMO_PDF), "a.pdf")}), 401)
    unknown = api.as_("drafter").ok(api_verify(api, DEMO_PDF))
    assert unknown["verdict"] == "unknown" and unknown["issued_document"] is None and unknown["signatures"] == []
    assert unknown["message"].startswith("Tidak dikenal")
    broken = api.as_("drafter").ok(api_verify(api, b"%PDF-1.7\n" + b"\x00" * 200))
    assert broken["verdict"] in ("unreadable", "unknown")

    r = page_verify(api.app, docx())
    assert r.status_code == 415 and "Berkas ini bukan PDF" in r.get_data(as_text=True)
    r = page_verify(api.app, DEMO_PDF)
    assert r.status_code == 200 and "Tidak dikenal" in r.get_data(as_text=True)
    client = api.app.test_client()
    r = client.post("/verifikasi/", data={"csrf_token": csrf_from(page(client, "/verifikasi/"))})
    assert r.status_code == 422 and "Pilih berkas PDF" in r.get_data(as_text=True)
    r = browser(api.app).get("/verifikasi/?kode=abc123")
    assert r.status_code == 302 and r.headers["Location"].endswith("/verifikasi/ABC123")


# --- the demo certificate and the configuration ---------------------------------------------------


def test_seed_demo_makes_a_demo_certificate_once_and_only_where_allowed(app, api, tmp_path):
    instance, saved = app.instance_path, app.config["SIGNING_DEMO"]
    app.instance_path = str(tmp_path)
    try:
        result = app.test_cli_runner().invoke(args=["seed-demo", "--password", PASSWORD])  # demo off in tests
        assert result.exit_code == 0, result.output
        assert "HARMONI_SIGNING_DEMO=0" in result.output and demo_signing_files(str(tmp_path)) is None

        app.config["SIGNING_DEMO"] = True
        result = app.test_cli_runner().invoke(args=["seed-demo", "--password", PASSWORD])
        assert result.exit_code == 0, result.output
        assert "demo signing certificate made" in result.output
        files = demo_signing_files(str(tmp_path))
        before = files.pkcs12.read_bytes(), files.trust_root.read_bytes()
        result = app.test_cli_runner().invoke(args=["seed-demo", "--password", PASSWORD])
        assert "demo signing certificate kept" in result.output
        assert (files.pkcs12.read_bytes(), files.trust_root.read_bytes()) == before  # idempotent

        data = api.as_("officer").get(f"/issued/{finalised(api).issued['id']}/pdf").data
        _, status = pyhanko_status(data, files.trust_root)
        assert status.intact and status.trusted
        subject = status.signing_cert.subject.native
        assert subject["organizational_unit_name"] == DEMO_MARK and "(DEMO)" in subject["common_name"]
        (signature,) = api.as_("officer").ok(api_verify(api, data, alias="officer"))["signatures"]
        assert signature["demo"] is True and signature["trusted"] is True
        assert DEMO_MARK in signature_widget(data)[2]
    finally:
        app.instance_path, app.config["SIGNING_DEMO"] = instance, saved


def test_a_configured_certificate_that_cannot_be_read_stops_the_app(tmp_path, test_certificate):
    database = f"sqlite:///{tmp_path}/x.db"
    with pytest.raises(SigningNotConfigured):
        create_app(
            "config.TestConfig",
            SQLALCHEMY_DATABASE_URI=database,
            SIGNING_PKCS12=str(test_certificate.pkcs12),
            SIGNING_PASSPHRASE="salah",
        )
    with pytest.raises(SigningNotConfigured):
        create_app("config.TestConfig", SQLALCHEMY_DATABASE_URI=database, SIGNING_PKCS12=str(tmp_path / "none.p12"))
    good = create_app(
        "config.TestConfig",
        SQLALCHEMY_DATABASE_URI=database,
        SIGNING_PKCS12=str(test_certificate.pkcs12),
        SIGNING_PASSPHRASE=test_certificate.passphrase,
    )
    with good.app_context():
        assert office_signer().demo is False
        db.engine.dispose()


# --- PAdES B-T: a timestamp authority ---------------------------------------------------------------


def _timestamp_authority():
    """A self-signed TSA certificate and key (pyHanko's DummyTimeStamper answers with them)."""
    from datetime import UTC, datetime, timedelta

    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Harmoni Test TSA")])
    now = datetime.now(UTC) - timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return (
        asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        asn1_keys.PrivateKeyInfo.load(der_key),
    )


@pytest.fixture
def timestamp_authority(app):
    """An RFC 3161 timestamp server on a local port, configured as the office's (PAdES B-T)."""
    import threading

    from asn1crypto import tsp
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
    from werkzeug.serving import make_server
    from werkzeug.wrappers import Request, Response

    tsa_cert, tsa_key = _timestamp_authority()
    stamper = DummyTimeStamper(tsa_cert=tsa_cert, tsa_key=tsa_key)

    @Request.application
    def answer(request):
        reply = stamper.request_tsa_response(tsp.TimeStampReq.load(request.get_data()))
        return Response(reply.dump(), content_type="application/timestamp-reply")

    server = make_server("127.0.0.1", 0, answer, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    saved = app.config.get("SIGNING_TSA_URL")
    app.config["SIGNING_TSA_URL"] = f"http://127.0.0.1:{server.server_port}/"
    yield tsa_cert
    app.config["SIGNING_TSA_URL"] = saved
    server.shutdown()
    thread.join()


def test_with_a_timestamp_authority_the_signature_carries_its_timestamp(api, signing, timestamp_authority):
    s = finalised(api)
    data = api.as_("officer").get(f"/issued/{s.issued['id']}/pdf").data
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    (signature,) = reader.embedded_signatures
    roots = [load_cert_from_pemder(str(signing.trust_root)), timestamp_authority]
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=roots, allow_fetching=False))
    assert status.intact and status.trusted
    stamp = status.timestamp_validity
    assert stamp is not None and stamp.intact and stamp.valid and stamp.trusted  # PAdES B-T
    (reported,) = api.as_("officer").ok(api_verify(api, data, alias="officer"))["signatures"]
    assert reported["timestamped_at"] and reported["intact"] and reported["trusted"]
