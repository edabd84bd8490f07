"""Checking a PDF someone holds: is it a document the office issued (its SHA-256 is the stored
one), and are its electronic signatures intact, by whom and when (validated by pyHanko against the
configured trust roots: documents/signing.py).

Revocation: against the certificate revocation lists the office configured (HARMONI_SIGNING_CRL_FILES,
and the demo CA's own; signing.revocation_lists). With CRLs, pyHanko validates in its "require"
mode (every certificate of the chain below the root needs its CRL): trusted then means checked and
not revoked; revoked says when. When no CRL covers the chain (or one is stale), the signature is
validated again without them and its revocation reported as not checked.

The file is untrusted input: read with size limits by the caller, parsed by pyHanko inside a
try (a PDF it cannot read is reported as such, never an error page), and nothing is fetched from
the network while validating (no OCSP or CRL from the addresses a certificate names, so an
uploaded file cannot make the server call out): only the CRLs the office stored are used."""

import hashlib
import io
import logging
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

import filetype
from sqlalchemy import select

from ..extensions import db
from ..models import IssuedDocument
from .certificates import DEMO_MARK
from .signing import SigningNotConfigured, revocation_lists, trust_roots

log = logging.getLogger(__name__)


class Verdict(StrEnum):
    """What the check concludes, first that applies (messages: web/verify.py)."""

    NOT_PDF = "not_pdf"  # not a PDF at all
    UNREADABLE = "unreadable"  # starts like a PDF, but cannot be read
    AUTHENTIC = "authentic"  # the issued bytes, every signature intact and trusted
    ISSUED_UNSIGNED = "issued_unsigned"  # the issued bytes, issued without an electronic signature
    ISSUED_UNTRUSTED = "issued_untrusted"  # the issued bytes, but the signer is not trusted (now)
    TAMPERED = "tampered"  # a signature is broken: the signed content changed
    MODIFIED = "modified"  # signatures intact, but something was added after signing
    SIGNED_UNKNOWN = "signed_unknown"  # an intact signature, but not a document issued here
    UNKNOWN = "unknown"  # no signature and not a document issued here


class Revocation(StrEnum):
    """Whether the signer's certificate (or a CA above it) was revoked (messages: web/verify.py)."""

    NOT_REVOKED = "not_revoked"  # checked against a current CRL of every CA in the chain
    REVOKED = "revoked"  # listed in its CA's CRL (revoked_at says when)
    NOT_CHECKED = "not_checked"  # no (current) CRL for the chain is configured


@dataclass(frozen=True)
class SignatureReport:
    field: str
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the signature over them is the certificate's
    trusted: bool  # the certificate chains to a trusted root (and may sign documents)
    covers_whole_file: bool  # nothing was added to the file after this signature
    signer: str  # the certificate's subject, e.g. "Common Name: ..., Organization: ..."
    signer_name: str  # its common name
    signed_at: datetime | None  # the signing time the signature states (UTC)
    timestamped_at: datetime | None  # a timestamp authority's time (PAdES B-T), if any
    demo: bool  # a demo certificate (seed-demo), not an official one
    revocation: Revocation = Revocation.NOT_CHECKED
    revoked_at: datetime | None = None  # when the certificate was revoked (UTC), if it was


@dataclass
class FileReport:
    sha256: str
    size: int
    verdict: Verdict
    issued: IssuedDocument | None = None
    signatures: list[SignatureReport] = field(default_factory=list)

    @property
    def hash_matches(self) -> bool:
        return self.issued is not None


def check_file(content: bytes) -> FileReport:
    """What `content` is: the issued document it is byte for byte (if any) and its signatures."""
    sha256 = hashlib.sha256(content).hexdigest()
    report = FileReport(sha256=sha256, size=len(content), verdict=Verdict.UNKNOWN)
    guessed = filetype.guess(content)  # by content, as uploads are (documents/filetypes.py)
    if guessed is None or guessed.mime != "application/pdf":
        report.verdict = Verdict.NOT_PDF
        return report
    report.issued = db.session.scalar(select(IssuedDocument).where(IssuedDocument.sha256 == sha256).limit(1))
    if b"/ByteRange" not in content:  # no signature dictionary, so nothing to validate
        report.verdict = _verdict(report)
        return report
    try:
        report.signatures = signatures_of(content)
    except Exception:  # noqa: BLE001  anything pyHanko cannot parse is an unreadable file, not an error
        log.info("uploaded PDF %s could not be read for signatures", sha256, exc_info=True)
        report.verdict = Verdict.UNREADABLE
        return report
    report.verdict = _verdict(report)
    return report


def _verdict(report: FileReport) -> Verdict:
    sigs = report.signatures
    if report.issued is not None:
        if not sigs:
            return Verdict.ISSUED_UNSIGNED
        if all(s.intact and s.valid and s.trusted for s in sigs):
            return Verdict.AUTHENTIC
        return Verdict.ISSUED_UNTRUSTED
    if any(not (s.intact and s.valid) for s in sigs):
        return Verdict.TAMPERED
    if sigs and not sigs[-1].covers_whole_file:
        return Verdict.MODIFIED
    return Verdict.SIGNED_UNKNOWN if sigs else Verdict.UNKNOWN


def signatures_of(content: bytes) -> list[SignatureReport]:
    """Every signature in the PDF, validated against the configured trust roots and CRLs."""
    # pyHanko is imported when a file is checked, not with the app (documents/signing.py says why)
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    reader = PdfFileReader(io.BytesIO(content), strict=False)
    context_roots = list(trust_roots())
    try:
        crls = list(revocation_lists())
    except SigningNotConfigured:  # a CRL file broken since the server started: say not checked
        log.exception("the configured revocation lists cannot be read; revocation is not checked")
        crls = []
    reports = []
    for embedded in reader.embedded_signatures:
        status, revocation, revoked_at = _validated(embedded, context_roots, crls)
        subject = status.signing_cert.subject
        names = subject.native
        reports.append(
            SignatureReport(
                field=embedded.field_name,
                intact=status.intact,
                valid=status.valid,
                trusted=status.trusted,
                covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
                signer=subject.human_friendly,
                signer_name=names.get("common_name", subject.human_friendly),
                signed_at=status.signer_reported_dt,
                timestamped_at=status.timestamp_validity.timestamp if status.timestamp_validity else None,
                demo=DEMO_MARK in (names.get("organizational_unit_name") or ""),
                revocation=revocation,
                revoked_at=revoked_at,
            )
        )
    return reports


def _validated(embedded, roots, crls):
    """(pyHanko's status, Revocation, when revoked) of one signature: see the module's docstring."""
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    if crls:
        context = ValidationContext(trust_roots=roots, allow_fetching=False, crls=crls, revocation_mode="require")
        status = validate_pdf_signature(embedded, context, skip_diff=True)
        if status.revoked:
            return status, Revocation.REVOKED, status.revocation_details.revocation_date
        if status.trusted:
            return status, Revocation.NOT_REVOKED, None
    context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    return validate_pdf_signature(embedded, context, skip_diff=True), Revocation.NOT_CHECKED, None
