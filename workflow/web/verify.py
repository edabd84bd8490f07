"""Public verification of issued documents: anyone holding the code (printed and QR-coded on the
document) sees what it is and who issued it, and can check that a PDF is the issued one."""

import hashlib

from flask import Blueprint, current_app, render_template, request
from sqlalchemy import select

from ..extensions import db, limiter
from ..i18n import gettext as _
from ..models import IssuedDocument

bp = Blueprint("verify", __name__, url_prefix="/verifikasi")
KIND_LABELS = {
    "berita_acara": "Berita Acara Pengharmonisasian",
    "result_letter": "Surat Penyampaian Hasil Pengharmonisasian",
    "hasil_akhir": "Surat Penyampaian Hasil Akhir Pengharmonisasian",
    "undangan_rapat": "Undangan Rapat Pengharmonisasian",
    "pengembalian_berkas": "Surat Pengembalian Berkas",
}


@bp.route("/<code>", methods=["GET", "POST"])
@limiter.limit("30 per minute")  # codes are unguessable; this keeps it that way
def show(code):
    issued = db.session.scalar(select(IssuedDocument).where(IssuedDocument.code == code.strip().upper()))
    if issued is None:
        return render_template("verify/show.html", issued=None, code=code), 404
    result, status = None, 200
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            result, status = ("error", _("Pilih berkas PDF untuk diperiksa.")), 422
        else:
            content = upload.stream.read(current_app.config["MAX_UPLOAD_BYTES"] + 1)
            if issued.sha256 and hashlib.sha256(content).hexdigest() == issued.sha256:
                result = ("match", _("Cocok: berkas ini identik dengan dokumen yang diterbitkan."))
            else:
                result = ("mismatch", _("Tidak cocok: berkas ini BUKAN dokumen yang diterbitkan dengan kode ini."))
    superseded_by = db.session.get(IssuedDocument, issued.superseded_by_id) if issued.superseded_by_id else None
    return render_template(
        "verify/show.html",
        issued=issued,
        code=code,
        result=result,
        kind_label=KIND_LABELS[issued.kind],
        superseded_by=superseded_by,
    ), status
