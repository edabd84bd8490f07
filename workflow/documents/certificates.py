"""Certificates for signing issued documents where the office has none of its own yet: a demo
certificate authority and an office certificate issued by it (`seed-demo`), and the same for the
tests' own CA. Made with `cryptography`; never used when a real PKCS#12 is configured.

A demo certificate says so wherever a person reads it: in its subject (organisation unit "DEMO -
bukan sertifikat resmi", and "(DEMO)" after the office's name), so in the visible signature of
every PDF it signs and on the verification page."""

import json
import os
import secrets
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


@dataclass(frozen=True)
class SigningFiles:
    """Where a signing certificate lives: its PKCS#12 (key, certificate, chain), the passphrase,
    and the PEM of the CA that verification trusts."""

    pkcs12: Path
    passphrase: str
    trust_root: Path


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
    """A CA's certificate, and the key and certificate it issued to the office."""

    ca: x509.Certificate
    key: rsa.RSAPrivateKey
    certificate: x509.Certificate


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
    return Issued(ca_cert, key, cert)


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
    return SigningFiles(directory / settings["pkcs12"], settings["passphrase"], directory / settings["trust_root"])


def ensure_demo_certificates(instance_path: str, office_name: str) -> tuple[SigningFiles, bool]:
    """The demo CA and office certificate in `<instance>/demo-signing/`: made once (True), then kept
    (False), so running seed-demo again changes nothing and documents signed before still verify."""
    existing = demo_signing_files(instance_path)
    if existing is not None and existing.pkcs12.exists() and existing.trust_root.exists():
        return existing, False
    directory = Path(instance_path) / DEMO_DIRECTORY
    issued = make_certificates(
        office_name=f"{office_name} (DEMO)",
        organisation="Harmoni (demo)",
        unit=DEMO_MARK,
        ca_name=f"Harmoni Demo CA ({DEMO_MARK})",
    )
    files = write_signing_files(directory, issued)
    settings = directory / DEMO_SETTINGS
    settings.write_text(
        json.dumps(
            {
                "note": "Demo signing certificate made by `flask seed-demo`: NOT an official certificate. "
                "Used only while HARMONI_SIGNING_PKCS12 is unset and HARMONI_SIGNING_DEMO is not 0.",
                "pkcs12": files.pkcs12.name,
                "passphrase": files.passphrase,
                "trust_root": files.trust_root.name,
            },
            indent=2,
        )
    )
    os.chmod(settings, 0o600)
    return files, True
