"""Letters held for approval (issue 13 §3): a letter prepared by an officer (the undangan rapat on
scheduling, the surat pengembalian berkas on a return, the result letters) awaits the head or the
delegate: no number and no code until approved, so a letter sent back takes nothing from the
series. Prepared by the head or the delegate, it is issued at once, as before.

- the table of letter kind x the role of who prepares it -> issued at once or held;
- approval numbers in the order of approval; a sent-back letter consumes no number (no gap);
- send back (comment required), revise and ask again, approve; every decision audited;
- the errors of approve and send-back in fire()'s order: another office's head 404, a stale
  version 409, not awaiting 409, an officer 403;
- the DRAF preview (pypdf): watermark text, no number, no verification code;
- the applicant never sees a letter before it is issued;
- the invitation e-mail (real SMTP) goes out once, when the undangan is approved; a reschedule
  before the approval moves the letter and e-mails no one; a cancellation withdraws it.
On SQLite and PostgreSQL (the `api` fixture runs both)."""

import io
from datetime import datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from workflow.extensions import db
from workflow.models import IssuedDocument, Office, Request
from workflow.operations.issued import issue_final_result_letter, issue_result_letter
from workflow.operations.notifications import send_pending

from ..api.test_bad_input import documented_errors
from ..api.test_meetings import meeting_body, ready
from ..helpers import ALIASES, another_office_user, final_minutes, force_state, submitted_request, user
from ..test_cli import cli
from .test_minutes_approval import delegate  # noqa: F401  (the fixture)
from .test_outbox import smtp  # noqa: F401  (the fixture)

ALIAS = {"officer": "officer", "head": "head", "delegate": "officer2"}
ISSUED, HELD = "issued", "awaiting_approval"


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def letters(api, request_id, kind, alias="head") -> list[dict]:
    client = api.as_(alias)
    return [d for d in client.ok(client.get(f"/requests/{request_id}/issued")) if d["kind"] == kind]


def error(response, status, code):
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert body["error"]["code"] == code and body["error"]["message"], body
    return body["error"]


def returned_letter(api, alias="officer", reason="Keputusan DPRD belum ditandatangani.") -> tuple[int, dict]:
    """A file returned by `alias` during the administrative check, and its surat pengembalian."""
    req = submitted_request(api)
    client = api.as_(alias)
    client.ok(client.fire(req["id"], "return_for_completion", comment=reason))
    [letter] = letters(api, req["id"], "pengembalian_berkas")
    return req["id"], letter


def prepared_by_operation(api, kind, role) -> int:
    """A result letter (or surat hasil akhir) prepared by `role` through its operation: the
    conclusions are the head's transitions, but the rule is the actor's, whoever it is."""
    from workflow.models import Minutes

    rid = submitted_request(api)["id"]
    with api.app.app_context():
        force_state(rid, "meeting_held")
        final_minutes(rid)
        req = db.session.get(Request, rid)
        when = datetime(2026, 12, 1, 2, 0)
        if kind == "result_letter":
            minutes = db.session.scalar(select(Minutes).where(Minutes.request_id == rid))
            letter = issue_result_letter(req, minutes, user(ALIAS[role]), when)
        else:
            letter = issue_final_result_letter(req, user(ALIAS[role]), when)
        db.session.commit()
        return letter.id


@pytest.mark.parametrize("role", ["officer", "head", "delegate"])
@pytest.mark.parametrize("kind", ["undangan_rapat", "pengembalian_berkas", "result_letter", "hasil_akhir"])
def test_who_prepares_decides_whether_a_letter_waits(app, api, delegate, kind, role):  # noqa: F811
    expected = HELD if role == "officer" else ISSUED
    if kind == "undangan_rapat":
        req = ready(api)
        client = api.as_(ALIAS[role])
        client.ok(client.post("/meetings", json=meeting_body(api, [req["id"]])), 201)
        [letter] = letters(api, req["id"], kind)
        status = letter["status"]
    elif kind == "pengembalian_berkas":
        _, letter = returned_letter(api, ALIAS[role])
        status = letter["status"]
    else:
        head = api.as_("head")
        letter = head.ok(head.get(f"/issued-documents/{prepared_by_operation(api, kind, role)}"))
        status = letter["status"]
    assert status == expected
    assert letter["status"] == expected
    if expected == HELD:
        assert letter["number"] is None and letter["code"] is None and letter["download_url"] is None
        assert letter["preview_url"].endswith("/preview.pdf")
    else:
        assert letter["number"] and letter["code"] and letter["preview_url"] is None
        with app.app_context():
            approver = user(ALIAS[role])
            head_title = db.session.scalar(select(Office)).setting("head_title")
        assert letter["approved_by"]["id"] == approver.id
        assert letter["on_behalf_of"] == (head_title if role == "delegate" else None)


