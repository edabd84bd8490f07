"""Work that must wait for the commit: rendering an issued document's PDF, waking the e-mail
outbox. An operation registers it with `defer()` inside the transaction; the unit of work
(web/unit_of_work.py) runs it once the commit has succeeded, and drops it on a rollback, so a
rolled-back change never renders a document or sends a message."""

import logging
from collections.abc import Callable

from ..extensions import db

log = logging.getLogger(__name__)
KEY = "harmoni.after_commit"


def defer(work: Callable[..., None], *args) -> None:
    """Run `work(*args)` after this transaction commits (once, however often it is deferred)."""
    pending = db.session.info.setdefault(KEY, [])
    if (work, args) not in pending:
        pending.append((work, args))


def discard() -> None:
    """The transaction rolled back: what it deferred is void."""
    db.session.info.pop(KEY, None)


def run_deferred() -> None:
    """Run what the committed transaction deferred, then commit what that wrote (a rendered PDF's
    SHA-256). The change itself is committed already: a failure here is logged and rolled back,
    never the caller's error (a PDF not rendered now is rendered by its first download)."""
    pending = db.session.info.pop(KEY, [])
    for work, args in pending:
        try:
            work(*args)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("after-commit work %s%r failed", getattr(work, "__name__", work), args)
