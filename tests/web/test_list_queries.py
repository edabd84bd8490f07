"""List pages cost a constant number of SQL statements, however many requests there are: no
N+1 over rows (assignees, organisations, the clock, the buttons), on the pages and in the API."""

import re
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from sqlalchemy import event, insert, select

from workflow.extensions import db
from workflow.models import Office, Request, request_assignees

from ..helpers import user
from .conftest import QUERY_COUNTS

SMALL, LARGE = 30, 600
STAFF_LIMIT = DRAFTER_LIMIT = API_LIMIT = 12  # statements for one list GET, sign-in check included
# One in ten is a draft (hidden from staff); one in ten belongs to Kabupaten Sikka (hidden from
# Kota Kupang's drafter): with 30 rows each viewer still has a second page.
STATES = [
    "submitted",
    "verified",
    "in_analysis",
    "analysed",
    "meeting_scheduled",
    "draft",
    "returned",
    "meeting_held",
    "harmonis_with_notes",
    "harmonis",
]


def insert_requests(app, count, start=0):
    """`count` requests in one Core INSERT, plus assignees for those under analysis."""
    with app.app_context():
        office_id = db.session.scalar(select(Office.id))
        kupang, sikka = user("drafter"), user("other_drafter")
        staff = [user(a).id for a in ("officer", "officer2", "head")]
        now = datetime(2026, 1, 5, 2, 0)
        rows = []
        for i in range(start, start + count):
            state = STATES[i % len(STATES)]
            author = sikka if i % 10 == 7 else kupang
            running = state not in ("draft", "submitted")
            rows.append(
                dict(
                    process="ranperkada" if i % 3 == 0 else "ranperda",
                    number=f"{i + 1:05d}/BEBAN/NTT/2026",
                    title=f"Rancangan beban nomor {i}",
                    state=state,
                    version=1,
                    office_id=office_id,
                    organisation_id=author.organisation_id,
                    created_by_id=author.id,
                    completion_rounds=i % 2,
                    time_limit_days=5 if running else None,
                    clock_started_on=date(2026, 1, 6) if running else None,
                    due_date=date(2026, 1, 13) + timedelta(days=i % 40) if running else None,
                    clock_paused_on=date(2026, 1, 8) if state == "returned" else None,
                    clock_remaining_days=3 if state == "returned" else None,
                    created_at=now,
                    updated_at=now,
                )
            )
        db.session.execute(insert(Request.__table__), rows)
        numbers = [r["number"] for r in rows if r["state"] in ("in_analysis", "analysed", "meeting_scheduled")]
        ids = db.session.scalars(select(Request.id).where(Request.number.in_(numbers))).all()
        links = [{"request_id": rid, "user_id": staff[(rid + k) % len(staff)]} for rid in ids for k in range(2)]
        if links:
            db.session.execute(insert(request_assignees), links)
        db.session.commit()


@contextmanager
def statements(app):
    seen = []
    with app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def measure(app, get, url):
    """Statements issued by one GET of `url` (after a warm-up GET of the same page)."""
    assert get(url).status_code == 200
    with statements(app) as seen:
        r = get(url)
    assert r.status_code == 200, (url, r.status_code)
    return len(seen), r


def rows_on(page: str) -> int:
    return len(re.findall(r'<a href="/permohonan/\d+">', page))


PAGES = ["/permohonan/", "/permohonan/?page=2", "/permohonan/?q=beban&process_type=ranperda"]
API = ["/requests", "/requests?page=2", "/requests?per_page=100", "/requests?phase=review&q=beban"]
VIEWERS = {"officer": STAFF_LIMIT, "head": STAFF_LIMIT, "admin": STAFF_LIMIT, "drafter": DRAFTER_LIMIT}


def test_list_queries_do_not_grow_with_rows(app, backend, api, web):
    """Each viewer's list pages (and the API list) at 30 rows and at 600: the same statements."""
    browsers = {alias: web.new() for alias in VIEWERS}
    for alias, browser in browsers.items():
        browser.login(alias)
    found = {}
    for size, start in ((SMALL, 0), (LARGE, SMALL)):
        insert_requests(app, size - start, start=start)
        for alias, browser in browsers.items():
            for url in PAGES:
                n, r = measure(app, browser.get, url)
                page = r.get_data(as_text=True)
                assert rows_on(page) > 0, (alias, url)  # rows on the page: their cost is measured
                if url == "/permohonan/":
                    assert rows_on(page) == 25
                found.setdefault(("page", alias, url), {})[size] = n
        for alias in ("officer", "drafter"):
            client = api.as_(alias)
            for url in API:
                n, r = measure(app, client.get, url)
                assert r.get_json()["items"], (alias, url)
                found.setdefault(("api", alias, url), {})[size] = n
            assert client.get("/requests").get_json()["total"] == (27 if size == SMALL else 540)

    for (kind, alias, url), n in found.items():
        QUERY_COUNTS.setdefault(f"{backend:10} {kind:4} {alias:8}", {})[url] = f"{n[SMALL]} -> {n[LARGE]}"
    grew = {key: n for key, n in found.items() if n[SMALL] != n[LARGE]}
    assert not grew, f"statements grew with the rows: {grew}"
    limits = {
        key: n[LARGE] for key, n in found.items() if n[LARGE] > (API_LIMIT if key[0] == "api" else VIEWERS[key[1]])
    }
    assert not limits, f"more statements than expected: {limits}"


def test_a_capped_list_goes_on_to_older_requests_without_gaps(app, api, web, monkeypatch):
    """Counts stop at COUNT_LIMIT; the list then goes on by keyset (`before`, the last id shown).
    Walking it, in the API and on the page sorted newest first, yields every visible request once."""
    import workflow.queries

    monkeypatch.setattr(workflow.queries, "COUNT_LIMIT", 10)
    insert_requests(app, 60)
    with app.app_context():
        officer = user("officer")
        from workflow.access import visible_requests

        expected = db.session.scalars(
            select(Request.id).where(visible_requests(officer)).order_by(Request.id.desc())
        ).all()
    assert len(expected) == 54  # the six drafts are hidden from staff

    client, seen, before = api.as_("officer"), [], None
    while True:  # a capped list: its pages, then the older ones from the last id shown
        page_no, older = 1, len(expected) - len(seen)
        while True:
            body = client.get(
                f"/requests?per_page=4&page={page_no}" + (f"&before={before}" if before else "")
            ).get_json()
            assert (body["total"], body["total_capped"]) == ((10, True) if older > 10 else (older, False))
            seen += [item["id"] for item in body["items"]]
            if page_no >= body["pages"]:
                break
            page_no += 1
        if not body["total_capped"]:
            break
        before = seen[-1]
    assert seen == expected

    browser = web.new()
    browser.login("officer")
    # the page goes on to older requests in its newest-first order (sorted by number, descending)
    seen, path = [], "/permohonan/?sort=number&dir=desc"
    while path:
        page = browser.text(path)
        seen += [int(i) for i in re.findall(r'<a href="/permohonan/(\d+)">', page)]
        older = re.search(r'<a class="btn btn-outline-secondary" href="([^"]+)">Permohonan yang lebih lama', page)
        path = older.group(1).replace("&amp;", "&") if older else None
        if older:
            assert "Lebih dari 10 permohonan" in page
    assert seen == expected