def test_the_file_goes_back_at_once_and_the_letter_follows_the_approval(app, api):
    rid, letter = returned_letter(api)
    head, drafter = api.as_("head"), api.as_("drafter")
    req = drafter.ok(drafter.get(f"/requests/{rid}"))
    assert req["state"] == "returned" and req["clock_paused"] is True  # the return itself: at once
    # the applicant does not see a letter that is not issued: not listed, no PDF, no preview
    assert letters(api, rid, "pengembalian_berkas", alias="drafter") == []
    assert drafter.get(f"/issued/{letter['id']}/pdf").status_code == 404
    assert drafter.get(f"/issued-documents/{letter['id']}/preview.pdf").status_code == 404
    assert drafter.get(f"/issued-documents/{letter['id']}").status_code == 404
    assert head.get(f"/issued/{letter['id']}/pdf").status_code == 404  # the office previews it instead
    approved = head.ok(head.post(f"/issued-documents/{letter['id']}/approve", json={"version": letter["version"]}))
    assert approved["status"] == ISSUED and approved["number"].startswith("001/PB/")
    [seen] = letters(api, rid, "pengembalian_berkas", alias="drafter")
    assert seen["number"] == approved["number"]
    text = text_of(drafter.get(f"/issued/{letter['id']}/pdf").data)
    assert approved["number"] in text and f"Kode verifikasi: {approved['code']}" in text and "DRAF" not in text
    # the applicant is told, with the letter's link
    with app.app_context():
        from workflow.models import Notification

        told = [
            (n.subject, n.body)
            for n in db.session.scalars(
                select(Notification).where(Notification.user_id == user("drafter").id, Notification.request_id == rid)
            )
        ]
    assert any("diterbitkan" in subject and approved["number"] in body for subject, body in told), told


def test_approval_numbers_in_its_order_and_a_sent_back_letter_leaves_no_gap(app, api):
    head = api.as_("head")
    _, first = returned_letter(api)
    _, second = returned_letter(api)
    _, third = returned_letter(api)
    # the second approved first takes the first number: numbers follow the approvals
    two = head.ok(head.post(f"/issued-documents/{second['id']}/approve", json={"version": second["version"]}))
    # the first is sent back: it takes nothing
    back = head.ok(
        head.post(
            f"/issued-documents/{first['id']}/send-back",
            json={"version": first["version"], "comment": "Sebutkan pasal yang belum sesuai."},
        )
    )
    assert back["status"] == "sent_back" and back["number"] is None and back["code"] is None
    assert back["sent_back_comment"] == "Sebutkan pasal yang belum sesuai."
    three = head.ok(head.post(f"/issued-documents/{third['id']}/approve", json={"version": third["version"]}))
    assert [two["number"][:3], three["number"][:3]] == ["001", "002"]
    # revised and asked again, then approved: the next number
    officer = api.as_("officer")
    again = officer.ok(
        officer.post(
            f"/issued-documents/{first['id']}/resubmit",
            json={"version": back["version"], "missing": ["Naskah akademik belum diparaf.", "Pasal 3 belum ada."]},
        )
    )
    assert again["status"] == HELD and again["sent_back_comment"] is None
    one = head.ok(head.post(f"/issued-documents/{first['id']}/approve", json={"version": again["version"]}))
    assert one["number"][:3] == "003"
    text = text_of(officer.get(f"/issued/{first['id']}/pdf").data)
    assert "1. Naskah akademik belum diparaf." in text and "2. Pasal 3 belum ada." in text
    assert "Keputusan DPRD belum ditandatangani" not in text  # the officer's revision replaced the list
    with app.app_context():
        numbers = sorted(
            db.session.scalars(select(IssuedDocument.number).where(IssuedDocument.kind == "pengembalian_berkas"))
        )
    assert [n[:3] for n in numbers] == ["001", "002", "003"]


