"""Test helpers: an API client that acts as a demo user, sample files, request set-up."""

import io
import zipfile
from contextlib import contextmanager

from sqlalchemy import select, update

from workflow.extensions import db
from workflow.models import Organisation, Request, User

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


ALIASES = {
    "admin": "admin@harmoni.test",
    "head": "kakanwil@harmoni.test",
    "officer": "perancang1@harmoni.test",
    "officer2": "perancang2@harmoni.test",
    "drafter": "hukum.kotakupang@harmoni.test",
    "other_drafter": "hukum.sikka@harmoni.test",
}
REQUIRED = {
    "ranperda": ["surat_permohonan", "naskah_akademik", "sk_tim_penyusun", "rancangan", "sk_propemperda"],
    "ranperkada": ["surat_permohonan", "naskah_akademik", "sk_tim_penyusun", "rancangan"],
}

# What a harmonisation's drafter gives with the request (submitting needs both)
APPLICATION_LETTER = {"application_letter_number": "100.3.3/120/HK/2026", "application_letter_date": "2026-01-05"}


def user(alias) -> User:
    return db.session.scalar(select(User).where(User.email == ALIASES.get(alias, alias)))


class ApiClient:
    """`api.as_("drafter").post("/requests", json=...)`; paths are relative to /api/v1."""

    def __init__(self, app, alias=None):
        self.app, self.alias = app, alias
        self.client = app.test_client()

    def as_(self, alias):
        return ApiClient(self.app, alias)

    def _headers(self, headers=None):
        h = dict(headers or {})
        if self.alias:
            h.setdefault("Authorization", "Bearer " + self.app.config["TEST_TOKENS"][ALIASES[self.alias]])
        return h

    def get(self, path, **kw):
        return self.client.get("/api/v1" + path, headers=self._headers(kw.pop("headers", None)), **kw)

    def post(self, path, **kw):
        return self.client.post("/api/v1" + path, headers=self._headers(kw.pop("headers", None)), **kw)

    def put(self, path, **kw):
        return self.client.put("/api/v1" + path, headers=self._headers(kw.pop("headers", None)), **kw)

    def create(self, process="ranperda", title="Rancangan Peraturan Daerah tentang Uji", **extra):
        if process in REQUIRED:  # a harmonisation is submitted only with its application letter's number and date
            extra = APPLICATION_LETTER | extra
        r = self.post("/requests", json={"process": process, "title": title, **extra})
        assert r.status_code == 201, r.get_json()
        return r.get_json()

    def upload(self, request_id, kind, content=PDF, filename="berkas.pdf"):
        return self.post(
            f"/requests/{request_id}/documents",
            data={"kind": kind, "file": (io.BytesIO(content), filename)},
            content_type="multipart/form-data",
        )

    def fire(self, request_id, trigger, version=None, comment=None, **data):
        if version is None:
            version = self.get(f"/requests/{request_id}").get_json()["version"]
        body = {"trigger": trigger, "version": version, "data": data}
        if comment is not None:
            body["comment"] = comment
        return self.post(f"/requests/{request_id}/transitions", json=body)

    def ok(self, response, status=200):
        assert response.status_code == status, response.get_json()
        return response.get_json()


def submitted_request(api, process="ranperda"):
    """A request of Kota Kupang with every required document, submitted."""
    drafter = api.as_("drafter")
    req = drafter.create(process)
    for kind in REQUIRED[process]:
        drafter.ok(drafter.upload(req["id"], kind), 201)
    return drafter.ok(drafter.fire(req["id"], "submit"))


def force_state(request_id, state, **fields):
    """Put a request in `state` directly (test set-up only; production goes through fire())."""
    # a Core UPDATE: it leaves the version alone, as if the request had always been there
    db.session.execute(update(Request).where(Request.id == request_id).values(state=state, **fields))
    db.session.commit()


