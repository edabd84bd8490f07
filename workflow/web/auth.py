"""Sign-in, sign-out, password change, language switch."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from ..extensions import LANGUAGES, db, limiter
from ..i18n import gettext as _
from ..models import User
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
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == form.email.data.strip().lower()))
        if user is None:
            User.check_no_password(form.password.data)  # as long as a wrong password: nothing to learn
            form.password.errors.append(_("Email atau kata sandi salah."))
        elif not user.check_password(form.password.data):
            form.password.errors.append(_("Email atau kata sandi salah."))
        elif not user.active:
            form.email.errors.append(_("Akun ini tidak aktif. Hubungi admin."))
        else:
            lang = session.get("lang") or user.language
            session.clear()  # a fresh session on sign-in: nothing from before survives (fixation)
            if lang:
                session["lang"] = lang
            login_user(user)
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 422


@bp.post("/keluar")
@login_required
def logout():
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
            current_user.set_password(form.new.data)
            db.session.commit()
            flash(_("Kata sandi telah diubah."), "success")
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
