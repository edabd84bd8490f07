"""File types decided by content (magic bytes), never by the name or the client's claim."""

import filetype

from ..engine.errors import InvalidInput, UnsupportedFileType

ALLOWED = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.text": "odt",
}


IMAGES = {"image/jpeg": "jpg", "image/png": "png"}


def sniff(content: bytes, *, images: bool = False) -> str:
    """The media type of `content` if it is an allowed document type (or, where the document
    kind allows them, a JPEG or PNG photo), else UnsupportedFileType."""
    kind = filetype.guess(content)
    allowed = {**ALLOWED, **IMAGES} if images else ALLOWED
    if kind is None or kind.mime not in allowed:
        raise UnsupportedFileType(
            None if not images else "Jenis berkas tidak didukung. Unggah PDF, DOCX, ODT, JPEG, atau PNG."
        )
    return kind.mime


def clean_filename(name: str | None) -> str:
    """The name as given, if it is a plain file name; path parts or control characters are refused."""
    name = (name or "").strip()
    if (
        not name
        or len(name) > 255
        or "/" in name
        or "\\" in name
        or name.startswith(".")
        or any(ord(c) < 32 for c in name)
    ):
        raise InvalidInput("Nama berkas tidak sah.", details={"file": ["Nama berkas tidak sah."]})
    return name
