"""Public verification of issued documents. Anyone holding the code (printed and QR-coded on the
document) sees what it is and who issued it; anyone holding a file can upload it and learn whether
it is a document the office issued (its SHA-256), whether its electronic signature is intact, who
signed it and when (documents/verification.py; the API's POST /api/v1/verify says the same)."""

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from sqlalchemy import select

from ..documents.verification import FileReport, Revocation, SignatureReport, Verdict, check_file
from ..extensions import db, limiter
from ..i18n import gettext as _
from ..models import IssuedDocument
from .templating import moment

bp = Blueprint("verify", __name__, url_prefix="/verifikasi")
KIND_LABELS = {
    "berita_acara": "Berita Acara Pengharmonisasian",
    "result_letter": "Surat Penyampaian Hasil Pengharmonisasian",
    "hasil_akhir": "Surat Penyampaian Hasil Akhir Pengharmonisasian",
    "undangan_rapat": "Undangan Rapat Pengharmonisasian",
    "pengembalian_berkas": "Surat Pengembalian Berkas",
}
# how each verdict is shown: the message's tone (Bootstrap alert colour)
TONES = {
    Verdict.AUTHENTIC: "success",
    Verdict.ISSUED_UNSIGNED: "success",
    Verdict.ISSUED_UNTRUSTED: "warning",
    Verdict.SIGNED_UNKNOWN: "warning",
}


def verdict_message(verdict: Verdict) -> str:
    """What a verdict means, in the reader's language."""
    return {
        Verdict.NOT_PDF: _("Berkas ini bukan PDF. Unggah dokumen PDF yang Anda terima."),
        Verdict.UNREADABLE: _(
            "Berkas PDF ini rusak atau tidak dapat dibaca, sehingga keasliannya tidak dapat diperiksa."
        ),
        Verdict.AUTHENTIC: _(
            "Asli: berkas ini identik dengan dokumen yang diterbitkan, dan tanda tangan elektroniknya utuh."
        ),
        Verdict.ISSUED_UNSIGNED: _(
            "Cocok: berkas ini identik dengan dokumen yang diterbitkan. Dokumen ini tidak ditandatangani "
            "secara elektronik; periksa tanda tangan basah pada dokumen aslinya."
        ),
        Verdict.ISSUED_UNTRUSTED: _(
            "Berkas ini identik dengan dokumen yang diterbitkan, tetapi sertifikat penandatangannya "
            "tidak tepercaya: tidak dikenal sebagai sertifikat tepercaya, atau telah dicabut."
        ),
        Verdict.TAMPERED: _(
            "Tanda tangan rusak: isi berkas ini telah diubah setelah ditandatangani. Berkas ini BUKAN "
            "dokumen yang diterbitkan."
        ),
        Verdict.MODIFIED: _(
            "Berkas ini telah diubah setelah ditandatangani (ada tambahan sesudah tanda tangan). Berkas "
            "ini BUKAN dokumen yang diterbitkan; mintalah salinan aslinya."
        ),
        Verdict.SIGNED_UNKNOWN: _(
            "Tanda tangan elektronik berkas ini utuh, tetapi berkas ini tidak cocok dengan dokumen mana "
            "pun yang diterbitkan melalui aplikasi ini."
        ),
        Verdict.UNKNOWN: _(
            "Tidak dikenal: berkas ini tidak cocok dengan dokumen mana pun yang diterbitkan melalui aplikasi ini."
        ),
    }[verdict]


# how each revocation status is shown (Bootstrap badge colour)
REVOCATION_TONES = {
    Revocation.NOT_REVOKED: "success",
    Revocation.REVOKED: "danger",
    Revocation.NOT_CHECKED: "secondary",
}


def revocation_message(signature: SignatureReport) -> str:
    """Whether the signer's certificate was revoked, in the reader's language."""
    if signature.revocation == Revocation.REVOKED:
        when = moment(signature.revoked_at) if signature.revoked_at else "—"
        return _("Sertifikat telah dicabut pada %(when)s", when=when)
    if signature.revocation == Revocation.NOT_REVOKED:
        return _("Sertifikat tidak dicabut")
    return _("Status pencabutan tidak diperiksa")


def uploaded_file() -> tuple[bytes | None, str | None, int]:
    """(content, problem, status) of the form's `file`: a problem when none was chosen or it is too large."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None, _("Pilih berkas PDF untuk diperiksa."), 422
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    content = upload.stream.read(limit + 1)
    if len(content) > limit:
        return None, _("Berkas terlalu besar (maksimum %(kb)s KB).", kb=limit // 1024), 413
    return content, None, 200


def _checked() -> tuple[FileReport | None, str | None, int]:
    content, problem, status = uploaded_file()
    if content is None:
        return None, problem, status
    report = check_file(content)
    return report, None, 415 if report.verdict == Verdict.NOT_PDF else 200


@bp.route("/", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def index():
    """Check a file without its code (which issued document is it?), or go to a code's page."""
    if request.method == "GET" and request.args.get("kode"):
        return redirect(url_for("verify.show", code=request.args["kode"].strip().upper()))
    report, problem, status = _checked() if request.method == "POST" else (None, None, 200)
    return render_template("verify/index.html", report=report, problem=problem, **_labels()), status


@bp.route("/<code>", methods=["GET", "POST"])
@limiter.limit("30 per minute")  # codes are unguessable; this keeps it that way
def show(code):
    issued = db.session.scalar(select(IssuedDocument).where(IssuedDocument.code == code.strip().upper()))
    if issued is None:
        return render_template("verify/show.html", issued=None, code=code), 404
    report, problem, status = _checked() if request.method == "POST" else (None, None, 200)
    superseded_by = db.session.get(IssuedDocument, issued.superseded_by_id) if issued.superseded_by_id else None
    return render_template(
        "verify/show.html",
        issued=issued,
        code=code,
        report=report,
        problem=problem,
        kind_label=KIND_LABELS[issued.kind],
        superseded_by=superseded_by,
        **_labels(),
    ), status


def _labels() -> dict:
    return {
        "verdict_message": verdict_message,
        "tones": TONES,
        "kind_labels": KIND_LABELS,
        "revocation_message": revocation_message,
        "revocation_tones": REVOCATION_TONES,
    }
