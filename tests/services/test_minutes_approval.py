"""Approval before issuing (issue 13 §3): an officer's finalised minutes await the head or the
delegate named in the office settings, who approves (numbered and issued, signed "a.n." by the
delegate) or sends them back with a comment (a draft again, nothing numbered).

- the state x action x role table: every minutes status x finalise / approve / send-back / revise x
  drafter / officer / head / delegate / admin, through the API, a refusal changing nothing;
- no gap in the series: a refused approval numbers nothing, the next approval takes the next number;
- both decisions are events of the request's audit trail, and `audit verify` still passes;
- the conclusion needs approved minutes;
- the e-mail each party gets (a real SMTP server), and the undangan rapat attached to invitations.
"""

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from workflow.extensions import db
from workflow.models import Counter, Event, IssuedDocument, Minutes, Office
from workflow.operations.minutes import approve_minutes, finalise_minutes, revise_minutes
from workflow.operations.notifications import send_pending

from ..helpers import draft_minutes, force_state, submitted_request, user
from ..test_cli import cli
from .test_outbox import smtp  # noqa: F401  (the fixture)

ROLES = ("drafter", "officer", "head", "delegate", "admin")
ALIAS = {"drafter": "drafter", "officer": "officer", "head": "head", "delegate": "officer2", "admin": "admin"}
STATES = ("draft", "awaiting_approval", "final", "superseded")
ACTIONS = ("finalise", "approve", "send_back", "revise")

# (status, action) -> the outcome for each role: an HTTP error status, or the minutes' status after
# (revise: the new revision's). The checks come in fire()'s order: visible (a drafter never sees
# minutes before they are final: 404), then the version, then the status (409), then the role (403);
# composing the minutes (finalise, revise) is the staff's (403 before the status).
DRAFT, AWAITING, FINAL = "draft", "awaiting_approval", "final"
EXPECTED = {
    ("draft", "finalise"): {"drafter": 404, "officer": AWAITING, "head": FINAL, "delegate": FINAL, "admin": 403},
    ("draft", "approve"): {"drafter": 404, "officer": 409, "head": 409, "delegate": 409, "admin": 409},
    ("draft", "send_back"): {"drafter": 404, "officer": 409, "head": 409, "delegate": 409, "admin": 409},
    ("draft", "revise"): {"drafter": 404, "officer": 409, "head": 409, "delegate": 409, "admin": 403},
    ("awaiting_approval", "finalise"): {"drafter": 404, "officer": 409, "head": 409, "delegate": 409, "admin": 403},
    ("awaiting_approval", "approve"): {"drafter": 404, "officer": 403, "head": FINAL, "delegate": FINAL, "admin": 403},
    ("awaiting_approval", "send_back"): {
        "drafter": 404,
        "officer": 403,
        "head": DRAFT,
        "delegate": DRAFT,
        "admin": 403,
    },
    ("awaiting_approval", "revise"): {"drafter": 404, "officer": 409, "head": 409, "delegate": 409, "admin": 403},
    ("final", "finalise"): {"drafter": 403, "officer": 409, "head": 409, "delegate": 409, "admin": 403},
    ("final", "approve"): {"drafter": 409, "officer": 409, "head": 409, "delegate": 409, "admin": 409},
    ("final", "send_back"): {"drafter": 409, "officer": 409, "head": 409, "delegate": 409, "admin": 409},
    ("final", "revise"): {"drafter": 403, "officer": DRAFT, "head": DRAFT, "delegate": DRAFT, "admin": 403},
    ("superseded", "finalise"): {"drafter": 403, "officer": 409, "head": 409, "delegate": 409, "admin": 403},
    ("superseded", "approve"): {"drafter": 409, "officer": 409, "head": 409, "delegate": 409, "admin": 409},
    ("superseded", "send_back"): {"drafter": 409, "officer": 409, "head": 409, "delegate": 409, "admin": 409},
    ("superseded", "revise"): {"drafter": 403, "officer": 409, "head": 409, "delegate": 409, "admin": 403},
}


