"""What a transition writes, and in how many statements (issue 16): a return for completion by an
officer records the event and its chain link, the request, the surat pengembalian awaiting
approval (the office's head named as its signer to be), the approvers' notice (the head and the
delegate) and the applicant's, every one of them; the users of every audience are read in one
statement, the notices written with one INSERT per table, the request updated once. A
resubmission tells the intake officers. The path is the API view's: the request read locked,
fire(), one commit. On SQLite and PostgreSQL (the `api` fixture runs both)."""

from contextlib import contextmanager

from sqlalchemy import event as sa_event
from sqlalchemy import select

from workflow.access import visible_request
from workflow.extensions import db
from workflow.models import ApiToken, Event, IssuedDocument, Notification, OutboxMessage, Request
from workflow.operations.audit import broken_chains, global_chain_problems
from workflow.operations.transitions import fire

from ..helpers import ALIASES, submitted_request, user
from .test_minutes_approval import delegate  # noqa: F401  (the fixture)

# Statements of one transition on the API's path, BEGIN not counted: the token with its user and
# office, the request, its documents' kinds, the audiences' users, [the letter], the notifications,
# the e-mails, the event, the request's UPDATE, the global chain's link.
RETURN_STATEMENTS = 10
RESUBMIT_STATEMENTS = 9


@contextmanager
def statements():
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            seen.append(" ".join(statement.split()))

    engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)


def transition(app, request_id: int, alias: str, trigger: str, **kwargs) -> list[str]:
    """`trigger` fired as the API's view does (the caller by API token, the request locked, fire(),
    commit); its statements."""
    token = app.config["TEST_TOKENS"][ALIASES[alias]]
    db.session.commit()
    with statements() as seen:
        actor = ApiToken.valid(token).user
        req = visible_request(request_id, actor, for_update=True)
        fire(req, trigger, actor, version=req.version, **kwargs)
        db.session.commit()
    return seen


def test_a_return_and_a_resubmission_write_everything_in_few_statements(app, api, delegate):  # noqa: F811
    rid = submitted_request(api)["id"]
    with app.app_context():
        before = db.session.scalar(select(Notification.id).order_by(Notification.id.desc()).limit(1)) or 0
        seen = transition(app, rid, "officer", "return_for_completion", comment="Keputusan DPRD belum ditandatangani.")
        assert len(seen) == RETURN_STATEMENTS, "\n".join(s[:150] for s in seen)
        assert sum(s.startswith("UPDATE requests") for s in seen) == 1, seen
        assert sum(s.startswith("SELECT") and "FROM users" in s for s in seen) == 1, seen

        req = db.session.get(Request, rid)
        assert req.state == "returned" and req.clock_paused_on is not None
        [letter] = db.session.scalars(select(IssuedDocument).where(IssuedDocument.request_id == rid)).all()
        assert letter.kind == "pengembalian_berkas" and letter.status == "awaiting_approval" and letter.number is None
        head = user("head")
        assert letter.payload["signer"]["name"] == head.name and letter.payload["draft"] is True
        assert "Keputusan DPRD belum ditandatangani." in letter.payload["missing"]
        last = db.session.scalar(select(Event).where(Event.request_id == rid).order_by(Event.seq.desc()).limit(1))
        assert last.trigger == "return_for_completion"
        assert last.data["return_letter"] == {"id": letter.id, "number": None, "status": "awaiting_approval"}

        told = {
            (n.user_id, n.kind)
            for n in db.session.scalars(
                select(Notification).where(Notification.request_id == rid, Notification.id > before)
            )
        }
        approvers = {(head.id, "approval"), (user("officer2").id, "approval")}  # the head and the delegate
        applicant = {(user("drafter").id, "status")}
        assert told == approvers | applicant
        waiting = db.session.scalars(
            select(Notification.link).where(Notification.id > before, Notification.kind == "approval")
        ).all()
        assert all(link.endswith(f"#surat-{letter.id}") for link in waiting)
        mailed = db.session.scalars(select(OutboxMessage.recipient).where(OutboxMessage.request_id == rid)).all()
        assert {head.email, user("officer2").email, user("drafter").email} <= set(mailed)

        before = db.session.scalar(select(Notification.id).order_by(Notification.id.desc()).limit(1))
        seen = transition(app, rid, "drafter", "resubmit")
        assert len(seen) == RESUBMIT_STATEMENTS, "\n".join(s[:150] for s in seen)
        told = set(
            db.session.scalars(
                select(Notification.user_id).where(Notification.request_id == rid, Notification.id > before)
            )
        )
        assert told == {user("officer").id, user("officer2").id}  # the intake officers
        assert db.session.get(Request, rid).state == "submitted"
        assert broken_chains() == [] and global_chain_problems()[0] == []