def final_minutes(request_id, conclusion="harmonis"):
    """Final minutes (berita acara) for a request whose meeting was held: what a conclusion
    needs. Call inside an app context; the request must be in `meeting_held` or later. The officer
    finalises, the head approves (which numbers and issues them)."""
    from workflow.operations.minutes import approve_minutes, finalise_minutes

    minutes = draft_minutes(request_id, conclusion)
    finalise_minutes(minutes, user("officer"), version=minutes.version)
    issued = approve_minutes(minutes, user("head"), version=minutes.version)
    db.session.commit()
    return issued


def finalise_and_approve(api, minutes: dict) -> dict:
    """Through the API: the officer finalises the minutes (awaiting approval), the head approves
    them (numbered and issued). Returns the final minutes' JSON."""
    officer, head = api.as_("officer"), api.as_("head")
    awaiting = officer.ok(officer.post(f"/minutes/{minutes['id']}/finalise", json={"version": minutes["version"]}))
    assert awaiting["status"] == "awaiting_approval" and awaiting["issued_document"] is None, awaiting
    return head.ok(head.post(f"/minutes/{minutes['id']}/approve", json={"version": awaiting["version"]}))


def draft_minutes(request_id, conclusion="harmonis"):
    """Draft minutes of a held meeting on the request (flushed, not committed)."""
    from datetime import date, datetime, timedelta

    from workflow.models import Meeting, Minutes, Participant

    req = db.session.get(Request, request_id)
    head, officer = user("head"), user("officer")
    meeting = Meeting(
        office_id=req.office_id,
        title="Rapat pengharmonisasian uji",
        status="held",
        starts_at=datetime(2026, 3, 2, 1, 0),
        place="Aula Kanwil",
        chair_id=head.id,
        created_by_id=officer.id,
        requests=[req],
        participants=[
            Participant(
                name="Agustinus Lake",
                position="Kepala Bagian Hukum",
                institution="Pemerintah Kota Kupang",
                side="applicant",
            )
        ],
    )
    db.session.add(meeting)
    db.session.flush()
    minutes = Minutes(
        request_id=req.id,
        meeting_id=meeting.id,
        conclusion=conclusion,
        notes="Perbaiki Pasal 5." if conclusion != "harmonis" else None,
        correction_deadline=date.today() + timedelta(days=30) if conclusion == "harmonis_with_notes" else None,
        signatories=[{"name": head.name, "position": "Kepala Kantor Wilayah", "side": "office"}],
        created_by_id=officer.id,
    )
    db.session.add(minutes)
    db.session.flush()
    return minutes


def restore_demo_people() -> None:
    """The demo people's names, positions and NIPs and the organisations' seats as seed-demo sets
    them. A migration test that downgrades below their columns and upgrades back empties them for
    every later test of the session (and with xdist, which tests follow it varies)."""
    from workflow.demo import ORGANISATIONS, USERS

    for email, name, _role, _org, position, nip in USERS:
        u = db.session.scalar(select(User).where(User.email == email))
        u.name, u.position, u.nip = name, position, nip
    for name, _kind, _region, seat in ORGANISATIONS:
        db.session.scalar(select(Organisation).where(Organisation.name == name)).seat = seat
    db.session.commit()


@contextmanager
def another_office_user(app, role: str, email: str, name: str):
    """An active account of another Kanwil (Bali), with an API token; yields (user id, token) and
    removes the account, its token, its assignments and the office again afterwards."""
    from sqlalchemy import delete

    from workflow.models import ApiToken, Office, request_assignees

    with app.app_context():
        office = Office(code="BALI-UJI", name="Kanwil Kementerian Hukum Bali", timezone="Asia/Makassar")
        db.session.add(office)
        db.session.flush()
        account = User(email=email, name=name, role=role, office_id=office.id, password_hash="!")
        db.session.add(account)
        db.session.flush()
        token = ApiToken.issue(account)
        db.session.commit()
        ids = account.id, office.id
    try:
        yield ids[0], token
    finally:
        with app.app_context():
            db.session.execute(delete(request_assignees).where(request_assignees.c.user_id == ids[0]))
            db.session.execute(delete(ApiToken).where(ApiToken.user_id == ids[0]))
            db.session.execute(delete(User).where(User.id == ids[0]))
            db.session.execute(delete(Office).where(Office.id == ids[1]))
            db.session.commit()
