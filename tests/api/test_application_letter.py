"""The application letter's number and date (surat permohonan nomor/tanggal): the berita acara and
the letters cite them, so a harmonisation is submitted (or resubmitted) only with both, and the
drafter fills them in or corrects them while the request is a draft or returned for completion:
PATCH /api/v1/requests/{id} and the form on the request page. Anything refused writes nothing."""

import pytest
from sqlalchemy import select

from workflow.extensions import db
from workflow.models import Event

from ..helpers import REQUIRED, force_state
from .test_bad_input import documented_errors
from .test_meetings import error_of

BOTH_MISSING = (
    "Lengkapi data surat permohonan sebelum mengajukan: nomor surat permohonan dan tanggal surat permohonan "
    "belum diisi."
)


def documented(api, process="ranperda", **letter):
    """A draft with every required document, created through the API with `letter` alone."""
    drafter = api.as_("drafter")
    r = drafter.post("/requests", json={"process": process, "title": "Rancangan uji", **letter})
    req = drafter.ok(r, 201)
    for kind in REQUIRED[process]:
        drafter.ok(drafter.upload(req["id"], kind), 201)
    return drafter.ok(drafter.get(f"/requests/{req['id']}"))


def events(app, request_id):
    with app.app_context():
        return [
            (e.trigger, e.data)
            for e in db.session.scalars(select(Event).where(Event.request_id == request_id).order_by(Event.seq))
        ]


@pytest.mark.parametrize("process", ["ranperda", "ranperkada"])
@pytest.mark.parametrize(
    "letter, reason",
    [
        ({}, BOTH_MISSING),
        (
            {"application_letter_number": "180/412/HK/2026"},
            "Lengkapi data surat permohonan sebelum mengajukan: tanggal surat permohonan belum diisi.",
        ),
        (
            {"application_letter_date": "2026-10-01"},
            "Lengkapi data surat permohonan sebelum mengajukan: nomor surat permohonan belum diisi.",
        ),
    ],
)
def test_submitting_without_the_letter_is_refused_naming_what_is_missing(app, api, process, letter, reason):
    drafter = api.as_("drafter")
    req = documented(api, process, **letter)
    before = events(app, req["id"])
    err = error_of(drafter.fire(req["id"], "submit"), 422, "guard_failed")
    assert err["details"] == [reason]
    after = drafter.ok(drafter.get(f"/requests/{req['id']}"))
    assert (after["state"], after["version"]) == ("draft", req["version"])
    assert events(app, req["id"]) == before


def test_the_drafter_fills_the_letter_in_by_patch_then_submits(app, api):
    drafter = api.as_("drafter")
    req = documented(api)
    r = drafter.client.patch(
        f"/api/v1/requests/{req['id']}",
        json={"version": req["version"], "application_letter_number": " 180/412/HK/2026 "},
        headers=drafter._headers(),
    )
    half = drafter.ok(r)
    assert (half["application_letter_number"], half["application_letter_date"]) == ("180/412/HK/2026", None)
    assert half["version"] == req["version"] + 1
    # only the fields given change: the number stays while the date is filled in
    full = drafter.ok(patch(drafter, req["id"], version=half["version"], application_letter_date="2026-10-01"))
    assert (full["application_letter_number"], full["application_letter_date"]) == ("180/412/HK/2026", "2026-10-01")
    assert events(app, req["id"])[-2:] == [
        ("update_application_letter", {"application_letter_number": "180/412/HK/2026"}),
        ("update_application_letter", {"application_letter_date": "2026-10-01"}),
    ]
    # the same values again change nothing, and write nothing
    same = drafter.ok(patch(drafter, req["id"], version=full["version"], application_letter_date="2026-10-01"))
    assert same["version"] == full["version"] and len(events(app, req["id"])) == len(events(app, full["id"]))
    assert drafter.ok(drafter.fire(req["id"], "submit"))["state"] == "submitted"


def patch(client, request_id, **body):
    return client.client.patch(f"/api/v1/requests/{request_id}", json=body, headers=client._headers())


@pytest.mark.parametrize(
    "body, field",
    [
        ({"application_letter_date": "01-10-2026"}, "application_letter_date"),
        ({"application_letter_date": "2999-01-01"}, "application_letter_date"),  # not after today
        ({"application_letter_number": "x" * 121}, "application_letter_number"),
        ({"application_letter_number": "180\x00"}, "application_letter_number"),
        ({"application_letter_number": 180}, "application_letter_number"),
        ({"title": "Judul lain"}, "title"),  # nothing else is changed this way
    ],
)
def test_bad_input_is_named_and_writes_nothing(app, api, body, field):
    drafter = api.as_("drafter")
    req = documented(api)
    before = events(app, req["id"])
    err = error_of(patch(drafter, req["id"], version=req["version"], **body), 422)
    assert field in str(err["details"])
    assert drafter.ok(drafter.get(f"/requests/{req['id']}"))["version"] == req["version"]
    assert events(app, req["id"]) == before


