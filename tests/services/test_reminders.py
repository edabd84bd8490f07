"""Deadline reminders: `workflow tick` tells assignees and heads of a file due on the next working
day, or overdue, once per file, kind and day, even when two ticks and two `notifications send`
run at the same moment in separate OS processes; each reminder e-mail arrives exactly once."""

from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from workflow.extensions import db
from workflow.models import Notification, OutboxMessage, Request, User
from workflow.operations.calendar import office_calendar
from workflow.operations.notifications import remind_deadlines, send_pending

from ..helpers import force_state, submitted_request, user
from ..processes import run_together
from .test_outbox import smtp  # noqa: F401  (the fixture)

pytestmark = pytest.mark.slow
WITA = timedelta(hours=8)


def at(day: date, hour=7) -> datetime:
    return datetime.combine(day, time(hour)) - WITA


def tick_work(app, wait, now):
    from workflow.operations.timers import tick

    with app.app_context():
        db.session.rollback()
        wait()
        tick(now=now)
        return remind_deadlines(now=now)


def send_work(app, wait, now, port):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False, MAIL_USERNAME=None)
    with app.app_context():
        db.session.rollback()
        wait()
        total = 0
        for _ in range(40):  # keep draining while the ticks write
            sent, _failed = send_pending(now=now, batch=3)
            total += sent
        return total


def file_due(api, due: date, assignees):
    req = submitted_request(api)
    force_state(req["id"], "in_analysis", clock_started_on=due - timedelta(days=7), due_date=due, clock_stage=None)
    r = db.session.get(Request, req["id"])
    r.assignees = assignees
    db.session.commit()
    return req["id"]


def test_reminders_once_per_file_and_day_with_concurrent_tick_and_send(app, api, smtp):  # noqa: F811
    smtp.start()
    with app.app_context():
        cal = office_calendar(user("head").office_id)
        today = date(2026, 12, 1)  # a Tuesday
        assert cal.is_working_day(today)
        tomorrow = cal.add_days(today, 1, "working")
        officer, officer2 = user("officer"), user("officer2")
        emails = (officer.email, officer2.email)
        due_soon = file_due(api, tomorrow, [officer])
        overdue = file_due(api, today - timedelta(days=3), [officer, officer2])
        later = file_due(api, cal.add_days(today, 4, "working"), [officer])
        paused = file_due(api, today - timedelta(days=3), [officer])
        force_state(paused, "returned", clock_paused_on=today - timedelta(days=4), clock_remaining_days=2)
        heads = db.session.scalars(select(User.email).where(User.role == "head", User.active.is_(True))).all()
    now = at(today)
    ticks = run_together(app, _mixed_work, [("tick", now, smtp.port)] * 2 + [("send", now, smtp.port)] * 2)
    written = [w for outcome in ticks[:2] for w in outcome]
    assert sorted(map(tuple, written)) == sorted([(due_soon, "due_soon"), (overdue, "overdue")])
    with app.app_context():
        rows = db.session.scalars(
            select(Notification).where(Notification.dedupe_key.is_not(None)).order_by(Notification.id)
        ).all()
        got = Counter((n.request_id, n.kind, db.session.get(User, n.user_id).email) for n in rows)
        expected = Counter(
            [(due_soon, "due_soon", emails[0])]
            + [(due_soon, "due_soon", h) for h in heads]
            + [(overdue, "overdue", emails[0]), (overdue, "overdue", emails[1])]
            + [(overdue, "overdue", h) for h in heads]
        )
        assert got == expected
        assert later not in {n.request_id for n in rows} and paused not in {n.request_id for n in rows}
        # the same day again: nothing new; the next day: the overdue file again (a new day)
        assert remind_deadlines(now=now + timedelta(hours=5)) == []
        send_pending(now=now + timedelta(minutes=1), batch=200)
        assert db.session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))).all() == []
        mails = len(rows)
    reminders = [r for r in smtp.received if r["message"]["Subject"].startswith(("Tenggat besok", "Melewati tenggat"))]
    delivered = Counter((r["rcpt_tos"][0], r["message"]["Subject"]) for r in reminders)
    assert sum(delivered.values()) == mails and max(delivered.values()) == 1, delivered
    with app.app_context():
        next_day = cal.add_days(today, 1, "working")
        again = remind_deadlines(now=at(next_day))
        assert again == [(overdue, "overdue")]  # the other is due today: neither tomorrow nor overdue


def _mixed_work(app, wait, role, now, port):
    if role == "tick":
        return tick_work(app, wait, now)
    return send_work(app, wait, now, port)


def test_the_administrative_check_is_reminded_to_officers_and_heads(app, api):
    """A submitted file whose administrative check ends tomorrow, then one past it: the office's
    officers (intake) and heads are told once, the message naming the check."""
    with app.app_context():
        cal = office_calendar(user("head").office_id)
        today = date(2026, 12, 1)  # a Tuesday
        tomorrow = cal.add_days(today, 1, "working")
        soon = submitted_request(api)["id"]
        late = submitted_request(api)["id"]
        force_state(soon, "submitted", clock_started_on=today, due_date=tomorrow)
        force_state(late, "submitted", clock_started_on=today - timedelta(days=7), due_date=today - timedelta(days=1))
        staff = set(
            db.session.scalars(
                select(User.email).where(User.role.in_(("officer", "head")), User.active.is_(True))
            ).all()
        )
        assert sorted(remind_deadlines(now=at(today))) == sorted([(soon, "due_soon"), (late, "overdue")])
        assert remind_deadlines(now=at(today)) == []  # once a day
        rows = db.session.scalars(select(Notification).where(Notification.request_id.in_((soon, late)))).all()
        reminders = [n for n in rows if n.kind in ("due_soon", "overdue")]
        assert {db.session.get(User, n.user_id).email for n in reminders if n.request_id == soon} == staff
        assert {db.session.get(User, n.user_id).email for n in reminders if n.request_id == late} == staff
        mail = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.request_id == soon, OutboxMessage.subject.startswith("Tenggat"))
        ).first()
        assert mail is not None and "(pemeriksaan administrasi)" in mail.body
