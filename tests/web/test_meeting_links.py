"""One rule for every link field (workflow/links.py): a meeting's online link is an http(s) address,
in the web form and in the API alike. Before, the web form stored `javascript:` links, which reached
the meeting page as a clickable href and the .ics invitation (stored XSS, issue 10)."""

import pytest
from icalendar import Calendar
from sqlalchemy import func, select, update

from workflow.extensions import db
from workflow.links import check_web_link, web_link
from workflow.models import Meeting

from ..api.test_meetings import meeting_body, meeting_day, ready
from ..helpers import user

HOSTILE = [
    "javascript:alert(document.cookie)",
    " JavaScript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "https://zoom.us/j/1\r\nATTENDEE:mailto:spy@example.org",  # would split an .ics line
    "//evil.example/x",
    "zoom rapat",
]


@pytest.mark.parametrize("link", HOSTILE)
def test_the_rule_refuses_what_is_not_a_web_address(link):
    with pytest.raises(ValueError):
        check_web_link(link)
    assert web_link(link) is None


@pytest.mark.parametrize("link", ["https://zoom.us/j/123?pwd=abc", "http://meet.kanwil-ntt/rapat", " https://x.id "])
def test_the_rule_keeps_web_addresses(link):
    assert check_web_link(link) == link.strip()


def meetings(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Meeting))


@pytest.mark.parametrize("link", HOSTILE[:2] + HOSTILE[5:6])
def test_the_web_form_refuses_a_hostile_link_and_stores_nothing(app, api, web, link):
    req = ready(api)
    web.login("officer")
    with app.app_context():
        head = user("head").id
    before = meetings(app)
    form = {
        "request_ids": str(req["id"]),
        "title": "Rapat pengharmonisasian",
        "date": "2026-12-10",
        "time": "09:00",
        "duration": "120",
        "place": "",
        "online_link": link,
        "chair_id": str(head),
        "participants": "",
    }
    r = web.post("/rapat/baru", data=form)
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "Tautan harus alamat web lengkap yang diawali http:// atau https://." in page
    assert 'href="javascript' not in page.lower()
    assert meetings(app) == before


@pytest.mark.parametrize("link", HOSTILE[:2] + HOSTILE[5:6])
def test_the_api_refuses_a_hostile_link_with_the_same_message(app, api, link):
    req = ready(api)
    officer = api.as_("officer")
    before = meetings(app)
    r = officer.post("/meetings", json=meeting_body(api, [req["id"]], place=None, online_link=link))
    assert r.status_code == 422
    assert r.get_json()["error"]["details"]["online_link"] == [
        "Tautan harus alamat web lengkap yang diawali http:// atau https://."
    ]
    assert meetings(app) == before


def test_a_link_stored_before_the_rule_never_reaches_a_page_the_api_or_the_ics(app, api, web):
    """A row written before the fix (or by hand) keeps its text, but nothing shows it as a link."""
    req = ready(api)
    officer = api.as_("officer")
    meeting = officer.ok(
        officer.post("/meetings", json=meeting_body(api, [req["id"]], online_link="https://zoom.us/j/1")), 201
    )
    with app.app_context():
        db.session.execute(
            update(Meeting).where(Meeting.id == meeting["id"]).values(online_link="javascript:alert(document.cookie)")
        )
        db.session.commit()
    web.login("officer")
    for path in (f"/rapat/{meeting['id']}", f"/rapat/?bulan={meeting_day():%Y-%m}"):
        page = web.text(path)
        assert "Rapat Pengharmonisasian Kota Kupang" in page and "javascript:" not in page
    assert officer.ok(officer.get(f"/meetings/{meeting['id']}"))["online_link"] is None
    r = officer.get(f"/meetings/{meeting['id']}/invitation.ics")
    assert r.status_code == 200 and b"javascript" not in r.data.lower()
    (event,) = Calendar.from_ical(r.data).walk("VEVENT")
    assert "url" not in event
    web_ics = web.get(f"/rapat/{meeting['id']}/undangan.ics")
    assert web_ics.status_code == 200 and b"javascript" not in web_ics.data.lower()
