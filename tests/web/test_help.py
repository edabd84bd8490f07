"""The help page states the limits this office and this deployment actually run with: the
catalogue's configured days (clock, timers, deadlines) and the configured upload limits."""

import re

from sqlalchemy import select

from workflow.extensions import db
from workflow.models import Office

from .conftest import office_state, restore_office


def section(page: str, label: str) -> str:
    return re.search(rf"<h2[^>]*>{re.escape(label)}</h2>.*?</section>", page, re.S).group(0)


def test_help_shows_the_offices_configured_limits_not_the_defaults(app, web):
    before = office_state(app)
    try:
        with app.app_context():
            office = db.session.scalar(select(Office))
            office.settings = {
                **(office.settings or {}),
                "time_limits": {"public_complaint": 45},
                "timers": {"public_complaint": {"deem_withdrawn": 10}},
                "deadlines": {"public_complaint": {"written_reply": 7}},
            }
            db.session.commit()
        page = web.text("/bantuan/")
        complaint = section(page, "Pengaduan pelayanan publik")
        assert "Tenggat: 45 hari" in complaint and "Tenggat: 60 hari" not in complaint
        assert "Jawaban tertulis kepada pelapor: 7 hari." in complaint
        assert "Dianggap dicabut: tidak dilengkapi dalam batas waktu: 10 hari." in complaint
        # a process the office left alone shows the definition's days
        hr = section(page, "Pengaduan dugaan pelanggaran HAM")
        assert "dalam batas waktu: 10 hari kerja." in hr
    finally:
        restore_office(app, before)


def test_help_shows_the_configured_upload_limits(app, web):
    config = app.config
    saved = {k: config[k] for k in ("MAX_UPLOAD_BYTES", "UPLOAD_QUOTA_PER_REQUEST", "UPLOAD_QUOTA_PER_HOUR")}
    try:
        config.update(MAX_UPLOAD_BYTES=5 * 1024 * 1024, UPLOAD_QUOTA_PER_REQUEST=40, UPLOAD_QUOTA_PER_HOUR=12)
        limits = re.search(r'data-testid="upload-limits">(.*?)</', web.text("/bantuan/"), re.S).group(1)
        assert "5 MB" in limits and "40 berkas" in limits and "12 unggahan" in limits
        # numbers as Indonesian writes them
        config.update(MAX_UPLOAD_BYTES=256 * 1024, UPLOAD_QUOTA_PER_REQUEST=1500)
        limits = re.search(r'data-testid="upload-limits">(.*?)</', web.text("/bantuan/"), re.S).group(1)
        assert "0,2 MB" in limits and "1.500 berkas" in limits
    finally:
        config.update(saved)
