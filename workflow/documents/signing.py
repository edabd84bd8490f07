"""Signing issued PDFs with the office's certificate: PAdES baseline B-B (B-T when a timestamp
authority is configured), with a visible signature where the document's signature space is.
pyHanko does the PDF and CMS work; this module decides which certificate signs, where the visible
signature sits and what it says.

Which certificate (first that applies):
1. `HARMONI_SIGNING_PKCS12` + `HARMONI_SIGNING_PASSPHRASE`: the office's own (e.g. from BSrE);
2. the demo certificate `seed-demo` made in the instance folder, unless `HARMONI_SIGNING_DEMO=0`
   (production sets that: deploy/harmoni.env.example). Its subject says DEMO, so does every
   signature it makes and the verification page;
3. none: documents are issued to be signed by hand, and say so.
A PKCS#11 token (a BSrE token or an HSM) would replace the PKCS#12 in `load_signer()`: pyHanko's
`PKCS11Signer` is a `Signer` like `SimpleSigner` (see deploy/README.md)."""

import io
import logging
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from asn1crypto import crl, pem, x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from flask import current_app
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.general import get_pyca_cryptography_hash
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.stamp import TextStampStyle

from .certificates import DEMO_MARK, SigningFiles, demo_signing_files

log = logging.getLogger(__name__)

# The id a PDF template gives the element where the visible signature goes (templates/pdf/).
SIGNATURE_ANCHOR = "tanda-tangan-elektronik"
FIELD_NAME = "TandaTanganElektronik"
PT_PER_PX = 0.75  # WeasyPrint lays out in CSS px (1/96 in); PDF counts points (1/72 in)


class SigningNotConfigured(RuntimeError):
    """The configured certificate cannot be used (file, passphrase): the server refuses to start."""


@dataclass(frozen=True)
class SignaturePlace:
    """Where the visible signature goes: a page (from 0) and a box in PDF points from the page's
    bottom-left corner (x1, y1, x2, y2)."""

    page: int
    box: tuple[float, float, float, float]

    @classmethod
    def from_layout(cls, page: int, page_height_px: float, anchor: tuple[float, float, float, float]):
        """From WeasyPrint's anchor rectangle (CSS px from the page's top-left)."""
        x1, y1, x2, y2 = anchor
        return cls(
            page, (x1 * PT_PER_PX, (page_height_px - y2) * PT_PER_PX, x2 * PT_PER_PX, (page_height_px - y1) * PT_PER_PX)
        )


@dataclass(frozen=True)
class Approval:
    """Who approved the document and when, as the visible signature shows it."""

    name: str
    when: str  # "29 November 2026 pukul 13.50 WITA"
    location: str | None = None
    reason: str | None = None


class _KeptKeySigner(signers.SimpleSigner):
    """pyHanko's SimpleSigner parses its private key again for every signature it makes (twice per
    document: once to size the signature, once to sign), and `cryptography` checks an RSA key as it
    parses it: about 70 ms each time. This one parses the key once and keeps it."""

    _pyca_key = None

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        if self._pyca_key is None:
            self._pyca_key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            algorithm = mechanism.signature_algo
        except ValueError:
            algorithm = mechanism["algorithm"].native
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        if algorithm == "rsassa_pkcs1v15" and isinstance(self._pyca_key, RSAPrivateKey):
            return self._pyca_key.sign(data, PKCS1v15(), hash_algorithm)
        if algorithm == "ecdsa" and isinstance(self._pyca_key, EllipticCurvePrivateKey):
            return self._pyca_key.sign(data, ECDSA(hash_algorithm))
        return super().sign_raw(data, digest_algorithm)  # PSS and the rest, as pyHanko does them


# The stamp's font: a Unicode TrueType font shipped with the package (a Latin, Greek and Cyrillic
# subset of DejaVu Sans, documents/fonts/README.md), whose glyphs pyHanko embeds; a standard PDF
# font (Courier) only knows Latin-1, and names like "Çağrı" or "Ŝ" would lose letters.
STAMP_FONT = Path(__file__).parent / "fonts" / "DejaVuSans-Stamp.ttf"
STAMP_FONT_SIZE = 7


@lru_cache(maxsize=1)
def _stamp_font_bytes() -> bytes:
    return STAMP_FONT.read_bytes()


class _StampFont(GlyphAccumulatorFactory):
    """pyHanko's factory opens the font file for every signature and leaves it open (a
    ResourceWarning); this one reads it once and hands each signature a copy in memory."""

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer, font_handle=io.BytesIO(_stamp_font_bytes()), font_size=self.font_size, obj_stream=obj_stream
        )


