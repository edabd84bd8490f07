"""Sensitive document kinds (UU 27/2022) follow the rule of sensitive fields, whoever uploaded them:
a naturalisation file's passport copy and civil records, uploaded by the office, are downloaded only
by heads and the staff assigned to the request, each read logged in access_log; everyone else sees
them listed with the name hidden, and a download is refused. A matrix of roles."""

import pytest
from sqlalchemy import func, select

from workflow.documents.store import DocumentStore
from workflow.extensions import db
from workflow.models import AccessLog, Request
from workflow.operations.requests import create_request, upload_document

from ..helpers import PDF, user

DETAILS = {"name": "John Tan", "nationality": "Singapura", "passport": "K1234567", "address": "Jl. Timor Raya"}
# role -> (sees the name and downloads, the request visible at all)
MATRIX = {
    "head": (True, True),
    "assigned_officer": (True, True),
    "registrar_not_assigned": (False, True),  # registered it and uploaded the copy, yet not assigned
    "admin": (False, True),
    "drafter": (False, False),  # an applicant organisation's drafter: not their request
}
ALIAS = {
    "head": "head",
    "assigned_officer": "officer",
    "registrar_not_assigned": "officer2",
    "admin": "admin",
    "drafter": "drafter",
}


@pytest.fixture
def naturalisation(app):
    """Registered by officer2, with passport copy and civil records (and a decree) uploaded;
    officer1 assigned."""
    with app.app_context():
        registrar = user("officer2")
        req = create_request(registrar, process="naturalisation", details=DETAILS)
        db.session.flush()
        store = DocumentStore(app.config["DOCUMENT_STORE"])
        docs = {
            kind: upload_document(
                req, registrar, kind=kind, filename=f"{kind}-john-tan.pdf", content=PDF, store=store, max_bytes=10**6
            ).id
            for kind in ("passport_copy", "civil_records")
        }
        db.session.get(Request, req.id).assignees.append(user("officer"))
        db.session.commit()
        return req.id, docs


def reads(app, user_alias):
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(AccessLog).where(AccessLog.user_id == user(user_alias).id)
        )


@pytest.mark.parametrize("role", list(MATRIX))
def test_sensitive_documents_by_role_api(api, naturalisation, role):
    rid, docs = naturalisation
    allowed, visible = MATRIX[role]
    client = api.as_(ALIAS[role])
    listing = client.get(f"/requests/{rid}/documents")
    if not visible:
        assert listing.status_code == 404
        assert client.get(f"/requests/{rid}/documents/{docs['passport_copy']}").status_code == 404
        return
    rows = {d["kind"]: d for d in client.ok(listing)}
    for kind, doc_id in docs.items():
        before = reads(api.app, ALIAS[role])
        assert rows[kind]["redacted"] is (not allowed)
        assert (rows[kind]["filename"] == f"{kind}-john-tan.pdf") is allowed
        r = client.get(f"/requests/{rid}/documents/{doc_id}")
        if allowed:
            assert r.status_code == 200 and r.data == PDF
            assert reads(api.app, ALIAS[role]) == before + 1  # every read logged
            with api.app.app_context():
                last = db.session.scalars(select(AccessLog).order_by(AccessLog.id.desc())).first()
                assert last.fields == [f"document:{kind}"] and last.request_id == rid
        else:
            assert r.status_code == 403 and "data pribadi" in r.get_json()["error"]["message"]
            assert rows[kind]["filename"] == "[disembunyikan]"
            assert reads(api.app, ALIAS[role]) == before


