"""Who sees which request. One rule, as a predicate for one row and as a filter for lists."""
from sqlalchemy import and_, false, not_, or_

from .models import Request
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


def visible_requests(user):
    """A WHERE clause selecting exactly the requests `can_view` allows."""
    if user.role == "drafter":
        return Request.organisation_id == user.organisation_id
    private = [and_(Request.process == p.name, Request.state.in_(p.private_states))
               for p in PROCESSES.values() if p.private_states]
    return and_(Request.office_id == user.office_id, not_(or_(false(), *private)))
