"""A meeting covering two requests, its minutes, the berita acara and the result letter, via the API."""

import io
from datetime import date, timedelta

from icalendar import Calendar
from pypdf import PdfReader

from ..helpers import finalise_and_approve, force_state, submitted_request, user


def ready_request(api, process="ranperda"):
    req = submitted_request(api, process)
    with api.app.app_context():
        force_state(req["id"], "analysed")
    return req


def test_meeting_minutes_and_documents(api):
    officer, head, drafter = api.as_("officer"), api.as_("head"), api.as_("drafter")
    first, second = ready_request(api), ready_request(api, "ranperkada")
    with api.app.app_context():
        head_id = user("head").id
    day = date.today() - timedelta(days=1)
    meeting = officer.ok(
        officer.post(
            "/meetings",
            json={
                "request_ids": [first["id"], second["id"]],
                "title": "Rapat Harmonisasi Kota Kupang",
                "starts_at": f"{day.isoformat()}T09:00:00",
                "confirm_non_working_day": True,  # a relative date may be a day off
                "place": "Aula Kanwil NTT",
                "chair_id": head_id,
                "participants": [
                    {
                        "name": "Maria Fernandez",
                        "position": "Perancang Ahli Muda",
                        "institution": "Kanwil Kementerian Hukum NTT",
                        "side": "office",
                    },
                    {
                        "name": "Agustinus <b>Lake</b>",
                        "position": "Kepala Bagian Hukum",
                        "institution": "Pemerintah Kota Kupang",
                        "side": "applicant",
                        "email": "agus@kupang.test",
                    },
                ],
            },
        ),
        201,
    )
    assert meeting["starts_at_local"].startswith(f"{day.isoformat()}T09:00")
    assert meeting["starts_at"] == f"{(day - timedelta(days=0)).isoformat()}T01:00:00Z"  # 09:00 WITA
    for rid in (first["id"], second["id"]):
        assert officer.ok(officer.get(f"/requests/{rid}"))["state"] == "meeting_scheduled"
    ics = officer.get(f"/meetings/{meeting['id']}/invitation.ics")
    assert ics.status_code == 200
    event = Calendar.from_ical(ics.data).walk("VEVENT")[0]
    assert str(event["summary"]) == "Rapat Harmonisasi Kota Kupang"
    attendees = event.get("attendee")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert [str(a) for a in attendees] == ["mailto:agus@kupang.test"]  # only invitees with an email
    assert event.decoded("dtstart").isoformat() == f"{day.isoformat()}T01:00:00+00:00"

    participants = meeting["participants"]
    meeting = officer.ok(
        officer.post(
            f"/meetings/{meeting['id']}/held",
            json={
                "version": meeting["version"],
                "attendance": [{"participant_id": p["id"], "attended": True} for p in participants],
            },
        )
    )
    assert meeting["status"] == "held"
    assert officer.ok(officer.get(f"/requests/{first['id']}"))["state"] == "meeting_held"

    minutes = officer.ok(officer.post(f"/requests/{first['id']}/minutes", json={"meeting_id": meeting["id"]}), 201)
    assert minutes["status"] == "draft" and minutes["revision"] == 1
    minutes = officer.ok(
        officer.put(
            f"/minutes/{minutes['id']}",
            json={
                "version": minutes["version"],
                "conclusion": "harmonis",
                "findings": [
                    {
                        "aspect": "substansi",
                        "article": "Pasal 5 ayat (2)",
                        "finding": "Sanksi <script>alert(1)</script> belum proporsional",
                        "agreed_change": "Denda diubah menjadi paling banyak Rp50.000.000",
                    },
                    {"aspect": "teknik_penyusunan", "finding": "Penulisan judul"},
                ],
            },
        )
    )
    assert len(minutes["findings"]) == 2 and minutes["history"] == 1
    minutes = finalise_and_approve(api, minutes)
    assert minutes["status"] == "final"
    number = minutes["issued_document"]["number"]
    assert number.startswith("BA-001/")

    # final minutes are locked
    r = officer.put(f"/minutes/{minutes['id']}", json={"version": minutes["version"], "notes": "x"})
    assert r.status_code == 409
    # the PDF
    pdf = officer.get(f"/issued/{minutes['issued_document']['id']}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    flat = " ".join(text.split())
    assert number in flat
    assert "BERITA ACARA PENGHARMONISASIAN" in flat
    assert "Sanksi <script>alert(1)</script> belum proporsional" in flat
    assert "Agustinus <b>Lake</b>" in flat
    assert "Halaman 1 dari" in flat

    # the conclusion issues the result letter
    req = head.ok(head.fire(first["id"], "conclude_harmonis"))
    assert req["state"] == "harmonis"
    issued = drafter.ok(drafter.get(f"/requests/{first['id']}/issued"))
    # the invitation letter an officer's scheduling prepared awaits the head's approval: the
    # applicant does not see it (issue 13 §3); the office does
    assert [d["kind"] for d in issued] == ["berita_acara", "result_letter"]
    assert [(d["kind"], d["status"]) for d in officer.ok(officer.get(f"/requests/{first['id']}/issued"))][0] == (
        "undangan_rapat",
        "awaiting_approval",
    )
    assert all(d["sha256"] for d in issued)
    letter = drafter.get(f"/issued/{issued[1]['id']}/pdf")
    letter_text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.data)).pages).split())
    assert "Wali Kota Kupang" in letter_text and number in letter_text

    # the public verification page
    page = api.client.get(f"/verifikasi/{issued[0]['code']}")
    assert page.status_code == 200 and number in page.get_data(as_text=True)
