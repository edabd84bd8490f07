"""Every state change: mutate, flush, audit; never commit. The view commits once, through
web/unit_of_work.py, which also runs what an operation deferred to after the commit
(after_commit.py: a PDF to render, the outbox to wake).

Three operations commit by themselves, each for a reason written where it does:
- notifications.send_pending / _claim: the claim must be visible to other senders before the slow
  SMTP call, and each message's outcome must stand on its own;
- timers.tick: each request's timer is its own transaction, so one failure does not undo the others;
- personal_data.log_read: the record of a read of personal data must stand even when the page
  that read it then fails."""

# The effects processes declare by name (engine.definition.NamedEffect) are implemented here:
# importing any operation implements them before anything can be fired.
from . import issued, letters, meetings  # noqa: E402, F401
