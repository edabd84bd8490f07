"""The office (Kanwil) and the applicant organisations it serves."""

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

    organisations: Mapped[list["Organisation"]] = relationship(back_populates="office")

    DEFAULT_SETTINGS = {
        "number_formats": {
            "registration": "{seq:04d}/{process}/{office}/{year}",
            "berita_acara": "BA-{seq:03d}/HARMONISASI/{office}/{year}",
            "result_letter": "{seq:03d}/HASIL-HARMONISASI/{office}/{year}",
            "hasil_akhir": "{seq:03d}/HASIL-AKHIR-HARMONISASI/{office}/{year}",
        },
        "city": "Kupang",
        "letterhead": [],
        "legal_basis": (
            "Undang-Undang Nomor 12 Tahun 2011 tentang Pembentukan Peraturan "
            "Perundang-undangan sebagaimana telah beberapa kali diubah terakhir dengan "
            "Undang-Undang Nomor 13 Tahun 2022, dan Peraturan Menteri Hukum Nomor 40 "
            "Tahun 2025."
        ),
        "time_limits": {},  # process name -> working days; the process default otherwise
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

    office: Mapped[Office] = relationship(back_populates="organisations")
