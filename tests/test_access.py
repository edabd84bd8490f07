"""One visibility rule, three forms (workflow/access.py): can_view() for one row, visible_requests()
as a WHERE clause with the viewer's ids, and visible_requests_bound() with the ids as bound
parameters (viewer_params()). Every demo account must select exactly the same requests by each."""

import pytest
from sqlalchemy import select

from workflow.access import can_view, viewer_params, visible_requests, visible_requests_bound
from workflow.extensions import db
from workflow.models import Request
from workflow.operations.requests import create_request

from .helpers import force_state, user
from .services.test_walks import DETAILS

ACCOUNTS = ("drafter", "other_drafter", "officer", "officer2", "head", "admin")


@pytest.fixture
def spread(app):
    """Drafts and submitted files of two organisations, and an officer's counter draft (private,
    yet visible to the officer who writes it down)."""
    with app.app_context():
        ids = []
        for alias in ("drafter", "other_drafter"):
            for state in ("draft", "submitted", "discarded"):
                req = create_request(
                    user(alias),
                    process="ranperda",
                    title=f"Rancangan uji {alias} {state}",
                    application_letter_number="100.3.3/1/HK/2026",
                    application_letter_date="2026-01-05",
                )
                db.session.commit()
                force_state(req.id, state)
                ids.append(req.id)
        counter = create_request(user("officer"), process="legal_aid", details=DETAILS["legal_aid"])
        db.session.commit()
        ids.append(counter.id)
        return ids


@pytest.mark.parametrize("alias", ACCOUNTS)
def test_the_three_forms_of_visibility_agree(app, spread, alias):
    with app.app_context():
        viewer = user(alias)
        every = db.session.scalars(select(Request)).all()
        by_predicate = {r.id for r in every if can_view(viewer, r)}
        by_clause = set(db.session.scalars(select(Request.id).where(visible_requests(viewer))))
        bound = select(Request.id).where(visible_requests_bound(viewer.role == "drafter"))
        by_bound = set(db.session.scalars(bound, viewer_params(viewer)))
        assert by_clause == by_predicate
        assert by_bound == by_predicate
        # the table is not trivial: each account sees some of the spread and misses some
        assert set(spread) & by_predicate and set(spread) - by_predicate
