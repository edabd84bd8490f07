"""Letters awaiting approval in the browser (operations/letter_approval.py): the DRAF preview,
the head's (or the delegate's) approve and send-back, and the officer's revise-and-ask-again. The
forms live on the request's page (templates/cases/_letter.html); each action returns there."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from ..access import visible_issued
from ..i18n import gettext as _
from ..operations.letter_approval import (
    KIND_LABELS,
    approve_letter,
    can_preview,
    preview_letter,
    resubmit_letter,
    send_back_letter,
)
from .downloads import attachment
from .unit_of_work import unit_of_work

bp = Blueprint("letters", __name__)


@bp.before_request
@login_required
def _signed_in():
    if not current_user.is_staff:
        abort(403)  # letters not issued are the office's alone


def _back_to(issued):
    return redirect(url_for("cases.detail", request_id=issued.request_id, _anchor=f"surat-{issued.id}"))


def _version() -> int:
    return request.form.get("version", 0, type=int)


def _outcome(issued, work, done: str):
    if work.stale:
        flash(_("Surat ini telah diubah oleh orang lain. Periksa kembali sebelum melanjutkan."), "warning")
    elif work.failed:
        work.flash()
    else:
        flash(done, "success")
    return _back_to(issued)


@bp.get("/surat/<id:issued_id>/draf.pdf")
def preview(issued_id):
    """The letter as it will be issued, marked DRAF, without a number or QR code."""
    issued = visible_issued(issued_id, current_user)
    if not can_preview(current_user, issued):
        abort(404)  # issued: the issued PDF is the document
    return attachment(preview_letter(issued), mimetype="application/pdf", name=f"draf-surat-{issued.id}.pdf")


@bp.post("/surat/<id:issued_id>/setujui")
def approve(issued_id):
    issued = visible_issued(issued_id, current_user, for_update=True)
    with unit_of_work(catch=True) as work:  # numbered now, the PDF rendered after the commit
        approve_letter(issued, current_user, version=_version())
    label = _(KIND_LABELS[issued.kind])
    return _outcome(
        issued,
        work,
        _("%(letter)s disetujui dan diterbitkan dengan nomor %(number)s.", letter=label, number=issued.number),
    )


@bp.post("/surat/<id:issued_id>/kembalikan")
def send_back(issued_id):
    issued = visible_issued(issued_id, current_user, for_update=True)
    with unit_of_work(catch=True) as work:
        send_back_letter(issued, current_user, version=_version(), comment=request.form.get("comment", ""))
    return _outcome(issued, work, _("Surat dikembalikan kepada perancang dengan catatan Anda."))


@bp.post("/surat/<id:issued_id>/ajukan-ulang")
def resubmit(issued_id):
    issued = visible_issued(issued_id, current_user, for_update=True)
    missing = request.form.get("missing") if issued.kind == "pengembalian_berkas" else None
    with unit_of_work(catch=True) as work:
        resubmit_letter(issued, current_user, version=_version(), missing=missing)
    if not work.failed and issued.is_issued:  # asked again by the head or the delegate: issued at once
        return _outcome(issued, work, _("Surat diterbitkan dengan nomor %(number)s.", number=issued.number))
    return _outcome(issued, work, _("Surat diajukan kembali untuk persetujuan pimpinan."))
