"""Request lists: one filtered, paginated query for the API and the pages alike."""

import math
from collections import namedtuple
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import Date, and_, bindparam, case, exists, false, func, literal, literal_column, not_, or_, select
from sqlalchemy.orm import defer, joinedload, selectinload

from .access import is_named, named_in, viewer_params, visible_requests_bound
from .engine.definition import Phase
from .extensions import db
from .models import MAX_ID, Organisation, Request, request_assignees
from .processes import PROCESSES
from .stats import sql as figures

# Rows counted exactly for a list: a COUNT over every visible row, and an OFFSET deep into them,
# would cost a scan of them all. Beyond it the list says "more than 1,000" and goes on by keyset:
# `before` (the last id shown) starts a new list of the older rows, counted again up to the limit.
COUNT_LIMIT = 1000
# process -> its states left out of lists unless asked for by name (engine.definition.State.unlisted)
UNLISTED = {
    p.name: [s.name for s in p.states if s.unlisted] for p in PROCESSES.values() if any(s.unlisted for s in p.states)
}
MAX_PAGE = 100_000  # a larger ?page= is read as this one (an OFFSET past 64 bits is an SQL error)
# The definitions are frozen at import, so the clauses they give are built once (a list page built
# them anew for every request: a few hundred SQL expression objects each time).
LISTED = (
    not_(
        or_(
            *(
                and_(is_named(Request.process, name), named_in(Request.state, states))
                for name, states in UNLISTED.items()
            )
        )
    )
    if UNLISTED
    else None
)
IN_PHASE = {
    phase: or_(
        *(
            is_named(Request.process, p.name) & named_in(Request.state, [s.name for s in p.states if s.phase == phase])
            for p in PROCESSES.values()
        )
    )
    for phase in {s.phase for p in PROCESSES.values() for s in p.states}
}


# --- the work queue's order ---------------------------------------------------------------------
# The deadline that counts now (engine.calendar.current_deadline) as SQL: the applicant's own in the
# states where it runs; else the office's while its clock runs. A paused or stopped clock counts no
# day, so those files sort after every running deadline, with the files that have none. Built from
# the definitions; the work queue sorts by Request.running_deadline, the same value kept by the
# database (NO_DEADLINE for none) from SQL frozen in the model and its migration: this expression
# is what tests/test_running_deadline.py holds that column to.
_APPLICANT_DEADLINE_STATES = or_(
    *(
        and_(is_named(Request.process, p.name), named_in(Request.state, p.applicant_deadline_states))
        for p in PROCESSES.values()
        if p.applicant_deadline_states
    )
)
RUNNING_DEADLINE = case(
    (and_(Request.applicant_due_on.is_not(None), _APPLICANT_DEADLINE_STATES), Request.applicant_due_on),
    (or_(Request.clock_paused_on.is_not(None), Request.clock_stopped_on.is_not(None)), None),
    else_=Request.due_date,
)
# A status sorts by where it stands in the work: its phase, then its place in its process.
_PHASES = list(Phase)
_STATE_RANK = {}
for _p in PROCESSES.values():
    for _i, _s in enumerate(_p.states):
        _rank = _PHASES.index(_s.phase) * 100 + _i
        _STATE_RANK[_s.name] = min(_rank, _STATE_RANK.get(_s.name, _rank))
STATE_RANK = case(
    *((is_named(Request.state, name), literal_column(str(rank))) for name, rank in _STATE_RANK.items()),
    else_=literal_column(str(len(_PHASES) * 100)),
)
# sort name -> (key, the direction a first click gives); nulls last both ways, ties newest first
QUEUE_SORTS = {
    "number": (Request.id, "desc"),
    "received": (Request.received_on, "asc"),
    "deadline": (Request.running_deadline, "asc"),
    "status": (STATE_RANK, "asc"),
}
DEFAULT_SORT = ("deadline", "asc")  # the most urgent first


def queue_order(sort: str, direction: str) -> list:
    """ORDER BY of the work queue: a known sort and direction (the caller checked them)."""
    key = QUEUE_SORTS[sort][0]
    ordered = key.desc() if direction == "desc" else key.asc()
    if sort == "number":
        return [ordered]
    if sort == "deadline":
        # Ascending (the default): running_deadline is never NULL, so this is a walk of
        # ix_requests_queue_deadline that stops at the page. Descending keeps the files without a
        # running deadline last through the CASE, read from the covering ix_requests_work_queue
        # (the generated column compared with NO_DEADLINE in every row costs SQLite more).
        if direction == "desc":
            return [RUNNING_DEADLINE.is_(None), RUNNING_DEADLINE.desc(), Request.id.desc()]
        return [ordered, Request.id.desc()]
    return [key.is_(None), ordered, Request.id.desc()]


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int
    capped: bool = False  # more rows match than `total`: it was counted up to COUNT_LIMIT

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def filtered_requests(user, today: date, **filters):
    """The requests `user` may see that match `filters` (see _filters), newest first once paged."""
    shape, params = _filters(user, today, **filters)
    return _filtered(shape).params(params)


