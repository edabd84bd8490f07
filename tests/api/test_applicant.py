"""Who applies and their application letter, recorded with the request: the Kepala Daerah (through
the Sekda) or the DPRD (through the Sekwan); a Ranperkada only from the Kepala Daerah. Bad input
is named and writes nothing."""

import pytest
from sqlalchemy import func, select

from workflow.extensions import db
from workflow.models import Request


def count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Request))


def test_the_applicant_and_the_letter_are_recorded(api):
    drafter = api.as_("drafter")
    req = drafter.create("ranperda", application_letter_number="180/412/HK/2026", application_letter_date="2026-10-01")
    assert (req["applicant_type"], req["application_letter_number"], req["application_letter_date"]) == (
        "kepala_daerah",  # a city government applies through its head by default
        "180/412/HK/2026",
        "2026-10-01",
    )


@pytest.mark.parametrize(
    "process, body, field",
    [
        ("ranperda", {"applicant_type": "bupati"}, "applicant_type"),
        ("ranperkada", {"applicant_type": "dprd"}, "applicant_type"),  # only the executive
        ("ranperda", {"applicant_type": "dprd"}, "applicant_type"),  # a city government is no DPRD
        ("ranperda", {"application_letter_date": "01-10-2026"}, "application_letter_date"),
        ("ranperda", {"application_letter_date": "2999-01-01"}, "application_letter_date"),
        ("ranperda", {"application_letter_number": "x" * 121}, "application_letter_number"),
    ],
)
def test_bad_applicant_input_is_named_and_writes_nothing(app, api, process, body, field):
    before = count(app)
    r = api.as_("drafter").post("/requests", json={"process": process, "title": "Rancangan uji", **body})
    assert r.status_code == 422, r.get_json()
    assert field in str(r.get_json()["error"]["details"])
    assert count(app) == before
