"""The JSON API under /api/v1, documented by flask-smorest at /api/v1/openapi.json."""
from flask import request
from flask_smorest import Api
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from ...engine.errors import HarmoniError, StaleVersion
from ...extensions import db
from .errors import ErrorSchema, error_response, http_error_response


class HarmoniApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        # Only API paths answer JSON; pages keep Flask's own error pages.
        if not request.path.startswith("/api/"):
            return error
        db.session.rollback()
        return http_error_response(error)


api = HarmoniApi(spec_kwargs={
    "info": {"description": "Harmoni: harmonisasi rancangan peraturan daerah dan layanan hukum."},
    "security": [{"bearerAuth": []}],
})


def init_api(app) -> None:
    from . import reference, requests  # noqa: F401  (register the views)

    api.init_app(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for blueprint in (reference.blp, requests.blp):
        api.register_blueprint(blueprint)

    @app.errorhandler(HarmoniError)
    def harmoni_error(error: HarmoniError):
        db.session.rollback()
        return error_response(error.status, error.code, error.message, error.details)

    @app.errorhandler(StaleDataError)
    def stale_row(_error):
        # the version_id_col check caught a write that slipped past the explicit version check
        db.session.rollback()
        return error_response(StaleVersion.status, StaleVersion.code, StaleVersion.message)

    @app.errorhandler(Exception)
    def unexpected(error):
        if isinstance(error, HTTPException):
            return api.handle_http_exception(error)
        db.session.rollback()
        app.logger.exception("unhandled error")
        if request.path.startswith("/api/"):
            return http_error_response_500()
        raise error


def http_error_response_500():
    from .errors import HTTP_ERRORS

    code, message = HTTP_ERRORS[500]
    return error_response(500, code, message)
