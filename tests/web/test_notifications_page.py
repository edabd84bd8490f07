"""The bell and the notification list: each user sees only their own, the count in the top bar
falls when the list is opened, opening one goes where its next step is taken, and e-mail can be
turned off per kind at /akun/notifikasi."""

import re

from sqlalchemy import select, update

from workflow.extensions import db
from workflow.models import Notification, OutboxMessage, User

from ..helpers import user
from .conftest import new_request


def bell(page: str) -> int:
    found = re.search(r'id="bell-count">(\d+)<', page)
    return int(found.group(1)) if found else 0


def test_each_user_sees_only_their_own(app, api, web):
    req = new_request(api)  # submitted: both officers are told
    web.login("officer")
    page = web.text("/permohonan/")
    assert bell(page) == 1
    listing = web.text("/notifikasi")
    assert req["number"] in listing and "Baru" in listing
    assert bell(web.text("/permohonan/")) == 0  # opened: read
    with app.app_context():
        mine = db.session.scalar(select(Notification).where(Notification.user_id == user("officer").id))
        theirs = db.session.scalar(select(Notification).where(Notification.user_id == user("officer2").id))
        assert mine is not None and theirs is not None
        mine_id, theirs_id = mine.id, theirs.id
    r = web.get(f"/notifikasi/{mine_id}")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/permohonan/{req['id']}")
    assert web.get(f"/notifikasi/{theirs_id}").status_code == 404  # another user's: not found
    assert web.get("/notifikasi/99999999999").status_code == 404
    # the drafter, who submitted it, has nothing
    other = type(web)(app)
    other.login("drafter")
    assert req["number"] not in other.text("/notifikasi") and bell(other.text("/permohonan/")) == 0
    with app.app_context():
        unread = db.session.scalar(select(Notification.read_at).where(Notification.id == theirs_id))
        assert unread is None  # nobody else's list marked it read


def test_email_turned_off_per_kind(app, api, web):
    web.login("officer2")
    page = web.text("/akun/notifikasi")
    assert 'value="new_file"' in page and 'value="status"' not in page  # only the kinds of the role
    kinds = ["assignment", "due_soon", "overdue", "meeting", "approval"]
    r = web.post("/akun/notifikasi", {"email": kinds})
    assert r.status_code == 302
    try:
        with app.app_context():
            assert db.session.scalar(select(User.email_opt_out).where(User.id == user("officer2").id)) == ["new_file"]
        new_request(api)
        with app.app_context():
            to = db.session.scalars(select(OutboxMessage.recipient)).all()
            assert "perancang1@harmoni.test" in to and "perancang2@harmoni.test" not in to
            assert db.session.scalar(select(Notification).where(Notification.user_id == user("officer2").id))
        assert r.status_code == 302
        assert (
            web.post("/akun/notifikasi", {"email": kinds}, headers={}, from_page="/akun/notifikasi").status_code == 302
        )
        assert web.client.post("/akun/notifikasi", data={"email": "x"}).status_code == 400  # no CSRF token
    finally:
        with app.app_context():
            db.session.execute(update(User).where(User.email == "perancang2@harmoni.test").values(email_opt_out=[]))
            db.session.commit()
