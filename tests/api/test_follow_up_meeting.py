"""A follow-up meeting (rapat lanjutan) from "meeting held", with a reason: each meeting keeps its
own berita acara, and the conclusion needs the final minutes of the last meeting."""

from datetime import date, timedelta

from sqlalchemy import func, select

from workflow.extensions import db
from workflow.models import Meeting

from ..helpers import force_state, submitted_request, user


def meeting_body(api, request_id, day, **extra):
    with api.app.app_context():
        head_id = user("head").id
    return {
        "request_ids": [request_id],
        "title": "Rapat Harmonisasi Kota Kupang",
        "starts_at": f"{day.isoformat()}T07:30:00",
        "confirm_non_working_day": True,  # a relative date may be a day off
        "place": "Aula Kanwil NTT",
        "chair_id": head_id,
        "participants": [],
        **extra,
    }


def held_with_final_minutes(officer, request_id, meeting, conclusion="harmonis"):
    officer.ok(officer.post(f"/meetings/{meeting['id']}/held", json={"version": meeting["version"]}))
    minutes = officer.ok(officer.post(f"/requests/{request_id}/minutes", json={"meeting_id": meeting["id"]}), 201)
    minutes = officer.ok(
        officer.put(f"/minutes/{minutes['id']}", json={"version": minutes["version"], "conclusion": conclusion})
    )
    return officer.ok(officer.post(f"/minutes/{minutes['id']}/finalise", json={"version": minutes["version"]}))


def test_a_follow_up_meeting_has_its_own_minutes_and_decides_the_conclusion(app, api):
    officer, head = api.as_("officer"), api.as_("head")
    req = submitted_request(api)
    rid = req["id"]
    with app.app_context():
        force_state(rid, "analysed")
    first = officer.ok(officer.post("/meetings", json=meeting_body(api, rid, date.today() - timedelta(days=6))), 201)
    first_minutes = held_with_final_minutes(officer, rid, first)
    assert first_minutes["revision"] == 1

    # another meeting needs a reason; without it nothing is written
    with app.app_context():
        meetings = db.session.scalar(select(func.count()).select_from(Meeting))
    r = officer.post("/meetings", json=meeting_body(api, rid, date.today() - timedelta(days=3)))
    assert r.status_code == 422 and "comment" in str(r.get_json()["error"]["details"])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Meeting)) == meetings
    second = officer.ok(
        officer.post(
            "/meetings",
            json=meeting_body(api, rid, date.today() - timedelta(days=3), reason="Pasal 7 dan 9 belum disepakati."),
        ),
        201,
    )
    shown = officer.ok(officer.get(f"/requests/{rid}"))
    assert shown["state"] == "meeting_scheduled"
    events = officer.ok(officer.get(f"/requests/{rid}/events"))
    assert (events[-1]["trigger"], events[-1]["comment"]) == (
        "schedule_follow_up_meeting",
        "Pasal 7 dan 9 belum disepakati.",
    )
    officer.ok(officer.post(f"/meetings/{second['id']}/held", json={"version": second["version"]}))
    # the first meeting's minutes no longer decide
    r = head.fire(rid, "conclude_harmonis")
    assert r.status_code == 422 and "rapat lanjutan" in str(r.get_json()["error"]["details"])
    second = officer.ok(officer.get(f"/meetings/{second['id']}"))
    minutes = officer.ok(officer.post(f"/requests/{rid}/minutes", json={"meeting_id": second["id"]}), 201)
    assert (minutes["revision"], minutes["meeting_id"]) == (2, second["id"])
    minutes = officer.ok(
        officer.put(f"/minutes/{minutes['id']}", json={"version": minutes["version"], "conclusion": "harmonis"})
    )
    officer.ok(officer.post(f"/minutes/{minutes['id']}/finalise", json={"version": minutes["version"]}))
    done = head.ok(head.fire(rid, "conclude_harmonis"))
    assert done["state"] == "harmonis"
    # both berita acara stay, each its meeting's
    issued = officer.ok(officer.get(f"/requests/{rid}/issued"))
    assert [d["kind"] for d in issued].count("berita_acara") == 2