@pytest.fixture
def delegate(app):
    """perancang2 named as the office's delegate for approvals (offices outlive the cleanup)."""
    with app.app_context():
        office = db.session.scalar(select(Office))
        before = office.settings
        office.settings = {**(office.settings or {}), "approval_delegate_id": user("officer2").id}
        db.session.commit()
    yield
    with app.app_context():
        office = db.session.scalar(select(Office))
        office.settings = before
        db.session.commit()


def minutes_in(api, status: str) -> tuple[int, int]:
    """(request id, minutes id) with the minutes in `status`, made through the operations."""
    rid = submitted_request(api)["id"]
    with api.app.app_context():
        force_state(rid, "meeting_held")
        minutes = draft_minutes(rid)
        db.session.commit()
        if status != "draft":
            finalise_minutes(minutes, user("officer"), version=minutes.version)
            db.session.commit()
        if status in ("final", "superseded"):
            approve_minutes(minutes, user("head"), version=minutes.version)
            db.session.commit()
        if status == "superseded":
            revision = revise_minutes(minutes, user("officer"))
            db.session.commit()
            finalise_minutes(revision, user("head"), version=revision.version)  # the head's: at once
            db.session.commit()
        db.session.expire_all()
        assert db.session.get(Minutes, minutes.id).status == status
        return rid, minutes.id


def awaiting_through_the_process(api) -> tuple[int, int]:
    """(request id, minutes id): every step fired for real (so the audit trail is whole), the
    minutes finalised by the officer and awaiting approval."""
    from datetime import date, timedelta

    officer, head = api.as_("officer"), api.as_("head")
    rid = submitted_request(api)["id"]
    with api.app.app_context():
        officer_id, head_id = user("officer").id, user("head").id
    officer.ok(officer.fire(rid, "declare_complete"))
    head.ok(head.fire(rid, "assign", assignees=[officer_id]))
    officer.ok(officer.fire(rid, "complete_analysis"))
    day = (date.today() - timedelta(days=1)).isoformat()
    meeting = officer.ok(
        officer.post(
            "/meetings",
            json={
                "request_ids": [rid],
                "title": "Rapat",
                "starts_at": f"{day}T09:00:00",
                "place": "Aula",
                "chair_id": head_id,
                "confirm_non_working_day": True,  # whatever day the suite runs on
                "participants": [],
            },
        ),
        201,
    )
    officer.ok(officer.post(f"/meetings/{meeting['id']}/held", json={"version": meeting["version"]}))
    m = officer.ok(officer.post(f"/requests/{rid}/minutes", json={"meeting_id": meeting["id"]}), 201)
    m = officer.ok(officer.put(f"/minutes/{m['id']}", json={"version": m["version"], "conclusion": "harmonis"}))
    m = officer.ok(officer.post(f"/minutes/{m['id']}/finalise", json={"version": m["version"]}))
    assert m["status"] == "awaiting_approval"
    return rid, m["id"]


def footprint(app, rid, mid):
    """What a refused action must leave as it was."""
    with app.app_context():
        minutes = db.session.get(Minutes, mid)
        return (
            minutes.status,
            minutes.version,
            db.session.scalar(select(func.count()).select_from(Minutes).where(Minutes.request_id == rid)),
            db.session.scalar(select(func.count()).select_from(Event).where(Event.request_id == rid)),
            db.session.scalar(select(func.count()).select_from(IssuedDocument)),
            tuple(db.session.execute(select(Counter.series, Counter.value).order_by(Counter.series))),
        )


def call(client, action, mid, version):
    path = {"finalise": "finalise", "approve": "approve", "send_back": "send-back", "revise": "revise"}[action]
    body = {"version": version} | ({"comment": "Perbaiki rumusan Pasal 5."} if action == "send_back" else {})
    return client.post(f"/minutes/{mid}/{path}", json=None if action == "revise" else body)


