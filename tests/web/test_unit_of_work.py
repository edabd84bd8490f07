"""The unit of work of views (workflow/web/unit_of_work.py): one commit, a rollback on any error,
errors mapped for the page or the API, after-commit work run only after a commit."""

import pytest
from flask import Flask

from workflow.engine.errors import GuardFailed, NotFound, StaleVersion
from workflow.extensions import db
from workflow.models import Minutes, Organisation
from workflow.operations.after_commit import defer
from workflow.web.unit_of_work import unit_of_work

from .test_minutes_editor import editor, form_of


def test_a_page_that_finalises_minutes_finds_the_pdf_rendered_after_its_commit(app, api, web):
    browser, path, minutes_id = editor(app, api, web, role="head")  # the head's: issued at once
    r = browser.post(path + "/final", data=form_of(browser.text(path)), from_page=path)
    assert r.status_code == 302
    with app.app_context():
        issued = db.session.get(Minutes, minutes_id).issued_document
        assert issued.sha256 is not None and issued.size > 0  # not left to the first download


def test_after_commit_work_runs_after_the_commit_and_never_after_a_rollback(app):
    ran = []
    with app.test_request_context("/permohonan/1", method="POST"):
        with unit_of_work():
            defer(ran.append, "committed")
            assert ran == []  # not inside the transaction
        assert ran == ["committed"]
        with pytest.raises(RuntimeError), unit_of_work():
            defer(ran.append, "rolled back")
            raise RuntimeError
        with unit_of_work():
            pass
        assert ran == ["committed"]


def test_a_page_catches_a_harmoni_error_after_rolling_back(app):
    with app.test_request_context("/permohonan/1", method="POST"):
        with unit_of_work(catch=True) as work:
            db.session.add(Organisation(office_id=None, name="tidak tersimpan", kind="city", region="X"))
            raise GuardFailed(details=["Alasan satu", "Alasan dua"])
        assert work.failed and not work.stale and work.status == 422
        assert work.messages == ["Alasan satu", "Alasan dua"]
        assert work.field_errors == {"_": ["Alasan satu", "Alasan dua"]}
        assert db.session.query(Organisation).filter_by(name="tidak tersimpan").count() == 0
        with unit_of_work(catch=True) as work:
            raise StaleVersion()
        assert work.stale


@pytest.mark.parametrize("path", ["/api/v1/requests/1/transitions", "/permohonan/1/aksi"])
def test_the_api_and_a_page_not_found_raise_again_for_the_error_handlers(app: Flask, path):
    with app.test_request_context(path, method="POST"):
        with pytest.raises(NotFound), unit_of_work(catch=True):
            raise NotFound()
        if path.startswith("/api/"):
            with pytest.raises(GuardFailed), unit_of_work(catch=True):
                raise GuardFailed(details=["x"])