STAMP = TextStampStyle(
    stamp_text=(
        "Ditandatangani secara elektronik\n"
        "Disetujui: %(approver)s\n"
        "Tanggal: %(approved_at)s\n"
        "Sertifikat: %(signer)s%(demo)s"
    ),
    text_box_style=TextBoxStyle(
        font=_StampFont(str(STAMP_FONT), font_size=STAMP_FONT_SIZE),
        font_size=STAMP_FONT_SIZE,
        leading=STAMP_FONT_SIZE + 2,  # accents and descenders of neighbouring lines apart (pyHanko: an int)
    ),
    background=None,  # pyHanko's default draws its own logo behind the text
    border_width=1,
)


@lru_cache(maxsize=1)
def _stamp_characters() -> frozenset[int]:
    """The code points the stamp's font has glyphs for."""
    from fontTools.ttLib import TTFont

    with TTFont(io.BytesIO(_stamp_font_bytes())) as font:
        return frozenset(font.getBestCmap())


def stamp_safe(text: str) -> str:
    """`text` as the stamp's font can show it: a letter the font lacks loses its accents (its
    decomposition's base letter), or becomes "?" when even that is missing, rather than an empty box."""
    known = _stamp_characters()
    if all(ord(c) in known for c in text):
        return text
    out = []
    for char in text:
        if ord(char) in known:
            out.append(char)
            continue
        base = [c for c in unicodedata.normalize("NFKD", char) if ord(c) in known and not unicodedata.combining(c)]
        out.append("".join(base) or "?")
    return "".join(out)


class OfficeSigner:
    """The office's certificate and what signing with it needs; one per process (see office_signer)."""

    def __init__(self, signer: signers.Signer, *, demo: bool, timestamper=None, trust_roots=()):
        self.signer = signer
        self.demo = demo
        self.timestamper = timestamper
        # verification trusts the configured roots and the root the office's own chain ends in
        roots = list(trust_roots) + [c for c in signer.cert_registry if c.self_signed != "no"]
        self.trust_roots: tuple[x509.Certificate, ...] = tuple({c.sha256: c for c in roots}.values())

    @property
    def subject(self) -> str:
        return self.signer.signing_cert.subject.human_friendly

    def sign(self, content: bytes, place: SignaturePlace | None, approval: Approval) -> bytes:
        """`content` signed: PAdES (ETSI.CAdES.detached, signing-certificate-v2), SHA-256, a
        signature-time stamp when a timestamp authority is configured; visible at `place`."""
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
            location=approval.location,
            reason=approval.reason,
        )
        spec = fields.SigFieldSpec(FIELD_NAME, on_page=place.page, box=place.box) if place else None
        if place is None:
            log.warning(
                "no signature place (#%s) in the document: signed without a visible signature", SIGNATURE_ANCHOR
            )
        pdf_signer = signers.PdfSigner(
            meta, self.signer, timestamper=self.timestamper, stamp_style=STAMP, new_field_spec=spec
        )
        output = pdf_signer.sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(content), strict=False),
            appearance_text_params={
                "approver": stamp_safe(approval.name),
                "approved_at": stamp_safe(approval.when),
                "demo": f"\n({DEMO_MARK})" if self.demo else "",
            },
        )
        return output.getvalue()


def _read_roots(spec: str | None) -> list[x509.Certificate]:
    paths = [p for p in (spec or "").split(os.pathsep) if p.strip()]
    return list(load_certs_from_pemder(paths)) if paths else []


@lru_cache(maxsize=4)
def load_signer(
    pkcs12: str, modified: float, passphrase: str | None, demo: bool, tsa_url: str | None, roots: str | None
) -> OfficeSigner:
    """The certificate in `pkcs12`, read once per process (`modified`, the file's mtime, is in the
    cache key so a renewed certificate is picked up without a restart)."""
    try:
        data = Path(pkcs12).read_bytes()
        loaded = signers.SimpleSigner.load_pkcs12_data(data, (), passphrase.encode() if passphrase else None)
        trust_roots = _read_roots(roots)
    except (OSError, ValueError) as error:
        raise SigningNotConfigured(f"the signing certificate {pkcs12} cannot be used: {error}") from error
    signer = _KeptKeySigner(
        signing_cert=loaded.signing_cert, signing_key=loaded.signing_key, cert_registry=loaded.cert_registry
    )
    timestamper = HTTPTimeStamper(tsa_url) if tsa_url else None
    office = OfficeSigner(signer, demo=demo, timestamper=timestamper, trust_roots=trust_roots)
    log.log(
        logging.WARNING if demo else logging.INFO,
        "issued documents are signed with %s%s",
        office.subject,
        " (DEMO certificate: not for production; set HARMONI_SIGNING_PKCS12, or HARMONI_SIGNING_DEMO=0)"
        if demo
        else "",
    )
    return office