@pytest.mark.parametrize("status", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_the_state_action_role_table(api, delegate, status, action):
    for role in ROLES:
        rid, mid = minutes_in(api, status)
        with api.app.app_context():
            version = db.session.get(Minutes, mid).version
        before = footprint(api.app, rid, mid)
        response = call(api.as_(ALIAS[role]), action, mid, version)
        expected = EXPECTED[(status, action)][role]
        if isinstance(expected, int):
            assert response.status_code == expected, (status, action, role, response.get_json())
            assert response.get_json()["error"]["message"], (status, action, role)
            assert footprint(api.app, rid, mid) == before, (status, action, role)
        else:
            assert response.status_code == (201 if action == "revise" else 200), (status, action, role, response.json)
            assert response.get_json()["status"] == expected, (status, action, role)


def test_a_refused_approval_leaves_no_gap_in_the_series(api):
    officer, head = api.as_("officer"), api.as_("head")
    (_, first), (_, second) = minutes_in(api, "draft"), minutes_in(api, "draft")
    awaiting = {}
    for mid in (first, second):
        v = officer.ok(officer.get(f"/minutes/{mid}"))["version"]
        awaiting[mid] = officer.ok(officer.post(f"/minutes/{mid}/finalise", json={"version": v}))
        assert awaiting[mid]["status"] == "awaiting_approval" and awaiting[mid]["issued_document"] is None
    with api.app.app_context():  # awaiting approval, nothing is numbered
        assert db.session.scalar(select(Counter.value).where(Counter.series == "berita_acara")) is None

    # the first is refused: a draft again, with the comment for the officer; nothing numbered
    sent = head.ok(
        head.post(f"/minutes/{first}/send-back", json={"version": awaiting[first]["version"], "comment": "Lengkapi."})
    )
    assert (sent["status"], sent["issued_document"], sent["sent_back_comment"]) == ("draft", None, "Lengkapi.")
    with api.app.app_context():
        assert db.session.scalar(select(Counter.value).where(Counter.series == "berita_acara")) is None
        assert (
            db.session.scalar(
                select(func.count()).select_from(IssuedDocument).where(IssuedDocument.kind == "berita_acara")
            )
            == 0
        )

    approved = head.ok(head.post(f"/minutes/{second}/approve", json={"version": awaiting[second]["version"]}))
    # finalised again after the correction, then approved: the next number, no gap
    again = officer.ok(officer.post(f"/minutes/{first}/finalise", json={"version": sent["version"]}))
    assert again["sent_back_comment"] is None  # no longer the officer's to act on
    later = head.ok(head.post(f"/minutes/{first}/approve", json={"version": again["version"]}))
    numbers = [approved["issued_document"]["number"], later["issued_document"]["number"]]
    assert [n.split("/")[0] for n in numbers] == ["BA-001", "BA-002"], numbers
    assert later["issued_document"]["download_url"] == f"/api/v1/issued/{later['issued_document']['id']}/pdf"
    pdf = head.get(later["issued_document"]["download_url"].removeprefix("/api/v1"))
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert numbers[1] in text and "DRAF" not in text


def test_the_api_errors_of_approve_and_send_back(api):
    officer, head, drafter = api.as_("officer"), api.as_("head"), api.as_("drafter")
    _, mid = minutes_in(api, "awaiting_approval")
    v = head.ok(head.get(f"/minutes/{mid}"))["version"]

    def error(response, status, code=None):
        assert response.status_code == status, response.get_json()
        body = response.get_json()["error"]
        assert body["message"] and (code is None or body["code"] == code), body
        return body

    error(head.post(f"/minutes/{mid}/approve", json={"version": v - 1}), 409, "stale_version")
    error(head.post(f"/minutes/{mid}/approve", json={}), 422)  # no version
    error(head.post(f"/minutes/{mid}/send-back", json={"version": v}), 422)  # no comment
    blank = error(head.post(f"/minutes/{mid}/send-back", json={"version": v, "comment": "   "}), 422)
    assert "comment" in blank["details"]
    for bad in ("x" * 5001, "ada\x00nol"):  # too long, a NUL: refused like a blank reason
        assert (
            "comment"
            in error(head.post(f"/minutes/{mid}/send-back", json={"version": v, "comment": bad}), 422)["details"]
        )
    error(officer.post(f"/minutes/{mid}/approve", json={"version": v}), 403, "forbidden")
    error(drafter.post(f"/minutes/{mid}/approve", json={"version": v}), 404, "not_found")
    error(head.post("/minutes/999999/approve", json={"version": 1}), 404, "not_found")
    error(api.post(f"/minutes/{mid}/approve", json={"version": v}), 401)
    # the DRAF preview: for the staff, while not issued
    preview = officer.get(f"/minutes/{mid}/preview.pdf")
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(preview.data)).pages)
    assert "DRAF" in text and "(diberikan setelah disetujui)" in text and "BA-" not in text
    assert drafter.get(f"/minutes/{mid}/preview.pdf").status_code == 404
    done = head.ok(head.post(f"/minutes/{mid}/approve", json={"version": v}))
    error(head.post(f"/minutes/{mid}/approve", json={"version": done["version"]}), 409, "transition_unavailable")
    assert officer.get(f"/minutes/{mid}/preview.pdf").status_code == 404  # issued: the issued PDF is it


