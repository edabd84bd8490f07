"""Uploads that cannot be abused: a DOCX/ODT "zip bomb" is refused (415, with the reason), names
lose their invisible bidirectional controls, quotas per request and per hour (429 in the API, the
message on the page), and every download is sent with `nosniff`."""

import io
import zipfile
from contextlib import contextmanager

import pytest

from workflow.documents.filetypes import check_archive, clean_filename
from workflow.engine.errors import UnsupportedFileType

from ..helpers import docx


def bomb(unpacked_mb=60) -> bytes:
    """A valid-looking DOCX whose document part unpacks to `unpacked_mb` MB of zeros (~60 KB packed)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            block = b"\0" * (1 << 20)
            for _ in range(unpacked_mb):
                part.write(block)
    return buf.getvalue()


@contextmanager
def configured(app, **values):
    saved = {k: app.config.get(k) for k in values}
    app.config.update(values)
    try:
        yield
    finally:
        app.config.update(saved)


def test_a_zip_bomb_docx_is_refused_with_the_reason(api):
    drafter = api.as_("drafter")
    req = drafter.create()
    content = bomb()
    assert len(content) < 256 * 1024  # within the size limit: only its unpacked size gives it away
    r = drafter.upload(req["id"], "rancangan", content=content, filename="rancangan.docx")
    assert r.status_code == 415, r.get_json()
    assert "diekstrak terlalu besar" in r.get_json()["error"]["message"]
    assert drafter.ok(drafter.get(f"/requests/{req['id']}/documents")) == []
    # an ordinary DOCX still goes in
    drafter.ok(drafter.upload(req["id"], "rancangan", content=docx(), filename="rancangan.docx"), 201)


@pytest.mark.parametrize(
    "limits, reason",
    [
        ({"max_unpacked": 10 * 1024 * 1024, "max_ratio": 10_000}, "10 MB"),  # the absolute size
        ({"max_unpacked": 1 << 40, "max_ratio": 100}, "100 kali"),  # the ratio
    ],
)
def test_archive_limits_size_and_ratio(limits, reason):
    with pytest.raises(UnsupportedFileType, match=reason):
        check_archive(bomb(20), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", **limits)
    check_archive(docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", **limits)


def test_an_archive_lying_about_its_sizes_is_caught_while_unpacking():
    """The central directory says 13 bytes; the part really unpacks to 20 MB."""
    content = bytearray(bomb(20))
    # patch the declared uncompressed size of word/document.xml in its central directory entry
    entry = content.rfind(b"PK\x01\x02")
    content[entry + 24 : entry + 28] = (13).to_bytes(4, "little")
    with pytest.raises(UnsupportedFileType):
        check_archive(
            bytes(content),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            max_unpacked=10 * 1024 * 1024,
            max_ratio=100,
        )


def test_a_broken_docx_is_refused():
    broken = docx()[:-30]
    with pytest.raises(UnsupportedFileType, match="rusak"):
        check_archive(
            broken,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            max_unpacked=1 << 30,
            max_ratio=100,
        )


@pytest.mark.parametrize(
    "given, kept",
    [
        ("rapat\u202efdp.exe", "rapatfdp.exe"),  # RIGHT-TO-LEFT OVERRIDE: would show as "rapatexe.pdf"
        ("\u2067surat\u2069.pdf", "surat.pdf"),  # isolates
        ("nota\u200b dinas\u200f.pdf", "nota dinas.pdf"),  # zero-width space, right-to-left mark
        ("Surat Permohonan.pdf", "Surat Permohonan.pdf"),
    ],
)
def test_bidirectional_controls_are_cleaned_from_names(given, kept):
    assert clean_filename(given) == kept


def test_a_name_with_bidi_controls_is_stored_clean(api):
    drafter = api.as_("drafter")
    req = drafter.create()
    doc = drafter.ok(drafter.upload(req["id"], "rancangan", filename="rancangan\u202efdp.exe"), 201)
    assert doc["filename"] == "rancanganfdp.exe"
    download = drafter.get(f"/requests/{req['id']}/documents/{doc['id']}")
    assert "\u202e" not in download.headers["Content-Disposition"]


def test_per_request_quota(api, app):
    drafter = api.as_("drafter")
    req = drafter.create()
    with configured(app, UPLOAD_QUOTA_PER_REQUEST=3):
        for _ in range(3):
            drafter.ok(drafter.upload(req["id"], "rancangan"), 201)
        r = drafter.upload(req["id"], "rancangan")
        assert r.status_code == 429
        error = r.get_json()["error"]
        assert error["code"] == "quota_exceeded" and "3 berkas" in error["message"]
        # another request of the same drafter is not affected
        other = drafter.create()
        drafter.ok(drafter.upload(other["id"], "rancangan"), 201)


def test_per_hour_quota_per_account(api, app):
    drafter, colleague = api.as_("drafter"), api.as_("other_drafter")
    first, second = drafter.create(), drafter.create()
    with configured(app, UPLOAD_QUOTA_PER_HOUR=2):
        drafter.ok(drafter.upload(first["id"], "rancangan"), 201)
        drafter.ok(drafter.upload(second["id"], "rancangan"), 201)
        r = drafter.upload(second["id"], "naskah_akademik")
        assert r.status_code == 429 and "per jam" in r.get_json()["error"]["message"]
        other = colleague.create("ranperkada")
        colleague.ok(colleague.upload(other["id"], "rancangan"), 201)  # counted per account


def test_quota_message_on_the_page(app, api, signed_in):
    req = api.as_("drafter").create()
    with configured(app, UPLOAD_QUOTA_PER_REQUEST=0):
        r = signed_in("drafter").upload(req["id"], "rancangan")
    assert r.status_code == 429
    assert "Batas unggahan tercapai" in r.get_data(as_text=True)


def test_downloads_are_sent_with_nosniff(api):
    drafter = api.as_("drafter")
    req = drafter.create()
    doc = drafter.ok(drafter.upload(req["id"], "rancangan"), 201)
    r = drafter.get(f"/requests/{req['id']}/documents/{doc['id']}")
    assert r.status_code == 200
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Content-Disposition"].startswith("attachment")
