"""Request lists: one filtered, paginated query for the API and the pages alike."""

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, false, func, not_, or_, select
from sqlalchemy.orm import defer, joinedload, selectinload

from .access import visible_requests
from .extensions import db
from .models import MAX_ID, Organisation, Request, User, request_assignees
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
    not_(or_(*(and_(Request.process == name, Request.state.in_(states)) for name, states in UNLISTED.items())))
    if UNLISTED
    else None
)
IN_PHASE = {
    phase: or_(
        *(
            (Request.process == p.name) & Request.state.in_([s.name for s in p.states if s.phase == phase])
            for p in PROCESSES.values()
        )
    )
    for phase in {s.phase for p in PROCESSES.values() for s in p.states}
}


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


def filtered_requests(
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
    stmt = select(Request).where(visible_requests(user))
    if before:
        stmt = stmt.where(Request.id < before)
    if not state and LISTED is not None:
        stmt = stmt.where(LISTED)
    if process:
        stmt = stmt.where(Request.process == process)
    if state:
        stmt = stmt.where(Request.state == state)
    if phase:
        stmt = stmt.where(IN_PHASE.get(phase, false()))
    if organisation_id:
        stmt = stmt.where(Request.organisation_id == organisation_id if 0 < organisation_id <= MAX_ID else false())
    if assignee_id:
        stmt = stmt.where(
            Request.id.in_(select(request_assignees.c.request_id).where(request_assignees.c.user_id == assignee_id))
            if 0 < assignee_id <= MAX_ID
            else false()
        )
    if overdue:  # the office's clock, or the applicant's own deadline (a correction), has passed
        stmt = stmt.where(figures.overdue(today))
    if due_soon_until:  # due from today up to that day (the dashboard's "due within 2 working days")
        stmt = stmt.where(figures.due_soon(today, due_soon_until))
    if waiting:  # back with the applicant
        stmt = stmt.where(figures.waiting_on_applicant(), figures.is_open())
    if q and q.strip():
        pattern = f"%{q.strip().lower()[:200]}%"  # numbers and titles are shorter; SQLite refuses huge patterns
        stmt = stmt.where(or_(func.lower(Request.number).like(pattern), func.lower(Request.title).like(pattern)))
    return stmt


def organisation_choices(office_id: int) -> list[tuple[str, str]]:
    """(id, name) of the office's applicant organisations, by name: a filter's options, read as
    plain rows (no entity is built for a label)."""
    rows = db.session.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.office_id == office_id)
        .order_by(Organisation.name)
    )
    return [(str(i), name) for i, name in rows]


def staff_choices(office_id: int) -> list[tuple[str, str]]:
    """(id, name) of the office's active drafters (officers and the head), by name, as plain rows."""
    rows = db.session.execute(
        select(User.id, User.name)
        .where(User.office_id == office_id, User.role.in_(("officer", "head")), User.active.is_(True))
        .order_by(User.name)
    )
    return [(str(i), name) for i, name in rows]


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
