"""The bell: a signed-in user's notifications (only their own), and which kinds they also want
by e-mail (`/akun/notifikasi`)."""

from math import ceil

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select, update

from ..extensions import db
from ..i18n import gettext as _
from ..models import MAX_ID, Notification
from ..models.notification import KINDS_BY_ROLE, NOTIFICATION_KINDS
from ..models.time import utcnow
from .cases import validate_csrf_form

bp = Blueprint("notifications", __name__)
PER_PAGE = 25


def unread_count(user) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


@bp.app_context_processor
def bell():
    """The unread count for the top bar, for signed-in users only: read with the user when the
    session was loaded (operations/accounts.py), else one indexed COUNT."""
    if current_user and current_user.is_authenticated:
        count = current_user.unread_notifications
        return {"unread_notifications": unread_count(current_user) if count is None else count}
    return {"unread_notifications": None}


@bp.get("/notifikasi")
@login_required
def index():
    """The user's notifications, newest first; those shown are marked read (the unread ones are
    highlighted this once)."""
    page = request.args.get("page", 1, type=int)
    page = min(max(page or 1, 1), 10_000)
    mine = select(Notification).where(Notification.user_id == current_user.id)
    total = db.session.scalar(select(func.count()).select_from(mine.subquery()))
    rows = db.session.scalars(mine.order_by(Notification.id.desc()).limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    unread = {n.id for n in rows if n.read_at is None}
    html = render_template(
        "notifications/index.html",
        rows=rows,
        unread=unread,
        page=page,
        pages=max(1, ceil(total / PER_PAGE)),
        unread_left=unread_count(current_user) - len(unread),
    )
    if unread:
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(unread), Notification.user_id == current_user.id)
            .values(read_at=utcnow())
        )
    db.session.commit()
    return html


@bp.get("/notifikasi/<id:notification_id>")
@login_required
def open_(notification_id):
    """Mark one read and go where its next step is taken. Another user's is not found (404)."""
    row = db.session.get(Notification, notification_id) if notification_id <= MAX_ID else None
    if row is None or row.user_id != current_user.id:
        abort(404)
    if row.read_at is None:
        row.read_at = utcnow()
    db.session.commit()
    return redirect(row.link if row.link.startswith("/") else url_for("notifications.index"))


@bp.route("/akun/notifikasi", methods=["GET", "POST"])
@login_required
def settings():
    kinds = KINDS_BY_ROLE.get(current_user.role, ())
    if request.method == "POST":
        if not validate_csrf_form():
            abort(400)
        wanted = set(request.form.getlist("email"))
        current_user.email_opt_out = [k for k in kinds if k not in wanted]
        db.session.commit()
        flash(_("Pengaturan pemberitahuan disimpan."), "success")
        return redirect(url_for("notifications.settings"))
    return render_template(
        "notifications/settings.html",
        kinds=[(k, NOTIFICATION_KINDS[k], k not in (current_user.email_opt_out or ())) for k in kinds],
    )
