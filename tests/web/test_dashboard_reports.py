"""The dashboard, the report page and its files (XLSX read back with openpyxl, CSV, PDF text with
pypdf), the API's overview and report, the queue's new filters, and constant query counts; over
the known data set of tests/stats/dataset.py, on SQLite and PostgreSQL."""

import csv
import io
import re
import subprocess

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from workflow.stats import dashboard as dashboard_figures
from workflow.web import cases

from ..stats import dataset
from ..stats.dataset import TODAY
from .test_list_queries import insert_requests, statements


@pytest.fixture
def data(app, monkeypatch):
    # the office's day is fixed: Wednesday 25 November 2026
    monkeypatch.setattr(dashboard_figures, "office_today", lambda user: TODAY)
    monkeypatch.setattr(cases, "today", lambda: TODAY)  # the queue's day too
    with app.app_context():
        return {k: r.id for k, r in dataset.build().items()}


def main(page: str) -> str:
    """The page's own content (the top bar has icons of its own)."""
    return page.split('<main id="konten"')[1].split("</main>")[0]


def figure(page: str, n: int) -> tuple[str, int]:
    """(link, value) of the n-th figure card."""
    m = re.search(rf'href="([^"]+)" data-figure="{n}">.*?display-6[^>]*>(\d+)<', page, re.S)
    return m.group(1).replace("&amp;", "&"), int(m.group(2))


def test_the_head_lands_on_the_dashboard(app, web):
    r = web.login("head")
    assert r.headers["Location"] == "/dasbor/"
    assert web.new().login("officer").headers["Location"] == "/permohonan/"


def test_dashboard_of_the_head(data, signed_in):
    page = signed_in("head").text("/dasbor/")
    assert figure(page, 1) == ("/permohonan/", 6)
    assert figure(page, 2) == ("/permohonan/?overdue=y", 1)
    assert figure(page, 3) == ("/permohonan/?due_soon=y", 1)
    assert figure(page, 4) == ("/permohonan/?waiting=y", 2)
    assert main(page).count("<svg") == 3 and "<script" not in main(page)
    assert 'role="img" aria-label="Permohonan diterima dan selesai per bulan"' in page
    # the numbers as tables too: 2026-03, received 2, concluded 3, median 6.0, on time 66.7
    assert re.search(r"<td>2026-03</td><td[^>]*>2</td><td[^>]*>3</td>\s*<td[^>]*>6.0</td>\s*<td[^>]*>66.7</td>", page)
    assert "Maria Fernandez" in page and "Yohanes Bria" in page
    assert "<strong>5.0</strong>" in page and "<strong>71.4%</strong>" in page


def test_dashboard_of_an_officer_links_to_their_own_files(data, signed_in):
    page = signed_in("officer").text("/dasbor/")
    assert figure(page, 1) == ("/permohonan/?mine=y", 2)
    assert figure(page, 2) == ("/permohonan/?overdue=y&mine=y", 1)
    assert "Per pemrakarsa" not in page


def test_the_overdue_link_shows_the_overdue_files(data, signed_in):
    browser = signed_in("head")
    link, count = figure(browser.text("/dasbor/"), 2)
    queue = browser.text(link)
    assert f"{count} permohonan" in queue and "A/RANPERDA/NTT/2026" in queue
    waiting = browser.text("/permohonan/?waiting=y")
    assert "2 permohonan" in waiting and "C/RANPERDA" in waiting and "E/RANPERDA" in waiting