def _filters(
    user,
    today: date,
    *,
    process=None,
    state=None,
    phase=None,
    organisation_id=None,
    assignee_id=None,
    overdue=False,
    due_soon_until=None,
    waiting=False,
    q=None,
    before=None,
):
    """(shape, params): which clauses a list applies (a key of the statements built once, see
    _filtered) and the values they are executed with."""
    params = viewer_params(user)

    def given(name, value):
        if value:
            params[name] = value
        return bool(value)

    def an_id(name, value):  # None, "ok" or "none" (an id out of range matches nothing)
        if not value:
            return None
        if 0 < value <= MAX_ID:
            params[name] = value
            return "ok"
        return "none"

    pattern = q.strip().lower()[:200] if q and q.strip() else None  # SQLite refuses huge patterns
    shape = (
        user.role == "drafter",
        given("before", before),
        given("process", process),
        given("state", state),
        (phase if phase in IN_PHASE else "none") if phase else None,
        an_id("organisation", organisation_id),
        an_id("assignee", assignee_id),
        bool(overdue),
        given("until", due_soon_until),
        bool(waiting),
        given("pattern", f"%{pattern}%" if pattern else None),
    )
    if overdue or due_soon_until:
        params["today"] = today
    return shape, params


@lru_cache(maxsize=512)
def _filtered(shape):
    """The list statement of one shape of filter, its values as bound parameters: built, and its
    cache key computed, once per process instead of for every page (a few hundred expression
    objects each time). Nothing of the data is kept: the statement runs anew for each page."""
    drafter, before, process, state, phase, organisation, assignee, overdue, due_soon, waiting, q = shape
    stmt = select(Request).where(visible_requests_bound(drafter))
    if before:
        stmt = stmt.where(Request.id < bindparam("before"))
    if not state and LISTED is not None:
        stmt = stmt.where(LISTED)
    if process:
        stmt = stmt.where(Request.process == bindparam("process"))
    if state:
        stmt = stmt.where(Request.state == bindparam("state"))
    if phase:
        stmt = stmt.where(IN_PHASE.get(phase, false()))
    if organisation:
        stmt = stmt.where(Request.organisation_id == bindparam("organisation") if organisation == "ok" else false())
    if assignee:
        stmt = stmt.where(
            Request.id.in_(
                select(request_assignees.c.request_id).where(request_assignees.c.user_id == bindparam("assignee"))
            )
            if assignee == "ok"
            else false()
        )
    today = bindparam("today", type_=Date)
    if overdue:  # the office's clock, or the applicant's own deadline (a correction), has passed
        stmt = stmt.where(figures.overdue(today))
    if due_soon:  # due from today up to that day (the dashboard's "due within 2 working days")
        stmt = stmt.where(figures.due_soon(today, bindparam("until", type_=Date)))
    if waiting:  # back with the applicant
        stmt = stmt.where(figures.waiting_on_applicant(), figures.is_open())
    if q:
        pattern = bindparam("pattern")
        stmt = stmt.where(or_(func.lower(Request.number).like(pattern), func.lower(Request.title).like(pattern)))
    return stmt


