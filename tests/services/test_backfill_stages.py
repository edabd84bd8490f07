"""`workflow backfill-stages`: harmonisation files submitted before the administrative check had a
deadline get the one fire() would have given them, replayed from their own events across Nyepi and
Idul Fitri (18-24 March 2026): each file is first walked through the real transitions (the truth),
then its clock columns are emptied as a database from before the stage holds them, then refilled."""

from datetime import date, datetime

from sqlalchemy import select, update

from workflow.extensions import db
from workflow.models import Event, Request
from workflow.operations.audit import broken_chains
from workflow.operations.backfill import TRIGGER, backfill_clock_stages
from workflow.operations.requests import create_request, upload_document
from workflow.operations.transitions import fire

from ..helpers import APPLICATION_LETTER, PDF, REQUIRED, user

CLOCK = (
    "clock_started_on",
    "due_date",
    "clock_stage",
    "time_limit_days",
    "clock_paused_on",
    "clock_remaining_days",
)


def at(day: str) -> datetime:
    return datetime.fromisoformat(day + "T02:00:00")  # 10:00 WITA


def walked(app, steps) -> int:
    """A Kota Kupang Ranperda walked through `steps` ((trigger, day), ...) as fire() does it now."""
    from workflow.documents.store import DocumentStore

    drafter, officer = user("drafter"), user("officer")
    req = create_request(drafter, process="ranperda", title="Ranperda uji", now=at("2026-03-02"), **APPLICATION_LETTER)
    store = DocumentStore(app.config["DOCUMENT_STORE"])
    for kind in REQUIRED["ranperda"]:
        upload_document(req, drafter, kind=kind, filename="b.pdf", content=PDF, store=store, max_bytes=10**6)
    for trigger, day in steps:
        actor = officer if trigger in ("return_for_completion", "declare_complete") else drafter
        comment = "Lengkapi." if trigger == "return_for_completion" else None
        fire(req, trigger, actor, version=req.version, comment=comment, now=at(day))
    db.session.commit()
    return req.id


def clock_of(request_id) -> dict:
    req = db.session.get(Request, request_id)
    db.session.refresh(req)
    return {name: getattr(req, name) for name in CLOCK}


def as_before_the_stage(request_id) -> None:
    """The clock columns as a file submitted before the administrative check keeps them: none."""
    db.session.execute(update(Request).where(Request.id == request_id).values(**dict.fromkeys(CLOCK)))
    db.session.commit()


def test_files_submitted_before_the_stage_get_the_deadline_fire_would_have_given(app):
    with app.app_context():
        files = {
            # submitted Monday 16 March: 3 working days after the holidays of 18-24 March
            "submitted": walked(app, [("submit", "2026-03-16")]),
            # returned on Tuesday 17 March: paused, with what was left
            "returned": walked(app, [("submit", "2026-03-16"), ("return_for_completion", "2026-03-17")]),
            # returned and resubmitted on 25 March: resumed from there
            "resubmitted": walked(
                app,
                [("submit", "2026-03-16"), ("return_for_completion", "2026-03-17"), ("resubmit", "2026-03-25")],
            ),
        }
        truth = {name: clock_of(rid) for name, rid in files.items()}
        assert truth["submitted"]["due_date"] == date(2026, 3, 26)  # 17, 25, 26 March
        assert (truth["returned"]["clock_paused_on"], truth["returned"]["clock_remaining_days"]) == (
            date(2026, 3, 17),
            2,
        )
        assert truth["resubmitted"]["due_date"] == date(2026, 3, 27)  # the 2 days left: 26, 27 March
        # a running clock and a file past the stage are not the backfill's business
        running = walked(app, [("submit", "2026-03-16")])
        complete = walked(app, [("submit", "2026-03-02"), ("declare_complete", "2026-03-03")])
        untouched = {rid: clock_of(rid) for rid in (running, complete)}
        for rid in files.values():
            as_before_the_stage(rid)
        done = backfill_clock_stages(now=at("2026-03-30"))
        db.session.commit()
        assert sorted(done) == sorted((rid, truth[name]["due_date"]) for name, rid in files.items())
        for name, rid in files.items():
            assert clock_of(rid) == truth[name], name
        assert {rid: clock_of(rid) for rid in (running, complete)} == untouched
        # each file's trail says what was set, by the system
        event = db.session.scalar(
            select(Event).where(Event.request_id == files["returned"]).order_by(Event.seq.desc()).limit(1)
        )
        assert (event.trigger, event.actor_id, event.data["stage"], event.data["by"]) == (
            TRIGGER,
            None,
            "administrative_check",
            "system",
        )
        assert event.data["clock"]["remaining_working_days"] == 2
        assert broken_chains() == []
        # once is enough: again, nothing changes
        assert backfill_clock_stages() == []


def test_the_cli_command(app):
    with app.app_context():
        rid = walked(app, [("submit", "2026-03-16")])
        as_before_the_stage(rid)
    result = app.test_cli_runner().invoke(args=["workflow", "backfill-stages"])
    assert result.exit_code == 0, result.output
    assert f"request {rid}: due 2026-03-26" in result.output and "1 file(s) given a deadline" in result.output
    with app.app_context():
        assert clock_of(rid)["due_date"] == date(2026, 3, 26)
