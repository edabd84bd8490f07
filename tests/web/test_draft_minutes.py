"""Draft minutes are the office's working copy: the applicant's side sees minutes once they are
final, on the pages and in the API (a draft is "not found" to them, and not listed)."""

from datetime import date, timedelta

from ..api.test_meetings_flow import ready_request
from ..helpers import user


def held_meeting_with_draft_minutes(api):
    officer = api.as_("officer")
    req = ready_request(api)
    with api.app.app_context():
        head_id = user("head").id
    day = (date.today() - timedelta(days=1)).isoformat()
    meeting = officer.ok(
        officer.post(
            "/meetings",
            json={
                "request_ids": [req["id"]],
                "title": "Rapat",
                "starts_at": f"{day}T09:00:00",
                "confirm_non_working_day": True,  # a relative date may be a day off
                "place": "Aula",
                "chair_id": head_id,
                "participants": [],
            },
        ),
        201,
    )
    meeting = officer.ok(officer.post(f"/meetings/{meeting['id']}/held", json={"version": meeting["version"]}))
    minutes = officer.ok(officer.post(f"/requests/{req['id']}/minutes", json={"meeting_id": meeting["id"]}), 201)
    minutes = officer.ok(
        officer.put(
            f"/minutes/{minutes['id']}",
            json={"version": minutes["version"], "conclusion": "harmonis", "notes": "Catatan kerja internal"},
        )
    )
    return req, meeting, minutes


def test_applicants_see_minutes_only_once_final(api, signed_in):
    req, meeting, minutes = held_meeting_with_draft_minutes(api)
    officer, drafter = api.as_("officer"), api.as_("drafter")
    page = f"/berita-acara/{minutes['id']}"

    # the office works on the draft
    assert officer.ok(officer.get(f"/requests/{req['id']}/minutes"))[0]["id"] == minutes["id"]
    assert signed_in("officer").get(page).status_code == 200
    # the applicant does not see it: not listed, not found, no link on the request or meeting page
    assert drafter.ok(drafter.get(f"/requests/{req['id']}/minutes")) == []
    assert drafter.get(f"/minutes/{minutes['id']}").status_code == 404
    browser = signed_in("drafter")
    assert browser.get(page).status_code == 404
    for path in (f"/permohonan/{req['id']}", f"/rapat/{meeting['id']}"):
        response = browser.get(path)
        assert response.status_code == 200, path
        assert page not in response.get_data(as_text=True), path

    final = officer.ok(officer.post(f"/minutes/{minutes['id']}/finalise", json={"version": minutes["version"]}))
    assert final["status"] == "final"
    assert [m["id"] for m in drafter.ok(drafter.get(f"/requests/{req['id']}/minutes"))] == [minutes["id"]]
    assert drafter.ok(drafter.get(f"/minutes/{minutes['id']}"))["status"] == "final"
    assert browser.get(page).status_code == 200
    assert page in browser.get(f"/permohonan/{req['id']}").get_data(as_text=True)

    # a correction is a new draft: hidden again until final, the final one stays visible
    revision = officer.ok(officer.post(f"/minutes/{minutes['id']}/revise"), 201)
    assert [m["id"] for m in drafter.ok(drafter.get(f"/requests/{req['id']}/minutes"))] == [minutes["id"]]
    assert drafter.get(f"/minutes/{revision['id']}").status_code == 404
    assert browser.get(f"/berita-acara/{revision['id']}").status_code == 404
