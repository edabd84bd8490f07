"""Sign-in, sign-out, password change, language switch."""

import math
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from ..extensions import LANGUAGES, db, limiter
from ..i18n import gettext as _
from ..models import User
from ..models.time import utcnow
from ..operations import accounts, throttle
from ..passwords import password_problem
from .forms import LoginForm, PasswordForm

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only a path on this site: an absolute URL in ?next= would be an open redirect."""
    try:
        parts = urlsplit(target or "")
    except ValueError:  # e.g. "//[": not a URL at all
        parts = None
    if target and parts and not parts.netloc and not parts.scheme and target.startswith("/"):
        return target
    return landing_page()


def landing_page() -> str:
    """Where a signed-in user starts: the head of office on the dashboard, everyone else on their
    work queue (or their organisation's requests)."""
    if current_user.is_authenticated and current_user.role == "head":
        return url_for("dashboard.index")
    return url_for("cases.index")


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(landing_page())
    form = LoginForm()
    status = 422  # when the form has errors: 429 while the address is locked
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = None
        until = throttle.locked_until(throttle.SIGN_IN, email)
        if until is not None:
            # the same for every address, with an account or without: nothing to learn from it
            form.email.errors.append(locked_message(until))
            status = 429
        elif (user := db.session.scalar(select(User).where(User.email == email))) is None:
            User.check_no_password(form.password.data)  # as long as a wrong password: nothing to learn
            failed_sign_in(form, email)
        elif not user.check_password(form.password.data):
            failed_sign_in(form, email)
        elif not user.active:
            form.email.errors.append(_("Akun ini tidak aktif. Hubungi admin."))
        else:
            throttle.clear(throttle.SIGN_IN, email)
            sign_in(user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), status if form.errors else 200


def locked_message(until) -> str:
    minutes = max(1, math.ceil((until - utcnow()).total_seconds() / 60))
    return _(
        "Terlalu banyak percobaan masuk yang gagal untuk alamat ini. Coba lagi dalam %(minutes)s menit.",
        minutes=minutes,
    )


def failed_sign_in(form, email: str) -> None:
    """Count the failure against the address (stored: every process sees it) and say so."""
    until = throttle.record_failure(throttle.SIGN_IN, email)
    db.session.commit()
    form.password.errors.append(_("Email atau kata sandi salah."))
    if until is not None:
        form.password.errors.append(locked_message(until))


def sign_in(user: User) -> None:
    """A fresh session for `user` in this browser: nothing from before survives (fixation), and a
    row of its own that its user can see and end (operations/accounts.py)."""
    lang = session.get("lang") or user.language
    session.clear()
    if lang:
        session["lang"] = lang
    session["sid"] = accounts.start_session(
        user, user_agent=request.headers.get("User-Agent", ""), address=request.remote_addr or ""
    )
    login_user(user)


@bp.post("/keluar")
@login_required
def logout():
    accounts.end_session(current_user, g.user_session.id)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Anda telah keluar."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/akun/kata-sandi", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        problem = password_problem(form.new.data, email=current_user.email, name=current_user.name)
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("Kata sandi saat ini salah."))
        elif problem:
            form.new.errors.append(_(problem))
        else:
            # every session ends and every API token is revoked; this browser signs in afresh
            user = current_user._get_current_object()
            accounts.change_password(user, form.new.data)
            sign_in(user)
            db.session.commit()
            flash(_("Kata sandi telah diubah. Sesi lain dan token API Anda telah diakhiri."), "success")
            return redirect(url_for("cases.index"))
    return render_template("auth/password.html", form=form), 200 if not form.errors else 422


@bp.post("/bahasa/<lang>")
def set_language(lang):
    if lang in LANGUAGES:
        session["lang"] = lang
        if current_user.is_authenticated and current_user.language != lang:
            current_user.language = lang  # notifications are written in it, outside the session
            db.session.commit()
    return redirect(safe_next(request.form.get("next")))
