"""The user's own account (/akun): who they are, their password, the sessions they have open and
their API tokens, each of which they can end."""

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, session, url_for
from flask_login import current_user, login_required, logout_user

from ..extensions import db
from ..i18n import gettext as _
from ..models.time import utcnow
from ..operations import accounts
from .forms import DeleteForm, TokenForm

bp = Blueprint("account", __name__, url_prefix="/akun")


@bp.before_request
@login_required
def signed_in_only():
    pass


def page(token_form=None, new_token=None, status=200):
    response = current_app.make_response(
        (
            render_template(
                "account/index.html",
                sessions=accounts.sessions_of(current_user),
                this_session=g.user_session.id,
                tokens=accounts.tokens_of(current_user),
                now=utcnow(),
                form=DeleteForm(),
                token_form=token_form or TokenForm(formdata=None),  # empty again after a token is made
                new_token=new_token,
                token_days=current_app.config["API_TOKEN_DAYS"],
            ),
            status,
        )
    )
    if new_token:
        response.headers["Cache-Control"] = "no-store"  # the token is shown once: never from a cache
    return response


@bp.get("/")
def index():
    return page()


@bp.post("/sesi/<id:session_id>/akhiri")
def end_session(session_id):
    if not DeleteForm().validate_on_submit():
        abort(400)
    if not accounts.end_session(current_user, session_id):
        abort(404)  # not a session of this user's (or ended already)
    db.session.commit()
    if session_id == g.user_session.id:  # ending this session is signing out
        logout_user()
        session.clear()
        flash(_("Anda telah keluar."), "info")
        return redirect(url_for("auth.login"))
    flash(_("Sesi diakhiri."), "success")
    return redirect(url_for("account.index"))


@bp.post("/sesi/akhiri-lainnya")
def end_other_sessions():
    if not DeleteForm().validate_on_submit():
        abort(400)
    ended = accounts.end_other_sessions(current_user, g.user_session.id)
    db.session.commit()
    flash(_("%(count)s sesi lain diakhiri.", count=ended), "success")
    return redirect(url_for("account.index"))


@bp.post("/keluar-semua")
def sign_out_everywhere():
    """Every session of the account ends, this one too, and any copy of their cookies."""
    if not DeleteForm().validate_on_submit():
        abort(400)
    accounts.end_all_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Anda telah keluar dari semua perangkat."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/token")
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return page(token_form=form, status=422)
    token = accounts.issue_token(current_user, label=(form.label.data or "").strip())
    db.session.commit()
    return page(new_token=token)


@bp.post("/token/<id:token_id>/cabut")
def revoke_token(token_id):
    if not DeleteForm().validate_on_submit():
        abort(400)
    if not accounts.revoke_token(current_user, token_id):
        abort(404)  # not a token of this user's (or revoked already)
    db.session.commit()
    flash(_("Token dicabut."), "success")
    return redirect(url_for("account.index"))
