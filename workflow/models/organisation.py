"""The office (Kanwil) and the applicant organisations it serves."""

from uuid import uuid4

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db

ORGANISATION_KINDS = ("province", "regency", "city", "dprd")


class Office(db.Model):
    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # used in numbers, e.g. "NTT"
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Makassar")
    # Names, letterhead text, number formats and time limits change with reorganisations:
    # they are settings, never code. Missing keys fall back to DEFAULT_SETTINGS.
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    # A new random token whenever a holiday override of this office changes (database triggers,
    # migration d4e8a1c6b2f9): the key under which app processes keep its working calendar.
    calendar_version: Mapped[str] = mapped_column(String(32), default=lambda: uuid4().hex, server_default="0")

    organisations: Mapped[list["Organisation"]] = relationship(back_populates="office")

    DEFAULT_SETTINGS = {
        "number_formats": {
            "registration": "{seq:04d}/{process}/{office}/{year}",
            # Tata Naskah Dinas: serial, classification (klasifikasi arsip) code, office, year
            "berita_acara": "BA-{seq:03d}/{classification}/{office}/{year}",
            "result_letter": "{seq:03d}/{classification}/{office}/{year}",
            "hasil_akhir": "{seq:03d}/HA/{classification}/{office}/{year}",
            # the office's other letters, each its own gapless series
            "undangan_rapat": "UND-{seq:03d}/{classification}/{office}/{year}",
            "pengembalian_berkas": "{seq:03d}/PB/{classification}/{office}/{year}",
        },
        # the archive classification of harmonisation documents (unconfirmed: an office setting)
        "classification": "PP.04.02",
        "city": "Kupang",
        "letterhead": [],
        "logo_sha256": None,  # the letterhead's logo, in the document store (uploaded by an admin)
        "head_title": "Kepala Kantor Wilayah",
        # "Tembusan:" of letters to applicants; regency and city letters add the province's Biro Hukum
        "copies": ["Direktur Jenderal Peraturan Perundang-undangan Kementerian Hukum"],
        "copies_regency_city": ["Kepala Biro Hukum Sekretariat Daerah Provinsi Nusa Tenggara Timur"],
        "legal_basis": (
            "Undang-Undang Nomor 12 Tahun 2011 tentang Pembentukan Peraturan "
            "Perundang-undangan sebagaimana telah beberapa kali diubah terakhir dengan "
            "Undang-Undang Nomor 13 Tahun 2022, dan Peraturan Menteri Hukum Nomor 40 "
            "Tahun 2025."
        ),
        "time_limits": {},  # process name -> days; the process default otherwise
        # how long personal data from the public forms is kept, as told in the privacy notice
        # (unconfirmed: the office's records retention schedule decides)
        "privacy_retention": "5 (lima) tahun setelah permohonan selesai, sesuai jadwal retensi arsip kantor",
    }

    def setting(self, *path):
        """A setting by path, e.g. setting("number_formats", "registration")."""
        for source in (self.settings or {}, self.DEFAULT_SETTINGS):
            value = source
            for key in path:
                if not isinstance(value, dict) or key not in value:
                    break
                value = value[key]
            else:
                return value
        return None


class Organisation(db.Model):
    __tablename__ = "organisations"
    __table_args__ = (CheckConstraint(f"kind IN {ORGANISATION_KINDS!r}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    region: Mapped[str] = mapped_column(String(120))  # e.g. "Kota Kupang", "Provinsi Nusa Tenggara Timur"
    # the town where the organisation's head sits: letters say "di Maumere", not "di Kabupaten Sikka"
    seat: Mapped[str | None] = mapped_column(String(120))

    office: Mapped[Office] = relationship(back_populates="organisations")
