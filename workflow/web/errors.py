"""Error handling for the whole app: JSON under /api/, pages elsewhere. Every error rolls the
session back first, so a failed request leaves nothing half-written."""

from flask import abort, flash, redirect, render_template, request
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from ..engine.errors import HarmoniError, InvalidInput, StaleVersion
from ..extensions import db
from ..i18n import gettext as _
from .api.errors import error_response, http_error_response


def wants_json() -> bool:
    return request.path.startswith("/api/")


def page(status: int, message: str):
    return render_template("errors/error.html", status=status, message=message), status


def handle_harmoni_error(error: HarmoniError):
    db.session.rollback()
    if wants_json():
        return error_response(error.status, error.code, error.message, error.details)
    return page(error.status, error.message)


def handle_http_exception(error: HTTPException):
    db.session.rollback()
    if wants_json():
        return http_error_response(error)
    if error.code == 413 and request.referrer and request.referrer.startswith(request.host_url):
        # the body never reached the form: say why on the page the user came from
        flash(_("Berkas terlalu besar. Tidak ada yang disimpan; pilih berkas yang lebih kecil."), "danger")
        return redirect(request.referrer)
    if error.code == 400 and "CSRF" in (error.description or ""):
        return page(400, _("Formulir kedaluwarsa atau tidak sah. Muat ulang halaman dan coba lagi."))
    return page(error.code, error.description) if error.code != 404 else page(404, _("Halaman tidak ditemukan."))


def handle_stale_row(_error):
    return handle_harmoni_error(StaleVersion())


def handle_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    db.session.rollback()
    from flask import current_app

    current_app.logger.exception("unhandled error")
    if wants_json():
        return http_error_response(InternalServerError())
    return page(500, _("Terjadi kesalahan pada server. Tidak ada perubahan yang disimpan."))


def refuse_nul_characters():
    """No path, form field or query argument takes a NUL character, and PostgreSQL refuses it in
    text (a 500 wherever it reached a query): a request carrying one is refused at the door, the
    fields named."""
    if "\x00" in request.path:
        abort(404)  # no page or object has such a name
    fields = sorted(
        {
            key
            for values in (request.args, request.form)
            for key, vs in values.lists()
            if "\x00" in key or any("\x00" in v for v in vs)
        }
    )
    if fields:
        message = _("Isian memuat karakter yang tidak sah (NUL).")
        raise InvalidInput(message, details={field.replace("\x00", "") or "_": [message] for field in fields})


def register_errorhandlers(app) -> None:
    app.before_request(refuse_nul_characters)
    app.register_error_handler(HarmoniError, handle_harmoni_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(StaleDataError, handle_stale_row)
    app.register_error_handler(Exception, handle_unexpected)