def test_decisions_are_audited_and_the_trail_verifies(app, api, delegate):
    head, officer, drafter, deleg = api.as_("head"), api.as_("officer"), api.as_("drafter"), api.as_("officer2")
    rid, mid = awaiting_through_the_process(api)
    v = head.ok(head.get(f"/minutes/{mid}"))["version"]
    head.ok(head.post(f"/minutes/{mid}/send-back", json={"version": v, "comment": "Pasal 5 belum sesuai."}))
    m = officer.ok(officer.get(f"/minutes/{mid}"))
    m = officer.ok(officer.post(f"/minutes/{mid}/finalise", json={"version": m["version"]}))
    approved = deleg.ok(deleg.post(f"/minutes/{mid}/approve", json={"version": m["version"]}))

    events = head.ok(head.get(f"/requests/{rid}/events"))
    decisions = [e for e in events if e["trigger"] in ("send_back_minutes", "approve_minutes")]
    assert [e["trigger"] for e in decisions] == ["send_back_minutes", "approve_minutes"]
    with app.app_context():
        assert decisions[0]["actor"]["id"] == user("head").id and decisions[1]["actor"]["id"] == user("officer2").id
        head_title = db.session.scalar(select(Office)).setting("head_title")
        payload = db.session.get(IssuedDocument, approved["issued_document"]["id"]).payload
    assert decisions[0]["comment"] == "Pasal 5 belum sesuai."
    assert decisions[0]["from_state"] == decisions[0]["to_state"] == "meeting_held"  # the state stays
    assert decisions[1]["data"]["number"] == approved["issued_document"]["number"]
    assert decisions[1]["data"]["on_behalf_of"] == head_title  # the delegate approves "a.n." the head
    assert payload["approval"]["on_behalf_of"] == head_title and payload["approval"]["name"]
    assert approved["approved_by"]["id"] == decisions[1]["actor"]["id"]
    # the head's note is the office's: the applicant sees that it happened, not what it says
    theirs = [e for e in drafter.ok(drafter.get(f"/requests/{rid}/events")) if e["trigger"] == "send_back_minutes"]
    assert len(theirs) == 1 and theirs[0]["comment"] is None
    result = cli(app, "audit", "verify")
    assert result.exit_code == 0, result.output


def test_the_head_finalising_approves_at_once(api):
    head = api.as_("head")
    rid, mid = minutes_in(api, "draft")
    v = head.ok(head.get(f"/minutes/{mid}"))["version"]
    done = head.ok(head.post(f"/minutes/{mid}/finalise", json={"version": v}))
    assert done["status"] == "final" and done["issued_document"]["number"].startswith("BA-001/")
    events = head.ok(head.get(f"/requests/{rid}/events"))
    assert events[-1]["trigger"] == "approve_minutes" and events[-1]["data"]["direct"] is True


