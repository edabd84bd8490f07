"""One module per aggregate; importing this package registers every table."""

MAX_ID = 2**31 - 1  # ids are PostgreSQL INTEGERs: a larger one cannot exist (404/422, never a 500)
from .audit_chain import AuditHead, AuditLink
from .calendar import HolidayOverride
from .counter import Counter
from .document import Document
from .event import Event
from .issued import IssuedDocument
from .meeting import Meeting, Participant, meeting_requests
from .minutes import Finding, Minutes, MinutesSnapshot
from .notification import NOTIFICATION_KINDS, Notification
from .organisation import Office, Organisation
from .outbox import AccessLog, OutboxMessage
from .request import Request, request_assignees
from .security import THROTTLE_SCOPES, AuthThrottle, UserSession
from .stats import StatsSnapshot
from .stats_counts import (
    AssignedCount,
    ConcludedCount,
    DaysCount,
    DeadlineTotal,
    DueCount,
    OutcomeCount,
    ReceivedCount,
    StateCount,
    TrendCount,
    WorkloadCount,
)
from .user import ROLES, ApiToken, User

__all__ = [
    "AccessLog",
    "AuditHead",
    "AuditLink",
    "AuthThrottle",
    "THROTTLE_SCOPES",
    "UserSession",
    "OutboxMessage",
    "ApiToken",
    "Counter",
    "Document",
    "Event",
    "Finding",
    "HolidayOverride",
    "IssuedDocument",
    "Meeting",
    "NOTIFICATION_KINDS",
    "Notification",
    "Minutes",
    "MinutesSnapshot",
    "Office",
    "Organisation",
    "Participant",
    "Request",
    "ROLES",
    "StatsSnapshot",
    "AssignedCount",
    "ConcludedCount",
    "DueCount",
    "ReceivedCount",
    "StateCount",
    "DeadlineTotal",
    "WorkloadCount",
    "TrendCount",
    "OutcomeCount",
    "DaysCount",
    "User",
    "meeting_requests",
    "request_assignees",
]
