"""File types decided by content (magic bytes), never by the name or the client's claim."""
import filetype

from ..engine.errors import InvalidInput, UnsupportedFileType

ALLOWED = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.text": "odt",
}


def sniff(content: bytes) -> str:
    """The media type of `content` if it is an allowed document type, else UnsupportedFileType."""
    kind = filetype.guess(content)
    if kind is None or kind.mime not in ALLOWED:
        raise UnsupportedFileType()
    return kind.mime


def clean_filename(name: str | None) -> str:
    """The name as given, if it is a plain file name; path parts or control characters are refused."""
    name = (name or "").strip()
    if (not name or len(name) > 255 or "/" in name or "\\" in name or name.startswith(".")
            or any(ord(c) < 32 for c in name)):
        raise InvalidInput("Nama berkas tidak sah.", details={"file": ["Nama berkas tidak sah."]})
    return name
