"""The work queue (issue 12): sortable columns (number, received, deadline, status) whose order
holds across pages, a received/age column in working days, colour by urgency, and filters that
offer only what the user can see. Bad sort parameters are ignored, never a 500."""

import html
import re
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import select, update

from workflow.catalogue import enabled_processes, processes_filed_by
from workflow.engine.definition import Phase
from workflow.extensions import db
from workflow.models import Office, Organisation, Request
from workflow.models.time import local_date, utcnow
from workflow.operations.calendar import office_calendar
from workflow.processes import PROCESSES
from workflow.web import queue

from ..helpers import user
from .conftest import new_request, office_state, restore_office
from .test_list_queries import insert_requests

ROW_LINK = re.compile(r'<a href="/permohonan/(\d+)">')
NEXT_PAGE = re.compile(r'<a class="page-link" href="([^"]+)">Berikutnya</a>')


def office_today(app) -> date:
    with app.app_context():
        return local_date(utcnow(), db.session.scalar(select(Office)).timezone)


def ids_on(page: str) -> list[int]:
    return [int(i) for i in ROW_LINK.findall(page)]


def walk(browser, path: str) -> list[int]:
    """Every row of a list, following its own "next page" links (which must keep the order)."""
    seen, pages = [], 0
    while path:
        page = browser.text(path)
        seen += ids_on(page)
        found = NEXT_PAGE.search(page)
        after = html.unescape(found.group(1)) if found else None
        path = after if after and f"page={pages + 2}" in after else None
        pages += 1
    return seen


def spread(app):
    """30 requests (27 visible to staff) with ties in every sort key: three received days, due
    dates repeating every 40, a few clocks paused and one stopped, and drafts with no received day."""
    insert_requests(app, 30)
    with app.app_context():
        rows = db.session.execute(select(Request.id, Request.state).order_by(Request.id)).all()
        for i, (rid, state) in enumerate(rows):
            values = {"received_on": None if state == "draft" else date(2026, 1, 5) + timedelta(days=i % 3)}
            if i % 10 == 8:  # harmonis_with_notes: its clock stopped at the conclusion
                values["clock_stopped_on"] = date(2026, 1, 20)
            db.session.execute(update(Request).where(Request.id == rid).values(**values))
        db.session.commit()


def running_deadline(r: Request):
    """The deadline the "Tenggat" column sorts by: the applicant's own where it runs, else the
    office's while its clock runs (paused or stopped: none)."""
    process = PROCESSES[r.process]
    if r.applicant_due_on is not None and r.state in process.applicant_deadline_states:
        return r.applicant_due_on
    if r.clock_paused_on is not None or r.clock_stopped_on is not None:
        return None
    return r.due_date


def status_rank(r: Request):
    """Where a status stands in the work: its phase, then its earliest place in a process."""
    phases = list(Phase)
    return min(
        phases.index(s.phase) * 100 + i for p in PROCESSES.values() for i, s in enumerate(p.states) if s.name == r.state
    )


KEYS = {
    "number": lambda r: r.id,
    "received": lambda r: r.received_on,
    "deadline": running_deadline,
    "status": status_rank,
}


def expected_order(app, alias: str, sort: str, direction: str) -> list[int]:
    """The visible requests in the order the spec gives: by the key (nulls last either way),
    ties newest first."""
    from workflow.access import visible_requests
    from workflow.queries import LISTED

    with app.app_context():
        rows = db.session.scalars(select(Request).where(visible_requests(user(alias)), LISTED)).all()
        key = KEYS[sort]
        valued = [r for r in rows if key(r) is not None]
        empty = [r for r in rows if key(r) is None]
        # ties newest first: sort by id descending, then (stable) by the key
        valued.sort(key=lambda r: -r.id)
        valued.sort(key=key, reverse=direction == "desc")
        empty.sort(key=lambda r: -r.id)
        return [r.id for r in valued + empty]


