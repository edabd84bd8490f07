"""Notifications: in-app rows for users and e-mail through an outbox, both written in the
transaction of what they report (so a rolled-back transition tells nobody), e-mail delivered
afterwards by `notifications send`, retried with backoff when SMTP fails, and claimed before
sending so that no message goes out twice.

Who hears of which transition is declared with the processes (`Transition.notify`, `notices`);
this module only finds the people of an audience and writes to them in their language."""

import logging
import smtplib
from contextlib import contextmanager
from datetime import date, timedelta
from email.message import EmailMessage
from types import SimpleNamespace
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, case, exists, insert, or_, select

from ..documents.ics import meeting_invitation
from ..engine.calendar import applicant_deadline, current_deadline
from ..engine.definition import N_, Notify, Transition
from ..extensions import db
from ..models import IssuedDocument, Meeting, Notification, OutboxMessage, Request, User
from ..models.time import local_clock, local_date, utcnow
from ..processes import PROCESSES
from ..referrals import referred_to
from .after_commit import defer
from .event_redaction import identity_in_notices, redact_notice
from .timers import lock_unless_taken

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)  # a claimed message is left alone this long
MAX_BACKOFF = timedelta(hours=6)


def recipient(request) -> tuple[str | None, str]:
    """Whom a request's news goes to, and in which language."""
    if request.applicant_email:
        return request.applicant_email, request.applicant_language or "id"
    if request.created_by is not None:
        return request.created_by.email, "id"
    return None, "id"


def queue_transition_mail(request, transition, comment: str | None, writer: "_NoticeWriter") -> None:
    """The e-mail to an applicant from the public (no account): rendered now, in their language,
    written with the transition's other notices (`writer`)."""
    email, language = recipient(request)
    if not email:
        return
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
    writer.emails.append(
        {"request_id": request.id, "recipient": email, "subject": subject, "body": body, "context": None}
    )


def wake_outbox() -> None:
    """After a commit that queued mail: deliver at once when HARMONI_OUTBOX_SEND_AFTER_COMMIT is
    set (a small office without cron); otherwise `notifications send` delivers it on its next run."""
    if current_app.config.get("OUTBOX_SEND_AFTER_COMMIT"):
        send_pending()


