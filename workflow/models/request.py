"""A request: one case moving through one process's state machine."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Computed,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from ..extensions import db
from .organisation import Office, Organisation
from .time import utcnow
from .user import User

# The deadline that counts now, for the work queue's default order ("most urgent first"): the
# applicant's own in the states where it runs (the processes' applicant_deadline_states), else the
# office's due date while its clock runs; a paused or stopped clock, or none, gives NO_DEADLINE, so
# that "no running deadline sorts last" is a plain ascending order an index can be walked in. Kept
# by the database (a generated column: VIRTUAL on SQLite, STORED on PostgreSQL) from this SQL,
# frozen here and in its migration (2c4e6a8b0d1f) as the definitions stand: the processes'
# applicant_deadline_states are written out. tests/test_running_deadline.py checks it against
# engine.calendar and queries.RUNNING_DEADLINE in every process and state, so a change of the
# definitions that this SQL no longer follows fails there (then: a migration with the new SQL).
NO_DEADLINE = date(9999, 12, 31)
RUNNING_DEADLINE_SQL = (
    "CASE"
    " WHEN applicant_due_on IS NOT NULL AND process IN ('ranperda', 'ranperkada')"
    " AND state = 'harmonis_with_notes' THEN applicant_due_on"
    " WHEN clock_paused_on IS NOT NULL OR clock_stopped_on IS NOT NULL THEN '9999-12-31'"
    " ELSE COALESCE(due_date, '9999-12-31') END"
)

request_assignees = Table(
    "request_assignees",
    db.metadata,
    Column("request_id", ForeignKey("requests.id"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
)


class Request(db.Model):
    __tablename__ = "requests"
    __table_args__ = (
        UniqueConstraint("office_id", "number", name="uq_requests_office_number"),
        Index("ix_requests_office_state", "office_id", "state"),
        # lists are "this office's requests, newest first": read in index order, no sort
        Index("ix_requests_office_id_id", "office_id", "id"),
        # The dashboard and the reports (workflow/stats/): each of their queries groups in the order
        # of one of these and reads only columns it holds, so SQLite walks the index without a sort
        # and without reading the table (several times faster at 100,000 requests). process,
        # state and created_by_id are there for the visibility clause (access.visible_requests).
        # The received/concluded ones: the trend per day over the last 12 months (and lists by age).
        Index("ix_requests_office_received", "office_id", "received_on", "process", "state", "created_by_id"),
        Index(
            "ix_requests_office_concluded",
            *("office_id", "concluded_on", "office_days", "outcome", "clock_stopped_on", "due_date"),
            *("process", "state", "created_by_id"),
        ),
        # open files per process and state with their clocks, and per organisation and outcome
        Index(
            "ix_requests_stats_state",
            *("office_id", "process", "state", "organisation_id", "outcome", "created_by_id"),
            *("received_on", "concluded_on", "due_date", "clock_paused_on", "clock_stopped_on", "applicant_due_on"),
        ),
        # the report: per process, organisation, outcome and the office's days
        Index(
            "ix_requests_stats_report",
            *("office_id", "process", "organisation_id", "outcome", "office_days", "received_on", "concluded_on"),
            *("completion_rounds", "clock_stopped_on", "due_date", "state", "created_by_id"),
        ),
        # the work queue: its visibility and listing clauses, its count and its sort keys (queries.py)
        # read from the index alone; the table is read for the page's rows only
        Index(
            "ix_requests_work_queue",
            "office_id",
            "process",
            "state",
            "created_by_id",
            "due_date",
            "applicant_due_on",
            "clock_paused_on",
            "clock_stopped_on",
            "received_on",
            "id",
        ),
        CheckConstraint("applicant_type IS NULL OR applicant_type IN ('kepala_daerah', 'dprd')", name="applicant_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process: Mapped[str] = mapped_column(String(40), index=True)
    number: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(40))
    # Equals the seq of the request's newest event: set by append_event(), so it grows by exactly
    # one per event however many flushes the event takes. Every UPDATE is also guarded by it
    # (WHERE version = <the version read>): a write over a newer version fails (no lost update).
    version: Mapped[int] = mapped_column(default=1)
    # The hash of the newest event (set by append_event with the version): the next event links to
    # it without reading the trail, and `audit verify` checks the trail ends there.
    chain_head: Mapped[str | None] = mapped_column(String(64))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"))
    # None for requests from the public (no organisation, no account)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    external_ref: Mapped[str | None] = mapped_column(String(120))  # E-Harmonisasi registration number
    # Who applies (processes/common.APPLICANT_TYPES), and their application letter (surat
    # permohonan): the berita acara and the letters cite its number and date.
    applicant_type: Mapped[str | None] = mapped_column(String(16))
    application_letter_number: Mapped[str | None] = mapped_column(String(120))
    application_letter_date: Mapped[date | None] = mapped_column()
    completion_rounds: Mapped[int] = mapped_column(default=0)  # times returned for completion

    # The SLA clock (see engine/calendar.py): dates are the office's local days.
    time_limit_days: Mapped[int | None] = mapped_column()
    clock_started_on: Mapped[date | None] = mapped_column()
    due_date: Mapped[date | None] = mapped_column(index=True)
    clock_paused_on: Mapped[date | None] = mapped_column()
    clock_remaining_days: Mapped[int | None] = mapped_column()  # working days left when paused
    clock_stopped_on: Mapped[date | None] = mapped_column()
    clock_unit: Mapped[str] = mapped_column(String(16), default="working", server_default="working")  # or "calendar"
    # The clock's stage when it is not the process's own (engine.definition.Stage), e.g.
    # "administrative_check": 3 working days from submission until declared complete.
    clock_stage: Mapped[str | None] = mapped_column(String(40))
    # The applicant's own deadline (e.g. to send a corrected draft), set by the process's effects;
    # it counts in the process's applicant_deadline_states instead of the office's due date.
    applicant_due_on: Mapped[date | None] = mapped_column()
    # Kept by the database (see RUNNING_DEADLINE_SQL): never written, never NULL.
    running_deadline: Mapped[date] = mapped_column(Computed(RUNNING_DEADLINE_SQL))
    # The one pending timer (see engine/definition.Timer): fired by `workflow tick` after this day.
    timer_trigger: Mapped[str | None] = mapped_column(String(60))
    timer_due_on: Mapped[date | None] = mapped_column(index=True)

    # What the applicant told us at intake (process-defined fields; some sensitive), and, for
    # requests from the public, how they follow it: a tracking code and a PIN (only its hash).
    details: Mapped[dict] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    tracking_code: Mapped[str | None] = mapped_column(String(20), unique=True)
    # The public form's one-time token: a double click (the same form posted twice) files once.
    intake_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    applicant_email: Mapped[str | None] = mapped_column(String(254))
    applicant_language: Mapped[str] = mapped_column(String(8), default="id", server_default="id")

    # Milestones for the figures (see operations/milestones.py), set once as the request passes them
    # so that every report is a GROUP BY over plain columns: the office's local day the request
    # reached the office (left its private states), the day of its first conclusion and which one
    # (the conclusion-phase state it entered first), and the working days of the office's own time
    # from "declared complete" to that conclusion (pauses with the applicant excluded).
    received_on: Mapped[date | None] = mapped_column()
    concluded_on: Mapped[date | None] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(String(40))
    office_days: Mapped[int | None] = mapped_column()

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    office: Mapped[Office] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    assignees: Mapped[list[User]] = relationship(secondary=request_assignees, order_by=User.id)

    # Read with the row by the request page only (web/cases.py, REQUEST_SECTIONS): whether the request
    # has any meeting, minutes or issued document, so that the page queries only the sections that
    # exist. None when the row was loaded without them.
    has_meetings: Mapped[bool | None] = query_expression()
    has_minutes: Mapped[bool | None] = query_expression()
    has_issued: Mapped[bool | None] = query_expression()

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    @property
    def clock_paused(self) -> bool:
        return self.clock_paused_on is not None

    def __repr__(self):
        return f"<Request {self.number} {self.process}:{self.state} v{self.version}>"


# The work queue's default order (queries.queue_order: running_deadline, then newest first) walked
# in this index from the office's first entry, the visibility and listing clauses read from its
# other columns: a page stops after its rows instead of sorting every visible request of the office.
Index(
    "ix_requests_queue_deadline",
    Request.office_id,
    Request.running_deadline,
    Request.id.desc(),
    Request.process,
    Request.state,
    Request.created_by_id,
)
