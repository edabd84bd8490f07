"""Anchoring the global audit chain outside the database: signed checkpoints.

Someone who can write to the database can rebuild every hash in it. A checkpoint is the global
chain's head (count and hash) signed with an Ed25519 key that is NOT in the database, appended to a
file (which backups, WORM storage or another machine keep) and/or e-mailed to an auditor. `audit
verify` then checks that the chain still has each checkpoint's link at each checkpoint's count:
a rewrite or a truncation before a checkpoint is detected even when every hash was recomputed.
"""

import base64
import json
import os
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..extensions import db
from ..models import AuditHead
from ..models.audit_chain import HEAD_ID
from .audit import global_chain_problems

FORMAT = "harmoni-audit-checkpoint/1"


class AnchorError(Exception):
    """A key or checkpoint file that cannot be used (said to the operator, not a stack trace)."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    signature: str

    def message(self) -> bytes:
        return f"{FORMAT} seq={self.seq} hash={self.hash} at={self.at}".encode()

    def as_line(self) -> str:
        return json.dumps(
            {"format": FORMAT, "seq": self.seq, "hash": self.hash, "at": self.at, "signature": self.signature},
            sort_keys=True,
        )


def generate_key(path: str) -> str:
    """Write a new private key to `path` (owner-only) and its public key beside it (`.pub`);
    return the public key's PEM. Refuses to overwrite a key."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise AnchorError(f"{path} exists already: a key is never overwritten") from exc
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    public = _public_pem(key.public_key())
    Path(path + ".pub").write_bytes(public)
    return public.decode()


def _public_pem(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_private_key(path: str | None) -> Ed25519PrivateKey:
    if not path:
        raise AnchorError("no signing key: set HARMONI_AUDIT_SIGNING_KEY (create one with `audit keygen`)")
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise AnchorError(f"cannot read the signing key {path}: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise AnchorError(f"{path} is not an Ed25519 key")
    return key


def load_public_key(public_path: str | None, private_path: str | None) -> Ed25519PublicKey:
    """The verifying key: the public key file if given (an auditor needs nothing else), else the
    signing key's."""
    if not public_path:
        return load_private_key(private_path).public_key()
    try:
        key = serialization.load_pem_public_key(Path(public_path).read_bytes())
    except (OSError, ValueError) as exc:
        raise AnchorError(f"cannot read the public key {public_path}: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise AnchorError(f"{public_path} is not an Ed25519 public key")
    return key


def make_checkpoint(key: Ed25519PrivateKey, now: datetime | None = None) -> Checkpoint:
    """Sign the global chain's current head (what committed transactions have linked)."""
    head = db.session.get(AuditHead, HEAD_ID)
    seq, hash_ = (head.seq, head.hash) if head else (0, "0" * 64)
    at = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    unsigned = Checkpoint(seq, hash_, at, "")
    signature = base64.b64encode(key.sign(unsigned.message())).decode()
    return Checkpoint(seq, hash_, at, signature)


def append_checkpoint(path: str, checkpoint: Checkpoint) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        f.write(checkpoint.as_line() + "\n")
        f.flush()
        os.fsync(f.fileno())


def mail_checkpoint(checkpoint: Checkpoint, recipient: str, config) -> None:
    """Send the checkpoint straight over SMTP (not through the outbox: that table is in the very
    database the checkpoint is meant to vouch for)."""
    email = EmailMessage()
    email["From"] = config["MAIL_SENDER"]
    email["To"] = recipient
    email["Subject"] = f"Harmoni audit checkpoint {checkpoint.seq} ({checkpoint.at})"
    email.set_content(
        "Checkpoint rantai audit Harmoni. Simpan baris berikut; `flask --app wsgi audit verify "
        "--checkpoints FILE` memeriksanya.\n\n" + checkpoint.as_line() + "\n"
    )
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


def read_checkpoints(path: str) -> list[Checkpoint]:
    """Every checkpoint line of the file (blank lines skipped; mail bodies pasted in are fine
    as long as each checkpoint is one line of its own)."""
    checkpoints = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise AnchorError(f"cannot read the checkpoints {path}: {exc}") from exc
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            raw = json.loads(line)
            if raw.get("format") != FORMAT:
                continue
            checkpoints.append(Checkpoint(int(raw["seq"]), str(raw["hash"]), str(raw["at"]), str(raw["signature"])))
        except (ValueError, KeyError, TypeError) as exc:
            raise AnchorError(f"{path}:{number}: not a checkpoint ({exc})") from exc
    return checkpoints


def checkpoint_problems(
    checkpoints: list[Checkpoint], public_key: Ed25519PublicKey, hashes: dict[int, str]
) -> list[str]:
    """What the database contradicts: each checkpoint's signature must hold, and the chain must
    have that checkpoint's hash at its count (`hashes`: the link hash at each checkpoint's seq)."""
    problems = []
    for cp in checkpoints:
        try:
            public_key.verify(base64.b64decode(cp.signature, validate=True), cp.message())
        except (InvalidSignature, ValueError):
            problems.append(f"checkpoint {cp.seq} ({cp.at}): the signature does not verify")
            continue
        if cp.seq not in hashes:
            problems.append(f"checkpoint {cp.seq} ({cp.at}): the chain no longer reaches it (truncated)")
        elif hashes[cp.seq] != cp.hash:
            problems.append(f"checkpoint {cp.seq} ({cp.at}): the chain was rewritten before it")
    return problems


def verify_against_checkpoints(checkpoints: list[Checkpoint], public_key: Ed25519PublicKey) -> list[str]:
    """The global chain's own problems and its contradictions of the checkpoints."""
    problems, hashes = global_chain_problems(frozenset(cp.seq for cp in checkpoints))
    return problems + checkpoint_problems(checkpoints, public_key, hashes)
