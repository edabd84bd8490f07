"""Who approves the office's documents (berita acara and letters): its heads, and the one member
of staff the office settings name as the delegate (who signs "a.n." the head)."""

from sqlalchemy import bindparam, select

from ..engine.errors import InvalidInput
from ..extensions import db
from ..models import Office, Request, User
from ..vocabulary import STAFF, Role

SEND_BACK_LIMIT = 5000  # characters of an approver's reason for sending a document back


def is_approver(user) -> bool:
    """The head, or the delegate the office named (`approval_delegate_id`), active accounts only."""
    if getattr(user, "office_id", None) is None or not getattr(user, "active", False):
        return False
    if user.role == Role.HEAD:
        return True
    if user.role not in STAFF:
        return False
    # the office through the session (its identity map), not `user.office`: the actor may be an
    # account object loaded earlier and detached, and this runs inside fire()'s transaction
    return user.id == db.session.get(Office, user.office_id).setting("approval_delegate_id")


def approvers(office) -> list[User]:
    """Everyone who may approve for `office` (its heads and the delegate, by id), active accounts only."""
    users = db.session.scalars(_OFFICE_STAFF, {"office_id": office.id}).all()
    return [u for u in users if is_approver(u)]


# The office's active staff, built once (a built statement keeps its SQL cache key), the office bound.
_OFFICE_STAFF = (
    select(User)
    .where(User.office_id == bindparam("office_id"), User.active.is_(True), User.role.in_(STAFF))
    .order_by(User.id)
)


def on_behalf_of(approver, office) -> str | None:
    """The head's title a delegate approves and signs for ("a.n."); None for the head."""
    return office.setting("head_title") if approver.role != Role.HEAD else None


def send_back_reason(comment) -> str:
    """The approver's reason for sending a berita acara or a letter back: required, plain text.

    :raise InvalidInput: (422) missing, too long, or with a NUL character
    """
    reason = comment.strip() if isinstance(comment, str) else ""
    if len(reason) > SEND_BACK_LIMIT or "\x00" in reason:
        raise InvalidInput(
            details={"comment": [f"Paling banyak {SEND_BACK_LIMIT} karakter, tanpa karakter yang tidak diizinkan."]}
        )
    if not reason:
        raise InvalidInput(
            "Tuliskan alasan pengembalian.", details={"comment": ["Wajib diisi: apa yang perlu diperbaiki."]}
        )
    return reason


def lock_request(request_id: int) -> Request:
    """The request's row, locked and read afresh: its audit trail grows by the decision's event."""
    return db.session.scalar(
        select(Request).where(Request.id == request_id).with_for_update().execution_options(populate_existing=True)
    )
