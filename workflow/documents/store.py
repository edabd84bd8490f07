"""A content-addressed file store: bytes live under their SHA-256, outside any web-served folder,
and are never overwritten (the same content is the same file)."""

import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app


class DocumentStore:
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256

    def put(self, content: bytes) -> str:
        digest = hashlib.sha256(content).hexdigest()
        target = self.path(digest)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            # write aside, then rename: a reader never sees half a file
            fd, tmp = tempfile.mkstemp(dir=target.parent)
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
            os.replace(tmp, target)
        return digest

    def discard(self, sha256: str) -> None:
        """Remove a file that no document refers to (written for a transaction that failed)."""
        self.path(sha256).unlink(missing_ok=True)

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()


def document_store() -> DocumentStore:
    """The application's store (HARMONI_DOCUMENT_STORE): the one place that reads the setting."""
    return DocumentStore(current_app.config["DOCUMENT_STORE"])
