"""Certificates for signing issued documents where the office has none of its own yet: a demo
certificate authority and an office certificate issued by it (`seed-demo`), and the same for the
tests' own CA. Made with `cryptography`; never used when a real PKCS#12 is configured.

A demo certificate says so wherever a person reads it: in its subject (organisation unit "DEMO -
bukan sertifikat resmi", and "(DEMO)" after the office's name), so in the visible signature of
every PDF it signs and on the verification page."""

import json
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEMO_MARK = "DEMO - bukan sertifikat resmi"
DEMO_DIRECTORY = "demo-signing"  # inside the Flask instance folder
DEMO_SETTINGS = "demo-signing.json"  # written last: its presence says the demo certificate is complete
DEMO_CA_KEY = "ca-key.pem"  # the demo CA's key, kept to issue its CRL again (demo only: never for a real CA)
DEMO_CRL = "ca.crl"


@dataclass(frozen=True)
class SigningFiles:
    """Where a signing certificate lives: its PKCS#12 (key, certificate, chain), the passphrase,
    and the PEM of the CA that verification trusts."""

    pkcs12: Path
    passphrase: str
    trust_root: Path
    crl: Path | None = None  # the CA's revocation list, when it publishes one (the demo CA does)


def _name(common_name: str, organisation: str, unit: str | None) -> x509.Name:
    parts = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
    ]
    if unit:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(parts)


@dataclass(frozen=True)
class Issued:
    """A CA's certificate, and the key and certificate it issued to the office (and the CA's key,
    to issue revocation lists)."""

    ca: x509.Certificate
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate
    ca_key: rsa.RSAPrivateKey | None = None


def make_certificates(
    *, office_name: str, organisation: str, unit: str | None, ca_name: str, valid_days: int = 3650
) -> Issued:
    """A CA and an office signing certificate it issued (RSA 2048, SHA-256, as BSrE issues)."""
    now = datetime.now(UTC) - timedelta(minutes=5)  # a clock a little behind still accepts it
    until = now + timedelta(days=valid_days)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_subject = _name(ca_name, organisation, unit)
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_subject)
        .issuer_name(ca_subject)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),  # keyCertSign, cRLSign
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(office_name, organisation, unit))
        .issuer_name(ca_subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        # digitalSignature + nonRepudiation (contentCommitment): what a document signature needs
        .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return Issued(ca_cert, key, cert, ca_key)


def make_crl(
    ca: x509.Certificate,
    ca_key: rsa.RSAPrivateKey,
    revoked: Iterable[tuple[int, datetime]] = (),
    *,
    valid_days: int = 7,
    number: int = 1,
) -> bytes:
    """A CRL (DER) of `ca` listing `revoked` (certificate serial number, revocation time), valid
    from now (a few minutes back, as the certificates) for `valid_days`: a verifier treats a CRL
    past its next update as stale and reports revocation as not checked."""
    now = datetime.now(UTC) - timedelta(minutes=5)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.subject)
        .last_update(now)
        .next_update(now + timedelta(days=valid_days))
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
    )
    for serial, when in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build()
        )
    return builder.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def write_signing_files(directory: Path, issued: Issued, *, passphrase: str | None = None) -> SigningFiles:
    """Write the office's PKCS#12 (key, certificate, CA; encrypted with `passphrase`, a new random
    one if None) and the CA's PEM, readable by the owner only."""
    directory.mkdir(parents=True, exist_ok=True)
    passphrase = passphrase or secrets.token_urlsafe(18)
    bundle = pkcs12.serialize_key_and_certificates(
        b"kantor",
        issued.key,
        issued.certificate,
        [issued.ca],
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
    files = SigningFiles(directory / "kantor.p12", passphrase, directory / "ca.pem")
    ca_pem = issued.ca.public_bytes(serialization.Encoding.PEM)
    for path, content in ((files.pkcs12, bundle), (files.trust_root, ca_pem)):
        path.write_bytes(content)
        os.chmod(path, 0o600)
    return files


def demo_signing_files(instance_path: str) -> SigningFiles | None:
    """The demo certificate `seed-demo` made in this instance folder, or None."""
    directory = Path(instance_path) / DEMO_DIRECTORY
    try:
        settings = json.loads((directory / DEMO_SETTINGS).read_text())
    except (OSError, ValueError):
        return None
    crl = directory / settings["crl"] if settings.get("crl") else None  # demo certificates made before CRLs: none
    return SigningFiles(directory / settings["pkcs12"], settings["passphrase"], directory / settings["trust_root"], crl)


def ensure_demo_certificates(instance_path: str, office_name: str) -> tuple[SigningFiles, bool]:
    """The demo CA and office certificate in `<instance>/demo-signing/`: made once (True), then kept
    (False), so running seed-demo again changes nothing and documents signed before still verify.
    The demo CA also publishes an (empty) CRL, issued again by every seed-demo, so the verification
    page shows the certificate as not revoked."""
    existing = demo_signing_files(instance_path)
    directory = Path(instance_path) / DEMO_DIRECTORY
    if existing is not None and existing.pkcs12.exists() and existing.trust_root.exists():
        _renew_demo_crl(directory, existing)
        return existing, False
    issued = make_certificates(
        office_name=f"{office_name} (DEMO)",
        organisation="Harmoni (demo)",
        unit=DEMO_MARK,
        ca_name=f"Harmoni Demo CA ({DEMO_MARK})",
    )
    files = write_signing_files(directory, issued)
    _write_private(
        directory / DEMO_CA_KEY,
        issued.ca_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    )
    _write_private(directory / DEMO_CRL, make_crl(issued.ca, issued.ca_key, valid_days=DEMO_CRL_DAYS))
    settings = directory / DEMO_SETTINGS
    settings.write_text(
        json.dumps(
            {
                "note": "Demo signing certificate made by `flask seed-demo`: NOT an official certificate. "
                "Used only while HARMONI_SIGNING_PKCS12 is unset and HARMONI_SIGNING_DEMO is not 0.",
                "pkcs12": files.pkcs12.name,
                "passphrase": files.passphrase,
                "trust_root": files.trust_root.name,
                "crl": DEMO_CRL,
            },
            indent=2,
        )
    )
    os.chmod(settings, 0o600)
    return demo_signing_files(instance_path), True


DEMO_CRL_DAYS = 365  # a demo left alone for a year then shows "not checked" until seed-demo runs again


def _write_private(path: Path, content: bytes) -> None:
    path.write_bytes(content)
    os.chmod(path, 0o600)


def _renew_demo_crl(directory: Path, files: SigningFiles) -> None:
    """The demo CA's CRL issued again (still empty), when its key is there (demo certificates made
    before CRLs have none: their revocation stays unchecked)."""
    try:
        ca_key = serialization.load_pem_private_key((directory / DEMO_CA_KEY).read_bytes(), password=None)
        ca = x509.load_pem_x509_certificate(files.trust_root.read_bytes())
    except (OSError, ValueError):
        return
    if isinstance(ca_key, rsa.RSAPrivateKey) and files.crl is not None:
        _write_private(files.crl, make_crl(ca, ca_key, valid_days=DEMO_CRL_DAYS))
