"""Bad input through the API: each gets its documented status (DESIGN.md fixed points) and the one
JSON error body {"error": {"code", "message", "details"?}}, and nothing is written: no version bump,
no event, no document, no registration number, no file in the document store."""

import io
import os
import re
import zipfile
from contextlib import contextmanager

import pytest
from openapi_spec_validator import validate
from sqlalchemy import func, select

from workflow.extensions import db
from workflow.models import Counter, Document, Event, Request, request_assignees
from workflow.processes import PROCESSES

from ..helpers import EXE, PDF, another_office_user, docx, force_state, submitted_request, user

NOWHERE = 999_999  # an id no row has


# --- helpers ---------------------------------------------------------------------------------


def error_of(r, status, code=None):
    """The error object of a JSON error response, after checking its status and shape."""
    assert r.status_code == status, r.get_data(as_text=True)[:500]
    assert r.mimetype == "application/json"
    body = r.get_json()
    assert set(body) == {"error"}, body
    err = body["error"]
    assert set(err) <= {"code", "message", "details"}, err
    assert isinstance(err["code"], str) and isinstance(err["message"], str) and err["message"]
    if code is not None:
        assert err["code"] == code, err
    return err


def stored_files(app) -> set[str]:
    root = app.config["DOCUMENT_STORE"]
    return {os.path.relpath(os.path.join(d, f), root) for d, _, files in os.walk(root) for f in files}


def snapshot(app, request_id=None) -> dict:
    with app.app_context():
        count = lambda model, *where: db.session.scalar(  # noqa: E731
            select(func.count()).select_from(model).where(*where)
        )
        shot = {
            "requests": count(Request),
            "events": count(Event),
            "documents": count(Document),
            "numbers": db.session.scalar(select(func.coalesce(func.sum(Counter.value), 0))),
            "assignees": db.session.scalar(select(func.count()).select_from(request_assignees)),
            "files": stored_files(app),
        }
        if request_id is not None:
            req = db.session.get(Request, request_id)
            shot.update(
                version=req.version,
                state=req.state,
                due_date=req.due_date,
                completion_rounds=req.completion_rounds,
                request_events=count(Event, Event.request_id == request_id),
                request_documents=count(Document, Document.request_id == request_id),
            )
        return shot


@contextmanager
def nothing_written(app, request_id=None):
    before = snapshot(app, request_id)
    yield
    assert snapshot(app, request_id) == before


def unique_pdf(tag: str) -> bytes:
    """A valid-looking PDF whose bytes no other test stores (so a stray write is a new file)."""
    return PDF + f"% {tag} {os.urandom(8).hex()}\n".encode()


