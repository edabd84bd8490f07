"""Who sees which request. One rule, as a predicate for one row and as a filter for lists."""
from sqlalchemy import and_, false, not_, or_

from .models import Request
from .processes import PROCESSES


def can_view(user, request) -> bool:
    if user.role == "drafter":
        # a drafter sees the files of their own organisation, nothing else
        return request.organisation_id == user.organisation_id
    if request.office_id != user.office_id:
        return False
    # staff do not see an applicant's unsubmitted draft
    return request.state not in PROCESSES[request.process].private_states


def visible_requests(user):
    """A WHERE clause selecting exactly the requests `can_view` allows."""
    if user.role == "drafter":
        return Request.organisation_id == user.organisation_id
    private = [and_(Request.process == p.name, Request.state.in_(p.private_states))
               for p in PROCESSES.values() if p.private_states]
    return and_(Request.office_id == user.office_id, not_(or_(false(), *private)))
