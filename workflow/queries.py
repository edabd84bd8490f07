"""Request lists: one filtered, paginated query for the API and the pages alike."""

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, false, func, not_, or_, select
from sqlalchemy.orm import defer, joinedload, selectinload

from .access import visible_requests
from .extensions import db
from .models import MAX_ID, Request, request_assignees
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
    if not state and UNLISTED:
        stmt = stmt.where(
            not_(or_(*(and_(Request.process == name, Request.state.in_(states)) for name, states in UNLISTED.items())))
        )
    if process:
        stmt = stmt.where(Request.process == process)
    if state:
        stmt = stmt.where(Request.state == state)
    if phase:
        stmt = stmt.where(
            or_(
                *(
                    (Request.process == p.name) & Request.state.in_([s.name for s in p.states if s.phase == phase])
                    for p in PROCESSES.values()
                )
            )
        )
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


def paginate(stmt, page: int, per_page: int) -> Page:
    """Newest first, with what a list row shows loaded in a constant number of queries, each
    reading at most COUNT_LIMIT rows however many the table holds."""
    page = min(max(page, 1), MAX_PAGE)
    counted = stmt.order_by(None).with_only_columns(Request.id).limit(COUNT_LIMIT + 1)
    total = db.session.scalar(select(func.count()).select_from(counted.subquery()))
    capped = total > COUNT_LIMIT
    if capped:
        total = COUNT_LIMIT
    if capped and (page - 1) * per_page >= total:
        return Page([], page, per_page, total, capped)  # no OFFSET beyond the counted rows
    rows = db.session.scalars(
        # what no list shows is left unread (a row is then cheaper to build); the organisation
        # comes in the same query, the assignees in one more
        stmt.options(
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
    return Page(rows, page, per_page, total, capped)
