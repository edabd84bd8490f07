"""Who sees which request. One rule, as a predicate for one row and as a filter for lists."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false, not_, or_, select, true

from .engine.errors import NotFound
from .extensions import db
from .models import IssuedDocument, Minutes, Request
from .processes import PROCESSES


def can_view(user, request) -> bool:
    if user.role == "system":
        return True
    if user.role == "public":
        # a member of the public, authenticated by code and PIN, sees that one request
        return request.id == user.request_id
    if user.role == "drafter":
        # a drafter sees the files of their own organisation, nothing else
        return request.organisation_id == user.organisation_id
    if request.office_id != user.office_id:
        return False
    # staff do not see an applicant's unsubmitted draft
    return request.state not in PROCESSES[request.process].private_states


def can_read_sensitive(user, request) -> bool:
    """UU 27/2022: sensitive personal data is for heads and the staff assigned to the request."""
    if user.role == "head":
        return request.office_id == user.office_id
    return user.role == "officer" and any(u.id == user.id for u in request.assignees)


# Draft minutes are the office's working copy: the applicant's side sees minutes once they are final
# (and keeps seeing them when a later revision supersedes them).
MINUTES_SHOWN_TO_APPLICANTS = ("final", "superseded")
APPLICANT_ROLES = ("drafter", "public")


def can_view_minutes(user, minutes) -> bool:
    if not can_view(user, minutes.request):
        return False
    return user.role not in APPLICANT_ROLES or minutes.status in MINUTES_SHOWN_TO_APPLICANTS


def visible_minutes_filter(user):
    """A WHERE clause on Minutes matching `can_view_minutes` once the request is visible."""
    return Minutes.status.in_(MINUTES_SHOWN_TO_APPLICANTS) if user.role in APPLICANT_ROLES else true()


def visible_requests(user):
    """A WHERE clause selecting exactly the requests `can_view` allows."""
    if user.role == "drafter":
        return Request.organisation_id == user.organisation_id
    private = [
        and_(Request.process == p.name, Request.state.in_(p.private_states))
        for p in PROCESSES.values()
        if p.private_states
    ]
    return and_(Request.office_id == user.office_id, not_(or_(false(), *private)))


def _load(model, row_id, *, for_update):
    stmt = select(model).where(model.id == row_id).execution_options(populate_existing=True)
    return db.session.scalar(stmt.with_for_update() if for_update else stmt)


def visible_request(request_id: int, user, *, for_update: bool = False) -> Request:
    """The request if `user` may see it, locked for update when asked (PostgreSQL row lock;
    SQLite already holds the write lock for the transaction).

    :raise NotFound: absent or not visible, alike (an applicant cannot probe others' ids)
    """
    req = _load(Request, request_id, for_update=for_update)
    if req is None or not can_view(user, req):
        raise NotFound(_l("Permohonan tidak ditemukan."))
    return req


def visible_minutes(minutes_id: int, user, *, for_update: bool = False) -> Minutes:
    """Minutes with the visibility of their request; :raise NotFound: as visible_request."""
    minutes = _load(Minutes, minutes_id, for_update=for_update)
    if minutes is None or not can_view_minutes(user, minutes):
        raise NotFound(_l("Berita acara tidak ditemukan."))
    return minutes


def visible_issued(issued_id: int, user) -> IssuedDocument:
    """An issued document with the visibility of its request; :raise NotFound: as visible_request."""
    issued = db.session.get(IssuedDocument, issued_id)
    if issued is None or not can_view(user, issued.request):
        raise NotFound(_l("Dokumen tidak ditemukan."))
    return issued