def test_decisions_are_audited_and_the_trail_verifies(app, api, delegate):  # noqa: F811
    head, officer, deleg = api.as_("head"), api.as_("officer"), api.as_("officer2")
    rid, letter = returned_letter(api)
    back = head.ok(
        head.post(
            f"/issued-documents/{letter['id']}/send-back", json={"version": letter["version"], "comment": "Ulangi."}
        )
    )
    again = officer.ok(officer.post(f"/issued-documents/{letter['id']}/resubmit", json={"version": back["version"]}))
    done = deleg.ok(deleg.post(f"/issued-documents/{letter['id']}/approve", json={"version": again["version"]}))
    events = head.ok(head.get(f"/requests/{rid}/events"))
    decisions = [e for e in events if e["trigger"].endswith("_letter")]
    assert [e["trigger"] for e in decisions] == ["send_back_letter", "resubmit_letter", "approve_letter"]
    assert decisions[0]["comment"] == "Ulangi." and decisions[0]["from_state"] == decisions[0]["to_state"] == "returned"
    with app.app_context():
        head_title = db.session.scalar(select(Office)).setting("head_title")
        assert [e["actor"]["id"] for e in decisions] == [user("head").id, user("officer").id, user("officer2").id]
    assert decisions[2]["data"]["number"] == done["number"] and decisions[2]["data"]["on_behalf_of"] == head_title
    # the head's note is the office's: the applicant sees that it happened, not what it says
    drafter = api.as_("drafter")
    theirs = [e for e in drafter.ok(drafter.get(f"/requests/{rid}/events")) if e["trigger"] == "send_back_letter"]
    assert len(theirs) == 1 and theirs[0]["comment"] is None
    text = text_of(officer.get(f"/issued/{letter['id']}/pdf").data)
    assert f"a.n. {head_title}" in text  # the delegate signs on behalf of the head
    result = cli(app, "audit", "verify")
    assert result.exit_code == 0, result.output


def test_finalising_minutes_is_an_audited_event(app, api):
    from ..helpers import draft_minutes

    officer, head = api.as_("officer"), api.as_("head")
    rid = submitted_request(api)["id"]
    with app.app_context():
        force_state(rid, "meeting_held")
        mid = draft_minutes(rid).id
        db.session.commit()
    m = officer.ok(officer.get(f"/minutes/{mid}"))
    officer.ok(officer.post(f"/minutes/{mid}/finalise", json={"version": m["version"]}))
    events = head.ok(head.get(f"/requests/{rid}/events"))
    assert events[-1]["trigger"] == "finalise_minutes" and events[-1]["data"]["awaiting_approval"] is True
    with app.app_context():
        assert events[-1]["actor"]["id"] == user("officer").id


@pytest.fixture
def foreign_head(app, monkeypatch):
    """The head of another Kanwil (Bali) with an API token, removed again after the test."""
    email = "kakanwil@bali.harmoni.test"
    with another_office_user(app, "head", email, "Kakanwil Bali") as (_, token):
        monkeypatch.setitem(ALIASES, "foreign_head", email)
        monkeypatch.setitem(app.config["TEST_TOKENS"], email, token)
        yield


def test_the_errors_of_approve_and_send_back(api, foreign_head):
    head, officer, drafter, foreign = api.as_("head"), api.as_("officer"), api.as_("drafter"), api.as_("foreign_head")
    _, letter = returned_letter(api)
    url, v = f"/issued-documents/{letter['id']}", letter["version"]
    error(foreign.post(f"{url}/approve", json={"version": v}), 404, "not_found")  # another office's
    error(foreign.get(f"{url}/preview.pdf"), 404, "not_found")
    error(drafter.post(f"{url}/approve", json={"version": v}), 404, "not_found")
    error(officer.post(f"{url}/approve", json={"version": v}), 403, "forbidden")
    error(head.post(f"{url}/approve", json={"version": v + 1}), 409, "stale_version")
    error(head.post(f"{url}/send-back", json={"version": v, "comment": "  "}), 422, "invalid_input")
    error(head.post(f"{url}/send-back", json={"version": v}), 422, "invalid_input")
    for bad in ("x" * 5001, "ada\x00nol"):  # too long, a NUL
        error(head.post(f"{url}/send-back", json={"version": v, "comment": bad}), 422, "invalid_input")
    error(head.post(f"{url}/approve", json={}), 422, "invalid_input")
    error(officer.post(f"{url}/resubmit", json={"version": v}), 409, "transition_unavailable")  # not sent back
    done = head.ok(head.post(f"{url}/approve", json={"version": v}))
    error(head.post(f"{url}/approve", json={"version": done["version"]}), 409, "transition_unavailable")
    error(head.get(f"{url}/preview.pdf"), 404, "not_found")  # issued: the issued PDF is it
    # a refusal changed nothing: one letter, numbered once
    assert [d["number"][:3] for d in letters(api, letter["request_id"], "pengembalian_berkas")] == ["001"]