def test_who_and_when(app, api):
    drafter = api.as_("drafter")
    req = documented(api, application_letter_number="180/1/HK/2026")
    fields = {"application_letter_date": "2026-10-01"}
    # a stale version: 409, naming the current one
    err = error_of(patch(drafter, req["id"], version=req["version"] - 1, **fields), 409, "stale_version")
    assert err["details"]["current_version"] == req["version"]
    # the office's staff do not write the applicant's letter
    error_of(patch(api.as_("officer"), req["id"], version=req["version"], **fields), 404)  # a draft is private
    with app.app_context():
        force_state(req["id"], "submitted")
    error_of(patch(api.as_("officer"), req["id"], version=req["version"], **fields), 403, "forbidden")
    # another organisation's drafter does not see it at all
    error_of(patch(api.as_("other_drafter"), req["id"], version=req["version"], **fields), 404, "not_found")
    # once with the office: 409, until it is returned for completion
    err = error_of(patch(drafter, req["id"], version=req["version"], **fields), 409)
    assert "draf atau dikembalikan" in err["message"]
    with app.app_context():
        force_state(req["id"], "returned")
    returned = drafter.ok(patch(drafter, req["id"], version=req["version"], application_letter_number=None))
    assert returned["application_letter_number"] is None  # null clears it...
    err = error_of(drafter.fire(req["id"], "resubmit"), 422, "guard_failed")  # ...and resubmitting needs it
    assert err["details"] == [BOTH_MISSING]
    done = drafter.ok(
        patch(
            drafter,
            req["id"],
            version=returned["version"],
            application_letter_number="180/2/HK/2026",
            application_letter_date="2026-10-02",
        )
    )
    assert drafter.ok(drafter.fire(req["id"], "resubmit", version=done["version"]))["state"] == "submitted"


def test_a_process_without_an_application_letter_refuses(app, api):
    from ..services.test_walks import DETAILS

    officer = api.as_("officer")
    req = officer.ok(officer.post("/requests", json={"process": "legal_aid", "details": DETAILS["legal_aid"]}), 201)
    error_of(patch(officer, req["id"], version=req["version"], application_letter_number="1/2026"), 403, "forbidden")


def test_the_openapi_document_describes_the_patch(api):
    spec = api.get("/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/requests/{request_id}"]["patch"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[1]
    properties = spec["components"]["schemas"][name]["properties"]
    assert set(properties) == {"version", "application_letter_number", "application_letter_date"}
    # the refusals the tests above meet: not the applicant's (403), not visible (404), stale or past
    # the stage (409), a wrong value (422)
    assert set(documented_errors(spec, "patch", "/api/v1/requests/{request_id}")) == {"403", "404", "409", "422"}


# --- the form on the request page -------------------------------------------------------------


def test_the_request_page_form_fills_the_letter_in(app, api):
    from .test_meetings import browser, csrf_from

    req = documented(api)
    web = browser(app, "drafter")
    page = web.get(f"/permohonan/{req['id']}").get_data(as_text=True)
    assert 'data-testid="letter-missing"' in page and 'name="application_letter_number"' in page
    token = csrf_from(page)
    url = f"/permohonan/{req['id']}/surat-permohonan"
    r = web.post(url, data={"csrf_token": token, "version": req["version"], "application_letter_date": "2999-01-01"})
    assert r.status_code == 422
    assert "Tanggal surat permohonan tidak boleh setelah hari ini." in r.get_data(as_text=True)
    r = web.post(
        url,
        data={
            "csrf_token": token,
            "version": req["version"],
            "application_letter_number": "180/412/HK/2026",
            "application_letter_date": "2026-10-01",
        },
    )
    assert r.status_code == 302
    page = web.get(f"/permohonan/{req['id']}").get_data(as_text=True)
    assert "Data surat permohonan disimpan." in page and 'data-testid="letter-missing"' not in page
    assert 'value="180/412/HK/2026"' in page and "Data surat permohonan diubah" in page
    drafter = api.as_("drafter")
    assert drafter.ok(drafter.fire(req["id"], "submit"))["state"] == "submitted"
    # with the office, the form is gone
    assert 'name="application_letter_number"' not in web.get(f"/permohonan/{req['id']}").get_data(as_text=True)


def test_the_office_sees_no_letter_form(app, api):
    from .test_meetings import browser

    req = documented(api, application_letter_number="180/1/HK/2026", application_letter_date="2026-10-01")
    api.as_("drafter").ok(api.as_("drafter").fire(req["id"], "submit"))
    page = browser(app, "officer").get(f"/permohonan/{req['id']}").get_data(as_text=True)
    assert 'name="application_letter_number"' not in page