def upload(client, request_id, kind, content, filename):
    return client.post(
        f"/requests/{request_id}/documents",
        data={"kind": kind, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


@pytest.fixture
def draft(api):
    """A draft of Kota Kupang with one document."""
    drafter = api.as_("drafter")
    req = drafter.create("ranperda")
    drafter.ok(drafter.upload(req["id"], "naskah_akademik"), 201)
    return drafter.ok(drafter.get(f"/requests/{req['id']}"))


@pytest.fixture
def submitted(api):
    return submitted_request(api)


# --- creating a request ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, fields",
    [
        ({}, {"process"}),  # the title is checked once the process is known (public ones make it)
        ({"title": "Rancangan tanpa jenis"}, {"process"}),
        ({"process": "ranperda"}, {"title"}),
        ({"process": "ranperda", "title": ""}, {"title"}),
        ({"process": "ranperda", "title": "   "}, {"title"}),
        ({"process": "ranperda", "title": 5}, {"title"}),
        ({"process": "ranperda", "title": None}, {"title"}),
        ({"process": "ranperda", "title": "x" * 1001}, {"title"}),
        ({"process": "ranperda", "title": "Uji", "external_ref": "E" * 121}, {"external_ref"}),
        ({"process": "ranperda", "title": "Uji", "nomor": "0001"}, {"nomor"}),
    ],
)
def test_create_with_missing_or_invalid_fields(api, body, fields):
    with nothing_written(api.app):
        err = error_of(api.as_("drafter").post("/requests", json=body), 422, "invalid_input")
    assert fields <= set(err["details"])


def test_create_with_unknown_process(api):
    with nothing_written(api.app):
        err = error_of(
            api.as_("drafter").post("/requests", json={"process": "perda_palsu", "title": "Uji"}), 422, "invalid_input"
        )
    # the process is an enum of the OpenAPI document: the refusal names the value and every choice
    (message,) = err["details"]["process"]
    assert "perda_palsu" in message and all(name in message for name in PROCESSES)


@pytest.mark.parametrize("alias", ["officer", "head", "admin"])
def test_only_applicants_create_requests(api, alias):
    with nothing_written(api.app):
        error_of(api.as_(alias).post("/requests", json={"process": "ranperda", "title": "Uji"}), 403, "forbidden")


# --- firing transitions ----------------------------------------------------------------------


def test_unknown_trigger(api, submitted):
    with nothing_written(api.app, submitted["id"]):
        err = error_of(api.as_("officer").fire(submitted["id"], "approve_everything"), 422, "invalid_input")
    assert "trigger" in err["details"]
    assert "declare_complete" in err["details"]["trigger"][0]


def test_transition_body_without_trigger_or_version(api, submitted):
    with nothing_written(api.app, submitted["id"]):
        err = error_of(
            api.as_("officer").post(f"/requests/{submitted['id']}/transitions", json={}), 422, "invalid_input"
        )
    assert {"trigger", "version"} <= set(err["details"])


@pytest.mark.parametrize("delta", [-1, +1, -1000])
def test_stale_version(api, submitted, delta):
    version = submitted["version"]
    with nothing_written(api.app, submitted["id"]):
        err = error_of(
            api.as_("officer").fire(submitted["id"], "declare_complete", version=version + delta), 409, "stale_version"
        )
    assert err["details"]["current_version"] == version


def test_stale_version_is_checked_before_anything_else(api, submitted):
    # even an unknown trigger from a stale screen is answered "it changed since you saw it"
    with nothing_written(api.app, submitted["id"]):
        error_of(
            api.as_("officer").fire(submitted["id"], "approve_everything", version=submitted["version"] - 1),
            409,
            "stale_version",
        )


@pytest.mark.parametrize(
    "alias, trigger, data",
    [
        ("officer", "hold_meeting", {}),
        ("drafter", "submit", {}),
        ("officer", "complete_analysis", {}),
        ("head", "conclude_harmonis", {}),
        ("officer", "accept_correction", {}),
    ],
)
def test_trigger_unavailable_in_state(api, submitted, alias, trigger, data):
    with nothing_written(api.app, submitted["id"]):
        err = error_of(api.as_(alias).fire(submitted["id"], trigger, **data), 409, "transition_unavailable")
    assert err["details"] == {"state": "submitted"}


@pytest.mark.parametrize(
    "alias, trigger, state",
    [
        ("drafter", "declare_complete", "submitted"),
        ("admin", "declare_complete", "submitted"),
        ("officer", "assign", "verified"),  # only the head assigns
        ("drafter", "assign", "verified"),
        ("officer", "conclude_harmonis", "meeting_held"),
        ("officer", "withdraw", "submitted"),  # only the applicant withdraws
    ],
)
def test_role_not_allowed(api, submitted, alias, trigger, state):
    with api.app.app_context():
        force_state(submitted["id"], state)
        officer_id = user("officer").id
    with nothing_written(api.app, submitted["id"]):
        error_of(api.as_(alias).fire(submitted["id"], trigger, assignees=[officer_id]), 403, "forbidden")


@pytest.mark.parametrize(
    "alias, trigger, state",
    [
        ("officer", "return_for_completion", "submitted"),
        ("officer", "return_for_completion", "in_analysis"),
        ("drafter", "withdraw", "submitted"),
        ("head", "conclude_not_harmonis", "meeting_held"),
        ("officer", "cancel_meeting", "meeting_scheduled"),
    ],
)
@pytest.mark.parametrize("comment", [None, "", "   \n\t "])
def test_missing_comment(api, submitted, alias, trigger, state, comment):
    with api.app.app_context():
        force_state(submitted["id"], state)
    with nothing_written(api.app, submitted["id"]):
        err = error_of(api.as_(alias).fire(submitted["id"], trigger, comment=comment), 422, "invalid_input")
    assert list(err["details"]) == ["comment"]


def test_comment_too_long(api, submitted):
    with nothing_written(api.app, submitted["id"]):
        err = error_of(
            api.as_("officer").fire(submitted["id"], "return_for_completion", comment="x" * 10001), 422, "invalid_input"
        )
    assert "comment" in err["details"]


@pytest.fixture
def foreign_officer(app):
    """An active officer of another Kanwil (Bali), removed again after the test."""
    with another_office_user(app, "officer", "perancang@bali.harmoni.test", "Perancang Bali") as (officer_id, _):
        yield officer_id


@pytest.mark.parametrize(
    "assignees, field",
    [
        ("5", "data.assignees"),
        (5, "data.assignees"),
        ({"id": 5}, "data.assignees"),
        ([], "data.assignees"),
        (None, "data.assignees"),
        (["3"], "data.assignees"),
        ([True], "data.assignees"),
        ([1.5], "data.assignees"),
        ([0], "data.assignees"),
        ([-3], "data.assignees"),
    ],
)
def test_assign_with_malformed_assignees(api, submitted, assignees, field):
    with api.app.app_context():
        force_state(submitted["id"], "verified")
    with nothing_written(api.app, submitted["id"]):
        err = error_of(api.as_("head").fire(submitted["id"], "assign", assignees=assignees), 422, "invalid_input")
    assert list(err["details"]) == [field]


def test_assign_data_must_be_an_object(api, submitted):
    with api.app.app_context():
        force_state(submitted["id"], "verified")
    body = {"trigger": "assign", "version": submitted["version"], "data": ["not", "an", "object"]}
    with nothing_written(api.app, submitted["id"]):
        err = error_of(
            api.as_("head").post(f"/requests/{submitted['id']}/transitions", json=body), 422, "invalid_input"
        )
    assert "data" in err["details"]


@pytest.mark.parametrize("who", ["drafter", "other_drafter", "admin", "nobody", "foreign"])
def test_assign_someone_who_is_not_a_drafter_of_this_office(api, submitted, foreign_officer, who):
    with api.app.app_context():
        force_state(submitted["id"], "verified")
        officer_id = user("officer").id
        wrong = {"nobody": NOWHERE, "foreign": foreign_officer}[who] if who in ("nobody", "foreign") else user(who).id
    with nothing_written(api.app, submitted["id"]):
        err = error_of(
            api.as_("head").fire(submitted["id"], "assign", assignees=[officer_id, wrong]), 422, "guard_failed"
        )
    assert len(err["details"]) == 1 and "Perancang" in err["details"][0]
    # the same call with the office's own officer alone goes through (the test can fail)
    done = api.as_("head").ok(api.as_("head").fire(submitted["id"], "assign", assignees=[officer_id]))
    assert [a["id"] for a in done["assignees"]] == [officer_id]


@pytest.mark.parametrize("days", [0, 31, -2, "3", 2.5, True])
def test_extension_days_out_of_range(api, submitted, days):
    with api.app.app_context():
        force_state(submitted["id"], "verified")
    with nothing_written(api.app, submitted["id"]):
        err = error_of(
            api.as_("head").fire(submitted["id"], "extend_deadline", comment="Rancangan kompleks", days=days),
            422,
            "invalid_input",
        )
    assert list(err["details"]) == ["data.days"]


@pytest.mark.parametrize("meeting_date", ["besok", "2026-02-30", "30-03-2026", "2026-03-30T25:00"])
def test_meeting_date_not_a_date(api, submitted, meeting_date):
    with api.app.app_context():
        force_state(submitted["id"], "analysed")
    with nothing_written(api.app, submitted["id"]):
        err = error_of(
            api.as_("officer").fire(submitted["id"], "schedule_meeting", meeting_date=meeting_date),
            422,
            "invalid_input",
        )
    assert list(err["details"]) == ["data.meeting_date"]


# --- uploads ---------------------------------------------------------------------------------


def test_exe_renamed_pdf_is_refused_by_content(api, draft):
    with nothing_written(api.app, draft["id"]):
        error_of(
            upload(api.as_("drafter"), draft["id"], "rancangan", EXE + os.urandom(8), "rancangan.pdf"),
            415,
            "unsupported_media_type",
        )


@pytest.mark.parametrize(
    "content",
    [
        b"Ini hanya teks biasa, bukan dokumen.\n",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        b"<html><body>rancangan</body></html>",
    ],
)
def test_other_content_types_are_refused(api, draft, content):
    with nothing_written(api.app, draft["id"]):
        error_of(
            upload(api.as_("drafter"), draft["id"], "rancangan", content + os.urandom(8), "rancangan.pdf"),
            415,
            "unsupported_media_type",
        )


def test_plain_zip_named_docx_is_refused(api, draft):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("catatan.txt", os.urandom(8).hex())
    with nothing_written(api.app, draft["id"]):
        error_of(
            upload(api.as_("drafter"), draft["id"], "rancangan", buf.getvalue(), "rancangan.docx"),
            415,
            "unsupported_media_type",
        )


def test_pdf_named_docx_is_accepted_because_content_decides(api, draft):
    content = unique_pdf("docx-name")
    before = snapshot(api.app, draft["id"])
    doc = api.as_("drafter").ok(upload(api.as_("drafter"), draft["id"], "rancangan", content, "rancangan.docx"), 201)
    assert doc["media_type"] == "application/pdf"
    assert doc["filename"] == "rancangan.docx"
    assert doc["size"] == len(content)
    after = snapshot(api.app, draft["id"])
    assert after["request_documents"] == before["request_documents"] + 1
    assert after["version"] == before["version"] + 1
    assert len(after["files"] - before["files"]) == 1
    # and a real DOCX is accepted as DOCX
    doc = api.as_("drafter").ok(upload(api.as_("drafter"), draft["id"], "rancangan", docx(), "rancangan.docx"), 201)
    assert doc["media_type"].endswith("wordprocessingml.document")


def test_file_over_the_upload_limit(api, draft):
    limit = api.app.config["MAX_UPLOAD_BYTES"]
    assert limit == 256 * 1024
    content = unique_pdf("too-big")
    content += b"0" * (limit + 1 - len(content))  # one byte over; the body still fits MAX_CONTENT_LENGTH
    with nothing_written(api.app, draft["id"]):
        error_of(upload(api.as_("drafter"), draft["id"], "rancangan", content, "rancangan.pdf"), 413, "too_large")
    # exactly at the limit is fine
    content = content[:limit]
    api.as_("drafter").ok(upload(api.as_("drafter"), draft["id"], "rancangan", content, "rancangan.pdf"), 201)


def test_body_over_the_request_limit(api, draft):
    # werkzeug refuses the body before any view runs (and may leave its spooled temp file unclosed)
    content = unique_pdf("far-too-big")
    content += b"0" * (api.app.config["MAX_CONTENT_LENGTH"] + 1024)
    with nothing_written(api.app, draft["id"]):
        error_of(upload(api.as_("drafter"), draft["id"], "rancangan", content, "rancangan.pdf"), 413, "too_large")


@pytest.mark.parametrize(
    "filename",
    [
        "../../etc/passwd.pdf",
        "..\\..\\windows\\win.ini.pdf",
        "/etc/passwd.pdf",
        "rancangan/../../x.pdf",
        ".htaccess",
        "..",
        "a" * 252 + ".pdf",
        "ranc\x01angan.pdf",
    ],
)
def test_unsafe_filename(api, draft, filename):
    with nothing_written(api.app, draft["id"]):
        err = error_of(
            upload(api.as_("drafter"), draft["id"], "rancangan", unique_pdf("name"), filename), 422, "invalid_input"
        )
    assert "file" in err["details"]


def test_empty_file(api, draft):
    with nothing_written(api.app, draft["id"]):
        err = error_of(upload(api.as_("drafter"), draft["id"], "rancangan", b"", "rancangan.pdf"), 422, "invalid_input")
    assert "file" in err["details"]


def test_unknown_document_kind(api, draft):
    with nothing_written(api.app, draft["id"]):
        err = error_of(
            upload(api.as_("drafter"), draft["id"], "surat_sakti", unique_pdf("kind"), "a.pdf"), 422, "invalid_input"
        )
    assert "kind" in err["details"] and "rancangan" in err["details"]["kind"][0]


@pytest.mark.parametrize(
    "parts, field",
    [
        ({"kind": "rancangan"}, "file"),
        ({"file": "FILE"}, "kind"),
        ({"kind": "rancangan", "file": "bukan berkas"}, "file"),
    ],
)
def test_upload_with_missing_parts(api, draft, parts, field):
    data = {name: (io.BytesIO(PDF), "a.pdf") if value == "FILE" else value for name, value in parts.items()}
    with nothing_written(api.app, draft["id"]):
        err = error_of(
            api.as_("drafter").post(
                f"/requests/{draft['id']}/documents", data=data, content_type="multipart/form-data"
            ),
            422,
            "invalid_input",
        )
    assert field in err["details"]


@pytest.mark.parametrize(
    "alias, kind",
    [
        ("officer", "rancangan"),  # staff may not upload the applicant's documents
        ("head", "naskah_akademik"),
        ("admin", "hasil_telaah"),  # nor may an administrator upload anything
    ],
)
def test_staff_uploading_an_applicant_kind(api, submitted, alias, kind):
    with api.app.app_context():
        force_state(submitted["id"], "in_analysis")
    with nothing_written(api.app, submitted["id"]):
        error_of(upload(api.as_(alias), submitted["id"], kind, unique_pdf("staff"), "a.pdf"), 403, "forbidden")


def test_applicant_uploading_a_staff_kind(api, draft):
    with nothing_written(api.app, draft["id"]):
        error_of(upload(api.as_("drafter"), draft["id"], "hasil_telaah", unique_pdf("x"), "a.pdf"), 403, "forbidden")


def test_applicant_uploading_while_the_office_holds_the_file(api, submitted):
    with nothing_written(api.app, submitted["id"]):
        error_of(
            upload(api.as_("drafter"), submitted["id"], "rancangan", unique_pdf("held"), "a.pdf"),
            409,
            "transition_unavailable",
        )


# --- what the caller may not see is answered exactly like what does not exist ----------------


def probes(client, request_id, version):
    """One call of each kind on `request_id`, as (label, response)."""
    return [
        ("get", client.get(f"/requests/{request_id}")),
        (
            "transition",
            client.post(
                f"/requests/{request_id}/transitions",
                json={"trigger": "withdraw", "version": version, "comment": "Tarik"},
            ),
        ),
        ("upload", upload(client, request_id, "rancangan", unique_pdf("probe"), "a.pdf")),
        ("documents", client.get(f"/requests/{request_id}/documents")),
        ("events", client.get(f"/requests/{request_id}/events")),
        ("document", client.get(f"/requests/{request_id}/documents/1")),
    ]


def test_another_organisations_request_is_not_found(api, submitted):
    other = api.as_("other_drafter")
    with nothing_written(api.app, submitted["id"]):
        hidden = probes(other, submitted["id"], submitted["version"])
    absent = probes(other, NOWHERE, submitted["version"])
    for (label, r), (_, r_absent) in zip(hidden, absent):
        error_of(r, 404, "not_found")
        assert r.get_json() == r_absent.get_json(), label
    # the owner does see it (so the 404 above is about visibility, not a broken route)
    assert api.as_("drafter").get(f"/requests/{submitted['id']}").status_code == 200


@pytest.mark.parametrize("alias", ["officer", "head"])
def test_staff_do_not_see_an_unsubmitted_draft(api, draft, alias):
    staff = api.as_(alias)
    with nothing_written(api.app, draft["id"]):
        hidden = probes(staff, draft["id"], draft["version"])
    absent = probes(staff, NOWHERE, draft["version"])
    for (label, r), (_, r_absent) in zip(hidden, absent):
        error_of(r, 404, "not_found")
        assert r.get_json() == r_absent.get_json(), label


def test_another_organisations_document_under_your_own_request(api, draft):
    drafter, other = api.as_("drafter"), api.as_("other_drafter")
    theirs = other.create("ranperkada")
    their_doc = other.ok(upload(other, theirs["id"], "rancangan", unique_pdf("sikka"), "sikka.pdf"), 201)
    mine = drafter.ok(drafter.get(f"/requests/{draft['id']}/documents"))[0]
    assert drafter.get(f"/requests/{draft['id']}/documents/{mine['id']}").status_code == 200

    r = drafter.get(f"/requests/{draft['id']}/documents/{their_doc['id']}")
    err = error_of(r, 404, "not_found")
    assert r.get_json() == drafter.get(f"/requests/{draft['id']}/documents/{NOWHERE}").get_json()
    assert "sikka" not in r.get_data(as_text=True)
    # and their document under their request is theirs alone
    r = drafter.get(f"/requests/{theirs['id']}/documents/{their_doc['id']}")
    assert r.get_json() == drafter.get(f"/requests/{NOWHERE}/documents/{their_doc['id']}").get_json()
    assert err["code"] == "not_found"


def test_out_of_range_ids_are_not_found_not_server_errors(api, submitted):
    # An id beyond the database's integer range must not reach the SQL, where it fails (it was a 500):
    # SQLite cannot bind integers over 2**63 - 1; PostgreSQL's INTEGER columns stop at 2**31 - 1.
    drafter = api.as_("drafter")
    for big in (2**31, 2**63, 10**20):
        for path in (
            f"/requests/{big}",
            f"/requests/{big}/events",
            f"/requests/{big}/documents",
            f"/requests/{submitted['id']}/documents/{big}",
        ):
            r = drafter.get(path)
            assert r.status_code == 404, (path, r.status_code)
            assert error_of(r, 404, "not_found")


def test_out_of_range_assignee_ids_are_invalid_input(api, submitted):
    # The same for user ids inside a transition's data (it was a 500).
    with api.app.app_context():
        force_state(submitted["id"], "verified")
    for big in (2**31, 2**63):
        with nothing_written(api.app, submitted["id"]):
            r = api.as_("head").fire(submitted["id"], "assign", assignees=[big])
            assert r.status_code == 422, (big, r.status_code)
            error_of(r, 422)


@pytest.mark.parametrize("query", ["organisation_id=2147483648", "organisation_id=99999999999999999999"])
def test_out_of_range_filter_is_not_a_server_error(api, query):
    # The same for a list filter (it was a 500). Either answer below is acceptable.
    r = api.as_("officer").get("/requests?" + query)
    assert r.status_code in (200, 422), r.status_code
    if r.status_code == 200:
        assert r.get_json()["items"] == []
    else:
        assert "organisation_id" in error_of(r, 422, "invalid_input")["details"]


def test_nul_characters_in_text_are_invalid_input(api, submitted):
    # PostgreSQL text cannot hold NUL (0x00): a title, comment or search with one was a 500 there,
    # while SQLite silently stored it. Both refuse it as invalid input.
    with nothing_written(api.app):
        err = error_of(
            api.as_("drafter").post("/requests", json={"process": "ranperda", "title": "Uji\x00"}), 422, "invalid_input"
        )
    assert "title" in err["details"]
    with nothing_written(api.app, submitted["id"]):
        err = error_of(
            api.as_("officer").fire(submitted["id"], "return_for_completion", comment="Kurang\x00"),
            422,
            "invalid_input",
        )
    assert "comment" in err["details"]
    err = error_of(api.as_("officer").get("/requests?q=uji%00"), 422, "invalid_input")
    assert "q" in err["details"]


# --- authentication --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer salah-token-yang-tidak-ada"},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic YWRtaW46YWRtaW4="},
        {"Authorization": "token-tanpa-skema"},
    ],
)
@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/requests"),
        ("post", "/requests"),
        ("get", "/processes"),
        ("get", "/requests/1"),
        ("post", "/requests/1/transitions"),
        ("post", "/requests/1/documents"),
    ],
)
def test_no_or_bad_token(api, headers, method, path):
    with nothing_written(api.app):
        r = getattr(api.client, method)(
            "/api/v1" + path,
            headers=headers,
            json={"process": "ranperda", "title": "Uji"} if method == "post" else None,
        )
        error_of(r, 401, "unauthorized")
    assert r.headers["WWW-Authenticate"] == "Bearer"


