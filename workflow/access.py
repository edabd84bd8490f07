"""Who sees which request. One rule, as a predicate for one row and as a filter for lists."""

import re
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, false, literal_column, not_, or_, select, true
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from .engine.errors import NotFound
from .extensions import db
from .models import IssuedDocument, Minutes, Request, User, request_assignees
from .processes import PROCESSES
from .vocabulary import STAFF, MinutesStatus


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
    # staff do not see an applicant's unsubmitted draft, unless they are writing it down for
    # the applicant at the counter (an oral legal-aid application)
    return request.state not in PROCESSES[request.process].private_states or (
        request.created_by_id is not None and request.created_by_id == user.id
    )


def can_read_sensitive(user, request) -> bool:
    """UU 27/2022: sensitive personal data is for heads and the staff assigned to the request."""
    if user.role == "head":
        return request.office_id == user.office_id
    return user.role == "officer" and is_assigned(user, request)


def is_assigned(user, request) -> bool:
    return user.id is not None and any(u.id == user.id for u in request.assignees)


def can_read_field(user, request, field) -> bool:
    """Who reads one intake field (UU 27/2022), field by field:
    - a complainant who asked for confidentiality: their identity fields for the assigned staff
      alone (not the head, who assigns without knowing who complained);
    - a field that is not personal data: everyone who sees the request;
    - sensitive data: heads and assigned staff; and a field the intake officer needs to judge
      completeness (intake_readable) also for the office's staff while the file is in intake."""
    process = PROCESSES[request.process]
    if field.identity and process.identity_withheld(request.details):
        return user.role in STAFF and request.office_id == user.office_id and is_assigned(user, request)
    if not field.sensitive:
        return True
    return can_read_sensitive(user, request) or (field.intake_readable and is_intake_reader(user, request))


def can_read_document_kind(user, request, kind) -> bool:
    """Who downloads a document of `kind` (a DocumentKind) on the office's side: the rule of
    fields (can_read_field) for documents, so the intake officer opens what they check for
    completeness (intake_readable kinds) and, like the NIK field, not the identity card."""
    if not kind.sensitive:
        return True
    return can_read_sensitive(user, request) or (kind.intake_readable and is_intake_reader(user, request))


def is_intake_reader(user, request) -> bool:
    """The office's staff while the file is in its intake phase: whoever does the administrative
    check, before anyone is assigned, reads what they must check (intake_readable only)."""
    process = PROCESSES[request.process]
    return user.role in STAFF and request.office_id == user.office_id and process.state(request.state).phase == "intake"


# Draft minutes are the office's working copy: the applicant's side sees minutes once they are final
# (and keeps seeing them when a later revision supersedes them).
MINUTES_SHOWN_TO_APPLICANTS = (MinutesStatus.FINAL.value, MinutesStatus.SUPERSEDED.value)
APPLICANT_ROLES = ("drafter", "public")
# Events of the office's own work whose comment is for the office alone (the head's note sending
# draft minutes, or a letter awaiting approval, back to the officer): the applicant's side sees that
# it happened, not the note.
OFFICE_NOTE_EVENTS = frozenset({"send_back_minutes", "send_back_letter"})


def can_read_event_comment(user, event) -> bool:
    return event.trigger not in OFFICE_NOTE_EVENTS or user.role not in APPLICANT_ROLES


def can_view_minutes(user, minutes) -> bool:
    if not can_view(user, minutes.request):
        return False
    return user.role not in APPLICANT_ROLES or minutes.status in MINUTES_SHOWN_TO_APPLICANTS


def visible_minutes_filter(user):
    """A WHERE clause on Minutes matching `can_view_minutes` once the request is visible."""
    return Minutes.status.in_(MINUTES_SHOWN_TO_APPLICANTS) if user.role in APPLICANT_ROLES else true()


def _name(value: str):
    if not re.fullmatch(r"[a-z_]+", value):
        raise ValueError(f"not a definition's name: {value!r}")
    return literal_column(f"'{value}'")


def is_named(column, value: str):
    """column = 'value' for a process's or a state's name from the frozen definitions, written
    into the SQL itself: no bound parameter to fill on every execution (a list's visibility and
    listing clauses hold some thirty of them)."""
    return column == _name(value)


def named_in(column, values):
    """column IN ('a', 'b') for names from the definitions, written into the SQL (an IN of bound
    values is re-rendered for each execution)."""
    return column.in_([_name(v) for v in values])


# An applicant's unsubmitted drafts, in every process; built once from the frozen definitions.
# The state-name test first: most rows fail it at once (NOT PRIVATE is then true without the
# per-process terms), which makes the clause several times cheaper in a scan over many rows.
PRIVATE = and_(
    named_in(Request.state, sorted({s for p in PROCESSES.values() for s in p.private_states})),
    or_(
        false(),
        *(
            and_(is_named(Request.process, p.name), named_in(Request.state, p.private_states))
            for p in PROCESSES.values()
            if p.private_states
        ),
    ),
)


def _visible(drafter: bool, organisation_id, office_id, viewer_id):
    """can_view as a WHERE clause, the one rule behind both forms below; the viewer's ids are
    values or bound parameters. Public and system actors never list requests."""
    if drafter:
        # a drafter sees the files of their own organisation, nothing else
        return Request.organisation_id == organisation_id
    # staff: their office's files, but not an applicant's unsubmitted draft unless they wrote it
    return and_(Request.office_id == office_id, or_(not_(PRIVATE), Request.created_by_id == viewer_id))


def visible_requests(user):
    """A WHERE clause selecting exactly the requests `can_view` allows."""
    return _visible(user.role == "drafter", user.organisation_id, user.office_id, user.id)


