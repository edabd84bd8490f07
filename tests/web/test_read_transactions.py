"""Reading pages never waits for a writer (SQLite): GET requests run in a plain BEGIN, which in WAL
mode reads a snapshot, while changes take the write lock at once (BEGIN IMMEDIATE). Personal-data
reads are still logged, on a connection of their own."""

import sqlite3
from contextlib import contextmanager

import pytest
from sqlalchemy import select

from workflow.extensions import db
from workflow.models import AccessLog

from .conftest import new_walk_in


@contextmanager
def write_lock_held(app):
    """Another connection holding SQLite's write lock, as a long transition would."""
    writer = sqlite3.connect(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_pages_are_read_while_another_connection_holds_the_write_lock(app, backend, web):
    if backend != "sqlite":
        pytest.skip("SQLite's one write lock")
    request_id = new_walk_in(app)["id"]
    browser = web.new()
    browser.login("officer")  # a POST: before the lock
    with write_lock_held(app):
        # were reads BEGIN IMMEDIATE too, each GET would wait out the 30 s busy timeout and fail
        for path in ("/permohonan/", "/permohonan/?process_type=ranperda&phase=review", f"/permohonan/{request_id}"):
            assert browser.get(path).status_code == 200, path


def test_a_personal_data_read_on_a_page_is_logged(app, web):
    request_id = new_walk_in(app)["id"]
    browser = web.new()
    browser.login("head")
    page = browser.text(f"/permohonan/{request_id}")
    assert "P-RAHASIA-7788" in page
    with app.app_context():
        logged = db.session.scalars(select(AccessLog).where(AccessLog.request_id == request_id)).all()
    assert [(entry.purpose, "passport" in entry.fields) for entry in logged] == [("page", True)]


@pytest.mark.parametrize("post", ["act", "upload"])
def test_a_refused_form_shows_the_page_again_while_the_request_is_locked(app, web, post):
    """An action or an upload the form refuses re-renders the request page while the POST still
    holds the request's lock (SQLite's write lock, PostgreSQL's row lock); logging the personal-data
    read on that page goes through the same transaction, never a second connection that would wait
    on the lock (30 s and a 500 on SQLite, for ever on PostgreSQL)."""
    walk_in = new_walk_in(app)
    browser = web.new()
    browser.login("head")
    if post == "act":
        r = browser.act(walk_in["id"], "", walk_in["version"])  # no action chosen
    else:
        r = browser.upload(walk_in["id"], "not-a-kind")
    assert r.status_code == 422
    assert walk_in["passport"] in r.get_data(as_text=True)
    with app.app_context():
        purposes = db.session.scalars(select(AccessLog.purpose).where(AccessLog.request_id == walk_in["id"])).all()
    assert purposes == ["page", "page"]  # the page the form was on, and the page shown again
