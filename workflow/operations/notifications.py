"""E-mail to applicants through an outbox: queued in the transaction of the transition it reports
(so a rolled-back transition sends nothing), delivered afterwards by `notifications send`, retried
with backoff when SMTP fails, and claimed before sending so that no message goes out twice."""

import smtplib
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select

from ..extensions import db
from ..models import OutboxMessage
from ..models.time import utcnow
from ..processes import PROCESSES
from .after_commit import defer

LEASE = timedelta(minutes=5)  # a claimed message is left alone this long
MAX_BACKOFF = timedelta(hours=6)


def recipient(request) -> tuple[str | None, str]:
    """Whom a request's news goes to, and in which language."""
    if request.applicant_email:
        return request.applicant_email, request.applicant_language or "id"
    if request.created_by is not None:
        return request.created_by.email, "id"
    return None, "id"


def queue_transition_mail(request, transition, comment: str | None) -> OutboxMessage | None:
    email, language = recipient(request)
    if not email:
        return None
    process = PROCESSES[request.process]
    state = process.state(request.state)
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    with force_locale(language):
        subject = _("Permohonan %(number)s: %(state)s", number=request.number, state=_(state.label))
        body = render_template(
            "email/transition.txt",
            request=request,
            process=process,
            state=state,
            transition=transition,
            comment=comment,
            tracking_url=f"{base}/track" if request.tracking_code else None,
            login_url=f"{base}/masuk" if not request.tracking_code else None,
        )
    message = OutboxMessage(request_id=request.id, recipient=email, subject=subject, body=body)
    db.session.add(message)
    defer(wake_outbox)
    return message


def wake_outbox() -> None:
    """After a commit that queued mail: deliver at once when HARMONI_OUTBOX_SEND_AFTER_COMMIT is
    set (a small office without cron); otherwise `notifications send` delivers it on its next run."""
    if current_app.config.get("OUTBOX_SEND_AFTER_COMMIT"):
        send_pending()


def send_pending(now=None, batch: int = 50) -> tuple[int, int]:
    """Deliver what is due; return (sent, failed). Safe to run from several servers at once."""
    now = now or utcnow()
    claimed = _claim(now, batch)
    sent = failed = 0
    config = current_app.config
    for message_id in claimed:
        message = db.session.get(OutboxMessage, message_id)
        try:
            _deliver(message, config)
        except (OSError, smtplib.SMTPException, ValueError) as exc:  # ValueError: an unusable header
            message.attempts += 1
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            # 1, 2, 4, 8 ... minutes, at most six hours: a server that is down gets time to return
            message.next_attempt_at = now + min(timedelta(minutes=2 ** (message.attempts - 1)), MAX_BACKOFF)
            message.claimed_until = None
            failed += 1
        else:
            message.attempts += 1
            message.sent_at, message.claimed_until, message.last_error = utcnow(), None, None
            sent += 1
        db.session.commit()  # commits itself: each message's outcome stands, whatever the next one does
    return sent, failed


def _claim(now, batch) -> list[int]:
    stmt = (
        select(OutboxMessage)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .order_by(OutboxMessage.id)
        .limit(batch)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)  # another sender takes the next ones
    rows = db.session.scalars(stmt).all()
    for row in rows:
        row.claimed_until = now + LEASE
    db.session.commit()  # commits itself: other senders must see the claim before the slow SMTP calls
    return [row.id for row in rows]


def _deliver(message: OutboxMessage, config) -> None:
    email = EmailMessage()
    email["From"] = config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = f"<outbox-{message.id}@{config['MAIL_SENDER'].rsplit('@', 1)[-1].strip('>')}>"
    email.set_content(message.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)
