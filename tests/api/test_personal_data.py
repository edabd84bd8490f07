"""UU 27/2022: a public request's sensitive fields and the applicant's documents are for heads and
assigned officers only, every read of them is logged, and everyone else gets them redacted."""

from sqlalchemy import func, select

from workflow.documents.store import DocumentStore
from workflow.extensions import db
from workflow.models import AccessLog, Document
from workflow.operations.public import submit_public_request

from ..helpers import PDF, user

DETAILS = {
    "name": "Maria Nenobais",
    "nik": "5371014107850001",
    "address": "Oesapa, Kota Kupang",
    "phone": "0812",
    "problem": "Sengketa warisan",
    "case_type": "perdata",
}


def legal_aid(app):
    with app.app_context():
        req, _code, _pin = submit_public_request(
            "legal_aid",
            details=DETAILS,
            email=None,
            language="id",
            uploads=[("ktp", "ktp.pdf", PDF), ("sktm", "sktm.pdf", PDF)],
            store=DocumentStore(app.config["DOCUMENT_STORE"]),
            max_bytes=10**6,
        )
        db.session.commit()
        ktp = db.session.scalar(select(Document.id).where(Document.request_id == req.id, Document.kind == "ktp"))
        return req.id, ktp


def reads(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AccessLog))


def test_an_unassigned_officer_sees_redacted_details_and_cannot_open_the_id_card(api):
    rid, ktp = legal_aid(api.app)
    officer = api.as_("officer")
    details = officer.ok(officer.get(f"/requests/{rid}"))["details"]
    assert details["name"] == "Maria Nenobais"  # not sensitive
    assert details["nik"] == details["address"] == details["problem"] == "[disembunyikan]"
    r = officer.get(f"/requests/{rid}/documents/{ktp}")
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "forbidden"
    assert reads(api.app) == 0  # a redacted view reads nothing


def test_heads_and_assigned_officers_read_them_and_each_read_is_logged(api):
    rid, ktp = legal_aid(api.app)
    head = api.as_("head")
    assert head.ok(head.get(f"/requests/{rid}"))["details"]["nik"] == DETAILS["nik"]
    assert head.get(f"/requests/{rid}/documents/{ktp}").status_code == 200
    assert reads(api.app) == 2
    with api.app.app_context():
        officer_id = user("officer").id
    head.ok(head.fire(rid, "assign", assignees=[officer_id]))  # fire() reads the request first: 3
    officer = api.as_("officer")
    assert officer.ok(officer.get(f"/requests/{rid}"))["details"]["problem"] == DETAILS["problem"]
    assert reads(api.app) == 4
    with api.app.app_context():
        last = db.session.scalars(select(AccessLog).order_by(AccessLog.id.desc())).first()
        assert last.user_id == officer_id and set(last.fields) == {"nik", "address", "problem"}
