"""The confirmation of a request filed from a public form or at the counter, after the redirect
(Post/Redirect/Get): the session remembers which request was filed, so that reloading the
confirmation shows it again and never files again. The PIN is shown on the first view only."""

from flask import session

from ..extensions import db
from ..models import Request

RECEIPT = "receipt"


def remember_receipt(request: Request, code: str, pin: str) -> None:
    session[RECEIPT] = {"id": request.id, "code": code, "pin": pin}


def current_receipt() -> tuple[Request | None, str | None, str | None]:
    """(request, tracking code, PIN or None once shown) of the last filing in this session."""
    data = session.get(RECEIPT)
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return None, None, None
    request = db.session.get(Request, data["id"])
    if request is None:
        return None, None, None
    pin = data.get("pin")
    if pin is not None:
        session[RECEIPT] = {"id": data["id"], "code": data["code"]}  # shown once
    return request, data.get("code"), pin


def receipt_request() -> Request | None:
    """The request of the last filing in this session, without touching the PIN."""
    data = session.get(RECEIPT)
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return None
    return db.session.get(Request, data["id"])
