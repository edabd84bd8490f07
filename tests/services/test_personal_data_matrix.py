"""Who reads which intake field (UU 27/2022), as a matrix written out by hand: field x state x
reader, for the human-rights complaint (the intake officer reads the chronology to judge
completeness, not the NIK or address) and the public complaint (a complainant who asks for
confidentiality is known to the assigned staff alone, not even to the head).

Each case goes through details_for(), which the request page and the API both use, and checks
that exactly the personal data shown is logged as read.
"""

import pytest
from sqlalchemy import insert, select

from workflow.actors import PublicActor
from workflow.extensions import db
from workflow.models import AccessLog, Office, Request, request_assignees
from workflow.operations.personal_data import REDACTED, details_for
from workflow.operations.requests import create_request

from ..helpers import force_state, user

READERS = ("head", "assigned", "officer2", "admin")
HR = {
    "name": "Markus Matriks",
    "nik": "5371010101900031",
    "address": "Jl. Matriks",
    "phone": "081234500031",
    "reported_party": "Instansi",
    "chronology": "Kronologi matriks.",
    "represented": False,
}
PC = {
    "name": "Pelapor Matriks",
    "phone": "081234500032",
    "reported_person": "Petugas",
    "place": "Loket",
    "time": "Senin",
    "chronology": "Kronologi aduan.",
}

# (process, details, state) -> reader -> the fields shown in clear (the rest are redacted)
HR_PLAIN = {"name", "phone", "reported_party", "represented"}
HR_ALL = HR_PLAIN | {"nik", "address", "chronology"}
PC_PLAIN = {"name", "phone", "reported_person", "place", "time", "confidential"}
PC_ALL = PC_PLAIN | {"chronology"}
PC_ANONYMOUS = PC_PLAIN - {"name", "phone"}
MATRIX = {
    ("human_rights_complaint", "plain", "submitted"): {
        "head": HR_ALL,
        "assigned": HR_ALL,
        "officer2": HR_PLAIN | {"chronology"},  # the intake officer judges completeness
        "admin": HR_PLAIN,
    },
    ("human_rights_complaint", "plain", "incomplete"): {
        "head": HR_ALL,
        "assigned": HR_ALL,
        "officer2": HR_PLAIN | {"chronology"},
        "admin": HR_PLAIN,
    },
    ("human_rights_complaint", "plain", "examination"): {
        "head": HR_ALL,
        "assigned": HR_ALL,
        "officer2": HR_PLAIN,  # past intake: the examination is the assignees' business
        "admin": HR_PLAIN,
    },
    ("public_complaint", "plain", "received"): {
        "head": PC_ALL,
        "assigned": PC_ALL,
        "officer2": PC_PLAIN,
        "admin": PC_PLAIN,
    },
    ("public_complaint", "confidential", "received"): {
        "head": PC_ANONYMOUS | {"chronology"},  # the head assigns without knowing who complained
        "assigned": PC_ALL,
        "officer2": PC_ANONYMOUS,
        "admin": PC_ANONYMOUS,
    },
    ("public_complaint", "confidential", "investigation"): {
        "head": PC_ANONYMOUS | {"chronology"},
        "assigned": PC_ALL,
        "officer2": PC_ANONYMOUS,
        "admin": PC_ANONYMOUS,
    },
}
# the fields whose reading is logged: personal data (sensitive, or identity kept confidential)
LOGGED = {
    ("human_rights_complaint", "plain"): {"nik", "address", "chronology"},
    ("public_complaint", "plain"): {"chronology"},
    ("public_complaint", "confidential"): {"chronology", "name", "phone"},
}


def open_request(process, variant, state):
    details = dict(HR if process == "human_rights_complaint" else PC)
    if process == "public_complaint":
        details["confidential"] = variant == "confidential"
    office = db.session.scalar(select(Office))
    req = create_request(PublicActor(request_id=0), process=process, details=details, office=office)
    db.session.commit()
    db.session.execute(insert(request_assignees).values(request_id=req.id, user_id=user("officer").id))
    force_state(req.id, state)
    return req.id


@pytest.mark.parametrize("case", list(MATRIX), ids=lambda c: "-".join(c))
def test_who_reads_which_field(app, case):
    process, variant, state = case
    failures = []
    with app.app_context():
        request_id = open_request(process, variant, state)
        for reader in READERS:
            who = user("officer" if reader == "assigned" else reader)
            req = db.session.get(Request, request_id)
            before = set(db.session.scalars(select(AccessLog.id).where(AccessLog.user_id == who.id)))
            rows = details_for(who, req, "page")
            shown = {f.name for f, value, redacted in rows if not redacted}
            hidden = {f.name for f, value, redacted in rows if redacted}
            assert all(value == REDACTED for f, value, redacted in rows if redacted)
            expected = MATRIX[case][reader]
            if shown != expected:
                failures.append(f"{reader}: shown {sorted(shown)}, expected {sorted(expected)}")
            logs = db.session.scalars(
                select(AccessLog).where(AccessLog.user_id == who.id, AccessLog.id.not_in(before or {0}))
            ).all()
            logged = {f for entry in logs for f in entry.fields}
            if logged != shown & LOGGED[(process, variant)]:
                failures.append(f"{reader}: logged {sorted(logged)}, read {sorted(shown & LOGGED[(process, variant)])}")
            assert shown | hidden == {f.name for f, *_ in rows}
    assert not failures, "\n".join(failures)
