"""The unit of work of a view that changes something: one commit, a rollback on any error,
Harmoni's errors mapped to what the caller shows, and the after-commit work (PDFs of issued
documents, the e-mail outbox) run once the commit succeeded. Pages and the API use the same one.

    with unit_of_work():            # the API, or a page content with the error page
        create_request(...)

    with unit_of_work(catch=True) as work:   # a page that shows the error beside its form
        fire(req, trigger, current_user, version=version)
    if work.failed:
        ...  # work.stale, work.messages, work.field_errors, work.flash(), work.status

An error not caught is raised again after the rollback, for the app's error handlers to answer
(errors.py): JSON `{"error": ...}` under /api/, the error page elsewhere. The API never catches, and
pages never catch 403 and 404: those are not a form's problem."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import flash
from sqlalchemy.orm.exc import StaleDataError

from ..engine.errors import HarmoniError, StaleVersion
from ..extensions import db
from ..operations import after_commit
from .errors import wants_json


def engine_messages(error: HarmoniError) -> list[str]:
    """The error's message and every reason in it, as lines to show next to the form."""
    details = error.details
    if isinstance(details, list):
        return [str(d) for d in details]
    if isinstance(details, dict):
        return [f"{m}" for msgs in details.values() for m in (msgs if isinstance(msgs, list) else [msgs])]
    return [error.message]


@dataclass
class Outcome:
    """What a page's unit of work ended with: nothing (committed) or the error it rolled back."""

    error: HarmoniError | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def stale(self) -> bool:
        """Someone else changed the object since the page was shown."""
        return isinstance(self.error, StaleVersion)

    @property
    def status(self) -> int:
        return self.error.status if self.error else 200

    @property
    def messages(self) -> list[str]:
        return engine_messages(self.error) if self.error else []

    @property
    def field_errors(self) -> dict:
        """Errors by form field when the error names fields, else all of them under "_"."""
        if self.error is None:
            return {}
        if isinstance(self.error.details, dict):
            return self.error.details
        return {"_": self.messages}

    def flash(self, category: str = "danger") -> None:
        for message in self.messages:
            flash(message, category)


@contextmanager
def unit_of_work(*, catch: bool = False, shown_as_pages: tuple[int, ...] = (403, 404)) -> Iterator[Outcome]:
    """Commit once what the block did, then run its after-commit work; roll back on any error.

    :param catch: on a page, end a Harmoni error in the yielded Outcome, but those whose status is
        in `shown_as_pages` (not a form's problem: the error page says it)
    :raise HarmoniError: after the rollback, unless caught as above
    """
    outcome = Outcome()
    try:
        yield outcome
        db.session.commit()
    except (HarmoniError, StaleDataError) as caught:
        db.session.rollback()
        after_commit.discard()
        # a version that moved between our read and our write is the same as a stale version sent
        error = StaleVersion() if isinstance(caught, StaleDataError) else caught
        if not catch or wants_json() or error.status in shown_as_pages:
            if error is caught:
                raise
            raise error from caught
        outcome.error = error
        return
    except BaseException:
        db.session.rollback()
        after_commit.discard()
        raise
    after_commit.run_deferred()
