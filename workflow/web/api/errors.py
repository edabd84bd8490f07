"""The API's one error shape: {"error": {"code": ..., "message": ..., "details": ...}}."""

from http import HTTPStatus

import marshmallow as ma
from flask import jsonify
from werkzeug.exceptions import HTTPException

# Status -> (code, Indonesian message) for errors raised by Flask/werkzeug rather than Harmoni.
HTTP_ERRORS = {
    401: ("unauthorized", "Token API tidak ada atau tidak sah."),
    403: ("forbidden", "Anda tidak berwenang melakukan tindakan ini."),
    404: ("not_found", "Data tidak ditemukan."),
    405: ("method_not_allowed", "Metode tidak diizinkan."),
    409: ("conflict", "Terjadi konflik dengan status data saat ini."),
    413: ("too_large", "Berkas atau permintaan terlalu besar."),
    415: ("unsupported_media_type", "Jenis konten tidak didukung."),
    422: ("invalid_input", "Masukan tidak valid."),
    429: ("rate_limited", "Terlalu banyak permintaan. Coba lagi nanti."),
    500: ("internal_error", "Terjadi kesalahan pada server."),
}


class ErrorBody(ma.Schema):
    code = ma.fields.String(metadata={"description": "Machine-readable error code"})
    message = ma.fields.String(metadata={"description": "Human-readable message (Indonesian)"})
    details = ma.fields.Raw(metadata={"description": "Field errors or failed-guard reasons"})


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(ErrorBody)


def answers(blp, *statuses: int):
    """Document the error statuses an operation really answers (403, 404, 409 ...), each with the
    shared error schema: the response components flask-smorest registers for every status
    (FORBIDDEN, NOT_FOUND, CONFLICT ...) carry the api's ERROR_SCHEMA. Without them a client and
    the contract tests see only the 422 of the arguments and `default`."""

    def decorate(view):
        for status in statuses:
            view = blp.alt_response(status, response=HTTPStatus(status).name)(view)
        return view

    return decorate


def error_response(status: int, code: str, message: str, details=None, headers=None):
    body = {"code": code, "message": str(message)}
    if details:
        body["details"] = details
    response = jsonify(error=body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def http_error_response(error: HTTPException):
    # A body that is not even JSON is invalid input like any other: one status for all of it.
    status = 422 if error.code == 400 else error.code
    code, message = HTTP_ERRORS.get(status, ("error", error.description))
    # webargs puts field errors under data["messages"], keyed by location
    details = (getattr(error, "data", None) or {}).get("messages")
    if isinstance(details, dict) and len(details) == 1:
        details = next(iter(details.values()))
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)  # RFC 9110: a 405 says what is allowed
    return error_response(status, code, message, details, headers)
