"""E-mails about confidential matters (UU 27/2022; DOMAIN: human-rights and legal-aid files hold
sensitive personal data, and a public complainant may ask for confidentiality): each carries a
confidentiality notice and no personal detail in its subject line; the legal-aid ones name the
legal-aid organisation (OBH) the file is referred to, once the process records one."""

from sqlalchemy import select

from workflow.extensions import db
from workflow.models import OutboxMessage, Request
from workflow.operations.notifications import notify_user

from ..helpers import user
from .test_walks import DETAILS, D, act, at, submit

NOTICE = "RAHASIA"


def tell_staff(request_id):
    """A staff notice (e-mail/notice.txt) about the request, as a new file to check."""
    notify_user(user("officer"), db.session.get(Request, request_id), "new_file")
    db.session.commit()


def outbox(request_id) -> list[OutboxMessage]:
    db.session.expire_all()
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.request_id == request_id).order_by(OutboxMessage.id)
    ).all()


def assert_confidential(request_id, details):
    messages = outbox(request_id)
    assert messages
    personal = [v for k, v in details.items() if isinstance(v, str) and k not in ("case_type", "reported_party")]
    for m in messages:
        assert NOTICE in m.body, (m.subject, m.body)
        for value in personal:
            assert value not in m.subject, (value, m.subject)


def test_human_rights_complaint_mail_is_confidential(app):
    with app.app_context():
        request_id = submit("human_rights_complaint", at(D("2026-03-02")))
        act(request_id, "return_for_completion", "officer", at(D("2026-03-03")), comment="Lengkapi bukti.")
        tell_staff(request_id)
        # the complainant, both intake officers told of the new file, the officer told by tell_staff
        assert {m.recipient for m in outbox(request_id)} == {
            "pemohon.uji@example.org",
            "perancang1@harmoni.test",
            "perancang2@harmoni.test",
        }
        assert_confidential(request_id, DETAILS["human_rights_complaint"])


def test_legal_aid_mail_is_confidential_and_names_the_obh(app):
    with app.app_context():
        request_id = submit("legal_aid", at(D("2026-03-02")))
        act(request_id, "declare_complete", "officer", at(D("2026-03-03")))
        before_referral = outbox(request_id)
        assert all("LBH Surya NTT" not in m.body for m in before_referral)
        act(request_id, "refer", "officer", at(D("2026-03-04")), obh="LBH Surya NTT")
        act(request_id, "record_obh_complete", "officer", at(D("2026-03-05")))
        act(request_id, "record_obh_acceptance", "officer", at(D("2026-03-06")))
        after = outbox(request_id)[len(before_referral) :]
        assert len(after) == 2  # referred; represented
        for m in after:
            assert "Organisasi bantuan hukum (OBH): LBH Surya NTT" in m.body, m.body
        assert_confidential(request_id, DETAILS["legal_aid"])


def test_a_refused_referral_is_no_longer_named(app):
    with app.app_context():
        request_id = submit("legal_aid", at(D("2026-03-02")))
        act(request_id, "declare_complete", "officer", at(D("2026-03-03")))
        act(request_id, "refer", "officer", at(D("2026-03-04")), obh="LBH Uji")
        act(request_id, "record_obh_refusal", "officer", at(D("2026-03-05")), comment="Konflik kepentingan.")
        act(request_id, "declare_not_eligible", "head", at(D("2026-03-06")), comment="Tidak memenuhi syarat.")
        assert "LBH Uji" not in outbox(request_id)[-1].body


def test_a_confidential_public_complaint_keeps_the_name_out_of_title_and_mail(app):
    details = {**DETAILS["public_complaint"], "confidential": True}
    with app.app_context():
        request_id = submit("public_complaint", at(D("2026-03-02")), details=details)
        req = db.session.get(Request, request_id)
        assert details["name"] not in req.title
        tell_staff(request_id)
        staff = [m for m in outbox(request_id) if m.recipient == user("officer").email]
        assert staff and all(details["name"] not in m.body for m in staff)
        assert_confidential(request_id, details)


def test_other_mail_carries_no_confidentiality_notice(app):
    with app.app_context():
        request_id = submit("public_complaint", at(D("2026-03-02")))
        tell_staff(request_id)
        assert outbox(request_id) and all(NOTICE not in m.body for m in outbox(request_id))