def paginate(stmt, page: int, per_page: int) -> Page:
    """Newest first, with what a list row shows loaded in a constant number of queries, each
    reading at most COUNT_LIMIT rows however many the table holds.

    The count (up to COUNT_LIMIT + 1) rides along with the rows as an uncorrelated scalar subquery,
    which the database evaluates once: one round trip instead of two. Only a page past the last
    row, which brings no row to carry it, asks for the count on its own."""
    page = min(max(page, 1), MAX_PAGE)
    counted = stmt.order_by(None).with_only_columns(Request.id).limit(COUNT_LIMIT + 1)
    count = select(func.count()).select_from(counted.subquery())
    total = None
    if (page - 1) * per_page >= COUNT_LIMIT:
        # a page this deep only exists while the count is below the cap: ask for it first, and
        # read no rows beyond it (no OFFSET into every visible row)
        total = db.session.scalar(count)
        if total > COUNT_LIMIT:
            return Page([], page, per_page, COUNT_LIMIT, True)
    rows = db.session.execute(
        # what no list shows is left unread (a row is then cheaper to build); the organisation
        # comes in the same query, the assignees in one more
        stmt.add_columns(count.scalar_subquery())
        .options(
            defer(Request.details),
            defer(Request.pin_hash),
            defer(Request.applicant_email),
            joinedload(Request.organisation),
            selectinload(Request.assignees),
        )
        .order_by(Request.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    if rows:
        total = rows[0][1]
    elif total is None:
        total = db.session.scalar(count)
    capped = total > COUNT_LIMIT
    return Page([row[0] for row in rows], page, per_page, min(total, COUNT_LIMIT), capped)


# What a work queue row shows and what allowed_triggers() asks of it, read as plain columns: no
# entity, no identity map, no relationship loads. `details` only where a row guard may read it.
_ROW_GUARDED = [
    p.name for p in PROCESSES.values() if any(getattr(g, "row_only", False) for t in p.transitions for g in t.guards)
]
QUEUE_COLUMNS = (
    Request.id,
    Request.number,
    Request.title,
    Request.process,
    Request.state,
    Request.office_id,
    Request.organisation_id,
    Organisation.name.label("organisation_name"),
    Request.received_on,
    Request.due_date,
    Request.clock_started_on,
    Request.clock_paused_on,
    Request.clock_stopped_on,
    Request.clock_remaining_days,
    Request.clock_unit,
    Request.clock_stage,
    Request.applicant_due_on,
    Request.timer_trigger,
    Request.timer_due_on,
    (case((named_in(Request.process, _ROW_GUARDED), Request.details)) if _ROW_GUARDED else literal(None)).label(
        "details"
    ),
)


# One row of the work queue: the columns above, plus `assignees` as allowed_triggers() reads it
# (the viewer when assigned: the only assignee it asks about). A tuple: built in C, read by name.
QueueRow = namedtuple("QueueRow", [c.key for c in QUEUE_COLUMNS] + ["assignees"])


def queue_page(user, today: date, page: int, per_page: int, sort: str, direction: str, **filters) -> Page:
    """A page of the work queue in one statement: its rows as QueueRow (plain columns), the
    organisation's name joined, whether `user` is assigned, and the count up to COUNT_LIMIT
    riding along (see paginate). `sort` and `direction` are known ones (QUEUE_SORTS)."""
    shape, params = _filters(user, today, **filters)
    page = min(max(page, 1), MAX_PAGE)
    params.update(count_limit=COUNT_LIMIT + 1, per_page=per_page, offset=(page - 1) * per_page, me=user.id)
    total = None
    if (page - 1) * per_page >= COUNT_LIMIT:
        total = db.session.connection().scalar(_queue_count(shape), params)
        if total > COUNT_LIMIT:
            return Page([], page, per_page, COUNT_LIMIT, True)
    # through the connection: plain rows need none of the ORM's result machinery
    rows = db.session.connection().execute(_queue_rows(shape, sort, direction), params).all()
    if rows:
        total = rows[0][-1]
    elif total is None:
        total = db.session.connection().scalar(_queue_count(shape), params)
    mine, nobody = (user,), ()
    items = [QueueRow._make((*row[:-2], mine if row[-2] else nobody)) for row in rows]
    return Page(items, page, per_page, min(total, COUNT_LIMIT), total > COUNT_LIMIT)


@lru_cache(maxsize=512)
def _queue_count(shape):
    counted = _filtered(shape).order_by(None).with_only_columns(Request.id).limit(bindparam("count_limit"))
    return select(func.count()).select_from(counted.subquery())


@lru_cache(maxsize=1024)
def _queue_rows(shape, sort: str, direction: str):
    """The page's ids are chosen first, sorting only (id, sort key) pairs that the covering index
    ix_requests_work_queue holds; the columns, the join and the assignee check are then read for
    those rows alone (a sort of whole rows carried every visible row's title through it)."""
    order = queue_order(sort, direction)
    chosen = (
        _filtered(shape)
        .with_only_columns(Request.id)
        .order_by(*order)
        .limit(bindparam("per_page"))
        .offset(bindparam("offset"))
    )
    assigned = exists().where(
        request_assignees.c.request_id == Request.id, request_assignees.c.user_id == bindparam("me")
    )
    return (
        select(*QUEUE_COLUMNS, assigned.label("assigned"), _queue_count(shape).scalar_subquery())
        .join_from(Request, Organisation, Request.organisation_id == Organisation.id, isouter=True)
        .where(Request.id.in_(chosen.scalar_subquery()))
        .order_by(*order)
    )