def path_for(endpoint: str, **values) -> str:
    """A path inside Harmoni, built outside any HTTP request too (timers run from cron)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def absolute(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def calendar_host() -> str:
    """The host in meeting UIDs: the same for the download and every e-mail, so that a calendar
    recognises an update of the meeting it already holds."""
    return urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "harmoni"


# What a notice needs of a recipient, read as plain columns, not as User entities (role, position
# and NIP: an approver named as the signer of a letter awaiting approval, letter_approval.letter_stamp).
RECIPIENT = (
    *(User.id, User.name, User.email, User.language, User.email_opt_out),
    *(User.active, User.role, User.position, User.nip),
)
# Who belongs to each audience read from the users table (assignees come from the request itself:
# an effect of the same transition may just have assigned them, before any flush).
_MEMBERS = {
    "applicant": lambda: and_(User.organisation_id == bindparam("organisation_id"), User.role == "drafter"),
    "officers": lambda: and_(User.office_id == bindparam("office_id"), User.role == "officer"),
    "heads": lambda: and_(User.office_id == bindparam("office_id"), User.role == "head"),
    # who approves the office's letters and minutes (operations/approvers.py): its heads and the
    # member of staff its settings name as the delegate
    "approvers": lambda: and_(
        User.office_id == bindparam("office_id"),
        or_(User.role == "head", and_(User.role == "officer", User.id == bindparam("delegate_id"))),
    ),
}
_AUDIENCE_STATEMENTS: dict[tuple[str, ...], object] = {}  # statements, built once per set of audiences


def _audience_statement(names: tuple[str, ...]):
    """One statement for the users of every audience in `names`, each row saying which audiences
    it belongs to (a flag per audience): built once per combination, values bound at each call."""
    stmt = _AUDIENCE_STATEMENTS.get(names)
    if stmt is None:
        members = {name: _MEMBERS[name]() for name in names}
        stmt = (
            select(*RECIPIENT, *(case((clause, True), else_=False).label(name) for name, clause in members.items()))
            .where(User.active.is_(True), or_(*members.values()))
            .order_by(User.id)
        )
        _AUDIENCE_STATEMENTS[names] = stmt
    return stmt


def audiences(request, names, actor) -> dict[str, list]:
    """The users of each audience in `names` (never the actor: nobody needs news of their own
    act), ordered by id, read in one statement whatever the number of audiences; the assignees
    from the request. Each user has id, name, email, language and email_opt_out."""
    found: dict[str, list] = {name: [] for name in names}
    wanted = _read_from_users(request, names)
    actor_id = getattr(actor, "id", None)
    if wanted:
        for row in _members(request, wanted):
            if row.id == actor_id:
                continue
            for name in wanted:
                if getattr(row, name):
                    found[name].append(row)
    if "assignees" in found:
        found["assignees"] = sorted((u for u in request.assignees if u.active and u.id != actor_id), key=lambda u: u.id)
    return found


def _read_from_users(request, names) -> tuple[str, ...]:
    """The audiences among `names` read from the users table, sorted (the statements' key)."""
    return tuple(
        sorted(n for n in set(names) if n in _MEMBERS and (n != "applicant" or request.organisation_id is not None))
    )


def _members(request, wanted: tuple[str, ...]):
    """The users of the `wanted` audiences, each row flagging its audiences. Inside one_write() for
    this request (fire()), the audiences it announced are read with the first that is asked for,
    once: the approvers of a letter an effect prepares and the transition's own audiences take one
    statement. Nothing is kept beyond that block (the users table does not change inside it)."""
    batch = db.session.info.get(_BATCH)
    if batch is None or batch.request_id != request.id:
        return _read_members(request, wanted)
    if batch.members is None or not set(wanted) <= set(batch.read):
        batch.read = tuple(sorted({*wanted, *batch.read, *_read_from_users(request, batch.expected)}))
        batch.members = _read_members(request, batch.read).all()
    return batch.members


def _read_members(request, names: tuple[str, ...]):
    params = {"organisation_id": request.organisation_id, "office_id": request.office_id}
    if "approvers" in names:
        params["delegate_id"] = request.office.setting("approval_delegate_id")
    return db.session.execute(_audience_statement(names), params)


def audience(request, notice: Notify, actor) -> list:
    """The users a notice goes to (never the actor), as `audiences` gives them."""
    return audiences(request, (notice.audience,), actor)[notice.audience]


def notify_transition(request, transition: Transition, actor, comment: str | None, event_data: dict) -> None:
    """Everyone the process says should hear of this transition: in-app and (unless they turned it
    off) by e-mail. An applicant from the public, who has no account, gets the e-mail alone.

    The audiences are read in one statement, what the notices say is worked out once per notice
    (not per recipient), and the rows are written in one statement per table."""
    process = PROCESSES[request.process]
    public = process.intake != "account"
    notices = [n for n in transition.all_notices if not (n.audience == "applicant" and public)]
    writer = _NoticeWriter(request, process)
    if len(notices) < len(transition.all_notices):
        queue_transition_mail(request, transition, comment, writer)
    members = audiences(request, tuple(n.audience for n in notices), actor) if notices else {}
    details = _details(request, transition, event_data) if notices else {}
    told = set()
    for notice in notices:
        for user in members[notice.audience]:
            if user.id in told:
                continue  # one message per person, under the first notice that names them
            told.add(user.id)
            writer.add(user, notice.kind, trigger=transition.trigger, comment=comment, details=details)
    writer.write()


def _details(request, transition: Transition, event_data: dict) -> dict:
    """What a message says beyond the state: the meeting, the issued documents, the due date."""
    details: dict[str, object] = {}
    meeting_id = event_data.get("meeting_id")
    if meeting_id:
        details["meeting"] = db.session.get(Meeting, meeting_id)
    letter = event_data.get("result_letter") or event_data.get("final_letter")
    if letter:
        details["documents"] = [
            db.session.get(IssuedDocument, letter["id"]),
            *db.session.scalars(
                select(IssuedDocument)
                .where(
                    IssuedDocument.request_id == request.id,
                    IssuedDocument.kind == "berita_acara",
                    IssuedDocument.superseded_by_id.is_(None),
                )
                .order_by(IssuedDocument.id.desc())
                .limit(1)
            ),
        ]
    return details


HEADLINES = {
    # the subject of each kind; "status" and "meeting" name the new state instead
    "new_file": N_("Berkas untuk diperiksa: %(number)s"),
    "assignment": N_("Anda ditugaskan menelaah %(number)s"),
    "due_soon": N_("Tenggat besok: %(number)s"),
    "overdue": N_("Melewati tenggat: %(number)s"),
}


TRIGGER_HEADLINES = {
    # what happened, where the state alone would not say it (a cancelled meeting is "analysed")
    "correction_overdue": N_("Batas waktu perbaikan %(number)s terlewati"),
    "extend_correction_deadline": N_("Batas waktu perbaikan %(number)s diperpanjang"),
    "accept_correction": N_("Perbaikan %(number)s diterima: hasil akhir diterbitkan"),
    "reject_correction": N_("Perbaikan %(number)s dikembalikan"),
    "schedule_meeting": N_("Rapat dijadwalkan untuk %(number)s"),
    "reschedule_meeting": N_("Jadwal rapat %(number)s diubah"),
    "cancel_meeting": N_("Rapat %(number)s dibatalkan"),
    # the approval of minutes (operations/minutes.py): to the approvers, then to the officer
    "submit_minutes": N_("Berita acara %(number)s menunggu persetujuan"),
    "approve_minutes": N_("Berita acara %(number)s disetujui dan diterbitkan"),
    "send_back_minutes": N_("Berita acara %(number)s dikembalikan"),
    # the approval of letters (operations/letter_approval.py), and the applicant's news of the issue
    "submit_letter": N_("Surat untuk %(number)s menunggu persetujuan"),
    "approve_letter": N_("Surat untuk %(number)s disetujui dan diterbitkan"),
    "send_back_letter": N_("Surat untuk %(number)s dikembalikan"),
    "issue_letter": N_("Surat untuk %(number)s diterbitkan"),
}


def notify_user(
    user: User,
    request,
    kind: str,
    *,
    trigger: str | None = None,
    comment: str | None = None,
    details: dict | None = None,
    dedupe_key: str | None = None,
    link: str | None = None,
) -> Notification:
    """One in-app notification for `user`, and its e-mail unless they turned this kind off (added
    to the session: the caller gets the row)."""
    writer = _NoticeWriter(request)
    values = writer.add(user, kind, trigger=trigger, comment=comment, details=details, dedupe_key=dedupe_key, link=link)
    row = Notification(**values)
    db.session.add(row)
    for email in writer.emails:
        db.session.add(OutboxMessage(**email))
        defer(wake_outbox)
    return row


def notify_users(
    users, request, kind: str, *, trigger: str | None = None, comment: str | None = None, details=None, link=None
) -> None:
    """notify_user for several people told the same news: the text's context worked out once,
    the rows written with one INSERT per table."""
    writer = _NoticeWriter(request)
    for user in users:
        writer.add(user, kind, trigger=trigger, comment=comment, details=details, link=link)
    writer.write()


class _NoticeWriter:
    """The notices of one request's news to several people: what they say is worked out once per
    kind (only the name and language differ between recipients), each subject once per language,
    and the rows are written with one INSERT per table (`write`), nothing read back."""

    def __init__(self, request, process=None) -> None:
        self.request = request
        self.process = process or PROCESSES[request.process]
        self.state = self.process.state(request.state)
        self.notifications: list[dict] = []
        self.emails: list[dict] = []
        self._said: dict[tuple, tuple[str, dict]] = {}  # (kind, trigger, link) -> (link, shared context)
        self._subjects: dict[tuple, str] = {}

    def add(
        self,
        user,
        kind: str,
        *,
        trigger: str | None = None,
        comment: str | None = None,
        details: dict | None = None,
        dedupe_key: str | None = None,
        link: str | None = None,
    ) -> dict:
        """The notification's values for `user` (their e-mail too, unless they turned the kind off)."""
        request, details = self.request, details or {}
        key = (kind, trigger, comment, link, id(details))
        said = self._said.get(key)
        if said is None:
            where = link or path_for("cases.detail", request_id=request.id)
            if kind == "meeting" and details.get("meeting") is not None:
                where = path_for("meetings.show", meeting_id=details["meeting"].id)
            shared = notice_context(request, self.process, self.state, kind, trigger, comment, details, where)
            said = self._said[key] = (where, shared)
        where, shared = said
        language = user.language or "id"
        subject = self._subjects.get((language, kind, trigger))
        if subject is None:
            subject = self._subjects[(language, kind, trigger)] = self._subject(language, kind, trigger)
        # the body is rendered from this when shown or sent, not inside the transaction (render_notice)
        context = {"language": language, "name": user.name, **shared}
        values = {
            "user_id": user.id,
            "request_id": request.id,
            "kind": kind,
            "subject": subject,
            "context": context,
            "link": where,
            "dedupe_key": dedupe_key,
        }
        self.notifications.append(values)
        if kind not in (user.email_opt_out or ()):
            self.emails.append(
                {
                    "request_id": request.id,
                    "recipient": user.email,
                    "subject": subject,
                    "body": None,
                    "context": context,
                }
            )
        return values

    def _subject(self, language: str, kind: str, trigger: str | None) -> str:
        number = self.request.number
        with force_locale(language):
            if trigger in TRIGGER_HEADLINES:
                subject = _(TRIGGER_HEADLINES[trigger], number=number)
            elif kind in HEADLINES:
                subject = _(HEADLINES[kind], number=number)
            else:
                subject = _("Permohonan %(number)s: %(state)s", number=number, state=_(self.state.label))
        return subject[:300]

    def write(self) -> None:
        """Insert the rows (Core, one statement per table: no ORM object is needed afterwards), or
        inside one_write() leave them to its single write."""
        batch = db.session.info.get(_BATCH)
        if batch is not None:
            batch.notifications += self.notifications
            batch.emails += self.emails
        else:
            _insert(self.notifications, self.emails)
        self.notifications, self.emails = [], []


_BATCH = "harmoni.notices"  # the session.info key of one_write()'s rows


def _insert(notifications: list[dict], emails: list[dict]) -> None:
    if notifications:
        db.session.execute(insert(Notification.__table__), notifications)
    if emails:
        db.session.execute(insert(OutboxMessage.__table__), emails)
        defer(wake_outbox)


@contextmanager
def one_write(request=None, expected=()):
    """Every notice written through notify_users / notify_transition inside is kept and written
    at the end, one INSERT per table for them all (fire(): the approvers of the letter an effect
    prepared and the transition's audiences). Nothing is written when the block raises (the
    caller's transaction is rolled back then anyway). Nested: the outermost writes.

    The `expected` audiences of `request`, told inside, are read together with the first audience
    asked for (_members): one statement for the block."""
    if db.session.info.get(_BATCH) is not None:
        yield
        return
    batch = db.session.info[_BATCH] = SimpleNamespace(
        notifications=[],
        emails=[],
        request_id=getattr(request, "id", None),
        expected=tuple(expected),
        read=(),
        members=None,
    )
    try:
        yield
    finally:
        del db.session.info[_BATCH]
    _insert(batch.notifications, batch.emails)


def notify_minutes(user: User, minutes, trigger: str, actor, *, comment: str | None = None) -> Notification:
    """News of minutes' approval: awaiting it (to the head and the delegate), approved or sent
    back (to the officer who finalised them), linking to the minutes' page."""
    issued = minutes.issued_document if trigger == "approve_minutes" else None
    return notify_user(
        user,
        minutes.request,
        "approval",
        trigger=trigger,
        comment=comment,
        details={"documents": [issued] if issued else []},
        link=path_for("meetings.minutes", minutes_id=minutes.id),
    )


def notify_letter(users, issued, trigger: str, *, comment: str | None = None) -> None:
    """News of a letter's approval: awaiting it (to the head and the delegate), approved or sent
    back (to the officer who prepared it), linking to the request's page where it is decided."""
    from .letter_approval import KIND_LABELS

    notify_users(
        users,
        issued.request,
        "approval",
        trigger=trigger,
        comment=comment,
        details={"documents": [issued], "letter": KIND_LABELS[issued.kind]},
        link=path_for("cases.detail", request_id=issued.request_id) + f"#surat-{issued.id}",
    )


def notice_context(request, process, state, kind, trigger, comment, details: dict, link: str) -> dict:
    """Everything a notice's text says, as it stands at the transition (JSON: the row keeps it),
    but the recipient's name and language (_NoticeWriter adds them): the same for everyone told.
    The text itself is rendered later, in the recipient's language, by render_notice."""
    meeting = details.get("meeting")
    when = meeting_when(meeting)
    deadline = current_deadline(request, process) if kind in ("due_soon", "overdue") else (None, None)
    # a confidential complaint: the reporter's name and phone out of the title, comment and the rest
    return redact_notice(
        _notice_context(request, process, state, kind, trigger, comment, details, link, meeting, when, deadline),
        request,
        identity_in_notices(request),
    )


def _notice_context(request, process, state, kind, trigger, comment, details, link, meeting, when, deadline) -> dict:
    return {
        "kind": kind,
        "trigger": trigger,
        "number": request.number,
        "title": request.title,
        "process": process.label,  # labels untranslated: translated when rendered
        "state": state.label,
        "organisation": request.organisation.name if request.organisation else None,  # None: a member of the public
        "confidential": process.is_confidential(request.details),
        "referral": [process.referral.label, referred] if (referred := referred_to(request)) else None,
        "comment": comment,
        "meeting": None
        if meeting is None
        else {
            "title": meeting.title,
            "date": when[0].isoformat(),
            "time": when[1],
            "place": meeting.place,
            "online_link": meeting.online_link,
            "status_reason": meeting.status_reason,
        },
        "due_date": _iso(request.due_date) if trigger == "declare_complete" else None,
        "your_deadline": _iso(applicant_deadline(request, process)) if kind == "status" else None,
        "deadline": [_iso(deadline[0]), deadline[1]],
        # the stage of the office's clock a reminder is about (e.g. "Pemeriksaan administrasi")
        "stage": stage.label
        if kind in ("due_soon", "overdue") and (stage := process.stage(request.clock_stage or ""))
        else None,
        "documents": [
            [d.number, absolute(path_for("meetings.issued_pdf", issued_id=d.id))]
            for d in details.get("documents", ())
            if d is not None and d.is_issued  # a letter awaiting approval has no number nor link yet
        ],
        "letter": details.get("letter"),  # which letter (untranslated: translated when rendered)
        "link": absolute(link),
        "settings_url": absolute(path_for("notifications.settings")),
        "office": request.office.name,
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


DATES_IN_CONTEXT = ("due_date", "your_deadline")


def render_notice(context: dict) -> str:
    """A notice's text from its context (notice_context), in the recipient's language."""
    c = dict(context)
    for key in DATES_IN_CONTEXT:
        c[key] = date.fromisoformat(c[key]) if c.get(key) else None
    c["deadline"] = [date.fromisoformat(c["deadline"][0]) if c["deadline"][0] else None, c["deadline"][1]]
    if c.get("meeting"):
        c["meeting"] = dict(c["meeting"], date=date.fromisoformat(c["meeting"]["date"]))
    with force_locale(c["language"]):
        return render_template("email/notice.txt", c=c)


def meeting_when(meeting) -> tuple[date, str] | None:
    return None if meeting is None else local_clock(meeting.starts_at, meeting.office.timezone)


def queue_meeting_invitations(meeting: Meeting, letter: IssuedDocument | None = None) -> int:
    """Each invitee with an e-mail address gets the meeting's .ics: METHOD:REQUEST with a stable
    UID (its SEQUENCE grows with every change), METHOD:CANCEL once it is cancelled. The caller has
    flushed the meeting, so its version is the one the calendar must see. `letter`, the undangan
    rapat issued with the meeting, goes with the first invitation as its PDF (read from the store
    when the message is sent: it is rendered after the commit)."""
    ics = meeting_invitation(meeting, calendar_host()).decode()
    if meeting.status == "cancelled":
        subject = f"Pembatalan rapat: {meeting.title}"
    elif meeting.version > 1 and letter is None:  # with the undangan: the first invitation
        subject = f"Perubahan jadwal rapat: {meeting.title}"
    else:
        subject = f"Undangan rapat: {meeting.title}"
    with force_locale("id"):  # invitees outside Harmoni: the office's language
        body = render_template("email/invitation.txt", meeting=meeting, when=meeting_when(meeting))
    count = 0
    for participant in meeting.participants:
        if not participant.email:
            continue
        db.session.add(
            OutboxMessage(
                request_id=meeting.requests[0].id if meeting.requests else None,
                recipient=participant.email,
                subject=subject[:300],
                body=body,
                attachment_name=f"rapat-{meeting.id}.ics",
                attachment_type="text/calendar; method=" + ("CANCEL" if meeting.status == "cancelled" else "REQUEST"),
                attachment=ics,
                issued_document_id=letter.id if letter is not None else None,
            )
        )
        count += 1
    if count:
        defer(wake_outbox)
    return count


def remind_deadlines(now=None) -> list[tuple[int, str]]:
    """A file due on the next working day, or overdue: its assignees and the office's heads are
    told once per file, kind and day. Safe from several servers at once: each request is locked
    and the day's key re-checked under the lock (and a unique key refuses a second row)."""
    from ..operations.calendar import office_calendar

    now = now or utcnow()
    horizon = (now + timedelta(days=10)).date()  # the next working day is never further off
    candidates = db.session.scalars(
        select(Request.id)
        .where(
            Request.due_date.is_not(None),
            Request.due_date <= horizon,
            Request.clock_started_on.is_not(None),
            Request.clock_stopped_on.is_(None),
            Request.clock_paused_on.is_(None),
        )
        .order_by(Request.id)
    ).all()
    db.session.rollback()
    written = []
    for request_id in candidates:
        request = lock_unless_taken(request_id)
        if request is None or request.due_date is None or request.clock_stopped_on or request.clock_paused_on:
            db.session.rollback()
            continue
        today = local_date(now, request.office.timezone)
        kind = _reminder_kind(request, today, office_calendar(request.office_id))
        key = f"{kind}:{request.id}:{today.isoformat()}" if kind else None
        if kind is None or db.session.scalar(
            select(exists().where(and_(Notification.request_id == request.id, Notification.dedupe_key == key)))
        ):
            db.session.rollback()
            continue
        for user in _assignees_and_heads(request):
            notify_user(user, request, kind, dedupe_key=key)
        db.session.commit()
        written.append((request_id, kind))
    return written


def _reminder_kind(request, today: date, calendar) -> str | None:
    if request.due_date < today:
        return "overdue"
    if request.due_date == calendar.add_days(today, 1, "working"):
        return "due_soon"
    return None


def _assignees_and_heads(request) -> list[User]:
    users = {u.id: u for u in request.assignees if u.active}
    # a stage before the office's own clock (the administrative check) is the intake officers' duty
    audiences = ("officers", "heads") if request.clock_stage else ("heads",)
    for name in audiences:
        for user in audience(request, Notify(name), None):
            users.setdefault(user.id, user)
    return [users[i] for i in sorted(users)]


def send_pending(now=None, batch: int = 50) -> tuple[int, int]:
    """Deliver what is due; return (sent, failed). Safe to run from several servers at once."""
    now = now or utcnow()
    claimed = _claim(now, batch)
    sent = failed = 0
    config = current_app.config
    for message_id in claimed:
        message = db.session.get(OutboxMessage, message_id)
        try:
            # a transition's notice is rendered here, from the context it was written with
            body = message.body
        except Exception as exc:  # a text that cannot be rendered is kept and retried like a failed send
            log.exception("e-mail %s to %s could not be rendered", message.id, message.recipient)
            _failed(message, exc, now)
            failed += 1
        else:
            try:
                _deliver(message, body, config)
            except (OSError, smtplib.SMTPException, ValueError) as exc:  # ValueError: an unusable header
                _failed(message, exc, now)
                failed += 1
            else:
                message.attempts += 1
                message.sent_at, message.claimed_until, message.last_error = utcnow(), None, None
                message.stored_body = body  # the text as sent stays on record
                sent += 1
        db.session.commit()  # commits itself: each message's outcome stands, whatever the next one does
    return sent, failed


def _failed(message: OutboxMessage, exc: Exception, now) -> None:
    message.attempts += 1
    message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    log.warning("e-mail %s to %s failed (attempt %d): %s", message.id, message.recipient, message.attempts, exc)
    # 1, 2, 4, 8 ... minutes, at most six hours: a server that is down gets time to return
    message.next_attempt_at = now + min(timedelta(minutes=2 ** (message.attempts - 1)), MAX_BACKOFF)
    message.claimed_until = None


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


def issued_filename(issued: IssuedDocument) -> str:
    return f"{issued.kind}-{issued.code}.pdf"


def _deliver(message: OutboxMessage, body: str, config) -> None:
    email = EmailMessage()
    email["From"] = config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = f"<outbox-{message.id}@{config['MAIL_SENDER'].rsplit('@', 1)[-1].strip('>')}>"
    email.set_content(body)
    if message.attachment is not None:
        maintype, _slash, rest = (message.attachment_type or "application/octet-stream").partition("/")
        subtype, *params = [p.strip() for p in rest.split(";")]
        email.add_attachment(
            message.attachment.encode(),
            maintype=maintype,
            subtype=subtype,
            filename=message.attachment_name,
            params=dict(p.split("=", 1) for p in params if "=" in p),
        )
    if message.issued_document_id is not None:
        from .issued import render_issued

        issued = db.session.get(IssuedDocument, message.issued_document_id)
        # the stored bytes (rendered now if the after-commit rendering did not run)
        email.add_attachment(
            render_issued(issued), maintype="application", subtype="pdf", filename=issued_filename(issued)
        )
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)
