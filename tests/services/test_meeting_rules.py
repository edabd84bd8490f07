"""A meeting is recorded as held only once it has started (the same day is not enough), and the
refusal names the start and writes nothing."""

from datetime import datetime

import pytest
from sqlalchemy import select

from workflow.engine.errors import TransitionUnavailable
from workflow.extensions import db
from workflow.models import Event, Meeting, Request
from workflow.operations import meetings as ops

from ..helpers import force_state, submitted_request, user


def test_a_meeting_is_not_held_before_it_starts(app, api):
    req = submitted_request(api)
    with app.app_context():
        force_state(req["id"], "analysed")
        starts = datetime(2026, 12, 2, 14, 0)  # 14.00 WITA = 06.00 UTC
        meeting = ops.schedule_meeting(
            user("officer"),
            request_ids=[req["id"]],
            title="Rapat siang",
            starts_at_local=starts,
            place="Aula Kanwil",
            online_link=None,
            chair_id=user("head").id,
            participants=[],
            now=datetime(2026, 12, 1, 2, 0),
        )
        db.session.commit()
        meeting_id, version = meeting.id, meeting.version
        events = db.session.scalar(select(Request.version).where(Request.id == req["id"]))
        morning = datetime(2026, 12, 2, 1, 0)  # 09.00 WITA the same day
        with pytest.raises(TransitionUnavailable) as refused:
            ops.hold_meeting(db.session.get(Meeting, meeting_id), user("officer"), version=version, now=morning)
        db.session.rollback()
        assert "sebelum dimulai (2 Desember 2026 pukul 14.00 WITA)" in refused.value.message
        assert db.session.get(Meeting, meeting_id).status == "scheduled"
        assert db.session.scalar(select(Request.version).where(Request.id == req["id"])) == events
        ops.hold_meeting(
            db.session.get(Meeting, meeting_id), user("officer"), version=version, now=datetime(2026, 12, 2, 6, 1)
        )
        db.session.commit()
        assert db.session.get(Request, req["id"]).state == "meeting_held"
        assert (
            db.session.scalars(select(Event.trigger).where(Event.request_id == req["id"]).order_by(Event.id)).all()[-1]
            == "hold_meeting"
        )