def test_a_conclusion_waits_for_the_approval(api):
    head, officer = api.as_("head"), api.as_("officer")
    rid, mid = minutes_in(api, "awaiting_approval")
    r = head.fire(rid, "conclude_harmonis")
    assert r.status_code == 422
    assert "Berita acara rapat masih menunggu persetujuan pimpinan." in r.get_json()["error"]["details"]
    m = officer.ok(officer.get(f"/minutes/{mid}"))
    head.ok(head.post(f"/minutes/{mid}/approve", json={"version": m["version"]}))
    assert head.ok(head.fire(rid, "conclude_harmonis"))["state"] == "harmonis"


def test_each_party_is_told_by_email(app, api, smtp):  # noqa: F811
    smtp.start()
    head, officer = api.as_("head"), api.as_("officer")
    _, mid = minutes_in(api, "draft")
    with app.app_context():
        send_pending()  # what the submission told (not this test's business)
    smtp.received.clear()
    m = officer.ok(officer.get(f"/minutes/{mid}"))
    m = officer.ok(officer.post(f"/minutes/{mid}/finalise", json={"version": m["version"]}))
    m = head.ok(head.post(f"/minutes/{mid}/send-back", json={"version": m["version"], "comment": "Lengkapi Pasal 7."}))
    m = officer.ok(officer.post(f"/minutes/{mid}/finalise", json={"version": m["version"]}))
    m = head.ok(head.post(f"/minutes/{mid}/approve", json={"version": m["version"]}))
    with app.app_context():
        assert send_pending() == (4, 0)
        head_email, officer_email = user("head").email, user("officer").email
    got = [(r["rcpt_tos"][0], r["message"]["Subject"], r["message"].get_content()) for r in smtp.received]
    assert [(to, subject.split(" ", 3)[-1]) for to, subject, _ in got] == [
        (head_email, "menunggu persetujuan"),
        (officer_email, "dikembalikan"),
        (head_email, "menunggu persetujuan"),
        (officer_email, "disetujui dan diterbitkan"),
    ]
    assert f"/berita-acara/{mid}" in got[0][2] and "pratinjau DRAF" in got[0][2]
    assert "Alasan pengembalian:" in got[1][2] and "Lengkapi Pasal 7." in got[1][2]
    assert m["issued_document"]["number"] in got[3][2]


def test_the_invitation_email_carries_the_undangan_rapat(app, api, smtp):  # noqa: F811
    from datetime import date, timedelta

    smtp.start()
    officer = api.as_("officer")
    rid = submitted_request(api)["id"]
    with app.app_context():
        force_state(rid, "analysed")
        head_id = user("head").id
    day = (date.today() + timedelta(days=7)).isoformat()
    meeting = officer.ok(
        officer.post(
            "/meetings",
            json={
                "request_ids": [rid],
                "title": "Rapat Pengharmonisasian",
                "starts_at": f"{day}T09:00:00",
                "place": "Aula Kanwil",
                "chair_id": head_id,
                "confirm_non_working_day": True,  # whatever day the suite runs on
                "participants": [
                    {
                        "name": "Agustinus Lake",
                        "position": "Kepala Bagian Hukum",
                        "institution": "Pemerintah Kota Kupang",
                        "side": "applicant",
                        "email": "agus@kupang.test",
                    }
                ],
            },
        ),
        201,
    )
    letter = next(d for d in officer.ok(officer.get(f"/requests/{rid}/issued")) if d["kind"] == "undangan_rapat")
    # scheduled by an officer: the undangan (and so the invitation) waits for the head's approval
    head = api.as_("head")
    letter = head.ok(head.post(f"/issued-documents/{letter['id']}/approve", json={"version": letter["version"]}))
    with app.app_context():
        sent, failed = send_pending()
        assert failed == 0 and sent >= 1
    invitation = next(r["message"] for r in smtp.received if r["rcpt_tos"] == ["agus@kupang.test"])
    parts = {p.get_content_type(): p for p in invitation.iter_attachments()}
    assert set(parts) == {"text/calendar", "application/pdf"}, set(parts)
    pdf = parts["application/pdf"].get_content()
    assert pdf == officer.get(f"/issued/{letter['id']}/pdf").data  # the stored, issued bytes
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert letter["number"] in text and meeting["title"]