@pytest.mark.parametrize("sort", ["number", "received", "deadline", "status"])
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_each_column_sorts_both_ways_across_pages(app, web, sort, direction):
    spread(app)
    web.login("officer")
    seen = walk(web, f"/permohonan/?sort={sort}&dir={direction}")
    assert len(seen) == 27 and len(set(seen)) == 27  # two pages, no row twice, none missing
    assert seen == expected_order(app, "officer", sort, direction)
    page = web.text(f"/permohonan/?sort={sort}&dir={direction}")
    header = re.search(
        rf'<th scope="col" aria-sort="(\w+)"[^>]*><a [^>]*href="[^"]*sort={sort}[^"]*">[^<]*(<span[^>]*>(.)</span>)?',
        page,
    )
    assert header.group(1) == ("ascending" if direction == "asc" else "descending")
    assert header.group(3) == ("▲" if direction == "asc" else "▼")
    # clicking the current column turns its direction round; the others start with their own
    flipped = "desc" if direction == "asc" else "asc"
    assert f"sort={sort}&amp;dir={flipped}" in page
    assert 'aria-sort="none"' in page


def test_the_default_order_is_the_most_urgent_first(app, web):
    spread(app)
    web.login("officer")
    page = web.text("/permohonan/")
    assert ids_on(page) == expected_order(app, "officer", "deadline", "asc")[:25]
    first_row = page.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert 'class="table-danger border-danger"' in first_row and "lewat tenggat" in first_row


def test_sorting_keeps_the_filters_and_the_filters_keep_the_sort(app, web):
    spread(app)
    web.login("officer")
    page = web.text("/permohonan/?process_type=ranperda&q=beban&sort=received&dir=desc")
    links = {html.unescape(h) for h in re.findall(r'<th scope="col" aria-sort="\w+"[^>]*><a [^>]*href="([^"]+)"', page)}
    assert links and all("process_type=ranperda" in h and "q=beban" in h for h in links)
    # the filter form carries the chosen order with it
    assert '<input type="hidden" name="sort" value="received">' in page
    assert '<input type="hidden" name="dir" value="desc">' in page
    seen = walk(web, "/permohonan/?process_type=ranperda&q=beban&sort=received&dir=desc")
    expected = [i for i in expected_order(app, "officer", "received", "desc")]
    with app.app_context():
        ranperda = set(db.session.scalars(select(Request.id).where(Request.process == "ranperda")))
    assert seen == [i for i in expected if i in ranperda]


@pytest.mark.parametrize(
    "query",
    [
        "sort=nope",
        "sort=id",
        "sort=number&dir=sideways",
        "dir=asc",
        "sort=&dir=",
        "sort=deadline%00&dir=asc",
        "sort=number&sort=status&dir=desc&dir=asc",
        "sort=" + "x" * 5000,
        "page=-3&sort=received&dir=desc",
        "page=999999999999999999999&sort=status",
    ],
)
def test_bad_sort_parameters_are_ignored(app, web, query):
    spread(app)
    web.login("officer")
    r = web.get(f"/permohonan/?{query}")
    if "%00" in query:  # the app refuses a NUL byte anywhere in the input, with its own message
        assert r.status_code == 422
        return
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    if query.startswith("sort=number&dir=sideways"):
        assert ids_on(page) == expected_order(app, "officer", "number", "desc")[:25]  # its own first direction
    elif query in ("sort=nope", "sort=id", "dir=asc", "sort=&dir="):
        assert ids_on(page) == expected_order(app, "officer", "deadline", "asc")[:25]  # the default
    assert "Internal Server Error" not in page


def test_the_export_follows_the_sort(app, web):
    spread(app)
    web.login("officer")
    body = web.get("/permohonan/ekspor.csv?sort=number&dir=asc").get_data(as_text=True)
    numbers = re.findall(r"^(\d{5}/BEBAN/NTT/2026)", body, re.M)
    assert numbers == sorted(numbers) and len(numbers) == 27