def test_a_real_token_with_another_scheme_is_refused(api):
    token = api.app.config["TEST_TOKENS"]["hukum.kotakupang@harmoni.test"]
    for header in (f"Token {token}", f"Basic {token}", token):
        r = api.client.get("/api/v1/requests", headers={"Authorization": header})
        error_of(r, 401, "unauthorized")
    assert api.client.get("/api/v1/requests", headers={"Authorization": f"bearer {token}"}).status_code == 200


# --- malformed bodies and queries ------------------------------------------------------------


@pytest.mark.parametrize("body", [b"{nope", b'{"process": "ranperda", "title": ', b"\xff\xfe\x00", b""])
def test_malformed_json(api, submitted, body):
    drafter = api.as_("drafter")
    with nothing_written(api.app, submitted["id"]):
        error_of(drafter.post("/requests", data=body, content_type="application/json"), 422, "invalid_input")
        error_of(
            drafter.post(f"/requests/{submitted['id']}/transitions", data=body, content_type="application/json"),
            422,
            "invalid_input",
        )


@pytest.mark.parametrize("body", [b"[1, 2]", b'"ranperda"', b"42", b"null", b"true"])
def test_json_that_is_not_an_object(api, submitted, body):
    drafter = api.as_("drafter")
    with nothing_written(api.app, submitted["id"]):
        error_of(drafter.post("/requests", data=body, content_type="application/json"), 422, "invalid_input")
        error_of(
            drafter.post(f"/requests/{submitted['id']}/transitions", data=body, content_type="application/json"),
            422,
            "invalid_input",
        )


