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
from functools import cached_property, lru_cache
from pathlib import Path

from asn1crypto import crl, pem, x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from flask import current_app

from .certificates import DEMO_MARK, SigningFiles, demo_signing_files

# pyHanko (some 0.4 s to import) is imported where a document is signed (documents/pades.py) and
# verified, not with this module: `create_app` reads the certificate at every start, and most
# `flask` commands (workflow tick, notifications send, audit verify ...) never sign anything.

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


# The stamp's font: a Unicode TrueType font shipped with the package (a Latin, Greek and Cyrillic
# subset of DejaVu Sans, documents/fonts/README.md), whose glyphs pyHanko embeds; a standard PDF
# font (Courier) only knows Latin-1, and names like "Çağrı" or "Ŝ" would lose letters.
STAMP_FONT = Path(__file__).parent / "fonts" / "DejaVuSans-Stamp.ttf"
STAMP_FONT_SIZE = 7


@lru_cache(maxsize=1)
def _stamp_font_bytes() -> bytes:
    return STAMP_FONT.read_bytes()


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
    """The office's certificate and what signing with it needs; one per process (see office_signer).
    Read and checked with `cryptography` when the app starts; pyHanko's signer is made at the first
    signature (`signer`)."""

    def __init__(self, pkcs12_data: bytes, passphrase: bytes | None, *, demo: bool, tsa_url=None, trust_roots=()):
        try:
            _key, cert, others = pkcs12.load_key_and_certificates(pkcs12_data, passphrase)
        except Exception as error:  # noqa: BLE001  as pyHanko's loader: any failure is a file that cannot be used
            raise ValueError(f"Could not load key material from PKCS#12 data ({error})") from error
        if _key is None or cert is None:
            raise ValueError("the PKCS#12 file holds no key and certificate to sign with")
        self._pkcs12, self._passphrase = pkcs12_data, passphrase
        self.demo = demo
        self.tsa_url = tsa_url
        self.certificate = _asn1(cert)
        chain = [self.certificate, *(_asn1(c) for c in others)]
        # verification trusts the configured roots and the root the office's own chain ends in
        roots = list(trust_roots) + [c for c in chain if c.self_signed != "no"]
        self.trust_roots: tuple[x509.Certificate, ...] = tuple({c.sha256: c for c in roots}.values())

    @property
    def subject(self) -> str:
        return self.certificate.subject.human_friendly

    @cached_property
    def signer(self):
        """pyHanko's signer for this certificate (documents/pades.py), made once."""
        from .pades import kept_key_signer

        return kept_key_signer(self._pkcs12, self._passphrase)

    @cached_property
    def timestamper(self):
        if not self.tsa_url:
            return None
        from pyhanko.sign.timestamps import HTTPTimeStamper

        return HTTPTimeStamper(self.tsa_url)

    def sign(self, content: bytes, place: SignaturePlace | None, approval: Approval) -> bytes:
        """`content` signed: PAdES (ETSI.CAdES.detached, signing-certificate-v2), SHA-256, a
        signature-time stamp when a timestamp authority is configured; visible at `place`."""
        from .pades import sign_pdf

        if place is None:
            log.warning(
                "no signature place (#%s) in the document: signed without a visible signature", SIGNATURE_ANCHOR
            )
        text = {
            "approver": stamp_safe(approval.name),
            "approved_at": stamp_safe(approval.when),
            "demo": f"\n({DEMO_MARK})" if self.demo else "",
        }
        return sign_pdf(content, self.signer, self.timestamper, place, approval, text)


def _asn1(certificate) -> x509.Certificate:
    """A `cryptography` certificate as asn1crypto's (what pyHanko and the verification use)."""
    return x509.Certificate.load(certificate.public_bytes(Encoding.DER))


def __getattr__(name: str):
    # the stamp's style is pyHanko's: documents/pades.py (bench/pdf.py reads it here)
    if name == "STAMP":
        from .pades import STAMP

        return STAMP
    raise AttributeError(name)


def _read_roots(spec: str | None) -> list[x509.Certificate]:
    paths = [p for p in (spec or "").split(os.pathsep) if p.strip()]
    if not paths:
        return []
    from pyhanko.keys import load_certs_from_pemder  # pyhanko.keys alone: a millisecond

    return list(load_certs_from_pemder(paths))


@lru_cache(maxsize=4)
def load_signer(
    pkcs12: str, modified: float, passphrase: str | None, demo: bool, tsa_url: str | None, roots: str | None
) -> OfficeSigner:
    """The certificate in `pkcs12`, read once per process (`modified`, the file's mtime, is in the
    cache key so a renewed certificate is picked up without a restart)."""
    try:
        data = Path(pkcs12).read_bytes()
        office = OfficeSigner(
            data,
            passphrase.encode() if passphrase else None,
            demo=demo,
            tsa_url=tsa_url,
            trust_roots=_read_roots(roots),
        )
    except (OSError, ValueError) as error:
        raise SigningNotConfigured(f"the signing certificate {pkcs12} cannot be used: {error}") from error
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