@pytest.mark.parametrize("role", ["head", "assigned_officer", "registrar_not_assigned", "admin"])
def test_sensitive_documents_by_role_pages(api, naturalisation, signed_in, role):
    rid, docs = naturalisation
    allowed, _visible = MATRIX[role]
    browser = signed_in(ALIAS[role])
    page = browser.get(f"/permohonan/{rid}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    link = f"/permohonan/{rid}/dokumen/{docs['passport_copy']}"
    assert (link in html) is allowed
    assert ("passport_copy-john-tan.pdf" in html) is allowed
    assert ("[disembunyikan]" in html) is (not allowed)
    assert browser.get(link).status_code == (200 if allowed else 403)


@pytest.mark.parametrize("role", ["head", "registrar_not_assigned"])
def test_the_audit_trail_hides_the_file_name_with_the_document(api, naturalisation, role):
    rid, docs = naturalisation
    allowed, _visible = MATRIX[role]
    client = api.as_(ALIAS[role])
    uploads = [e for e in client.ok(client.get(f"/requests/{rid}/events")) if e["trigger"] == "upload_document"]
    assert len(uploads) == 2
    for e in uploads:
        assert (e["data"]["filename"] == "[disembunyikan]") is not allowed


# The human-rights complaint's intake (Permenkum 23/2022): an officer of the office checks that the
# complaint is complete before anyone is assigned, so, as with the chronology field, the documents
# that carry what they check (the complaint letter with its chronology, the evidence, the power of
# attorney) are theirs to read while the file is in intake, each read logged. The identity card is
# not, as the NIK and address fields are not: it stays for heads and assignees.
HR = {
    "name": "Markus Berkas",
    "nik": "5371010101900051",
    "address": "Jl. Berkas",
    "phone": "0812",
    "reported_party": "Instansi",
    "chronology": "Kronologi.",
    "represented": True,
}
HR_KINDS = ("ktp", "complaint_letter", "evidence", "power_of_attorney")
INTAKE_READABLE = {"complaint_letter", "evidence", "power_of_attorney"}


@pytest.fixture
def complaint(app):
    """A human-rights complaint filed by the public with its four documents; nobody assigned."""
    from workflow.actors import PublicActor
    from workflow.models import Office

    with app.app_context():
        office = db.session.scalar(select(Office))
        req = create_request(PublicActor(request_id=0), process="human_rights_complaint", details=HR, office=office)
        db.session.flush()
        store = DocumentStore(app.config["DOCUMENT_STORE"])
        docs = {
            kind: upload_document(
                req,
                PublicActor(request_id=req.id),
                kind=kind,
                filename=f"{kind}-markus.pdf",
                content=PDF,
                store=store,
                max_bytes=10**6,
            ).id
            for kind in HR_KINDS
        }
        db.session.commit()
        return req.id, docs


# state -> reader -> the kinds they download (the rest listed with the name hidden, refused)
HR_MATRIX = {
    "submitted": {"officer2": INTAKE_READABLE, "head": set(HR_KINDS), "admin": set()},
    "incomplete": {"officer2": INTAKE_READABLE, "head": set(HR_KINDS), "admin": set()},
    "examination": {"officer2": set(), "head": set(HR_KINDS), "admin": set()},  # past intake: the assignees'
}


@pytest.mark.parametrize("state,reader", [(s, r) for s, readers in HR_MATRIX.items() for r in readers])
def test_the_intake_officer_reads_the_complaint_documents_they_check(app, api, complaint, signed_in, state, reader):
    from ..helpers import force_state

    rid, docs = complaint
    with app.app_context():
        force_state(rid, state)
    readable = HR_MATRIX[state][reader]
    client = api.as_(reader)
    rows = {d["kind"]: d for d in client.ok(client.get(f"/requests/{rid}/documents"))}
    html = signed_in(reader).text(f"/permohonan/{rid}")
    for kind, doc_id in docs.items():
        allowed = kind in readable
        assert rows[kind]["redacted"] is (not allowed), kind
        assert (f"{kind}-markus.pdf" in html) is allowed, kind
        before = reads(app, reader)
        r = client.get(f"/requests/{rid}/documents/{doc_id}")
        assert r.status_code == (200 if allowed else 403), kind
        assert reads(app, reader) == before + (1 if allowed else 0)  # every read logged
        page = signed_in(reader).get(f"/permohonan/{rid}/dokumen/{doc_id}")
        assert page.status_code == (200 if allowed else 403), kind