def test_the_draf_preview(api):
    head = api.as_("head")
    _, letter = returned_letter(api)
    r = head.get(f"/issued-documents/{letter['id']}/preview.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    text = text_of(r.data)
    assert "DRAF" in text and "Nomor : (diberikan setelah disetujui)" in text
    assert "Kode verifikasi" not in text and "/verifikasi/" not in text
    assert "belum bernomor, belum diterbitkan, dan tidak dapat diverifikasi" in text
    assert "Keputusan DPRD belum ditandatangani." in text
    # rendered on request, never stored, nothing numbered
    again = head.ok(head.get(f"/issued-documents/{letter['id']}"))
    assert (again["sha256"], again["number"], again["status"]) == (None, None, HELD)


INVITEE = "agus@kupang.test"


def _invitations(smtp_server) -> list:
    return [r["message"] for r in smtp_server.received if r["rcpt_tos"] == [INVITEE]]


def test_the_invitation_goes_out_once_when_the_undangan_is_approved(app, api, smtp):  # noqa: F811
    smtp.start()
    officer, head = api.as_("officer"), api.as_("head")
    req = ready(api)
    body = meeting_body(api, [req["id"]])
    meeting = officer.ok(officer.post("/meetings", json=body), 201)
    [letter] = letters(api, req["id"], "undangan_rapat")
    assert letter["status"] == HELD and letter["meeting_id"] == meeting["id"]
    with app.app_context():
        send_pending()
    assert _invitations(smtp) == []  # scheduled, but no one invited before the approval
    # rescheduled while waiting: the letter moves with the meeting, still no one is e-mailed
    moved = officer.ok(
        officer.post(
            f"/meetings/{meeting['id']}/reschedule",
            json={
                "version": meeting["version"],
                "starts_at": body["starts_at"].replace("07:30", "10:00"),
                "reason": "Ruang rapat dipakai.",
                "confirm_non_working_day": True,
            },
        )
    )
    [letter] = letters(api, req["id"], "undangan_rapat")
    with app.app_context():
        send_pending()
    assert _invitations(smtp) == []
    preview = text_of(head.get(f"/issued-documents/{letter['id']}/preview.pdf").data)
    assert "10.00 WITA" in preview and "DRAF" in preview
    done = head.ok(head.post(f"/issued-documents/{letter['id']}/approve", json={"version": letter["version"]}))
    with app.app_context():
        send_pending()
        send_pending()  # a second run sends nothing again
    [invitation] = _invitations(smtp)
    assert invitation["Subject"] == f"Undangan rapat: {moved['title']}"
    parts = {p.get_content_type(): p for p in invitation.iter_attachments()}
    assert set(parts) == {"text/calendar", "application/pdf"}, set(parts)
    pdf = parts["application/pdf"].get_content()
    assert pdf == officer.get(f"/issued/{letter['id']}/pdf").data  # the stored, issued bytes
    assert done["number"] in text_of(pdf) and "10.00 WITA" in text_of(pdf)
    # approving again sends nothing: refused
    error(
        head.post(f"/issued-documents/{letter['id']}/approve", json={"version": done["version"]}),
        409,
        "transition_unavailable",
    )
    with app.app_context():
        send_pending()
    assert len(_invitations(smtp)) == 1


def test_a_meeting_cancelled_before_the_approval_withdraws_its_undangan(app, api, smtp):  # noqa: F811
    smtp.start()
    officer, head = api.as_("officer"), api.as_("head")
    req = ready(api)
    body = meeting_body(api, [req["id"]])
    meeting = officer.ok(officer.post("/meetings", json=body), 201)
    officer.ok(
        officer.post(f"/meetings/{meeting['id']}/cancel", json={"version": meeting["version"], "reason": "Batal."})
    )
    [letter] = letters(api, req["id"], "undangan_rapat")
    assert letter["status"] == "withdrawn" and letter["number"] is None
    error(
        head.post(f"/issued-documents/{letter['id']}/approve", json={"version": letter["version"]}),
        409,
        "transition_unavailable",
    )
    with app.app_context():
        send_pending()
    assert _invitations(smtp) == []  # never invited, so no cancellation either


def test_the_approver_and_the_officer_are_told(app, api, smtp):  # noqa: F811
    smtp.start()
    head = api.as_("head")
    rid, letter = returned_letter(api)
    with app.app_context():
        head_email, officer_email = user("head").email, user("officer").email
        send_pending()
    to_head = [r["message"] for r in smtp.received if r["rcpt_tos"] == [head_email]]
    waiting = [m for m in to_head if "menunggu persetujuan" in m["Subject"]]
    assert len(waiting) == 1 and "Surat pengembalian berkas" in waiting[0].get_content()
    assert f"#surat-{letter['id']}" in waiting[0].get_content()
    smtp.received.clear()
    head.ok(
        head.post(
            f"/issued-documents/{letter['id']}/send-back", json={"version": letter["version"], "comment": "Ulangi."}
        )
    )
    with app.app_context():
        send_pending()
    [back] = [r["message"] for r in smtp.received if r["rcpt_tos"] == [officer_email]]
    assert "dikembalikan" in back["Subject"]
    assert "Alasan pengembalian:" in back.get_content() and "Ulangi." in back.get_content()
    assert rid


# (status, action) -> the outcome for each role: an HTTP error status, or the letter's status after.
# The order of the minutes' (test_minutes_approval.EXPECTED): visible (the applicant's side never
# sees a letter before it is issued, another office never: 404), then the version, then the status
# (409), then the right to decide (403); asking again is the staff's (403 before the status). The
# office's admin sees the letter, so is told 403 as on the minutes, not 404.
LETTER_ROLES = ("drafter", "officer", "head", "delegate", "admin", "foreign_head")
LETTER_ALIAS = ALIAS | {"drafter": "drafter", "admin": "admin", "foreign_head": "foreign_head"}
SENT_BACK = "sent_back"
LETTER_EXPECTED = {
    (HELD, "approve"): {"drafter": 404, "officer": 403, "head": ISSUED, "delegate": ISSUED, "admin": 403},
    (HELD, "send_back"): {"drafter": 404, "officer": 403, "head": SENT_BACK, "delegate": SENT_BACK, "admin": 403},
    (HELD, "resubmit"): {"drafter": 404, "officer": 409, "head": 409, "delegate": 409, "admin": 403},
    (SENT_BACK, "approve"): {"drafter": 404, "officer": 409, "head": 409, "delegate": 409, "admin": 409},
    (SENT_BACK, "send_back"): {"drafter": 404, "officer": 409, "head": 409, "delegate": 409, "admin": 409},
    (SENT_BACK, "resubmit"): {"drafter": 404, "officer": HELD, "head": ISSUED, "delegate": ISSUED, "admin": 403},
    (ISSUED, "approve"): {"drafter": 409, "officer": 409, "head": 409, "delegate": 409, "admin": 409},
    (ISSUED, "send_back"): {"drafter": 409, "officer": 409, "head": 409, "delegate": 409, "admin": 409},
    (ISSUED, "resubmit"): {"drafter": 403, "officer": 409, "head": 409, "delegate": 409, "admin": 403},
}


def letter_in(api, status: str) -> int:
    """The id of a surat pengembalian berkas (prepared by the officer) in `status`."""
    _, letter = returned_letter(api)
    head, url = api.as_("head"), f"/issued-documents/{letter['id']}"
    if status == SENT_BACK:
        head.ok(head.post(f"{url}/send-back", json={"version": letter["version"], "comment": "Perbaiki."}))
    elif status == ISSUED:
        head.ok(head.post(f"{url}/approve", json={"version": letter["version"]}))
    return letter["id"]


def letter_footprint(app, letter_id):
    """What a refused action must leave as it was."""
    from sqlalchemy import func

    from workflow.models import Counter, Event

    with app.app_context():
        letter = db.session.get(IssuedDocument, letter_id)
        return (
            letter.status,
            letter.version,
            letter.number,
            db.session.scalar(select(func.count()).select_from(Event).where(Event.request_id == letter.request_id)),
            tuple(db.session.execute(select(Counter.series, Counter.value).order_by(Counter.series))),
        )


@pytest.mark.parametrize("status", [HELD, SENT_BACK, ISSUED])
@pytest.mark.parametrize("action", ["approve", "send_back", "resubmit"])
def test_the_letter_status_action_role_table(api, delegate, foreign_head, status, action):  # noqa: F811
    path = {"approve": "approve", "send_back": "send-back", "resubmit": "resubmit"}[action]
    # every refusal below is one the OpenAPI document declares for the operation
    spec = api.client.get("/api/v1/openapi.json").get_json()
    declared = documented_errors(spec, "post", f"/api/v1/issued-documents/{{issued_id}}/{path}")
    for role in LETTER_ROLES:
        letter_id = letter_in(api, status)
        with api.app.app_context():
            version = db.session.get(IssuedDocument, letter_id).version
        before = letter_footprint(api.app, letter_id)
        body = {"version": version} | ({"comment": "Perbaiki nomor surat."} if action == "send_back" else {})
        response = api.as_(LETTER_ALIAS[role]).post(f"/issued-documents/{letter_id}/{path}", json=body)
        expected = 404 if role == "foreign_head" else LETTER_EXPECTED[(status, action)][role]
        if isinstance(expected, int):
            assert response.status_code == expected, (status, action, role, response.get_json())
            assert response.get_json()["error"]["message"], (status, action, role)
            assert str(expected) in declared, (action, expected)
            assert letter_footprint(api.app, letter_id) == before, (status, action, role)
        else:
            assert response.status_code == 200, (status, action, role, response.get_json())
            assert response.get_json()["status"] == expected, (status, action, role)


@pytest.mark.parametrize("alias", ["officer", "admin"])
def test_an_office_account_without_the_right_is_told_403_on_letters_as_on_minutes(api, alias):
    """The same refusal for the same reason: the account sees both documents, may decide on neither."""
    from .test_minutes_approval import minutes_in

    client = api.as_(alias)
    _, letter = returned_letter(api)
    _, minutes_id = minutes_in(api, "awaiting_approval")
    minutes = api.as_("head").ok(api.as_("head").get(f"/minutes/{minutes_id}"))
    assert client.ok(client.get(f"/issued-documents/{letter['id']}"))["status"] == HELD
    for what, doc in (("issued-documents", letter), ("minutes", minutes)):
        url = f"/{what}/{doc['id']}"
        error(client.post(f"{url}/approve", json={"version": doc["version"]}), 403, "forbidden")
        body = {"version": doc["version"], "comment": "Perbaiki."}
        error(client.post(f"{url}/send-back", json=body), 403, "forbidden")


def test_the_admin_sees_a_waiting_letter_on_the_request_page_without_the_staffs_controls(app, api):
    from ..web.conftest import WebClient

    rid, letter = returned_letter(api)
    web = WebClient(app)
    web.login("admin")
    page = web.text(f"/permohonan/{rid}")
    assert f'data-testid="letter-{letter["id"]}"' in page
    assert f"/surat/{letter['id']}/draf.pdf" not in page and f"/surat/{letter['id']}/setujui" not in page
    drafter = WebClient(app)
    drafter.login("drafter")
    assert f'data-testid="letter-{letter["id"]}"' not in drafter.text(f"/permohonan/{rid}")


def _scheduling_events(api, request_id) -> list[dict]:
    head = api.as_("head")
    events = head.ok(head.get(f"/requests/{request_id}/events"))
    return [e for e in events if e["trigger"] in ("schedule_meeting", "schedule_follow_up_meeting")]


def test_the_scheduling_event_names_the_undangan_held_for_approval(api):
    """As a return's or a conclusion's event names its letter: the officer's scheduling prepares an
    undangan rapat awaiting approval, and each covered request's event says which (one letter for
    the meeting, filed with the first request)."""
    first, second = ready(api), ready(api, title="Rancangan Peraturan Daerah tentang Pasar")
    officer = api.as_("officer")
    # listed out of order: the letter is still the first request's, prepared once
    officer.ok(officer.post("/meetings", json=meeting_body(api, [second["id"], first["id"]])), 201)
    [letter] = letters(api, first["id"], "undangan_rapat")
    assert letters(api, second["id"], "undangan_rapat") == []
    assert letter["status"] == HELD
    expected = {"id": letter["id"], "kind": "undangan_rapat", "number": None, "status": HELD}
    for rid in (first["id"], second["id"]):
        [event] = _scheduling_events(api, rid)
        assert event["data"]["invitation_letter"] == expected, rid


def test_the_heads_scheduling_event_names_the_undangan_issued_at_once(api):
    req = ready(api)
    head = api.as_("head")
    head.ok(head.post("/meetings", json=meeting_body(api, [req["id"]])), 201)
    [letter] = letters(api, req["id"], "undangan_rapat")
    [event] = _scheduling_events(api, req["id"])
    assert letter["status"] == ISSUED and letter["number"]
    assert event["data"]["invitation_letter"] == {
        "id": letter["id"],
        "kind": "undangan_rapat",
        "number": letter["number"],
    }
