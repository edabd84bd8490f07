"""Verifying a file: is it a document the office issued, is its electronic signature intact, who
signed it and when (the public page /verifikasi/ answers the same: web/verify.py)."""

from datetime import UTC

import marshmallow as ma
from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from ...documents.verification import Revocation, Verdict, check_file
from ...engine.errors import FileTooLarge, UnsupportedFileType
from ..verify import KIND_LABELS, revocation_message, verdict_message
from .auth import protect
from .requests import MultipartParser
from .schemas import FileUpload
from .serialize import iso

blp = Blueprint("api-verify", __name__, url_prefix="/api/v1", description="Verification of issued documents")
blp.ARGUMENTS_PARSER = MultipartParser()
protect(blp)


class VerifyUpload(ma.Schema):
    file = FileUpload(required=True, metadata={"description": "The PDF to check"})


class SignatureOut(ma.Schema):
    field = ma.fields.String(metadata={"description": "The signature field's name"})
    intact = ma.fields.Boolean(metadata={"description": "The signed bytes are unchanged"})
    valid = ma.fields.Boolean(metadata={"description": "The signature over them is the certificate's"})
    trusted = ma.fields.Boolean(metadata={"description": "The certificate chains to a trusted root"})
    covers_whole_file = ma.fields.Boolean(metadata={"description": "Nothing was added after the signature"})
    signer = ma.fields.String(metadata={"description": "The certificate's subject"})
    signer_name = ma.fields.String(metadata={"description": "The certificate's common name"})
    signed_at = ma.fields.String(
        allow_none=True, metadata={"description": "Signing time stated in the signature (UTC)"}
    )
    timestamped_at = ma.fields.String(allow_none=True, metadata={"description": "A timestamp authority's time (UTC)"})
    demo = ma.fields.Boolean(metadata={"description": "A demo certificate, not an official one"})
    revocation = ma.fields.String(
        validate=ma.validate.OneOf([r.value for r in Revocation]),
        metadata={
            "description": "not_revoked: checked against the configured CRLs of the certificate's chain; "
            "revoked: listed in its CA's CRL (see revoked_at); not_checked: no current CRL configured for it"
        },
    )
    revoked_at = ma.fields.String(allow_none=True, metadata={"description": "When the certificate was revoked (UTC)"})
    revocation_message = ma.fields.String(metadata={"description": "The revocation status in words (Indonesian)"})


class VerifiedDocumentOut(ma.Schema):
    kind = ma.fields.String()
    kind_label = ma.fields.String()
    number = ma.fields.String()
    code = ma.fields.String()
    title = ma.fields.String()
    office = ma.fields.String()
    issued_at = ma.fields.String()
    verify_url = ma.fields.String()
    superseded = ma.fields.Boolean()


class VerifyOut(ma.Schema):
    sha256 = ma.fields.String()
    size = ma.fields.Integer()
    verdict = ma.fields.String(
        validate=ma.validate.OneOf([v.value for v in Verdict if v != Verdict.NOT_PDF]),
        metadata={"description": "authentic: the issued bytes with intact, trusted signatures; see `message`"},
    )
    message = ma.fields.String(metadata={"description": "What the verdict means (Indonesian)"})
    hash_matches = ma.fields.Boolean(metadata={"description": "The file is, byte for byte, an issued document"})
    issued_document = ma.fields.Nested(VerifiedDocumentOut, allow_none=True)
    signatures = ma.fields.List(ma.fields.Nested(SignatureOut))


def _utc(moment) -> str | None:
    """An aware moment as the API writes every time: UTC, "...Z"."""
    return iso(moment.astimezone(UTC).replace(tzinfo=None)) if moment else None


@blp.route("/verify")
class Verify(MethodView):
    @blp.arguments(VerifyUpload, location="files")
    @blp.response(200, VerifyOut)
    def post(self, form):
        """Check a PDF (multipart: `file`): whether it is a document the office issued (its SHA-256),
        whether its electronic signatures are intact and trusted, who signed and when, and whether the
        signer's certificate was revoked (against the CRLs the office configured). 415 when the file is
        not a PDF, 413 over the size limit."""
        limit = current_app.config["MAX_UPLOAD_BYTES"]
        content = form["file"].stream.read(limit + 1)
        if len(content) > limit:
            raise FileTooLarge(f"Berkas terlalu besar (maksimum {limit // 1024} KB).")
        report = check_file(content)
        if report.verdict == Verdict.NOT_PDF:
            raise UnsupportedFileType(verdict_message(report.verdict))
        issued = report.issued
        base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
        return {
            "sha256": report.sha256,
            "size": report.size,
            "verdict": report.verdict.value,
            "message": verdict_message(report.verdict),
            "hash_matches": report.hash_matches,
            "issued_document": {
                "kind": issued.kind,
                "kind_label": KIND_LABELS[issued.kind],
                "number": issued.number,
                "code": issued.code,
                "title": issued.title,
                "office": issued.office.name,
                "issued_at": iso(issued.issued_at),
                "verify_url": f"{base}/verifikasi/{issued.code}",
                "superseded": issued.superseded_by_id is not None,
            }
            if issued
            else None,
            "signatures": [
                {
                    "field": s.field,
                    "intact": s.intact,
                    "valid": s.valid,
                    "trusted": s.trusted,
                    "covers_whole_file": s.covers_whole_file,
                    "signer": s.signer,
                    "signer_name": s.signer_name,
                    "signed_at": _utc(s.signed_at),
                    "timestamped_at": _utc(s.timestamped_at),
                    "demo": s.demo,
                    "revocation": s.revocation.value,
                    "revoked_at": _utc(s.revoked_at),
                    "revocation_message": revocation_message(s),
                }
                for s in report.signatures
            ],
        }