def signing_files(config, instance_path: str) -> tuple[SigningFiles, bool] | None:
    """The certificate files to sign with and whether they are the demo's, or None (sign by hand)."""
    if config.get("SIGNING_PKCS12"):
        return SigningFiles(Path(config["SIGNING_PKCS12"]), config.get("SIGNING_PASSPHRASE") or "", Path()), False
    if not config.get("SIGNING_DEMO"):
        return None
    demo = demo_signing_files(instance_path)
    return (demo, True) if demo is not None else None


def office_signer(app=None) -> OfficeSigner | None:
    """The office's signer, or None when documents are to be signed by hand."""
    app = app or current_app
    found = signing_files(app.config, app.instance_path)
    if found is None:
        return None
    files, demo = found
    try:
        modified = files.pkcs12.stat().st_mtime
    except OSError as error:
        raise SigningNotConfigured(f"the signing certificate {files.pkcs12} cannot be read: {error}") from error
    roots = app.config.get("SIGNING_TRUST_ROOTS")
    if demo:  # the demo's own CA: what its signatures are verified against
        roots = os.pathsep.join(filter(None, [roots, str(files.trust_root)]))
    return load_signer(str(files.pkcs12), modified, files.passphrase, demo, app.config.get("SIGNING_TSA_URL"), roots)


def trust_roots(app=None) -> tuple[x509.Certificate, ...]:
    """What verification trusts: the configured roots, and the root of the office's own chain."""
    app = app or current_app
    signer = office_signer(app)
    if signer is not None:
        return signer.trust_roots
    return tuple(_read_roots(app.config.get("SIGNING_TRUST_ROOTS")))


def crl_files(app=None) -> list[Path]:
    """The certificate revocation lists verification checks: `HARMONI_SIGNING_CRL_FILES` (DER or
    PEM files separated by ":", kept current by whoever fetches them from the CA: verification never
    goes to the network), and the demo CA's own CRL while the demo certificate signs."""
    app = app or current_app
    paths = [Path(p) for p in (app.config.get("SIGNING_CRL_FILES") or "").split(os.pathsep) if p.strip()]
    found = signing_files(app.config, app.instance_path)
    if found is not None and found[1] and found[0].crl is not None and found[0].crl.exists():
        paths.append(found[0].crl)
    return paths


def revocation_lists(app=None) -> tuple[crl.CertificateList, ...]:
    """The configured CRLs, parsed (again only when a file changed). A file that cannot be read or
    parsed raises SigningNotConfigured: the server refuses to start with it (check_signing)."""
    stamped = []
    for path in crl_files(app):
        try:
            stat = path.stat()
            stamped.append((str(path), stat.st_mtime_ns, stat.st_size))
        except OSError as error:
            raise SigningNotConfigured(f"the revocation list {path} cannot be read: {error}") from error
    return _read_crls(tuple(stamped))


@lru_cache(maxsize=8)
def _read_crls(stamped: tuple[tuple[str, int, int], ...]) -> tuple[crl.CertificateList, ...]:
    lists = []
    for path, _modified, _size in stamped:
        try:
            data = Path(path).read_bytes()
            if pem.detect(data):
                data = pem.unarmor(data)[2]
            parsed = crl.CertificateList.load(data)
            parsed.native  # noqa: B018  parse it all now: a broken file fails here, not while verifying
        except (OSError, ValueError, TypeError) as error:
            raise SigningNotConfigured(f"the revocation list {path} cannot be used: {error}") from error
        lists.append(parsed)
    return tuple(lists)


def issue_pdf(template: str, payload: dict, *, identifier: str, approval: Approval) -> bytes:
    """An issued document's PDF: signed with the office's certificate, the visible signature in the
    template's signature space, when the office has one; else saying it is to be signed by hand."""
    from .pdf import renderer

    signer = office_signer()
    pdf = renderer()
    html = pdf.html(template, payload, signed=signer is not None)
    content, found = pdf.render_html_locating(html, identifier=identifier, anchor=SIGNATURE_ANCHOR)
    if signer is None:
        return content
    return signer.sign(content, SignaturePlace.from_layout(*found) if found else None, approval)
