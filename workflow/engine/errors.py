"""Typed domain errors. Each carries the HTTP status and code the web layer answers with,
so no translation table is needed; messages are Indonesian, the users' language."""


class HarmoniError(Exception):
    status = 400
    code = "bad_request"
    message = "Permintaan tidak valid."

    def __init__(self, message: str | None = None, *, details=None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.details = details


class NotFound(HarmoniError):
    status, code, message = 404, "not_found", "Data tidak ditemukan."


class NotPermitted(HarmoniError):
    status, code, message = 403, "forbidden", "Anda tidak berwenang melakukan tindakan ini."


class TransitionUnavailable(HarmoniError):
    status, code = 409, "transition_unavailable"
    message = "Tindakan ini tidak tersedia pada status permohonan saat ini."


class StaleVersion(HarmoniError):
    status, code = 409, "stale_version"
    message = "Permohonan ini telah diubah oleh orang lain sejak Anda membukanya. Muat ulang dan coba lagi."


class InvalidInput(HarmoniError):
    status, code, message = 422, "invalid_input", "Masukan tidak valid."


class GuardFailed(HarmoniError):
    """A transition's precondition failed; `details` lists every reason."""

    status, code, message = 422, "guard_failed", "Syarat tindakan ini belum terpenuhi."


class UnsupportedFileType(HarmoniError):
    status, code = 415, "unsupported_media_type"
    message = "Jenis berkas tidak didukung. Unggah PDF, DOCX, atau ODT."


class FileTooLarge(HarmoniError):
    status, code, message = 413, "too_large", "Berkas terlalu besar."


class QuotaExceeded(HarmoniError):
    status, code, message = 429, "quota_exceeded", "Batas unggahan tercapai."


def reject_nul(**fields) -> None:
    """InvalidInput naming every text field holding a NUL character (PostgreSQL cannot store one)."""
    bad = {
        name: ["Mengandung karakter yang tidak diizinkan."]
        for name, value in fields.items()
        if isinstance(value, str) and "\x00" in value
    }
    if bad:
        raise InvalidInput(details=bad)
