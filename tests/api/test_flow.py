"""The harmonisation of a Ranperda from draft to conclusion, through the API."""

from datetime import date, timedelta

from ..helpers import REQUIRED, submitted_request


def test_ranperda_from_draft_to_harmonis(api):
    drafter, officer, head = api.as_("drafter"), api.as_("officer"), api.as_("head")
    req = drafter.create("ranperda", external_ref="EH-2026-0001")
    assert req["state"] == "draft" and req["phase"] == "intake" and req["version"] == 1
    assert req["number"].startswith("0001/RANPERDA/NTT/")
    assert req["allowed_triggers"] == ["submit", "discard"]  # a draft is discarded, never withdrawn
    assert req["due_date"] is None and req["clock_paused"] is False

    # submission is refused while a required document is missing, naming it
    for kind in REQUIRED["ranperda"][:-1]:
        drafter.ok(drafter.upload(req["id"], kind), 201)
    r = drafter.fire(req["id"], "submit")
    assert r.status_code == 422
    assert r.get_json()["error"]["code"] == "guard_failed"
    assert "Propemperda" in r.get_json()["error"]["details"][0]
    drafter.ok(drafter.upload(req["id"], "izin_prakarsa"), 201)  # the alternative to the decree
    req = drafter.ok(drafter.fire(req["id"], "submit"))
    assert req["state"] == "submitted"

    # the administrative check has its deadline (3 working days)
    assert req["due_date"] is not None and req["due_date_kind"] == "administrative_check"
    # returned for completion, and resubmitted: a round is counted, the check's clock paused
    req = officer.ok(officer.fire(req["id"], "return_for_completion", comment="SK tim belum ditandatangani"))
    assert req["state"] == "returned" and req["completion_rounds"] == 1 and req["clock_paused"] is True
    drafter.ok(drafter.upload(req["id"], "sk_tim_penyusun"), 201)
    req = drafter.ok(drafter.fire(req["id"], "resubmit"))

    req = officer.ok(officer.fire(req["id"], "declare_complete"))
    assert req["state"] == "verified" and req["phase"] == "review"
    assert req["due_date"] is not None and req["clock_paused"] is False and req["due_date_kind"] == "office"

    processes = api.as_("head").ok(api.as_("head").get("/processes"))
    assert {"ranperda", "ranperkada"} <= {p["name"] for p in processes}
    with api.app.app_context():
        from ..helpers import user

        officer_ids = [user("officer").id, user("officer2").id]
    req = head.ok(head.fire(req["id"], "assign", assignees=officer_ids))
    assert [a["id"] for a in req["assignees"]] == officer_ids
    req = officer.ok(officer.fire(req["id"], "complete_analysis"))
    meeting = (date.today() + timedelta(days=7)).isoformat()
    req = officer.ok(officer.fire(req["id"], "schedule_meeting", meeting_date=meeting, confirm_non_working_day=True))
    assert req["phase"] == "meeting"
    req = officer.ok(officer.fire(req["id"], "hold_meeting"))
    r = head.fire(req["id"], "conclude_harmonis")
    assert r.status_code == 422  # no final minutes yet
    assert "Berita acara" in r.get_json()["error"]["details"][0]
    with api.app.app_context():
        from ..helpers import final_minutes

        final_minutes(req["id"], "harmonis")
    req = head.ok(head.fire(req["id"], "conclude_harmonis"))
    assert req["state"] == "harmonis" and req["phase"] == "conclusion"
    assert req["allowed_triggers"] == []

    events = drafter.ok(drafter.get(f"/requests/{req['id']}/events"))
    assert [e["seq"] for e in events] == list(range(1, req["version"] + 1))
    assert events[0]["trigger"] == "create" and events[-1]["trigger"] == "conclude_harmonis"


def test_harmonis_with_notes_closes_once_correction_accepted(api):
    drafter, officer, head = api.as_("drafter"), api.as_("officer"), api.as_("head")
    req = submitted_request(api)
    from ..helpers import force_state

    with api.app.app_context():
        force_state(req["id"], "meeting_held")
        from ..helpers import final_minutes

        final_minutes(req["id"], "harmonis_with_notes")
    deadline = (date.today() + timedelta(days=30)).isoformat()  # as in the final minutes
    r = head.fire(req["id"], "conclude_with_notes", correction_deadline=deadline)
    assert r.status_code == 422 and "comment" in r.get_json()["error"]["details"]
    req = head.ok(
        head.fire(req["id"], "conclude_with_notes", comment="Perbaiki Pasal 5 ayat (2)", correction_deadline=deadline)
    )
    assert req["state"] == "harmonis_with_notes"
    r = drafter.fire(req["id"], "submit_correction")
    assert r.status_code == 422  # no corrected draft uploaded yet
    drafter.ok(drafter.upload(req["id"], "rancangan_perbaikan"), 201)
    req = drafter.ok(drafter.fire(req["id"], "submit_correction"))
    req = officer.ok(officer.fire(req["id"], "reject_correction", comment="Pasal 5 belum diubah"))
    assert req["state"] == "harmonis_with_notes"
    assert drafter.fire(req["id"], "submit_correction").status_code == 422  # needs a newer upload
    drafter.ok(drafter.upload(req["id"], "rancangan_perbaikan"), 201)
    drafter.ok(drafter.fire(req["id"], "submit_correction"))
    assert officer.fire(req["id"], "accept_correction").status_code == 403  # the head's decision
    req = head.ok(head.fire(req["id"], "accept_correction"))
    assert req["state"] == "harmonis"