def test_report_page_and_files(data, signed_in, app):
    browser = signed_in("head")
    page = browser.text("/laporan/?period=2026")
    assert "Laporan harmonisasi" in page and "Tahun 2026" in page and main(page).count("<svg") == 2
    assert re.search(r"Pemerintah Kabupaten Sikka</th><td[^>]*>3</td><td[^>]*>2</td><td[^>]*>3</td>", page)

    r = browser.get("/laporan/harmonisasi.xlsx?period=2026")
    assert r.status_code == 200 and r.headers["Content-Disposition"].endswith('laporan-harmonisasi-2026.xlsx"')
    wb = load_workbook(io.BytesIO(r.data))
    assert wb.sheetnames == ["Pemrakarsa", "Jenis", "Layanan"]
    ws = wb["Pemrakarsa"]
    assert ws["A1"].value == "KEMENTERIAN HUKUM REPUBLIK INDONESIA" and ws["A1"].font.bold  # the letterhead
    # the table's title under the letterhead (as many lines as the office's letterhead has), above its header
    (title_row,) = [c.row for c in ws["A"] if c.value == "Rekapitulasi per pemrakarsa"]
    assert 1 < title_row < next(c.row for c in ws["A"] if c.value == "Pemrakarsa")
    header = next(row for row in ws.iter_rows(values_only=True) if row[0] == "Pemrakarsa")
    assert header[:4] == ("Pemrakarsa", "Diterima", "Dikembalikan untuk dilengkapi (berkas)", "Dikembalikan (kali)")
    rows = {
        row[0]: row
        for row in ws.iter_rows(values_only=True)
        if row[0] and row[1] is not None and row[0] != "Pemrakarsa"
    }
    assert rows["Pemerintah Kota Kupang"] == ("Pemerintah Kota Kupang", 4, 0, 0, 2, 0, 0, 2, 1, 4.0, 6, 50.0)
    assert rows["Jumlah"] == ("Jumlah", 10, 2, 3, 4, 1, 1, 6, 1, 4.5, 8, 66.7)
    header_row = next(c.row for c in ws["A"] if c.value == "Pemrakarsa")
    assert ws.freeze_panes == f"B{header_row + 1}" and ws.cell(header_row, 1).font.bold
    assert ws.cell(header_row + 1, 10).number_format == "0.0"
    types = {row[0]: row for row in wb["Jenis"].iter_rows(values_only=True) if row[0]}
    assert types["Rancangan Perwali"][1:] == (1, 0, 0, 1, 0, 0, 1, 0, 2.0, 2, 100.0)

    r = browser.get("/laporan/harmonisasi.csv?period=2026-03")
    text = r.get_data(as_text=True).lstrip("\ufeff")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == ["Rekapitulasi per pemrakarsa", "Periode: Maret 2026 (2026-03-01 s.d. 2026-03-31)"]
    assert ["Pemerintah Kota Kupang", "1", "0", "0", "1", "0", "0", "1", "0", "6.0", "6", "0.0"] in lines

    r = browser.get("/laporan/harmonisasi.pdf?period=2026")
    assert r.mimetype == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.data)).pages).split())
    assert "LAPORAN PENGHARMONISASIAN" in text and "Tahun 2026" in text
    assert "Pemerintah Kabupaten Sikka" in text and "Rancangan Perwali" in text and "Harmonis dengan catatan" in text
    assert dark_share_of_first_page(r.data) < 0.1  # the charts drawn with their CSS (without: black boxes)


