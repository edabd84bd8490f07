"""One module per aggregate; importing this package registers every table."""
from .calendar import HolidayOverride
from .counter import Counter
from .document import Document
from .event import Event
from .organisation import Office, Organisation
from .request import Request, request_assignees
from .user import ROLES, STAFF_ROLES, ApiToken, User

__all__ = [
    "ApiToken", "Counter", "Document", "Event", "HolidayOverride", "Office", "Organisation",
    "Request", "ROLES", "STAFF_ROLES", "User", "request_assignees",
]