# The bound parameters of visible_requests_bound(), filled by viewer_params().
_VIEWER_PARAMS = ("viewer_organisation", "viewer_office", "viewer_id")


def visible_requests_bound(drafter: bool):
    """visible_requests() for a drafter or for an office account, the viewer's ids left as bound
    parameters (viewer_params() gives them): a list statement built once serves every user."""
    return _visible(drafter, *(bindparam(name) for name in _VIEWER_PARAMS))


def viewer_params(user) -> dict:
    if user.role == "drafter":
        return {"viewer_organisation": user.organisation_id}
    return {"viewer_office": user.office_id, "viewer_id": user.id}


def _load(model, row_id, *, for_update, options=()):
    return db.session.scalar(_load_statement(model, for_update, tuple(options)), {"row_id": row_id})


@lru_cache(maxsize=32)
def _load_statement(model, for_update: bool, options: tuple):
    """The read of one row by id, built once per model, lock and loader options: a statement keeps
    its SQL cache key once computed, so a page neither rebuilds nor re-keys it (with the request
    page's options that took a tenth of the page). The callers' options are module constants
    (identity-hashed); any others would only miss this cache."""
    stmt = select(model).where(model.id == bindparam("row_id")).options(*options)
    if not for_update:
        # a plain read keeps what the session already holds: refreshing it would also refresh the
        # eager-loaded rows, among them the signed-in user when assigned, dropping the office
        # loaded with them (read again, twice, by an API GET of their request)
        return stmt
    # a locked read must see the row as the lock found it, whatever the session held before; FOR
    # UPDATE OF the row itself: PostgreSQL refuses to lock the nullable side of an outer join
    return stmt.execution_options(populate_existing=True).with_for_update(of=model)


# What a request's page and its checks read of it besides its own row: its organisation, in the same
# query; its assignees (visibility of personal data, who may fire), in one more instead of a lazy
# load later.
REQUEST_READ = (joinedload(Request.organisation), selectinload(Request.assignees))
# What a change reads with the locked row: the organisation (a transition's notices and letters name
# it), joined, the lock on the request's row alone.
REQUEST_CHANGE = (joinedload(Request.organisation),)


def visible_request(request_id: int, user, *, for_update: bool = False, options=()) -> Request:
    """The request if `user` may see it, locked for update when asked (PostgreSQL row lock;
    SQLite already holds the write lock for the transaction); `options` adds loader options to
    the read (not with for_update).

    :raise NotFound: absent or not visible, alike (an applicant cannot probe others' ids)
    """
    req = _load(
        Request, request_id, for_update=for_update, options=REQUEST_CHANGE if for_update else (*REQUEST_READ, *options)
    )
    if req is None or not can_view(user, req):
        raise NotFound(_l("Permohonan tidak ditemukan."))
    return req


# The request page's read (a GET, in a session that holds only the signed-in user and their office):
# the request, its organisation and its assignees (a few rows) joined in one statement, built once
# per set of extra options. Without populate_existing, unlike _load: the signed-in user is often
# among the assignees, and refreshing their row here would drop the office loaded with them (the
# page then read it again). The assignees through plain outer joins (contains_eager), not
# joinedload's nested "LEFT JOIN (request_assignees JOIN users)": SQLite materialises that whole
# join before picking the request's rows (45 ms at 100,000 requests against 0.2 ms).
@lru_cache(maxsize=8)
def _page_statement(options: tuple):
    return (
        select(Request)
        .outerjoin(request_assignees, request_assignees.c.request_id == Request.id)
        .outerjoin(User, User.id == request_assignees.c.user_id)
        .where(Request.id == bindparam("row_id"))
        .order_by(User.id)  # the relationship's order
        .options(joinedload(Request.organisation), contains_eager(Request.assignees), *options)
    )


def visible_request_for_page(request_id: int, user, *, options=()) -> Request:
    """visible_request() for the request's page: the same rule, one statement. :raise NotFound: alike"""
    req = db.session.execute(_page_statement(tuple(options)), {"row_id": request_id}).unique().scalar_one_or_none()
    if req is None or not can_view(user, req):
        raise NotFound(_l("Permohonan tidak ditemukan."))
    return req


def visible_minutes(minutes_id: int, user, *, for_update: bool = False) -> Minutes:
    """Minutes with the visibility of their request; :raise NotFound: as visible_request."""
    minutes = _load(Minutes, minutes_id, for_update=for_update)
    if minutes is None or not can_view_minutes(user, minutes):
        raise NotFound(_l("Berita acara tidak ditemukan."))
    return minutes


def visible_issued(issued_id: int, user, *, for_update: bool = False, issued_only: bool = False) -> IssuedDocument:
    """An issued document with the visibility of its request; :raise NotFound: as visible_request.
    A letter not issued yet (awaiting approval, sent back, withdrawn) is the office's alone, and
    with `issued_only` (its PDF) no one's."""
    issued = _load(IssuedDocument, issued_id, for_update=for_update)
    if issued is None or not can_view(user, issued.request):
        raise NotFound(_l("Dokumen tidak ditemukan."))
    if not issued.is_issued and (issued_only or user.role in APPLICANT_ROLES):
        raise NotFound(_l("Dokumen belum diterbitkan."))
    return issued


def can_view_issued(user, issued) -> bool:
    """visible_issued's rule for a loaded row: a letter not issued yet is the office's, seen by its
    accounts as draft minutes are (so one who may not decide on it is told 403, not 404), never by
    the applicant's side."""
    return can_view(user, issued.request) and (issued.is_issued or user.role not in APPLICANT_ROLES)


def visible_issued_filter(user):
    """The issued documents of a visible request `user` may list: the office's accounts also see the
    letters awaiting approval; applicants only what was issued."""
    return true() if user.role not in APPLICANT_ROLES else IssuedDocument.status == "issued"
