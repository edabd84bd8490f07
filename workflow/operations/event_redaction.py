"""The audit trail as a viewer may read it: a complainant who asked that their identity stay
confidential (Process.confidential_field) is kept out of the events shown to anyone who may not
read their identity fields (access.can_read_field: the assigned staff alone).

The trail is append-only and hash-chained, so what was written before the anonymised default title
(the create event's "title" naming the reporter, a comment quoting their name) stays stored as it
was; it is redacted here, on the way out, and `flask audit verify` still checks the stored events.
The wording is the request's own: the title becomes the anonymised default title (the process's
label, as the request shows it since migration a1b2c3d4e5f7), any other mention of an identity
field's value the mark the redacted intake fields show."""

import re
from dataclasses import dataclass

from ..access import can_read_field
from ..processes import PROCESSES
from .personal_data import REDACTED

# Shorter values (an initial) would redact unrelated words.
MIN_LENGTH = 3


def withheld_identity(user, request) -> re.Pattern | None:
    """A pattern matching the identity values `user` may not read in `request`'s events (whole
    words, any case); None when there are none (the common case: not a confidential complaint)."""
    return _pattern(_identity_values(request, lambda field: not can_read_field(user, request, field)))


def identity_in_notices(request) -> re.Pattern | None:
    """The pattern of every identity value of a confidential complaint, whoever reads: a notice
    (in-app or e-mail to the staff) is written once for all it tells, the head among them, who may
    not read the reporter's identity. None when the reporter did not ask for confidentiality."""
    return _pattern(_identity_values(request, lambda field: True))


def _identity_values(request, withheld) -> set[str]:
    """The values of the identity fields `withheld(field)` keeps back, when the reporter asked for
    confidentiality (else none)."""
    process = PROCESSES[request.process]
    if not process.identity_withheld(request.details):
        return set()
    details = request.details or {}
    return {
        value.strip()
        for field in process.fields
        if field.identity
        and isinstance(value := details.get(field.name), str)
        and len(value.strip()) >= MIN_LENGTH
        and withheld(field)
    }


def redact_notice(context: dict, request, pattern: re.Pattern | None) -> dict:
    """A notice's context (operations/notifications.notice_context) with the reporter's identity
    redacted as in the events: the old default title becomes the anonymised one."""
    if pattern is None:
        return context
    shown = _redact_value(context, pattern)
    label = PROCESSES[request.process].label
    if isinstance(shown.get("title"), str) and shown["title"].startswith(f"{label}: ") and REDACTED in shown["title"]:
        shown["title"] = label
    return shown


def _pattern(values: set[str]) -> re.Pattern | None:
    if not values:
        return None
    # the longest first: a full name before a part of it; \w boundaries so "Ani" spares "Anita"
    words = "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)


def _redact_text(text: str, pattern: re.Pattern) -> str:
    return pattern.sub(REDACTED, text)


def _redact_value(value, pattern: re.Pattern):
    if isinstance(value, str):
        return _redact_text(value, pattern)
    if isinstance(value, dict):
        return {k: _redact_value(v, pattern) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_value(v, pattern) for v in value]
    return value


def redact_event(event, request, pattern: re.Pattern | None):
    """`event` as shown: the same object when nothing is withheld, else a read-only copy (the stored
    event is never touched: an ORM change to it would be refused as a rewrite of the trail)."""
    if pattern is None:
        return event
    data = _redact_value(dict(event.data or {}), pattern)
    label = PROCESSES[request.process].label
    if isinstance(data.get("title"), str) and data["title"].startswith(f"{label}: ") and REDACTED in data["title"]:
        data["title"] = label  # the old default title "LABEL: NAME": the anonymised title, as the request's
    comment = _redact_text(event.comment, pattern) if event.comment else event.comment
    if data == (event.data or {}) and comment == event.comment:
        return event
    return ShownEvent(event, comment, data)


def redacted_events(user, request, events) -> list:
    """Each of `events` as `user` may see it (redact_event)."""
    pattern = withheld_identity(user, request)
    if pattern is None:
        return list(events)
    return [redact_event(e, request, pattern) for e in events]


@dataclass(frozen=True)
class ShownEvent:
    """An event with its comment and data redacted; every other attribute is the stored event's."""

    event: object
    comment: str | None
    data: dict

    def __getattr__(self, name):
        return getattr(self.event, name)