def test_the_age_column_counts_working_days_since_receipt(app, web, api):
    received = new_request(api, title="Rancangan Peraturan Daerah tentang Umur Berkas")
    today_ = new_request(api, title="Rancangan Peraturan Daerah tentang Hari Ini")
    draft = new_request(api, state="draft", title="Rancangan Peraturan Daerah tentang Draf Umur")
    day = office_today(app)
    with app.app_context():
        back = day - timedelta(days=30)
        expected = office_calendar(db.session.scalar(select(Office.id))).working_days_between(back, day)
        db.session.execute(update(Request).where(Request.id == received["id"]).values(received_on=back))
        db.session.execute(update(Request).where(Request.id == today_["id"]).values(received_on=day))
        db.session.commit()
    web.login("drafter")
    page = web.text("/permohonan/")
    rows = {
        n: page.split(f">{n}</a>", 1)[1].split("</tr>", 1)[0]
        for n in (received["number"], today_["number"], draft["number"])
    }
    assert f"{expected} hari kerja lalu" in rows[received["number"]] and 18 <= expected <= 23
    assert "hari ini" in rows[today_["number"]]
    assert "hari kerja lalu" not in rows[draft["number"]]
    assert '<td class="d-none d-md-table-cell">—</td>' in rows[draft["number"]]  # not received yet
    # in English too, with its plural; and back (the words are looked up per language)
    web.post("/bahasa/en", {"next": "/permohonan/"}, from_page="/permohonan/")
    try:
        english = web.text("/permohonan/")
        assert f"{expected} working days ago" in english and "today" in english
        assert "Waiting for others" in english and "Menunggu pihak lain" not in english
    finally:
        web.post("/bahasa/id", {"next": "/permohonan/"}, from_page="/permohonan/")  # the language is the user's
    assert f"{expected} hari kerja lalu" in web.text("/permohonan/")


def test_colour_by_urgency(app, web, api):
    overdue = new_request(api, state="in_analysis", title="Rancangan Peraturan Daerah tentang Terlambat")
    soon = new_request(api, state="in_analysis", title="Rancangan Peraturan Daerah tentang Segera")
    later = new_request(api, state="in_analysis", title="Rancangan Peraturan Daerah tentang Nanti")
    paused = new_request(api, state="returned", title="Rancangan Peraturan Daerah tentang Dijeda")
    day = office_today(app)
    with app.app_context():
        cal = office_calendar(db.session.scalar(select(Office.id)))
        clock = {"clock_started_on": day - timedelta(days=40), "time_limit_days": 20}
        for rid, due, extra in (
            (overdue["id"], day - timedelta(days=7), {}),
            (soon["id"], cal.add_working_days(day, 2), {}),
            (later["id"], cal.add_working_days(day, 3), {}),
            (paused["id"], day - timedelta(days=7), {"clock_paused_on": day, "clock_remaining_days": 4}),
        ):
            db.session.execute(update(Request).where(Request.id == rid).values(due_date=due, **clock, **extra))
        db.session.commit()
    web.login("officer")
    page = web.text("/permohonan/")
    rows = page.split("<tbody>", 1)[1].split("<tr")[1:]

    def row(req):
        return next(r for r in rows if f'<a href="/permohonan/{req["id"]}">' in r)

    assert 'class="table-danger border-danger"' in row(overdue) and "lewat tenggat" in row(overdue)
    assert 'class="table-warning border-warning"' in row(soon) and "2 hari kerja lagi" in row(soon)
    assert "table-" not in row(later).split(">", 1)[0] and "hari kerja lagi" not in row(later)
    assert "table-" not in row(paused).split(">", 1)[0] and "dihentikan sementara" in row(paused)
    # the most urgent first: overdue, then due soon, then later; the paused clock after them
    order = ids_on(page)
    assert order.index(overdue["id"]) < order.index(soon["id"]) < order.index(later["id"]) < order.index(paused["id"])


def options(page: str, name: str) -> list[str]:
    found = re.search(rf'<select class="form-select" id="{name}" name="{name}">(.*?)</select>', page, re.S)
    return re.findall(r'<option value="([^"]*)"', found.group(1)) if found else []


def test_a_drafter_filters_only_what_their_organisation_can_file(app, web, api):
    mine = new_request(api)
    web.login("drafter")
    page = web.text("/permohonan/")
    assert options(page, "process_type") == ["", "ranperda", "ranperkada"]
    states = set(options(page, "state")) - {""}
    harmonisation = {s.name for p in ("ranperda", "ranperkada") for s in PROCESSES[p].states}
    assert states == harmonisation  # not the legal services' states
    assert "eligibility" not in states and "in_analysis" in states
    assert options(page, "organisation_id") == [] and options(page, "assignee_id") == []
    assert 'name="overdue"' not in page
    # a process they cannot see is ignored, not applied
    other = web.text("/permohonan/?process_type=legal_aid&state=eligibility")
    assert mine["number"] in other
    assert 'value="legal_aid"' not in other
    assert "selected" not in re.search(r'id="process_type".*?</select>', other, re.S).group(0)


