"""File types decided by content (magic bytes), never by the name or the client's claim."""

import io
import unicodedata
import zipfile

import filetype

from ..engine.errors import InvalidInput, UnsupportedFileType

ALLOWED = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.oasis.opendocument.text": "odt",
}


IMAGES = {"image/jpeg": "jpg", "image/png": "png"}

# DOCX and ODT are ZIP archives: a few KB can unpack to gigabytes in whatever later opens them.
ARCHIVES = {"docx", "odt"}
MAX_ARCHIVE_MEMBERS = 5000
_READ_CHUNK = 1 << 16


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


def check_archive(content: bytes, media_type: str, *, max_unpacked: int, max_ratio: int) -> None:
    """Refuse (415, with the reason) a DOCX or ODT that is not a readable archive, has absurdly many
    parts, or unpacks to more than `max_unpacked` bytes or `max_ratio` times its own size.

    The sizes the archive declares are checked first (cheap); then every part is really unpacked,
    counting, and stopped at the limit, since a crafted archive can declare small sizes and lie."""
    if ALLOWED.get(media_type) not in ARCHIVES:
        return
    limit = min(max_unpacked, max_ratio * len(content))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ARCHIVE_MEMBERS:
                raise UnsupportedFileType(
                    f"Berkas ditolak: arsip dokumen berisi terlalu banyak bagian ({len(members)})."
                )
            if sum(m.file_size for m in members) > limit:
                raise UnsupportedFileType(_bomb_message(max_unpacked, max_ratio))
            unpacked = 0
            for member in members:
                with archive.open(member) as part:
                    while chunk := part.read(_READ_CHUNK):
                        unpacked += len(chunk)
                        if unpacked > limit:
                            raise UnsupportedFileType(_bomb_message(max_unpacked, max_ratio))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, ValueError, RuntimeError) as exc:
        # RuntimeError: an encrypted part; NotImplementedError: an unknown compression method
        raise UnsupportedFileType("Berkas ditolak: dokumen DOCX/ODT rusak atau tidak dapat dibaca.") from exc


def _bomb_message(max_unpacked: int, max_ratio: int) -> str:
    return (
        "Berkas ditolak: isi dokumen setelah diekstrak terlalu besar "
        f"(lebih dari {max_unpacked // (1024 * 1024)} MB atau {max_ratio} kali ukuran berkas)."
    )


# Bidirectional controls (e.g. U+202E RIGHT-TO-LEFT OVERRIDE) make "rapat\u202Efdp.exe" show as
# "rapatexe.pdf"; with the other invisible format characters they are dropped from names.
def _without_format_characters(name: str) -> str:
    return "".join(c for c in name if unicodedata.category(c) != "Cf")


def clean_filename(name: str | None) -> str:
    """The name as given, if it is a plain file name, without invisible format characters
    (bidirectional controls, zero-width characters); path parts or control characters are refused."""
    name = _without_format_characters(unicodedata.normalize("NFC", name or "")).strip()
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