def dark_share_of_first_page(pdf: bytes) -> float:
    """The share of near-black pixels on the PDF's first page (pdftoppm, greyscale: a PGM, whose
    three header lines, "P5", "width height" and "255", precede one byte a pixel)."""
    page = subprocess.run(
        ["pdftoppm", "-r", "30", "-f", "1", "-l", "1", "-gray", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    pixels = page.split(b"\n", 3)[3]
    return sum(1 for p in pixels if p < 60) / len(pixels)


def test_a_drafter_sees_their_organisation_only(data, signed_in):
    browser = signed_in("drafter")
    page = browser.text("/laporan/?period=2026")
    assert "Pemerintah Kota Kupang" in page and "Pemerintah Kabupaten Sikka" not in page
    assert figure(browser.text("/dasbor/"), 1) == ("/permohonan/", 2)


def test_api_overview(data, api):
    body = api.as_("head").ok(api.as_("head").get("/stats/overview"))
    assert body["open"] == {
        "total": 6,
        "by_phase": {"intake": 2, "review": 2, "meeting": 1, "conclusion": 1},
        "by_process": {"ranperda": 4, "ranperkada": 1, "legal_aid": 1},
        "overdue": 1,
        "due_soon": 1,
        "waiting_on_applicant": 2,
    }
    assert body["median_working_days"] == 5.0 and body["on_time_rate"] == 71.4
    assert body["trend"][3] == {
        "month": "2026-03",
        "received": 2,
        "concluded": 3,
        "median_working_days": 6.0,
        "on_time_rate": 66.7,
    }
    mine = api.as_("drafter").ok(api.as_("drafter").get("/stats/overview"))
    assert mine["open"]["total"] == 2 and [o["name"] for o in mine["organisations"]] == ["Pemerintah Kota Kupang"]
    assert api.get("/stats/overview").status_code == 401


def test_api_report(data, api):
    head = api.as_("head")
    body = head.ok(head.get("/reports/harmonisation?period=2026"))
    assert body["period"] == {"key": "2026", "start": "2026-01-01", "end": "2026-12-31", "label": "Tahun 2026"}
    assert body["harmonisation"]["received"] == 10 and body["harmonisation"]["p90_working_days"] == 8
    assert {r["key"]: r["on_time_rate"] for r in body["types"]}["ranperda_provinsi"] == 50.0
    quarter = head.ok(head.get("/reports/harmonisation?period=2026-Q1"))
    assert quarter["harmonisation"]["received"] == 4 and quarter["harmonisation"]["concluded"] == 4  # J K H I; J L H I
    r = head.get("/reports/harmonisation?period=2026&format=xlsx")
    assert r.status_code == 200 and load_workbook(io.BytesIO(r.data)).sheetnames[0] == "Pemrakarsa"
    r = head.get("/reports/harmonisation?period=2026-11&format=csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    for bad in ("2026-13", "26", "2026-Q5", ""):
        r = head.get(f"/reports/harmonisation?period={bad}")
        assert r.status_code == 422 and "Periode tidak valid" in r.get_json()["error"]["message"], bad
    assert head.get("/reports/harmonisation?period=2026&format=doc").status_code == 422
    assert head.get("/reports/harmonisation").status_code == 422
    drafter = api.as_("drafter").ok(api.as_("drafter").get("/reports/harmonisation?period=2026"))
    assert [r["label"] for r in drafter["organisations"]] == ["Pemerintah Kota Kupang"]


def test_openapi_lists_the_fixed_points(app, api):
    paths = api.get("/openapi.json").get_json()["paths"]
    assert "/api/v1/stats/overview" in paths and "/api/v1/reports/harmonisation" in paths


def test_dashboard_and_report_queries_do_not_grow_with_rows(app, signed_in, api):
    browser = signed_in("head")
    found = {}
    for size, start in ((30, 0), (600, 30)):
        insert_requests(app, size - start, start=start)
        for url in ("/dasbor/", "/laporan/?period=2026", "/laporan/harmonisasi.xlsx?period=2026"):
            browser.get(url)
            with statements(app) as seen:
                assert browser.get(url).status_code == 200
            found.setdefault(url, []).append(len(seen))
        # warmed up like the pages: the token's first use in 5 minutes also writes its last_used_at
        api.as_("head").get("/stats/overview")
        with statements(app) as seen:
            assert api.as_("head").get("/stats/overview").status_code == 200
        found.setdefault("api", []).append(len(seen))
    assert all(a == b for a, b in found.values()), found
    # the dashboard: 12, and one more for the head's live list of minutes awaiting approval
    assert found["/dasbor/"][0] <= 13 and found["/laporan/?period=2026"][0] <= 12, found


def test_the_queue_exports_what_its_filter_shows(data, signed_in):
    browser = signed_in("head")
    queue = browser.text("/permohonan/?waiting=y")
    assert 'href="/permohonan/ekspor.xlsx?waiting=y"' in queue
    r = browser.get("/permohonan/ekspor.xlsx?waiting=y")
    assert r.status_code == 200 and r.headers["Content-Disposition"].endswith('.xlsx"')
    ws = load_workbook(io.BytesIO(r.data)).active
    numbers = [row[0] for row in ws.iter_rows(values_only=True) if row[0] and "/RANPERDA/" in str(row[0])]
    assert numbers == ["E/RANPERDA/NTT/2026", "C/RANPERDA/NTT/2026"]
    lines = list(
        csv.reader(io.StringIO(browser.get("/permohonan/ekspor.csv?overdue=y").get_data(as_text=True).lstrip("\ufeff")))
    )
    assert lines[0][0] == "Nomor" and [line[0] for line in lines[1:]] == ["A/RANPERDA/NTT/2026"]
    assert lines[1][7] == "-3"  # three working days past its due date (20 -> 25 November)
    assert browser.get("/permohonan/ekspor.pdf").status_code == 404
    # a drafter's export holds their organisation's files only
    mine = signed_in("drafter").get("/permohonan/ekspor.csv").get_data(as_text=True)
    assert "A/RANPERDA" in mine and "C/RANPERDA" not in mine and "G/RANPERDA" in mine  # their own draft too


def issue(request_id, kind, number, code, issued_at):
    from workflow.extensions import db
    from workflow.models import IssuedDocument, Request

    from ..helpers import user

    req = db.session.get(Request, request_id)
    db.session.add(
        IssuedDocument(
            office_id=req.office_id,
            request_id=req.id,
            kind=kind,
            number=number,
            code=code,
            title=req.title,
            payload={},
            issued_at=issued_at,
            issued_by_id=user("head").id,
        )
    )
    db.session.commit()


def test_the_register_of_issued_documents_exports_what_its_filter_shows(data, app, signed_in):
    from datetime import datetime

    with app.app_context():
        issue(data["H"], "berita_acara", "BA-001/HARMONISASI/NTT/2026", "KODEH1", datetime(2026, 3, 24, 2))
        issue(data["H"], "result_letter", "001/HASIL-HARMONISASI/NTT/2026", "KODEH2", datetime(2026, 3, 25, 2))
        # 31 March 23:00 UTC is 1 April in Kupang (WITA): a document of April
        issue(data["I"], "result_letter", "002/HASIL-HARMONISASI/NTT/2026", "KODEI2", datetime(2026, 3, 31, 23))
    head = signed_in("head")
    page = head.text("/laporan/dokumen")
    assert page.count("HARMONISASI/NTT/2026") == 3
    page = head.text("/laporan/dokumen?kind=result_letter&period=2026-03")
    assert "001/HASIL" in page and "002/HASIL" not in page and "BA-001" not in page
    r = head.get("/laporan/dokumen.xlsx?kind=result_letter&period=2026-03")
    rows = [
        row
        for row in load_workbook(io.BytesIO(r.data)).active.iter_rows(values_only=True)
        if row[0] and "/NTT/" in str(row[0])
    ]
    assert [(row[0], row[1], row[2], row[6], row[7]) for row in rows] == [
        ("001/HASIL-HARMONISASI/NTT/2026", "Surat hasil", "H/RANPERDA/NTT/2026", "KODEH2", "Berlaku")
    ]
    april = list(
        csv.reader(io.StringIO(head.get("/laporan/dokumen.csv?period=2026-04").get_data(as_text=True).lstrip("\ufeff")))
    )
    assert [line[0] for line in april[1:]] == ["002/HASIL-HARMONISASI/NTT/2026"] and april[1][5] == "2026-04-01"
    assert head.get("/laporan/dokumen?period=2026-13").status_code == 422
    assert head.get("/laporan/dokumen.pdf").status_code == 404
    # Kota Kupang's drafter: H is theirs, I (Kabupaten Sikka's) is not
    mine = signed_in("drafter").get("/laporan/dokumen.csv").get_data(as_text=True)
    assert "KODEH1" in mine and "KODEI2" not in mine


def test_figures_are_kept_for_stats_cache_seconds(data, app, signed_in, api, monkeypatch):
    """With the cache on, a snapshot serves every figure until it is older than the setting; the
    figures read back from it equal those computed."""
    from datetime import date, timedelta

    from sqlalchemy import delete, select, update

    from workflow.extensions import db
    from workflow.models import StatsSnapshot
    from workflow.models.time import utcnow
    from workflow.stats import cache
    from workflow.stats.cache import _claim_refresh

    # The cache's clock stands still: every page below says its figures were computed at the same
    # minute (the tables compared include "Angka dihitung ..."), and a slow run never outlives the
    # snapshot's 60 seconds. Staleness comes only from the snapshot row moved back in time.
    frozen = utcnow()
    monkeypatch.setattr(cache, "utcnow", lambda: frozen)
    browser = signed_in("head")
    fresh_page = browser.text("/laporan/?period=2026")
    fresh_api = api.as_("head").get("/reports/harmonisation?period=2026").get_json()
    app.config["STATS_CACHE_SECONDS"] = 60
    try:
        assert figure(browser.text("/dasbor/"), 1)[1] == 6
        cached_page = browser.text("/laporan/?period=2026")  # computed, stored
        with app.app_context():
            dataset.make_request("P", "ranperda", "submitted", dataset.KUPANG, received_on=date(2026, 11, 24))
            db.session.commit()
        assert figure(browser.text("/dasbor/"), 1)[1] == 6  # the snapshot, not yet the new file
        # received in 2026: still 10 (the snapshot), not 11 (the organisations' and the types' totals)
        assert main(browser.text("/laporan/?period=2026")).count('<td class="text-end">10</td>') == 2
        assert api.as_("head").get("/reports/harmonisation?period=2026").get_json() == fresh_api
        tables = [
            re.sub(r"<svg.*?</svg>", "", main(p).split("Angka dihitung")[1], flags=re.S)
            for p in (cached_page, fresh_page)
        ]
        assert tables[0] == tables[1]
        with app.app_context():  # as if the minute had passed
            key, at = db.session.execute(
                select(StatsSnapshot.key, StatsSnapshot.computed_at).where(StatsSnapshot.key.like("overview:%"))
            ).one()
            stale = at - timedelta(minutes=2)
            db.session.execute(update(StatsSnapshot).where(StatsSnapshot.key == key).values(computed_at=stale))
            db.session.commit()
            # one request wins the refresh; a second one, reading the same stale row, serves it
            assert _claim_refresh(key, stale, stale + timedelta(minutes=2)) is True
            assert _claim_refresh(key, stale, stale + timedelta(minutes=2)) is False
            db.session.execute(update(StatsSnapshot).where(StatsSnapshot.key == key).values(computed_at=stale))
            db.session.commit()
        assert figure(browser.text("/dasbor/"), 1)[1] == 7
    finally:
        app.config["STATS_CACHE_SECONDS"] = 0
        with app.app_context():
            db.session.execute(delete(StatsSnapshot))
            db.session.commit()