def test_a_dprd_files_no_ranperkada(app):
    with app.app_context():
        office = db.session.scalar(select(Office))
        dprd = db.session.scalar(select(Organisation).where(Organisation.kind == "dprd"))
        kota = db.session.scalar(select(Organisation).where(Organisation.name == "Pemerintah Kota Kupang"))
        assert [p.name for p in processes_filed_by(office, dprd)] == ["ranperda"]
        assert [p.name for p in processes_filed_by(office, kota)] == ["ranperda", "ranperkada"]


def test_staff_filter_the_processes_the_office_runs(app, web):
    state = office_state(app)
    try:
        web.login("officer")
        page = web.text("/permohonan/")
        offered = options(page, "process_type")[1:]
        with app.app_context():
            assert offered == [p.name for p in enabled_processes(db.session.scalar(select(Office)))]
        assert "legal_aid" in offered
        assert options(page, "organisation_id")[1:] and options(page, "assignee_id")[1:]
        with app.app_context():
            office = db.session.scalar(select(Office))
            office.settings = {**(office.settings or {}), "disabled": ["legal_aid"]}
            db.session.commit()
        page = web.text("/permohonan/")
        assert "legal_aid" not in options(page, "process_type")
        assert "eligibility" not in options(page, "state")  # a state of legal aid alone
        assert "in_analysis" in options(page, "state")
        # the organisations and drafters are the office's own
        with app.app_context():
            names = set(db.session.scalars(select(Organisation.name)))
        assert all(
            html.unescape(n) in names
            for n in re.findall(
                r'<option value="\d+">([^<]+)</option>',
                re.search(r'id="organisation_id".*?</select>', page, re.S).group(0),
            )
        )
    finally:
        restore_office(app, state)


def test_the_deadline_says_when_it_is_the_administrative_checks(app, web, api):
    """A file just submitted runs the administrative check's clock: its deadline in the queue says
    so, as the request page does; once declared complete the process's own clock runs, unnamed."""
    checking = new_request(api, title="Rancangan Peraturan Daerah tentang Pemeriksaan Administrasi")
    reviewing = new_request(api, title="Rancangan Peraturan Daerah tentang Telaah")
    api.as_("officer").ok(api.as_("officer").fire(reviewing["id"], "declare_complete"))
    web.login("officer")
    page = web.text("/permohonan/")
    rows = {n: page.split(f">{n}</a>", 1)[1].split("</tr>", 1)[0] for n in (checking["number"], reviewing["number"])}
    note = '<div class="small text-muted">pemeriksaan administrasi</div>'  # under the deadline
    assert note in rows[checking["number"]]
    assert note not in rows[reviewing["number"]]


def test_the_rows_escape_the_number_title_and_organisation(app, web):
    """The rows are printed with autoescaping off, each text escaped once in web/queue.py: what
    people type (a number, a title, an organisation's name) must still come out as text."""
    payload = '<b onclick="x()">A & B\'s</b>'
    escaped = "&lt;b onclick=&#34;x()&#34;&gt;A &amp; B&#39;s&lt;/b&gt;"
    insert_requests(app, 2)
    with app.app_context():
        rid = db.session.scalar(select(Request.id).where(Request.state != "draft").order_by(Request.id).limit(1))
        organisation_id = db.session.scalar(select(Request.organisation_id).where(Request.id == rid))
        name = db.session.scalar(select(Organisation.name).where(Organisation.id == organisation_id))
        db.session.execute(update(Request).where(Request.id == rid).values(number="N" + payload, title="T" + payload))
        db.session.execute(update(Organisation).where(Organisation.id == organisation_id).values(name="O" + payload))
        db.session.commit()
    try:
        web.login("officer")
        page = web.text("/permohonan/")
        assert "<b onclick" not in page
        for text in ("N", "T", "O"):
            assert text + escaped in page
    finally:
        with app.app_context():
            db.session.execute(update(Organisation).where(Organisation.id == organisation_id).values(name=name))
            db.session.commit()


@given(st.text())
def test_the_rows_escape_writes_what_markupsafe_writes(text):
    """web/queue.html() escapes as markupsafe.escape does (the rows are printed with autoescaping
    off on the strength of it), for any text, not only the characters it replaces."""
    assert queue.html(text) == str(escape(text))