@pytest.mark.parametrize(
    "query, field",
    [
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
        ("per_page=-5", "per_page"),
        ("per_page=banyak", "per_page"),
        ("page=0", "page"),
        ("page=satu", "page"),
        ("phase=selesai", "phase"),
        ("overdue=mungkin", "overdue"),
    ],
)
def test_list_query_out_of_range(api, query, field):
    err = error_of(api.as_("officer").get("/requests?" + query), 422, "invalid_input")
    assert field in err["details"]


# --- the OpenAPI document --------------------------------------------------------------------


def test_openapi_document_is_valid_and_complete(api):
    r = api.client.get("/api/v1/openapi.json")  # no token needed
    assert r.status_code == 200
    spec = r.get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.")

    # every API route of the app is documented, with each of its methods
    routes = {}
    for rule in api.app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.rule != "/api/v1/openapi.json":
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            routes.setdefault(path, set()).update(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
    assert routes, "no API routes found"
    assert set(spec["paths"]) == set(routes)
    for path, methods in routes.items():
        assert methods <= set(spec["paths"][path]), path
    assert {
        "/api/v1/processes",
        "/api/v1/calendar/due",
        "/api/v1/calendar/holidays",
        "/api/v1/requests",
        "/api/v1/requests/{request_id}",
        "/api/v1/requests/{request_id}/transitions",
        "/api/v1/requests/{request_id}/events",
        "/api/v1/requests/{request_id}/documents",
        "/api/v1/requests/{request_id}/documents/{document_id}",
    } <= set(spec["paths"])

    # bearer auth, required everywhere
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert {"bearerAuth": []} in spec["security"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method in ("get", "post", "put", "patch", "delete"):
                assert operation.get("security", spec["security"]) == spec["security"], (method, path)


# The errors each of the newer operations answers (their tests: the tables of status x action x role
# in services/test_letter_approval.py and services/test_minutes_approval.py,
# api/test_application_letter.py), each documented with the shared error schema.
DOCUMENTED_ERRORS = {
    ("get", "/api/v1/minutes/{minutes_id}"): {"404"},
    ("post", "/api/v1/minutes/{minutes_id}/finalise"): {"403", "404", "409", "422"},
    ("post", "/api/v1/minutes/{minutes_id}/approve"): {"403", "404", "409", "422"},
    ("post", "/api/v1/minutes/{minutes_id}/send-back"): {"403", "404", "409", "422"},
    ("post", "/api/v1/minutes/{minutes_id}/revise"): {"403", "404", "409"},
    ("get", "/api/v1/minutes/{minutes_id}/preview.pdf"): {"404"},
    ("get", "/api/v1/issued-documents/{issued_id}"): {"404"},
    ("post", "/api/v1/issued-documents/{issued_id}/approve"): {"403", "404", "409", "422"},
    ("post", "/api/v1/issued-documents/{issued_id}/send-back"): {"403", "404", "409", "422"},
    ("post", "/api/v1/issued-documents/{issued_id}/resubmit"): {"403", "404", "409", "422"},
    ("get", "/api/v1/issued-documents/{issued_id}/preview.pdf"): {"404"},
    ("get", "/api/v1/issued/{issued_id}/pdf"): {"404"},
    ("get", "/api/v1/requests/{request_id}/issued"): {"404"},
    ("patch", "/api/v1/requests/{request_id}"): {"403", "404", "409", "422"},
}


def documented_errors(spec, method: str, path: str) -> dict[str, dict]:
    """status -> the response object (references resolved) of each error an operation documents."""
    responses = spec["paths"][path][method]["responses"]
    resolved = {}
    for status, response in responses.items():
        if status.isdigit() and int(status) >= 400:
            if "$ref" in response:
                response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
            resolved[status] = response
    return resolved


@pytest.mark.parametrize("method, path", sorted(DOCUMENTED_ERRORS))
def test_the_newer_operations_document_the_errors_they_answer(api, method, path):
    spec = api.client.get("/api/v1/openapi.json").get_json()
    errors = documented_errors(spec, method, path)
    assert set(errors) == DOCUMENTED_ERRORS[(method, path)]
    for status, response in errors.items():
        assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}, status
