"""Every fixed list of words Harmoni stores and shows, once: roles, conclusions, review aspects,
meeting sides, minutes statuses and phases. Each is a `Labelled` enum: a member IS its stored
string (so it compares equal to what the database holds) and carries its Indonesian label, marked
for translation. Models build their CHECK constraints from `.values()`, schemas their `OneOf`,
forms their choices, templates and PDFs their labels (`vocabulary` is a template global)."""

from .engine.definition import N_, Labelled, Phase

__all__ = [
    "ACCOUNT_ROLES",
    "APPLICANT",
    "Aspect",
    "Conclusion",
    "HEAD",
    "ISSUED_KIND_LABELS",
    "LetterStatus",
    "MinutesStatus",
    "OFFICE_ROLES",
    "PUBLIC",
    "Phase",
    "Role",
    "STAFF",
    "SYSTEM",
    "Side",
]


class Role(Labelled):
    """Who acts. The first four are accounts; `public` (tracking code and PIN) and `system`
    (timers) are actors without one (workflow/actors.py)."""

    DRAFTER = "drafter", N_("Perancang pemrakarsa")  # an applicant organisation's drafter
    OFFICER = "officer", N_("Perancang kanwil")  # a legislative drafter of the office
    HEAD = "head", N_("Pimpinan")  # Kadiv P3H / Kakanwil: assigns, concludes, signs
    ADMIN = "admin", N_("Admin")  # manages users and settings; acts on no request
    PUBLIC = "public", N_("Pemohon umum")
    SYSTEM = "system", N_("Sistem")


ACCOUNT_ROLES = (Role.DRAFTER, Role.OFFICER, Role.HEAD, Role.ADMIN)  # users.role holds one of these
# The office's staff: those who work on requests (fire staff transitions, are assigned, chair
# meetings). Admins are not staff: they manage users and settings and act on no request.
STAFF = (Role.OFFICER, Role.HEAD)
# Every account of the office rather than of an applicant: the staff and the admins (the work
# queue rather than "my requests").
OFFICE_ROLES = (Role.OFFICER, Role.HEAD, Role.ADMIN)
# Role sets of process transitions (processes/*.py)
APPLICANT = (Role.DRAFTER,)
PUBLIC = (Role.PUBLIC,)
HEAD = (Role.HEAD,)
SYSTEM = (Role.SYSTEM,)


class Conclusion(Labelled):
    """The outcome of a harmonisation (Permenkum 40/2025)."""

    HARMONIS = "harmonis", N_("Harmonis")
    HARMONIS_WITH_NOTES = "harmonis_with_notes", N_("Harmonis dengan catatan")
    NOT_HARMONIS = "not_harmonis", N_("Belum harmonis")


# what a conclusion must state besides itself
NEEDS_CORRECTION_DEADLINE = (Conclusion.HARMONIS_WITH_NOTES,)
NEEDS_NOTES = (Conclusion.HARMONIS_WITH_NOTES, Conclusion.NOT_HARMONIS)


class Aspect(Labelled):
    """The aspects of the conceptual review (UU 12/2011, Lampiran II)."""

    PROSEDURAL = "prosedural", N_("Prosedural")
    SUBSTANSI = "substansi", N_("Substansi")
    TEKNIK_PENYUSUNAN = "teknik_penyusunan", N_("Teknik penyusunan")

    @property
    def heading(self) -> str:
        """As a heading of the berita acara: "Teknik Penyusunan"."""
        return self.label.title()


class Side(Labelled):
    """The side a meeting participant or a signatory of the minutes is on."""

    OFFICE = "office", N_("Kanwil")
    APPLICANT = "applicant", N_("Pemrakarsa")
    DPRD = "dprd", N_("DPRD")

    @property
    def formal(self) -> str:
        """As the berita acara names the side under a signature."""
        return {"office": "Kantor Wilayah Kementerian Hukum"}.get(self.value, self.label)

    @property
    def keyword(self) -> str:
        """The Indonesian word typed for it in the pages' one-line-per-person text fields."""
        return {"office": "kanwil", "applicant": "pemrakarsa", "dprd": "dprd"}[self.value]

    @classmethod
    def parse(cls, text: str | None) -> str:
        """The side a typed word names ("kanwil", "Pemrakarsa", "office" ...), else the word
        itself, lower-cased, for the operation to refuse with a message."""
        word = (text or "").strip().lower()
        for side in cls:
            if word in (side.value, side.keyword):
                return side.value
        return word


class MinutesStatus(Labelled):
    """draft -> awaiting_approval (an officer finalised; the head or the delegate decides) -> final
    (numbered and issued) -> superseded (by a final revision). Sent back: awaiting -> draft."""

    DRAFT = "draft", N_("Draf")
    AWAITING_APPROVAL = "awaiting_approval", N_("Menunggu persetujuan")
    FINAL = "final", N_("Final")
    SUPERSEDED = "superseded", N_("Digantikan revisi")


# what each kind of issued document is called (models/issued.py ISSUED_KINDS)
ISSUED_KIND_LABELS = {
    "berita_acara": N_("Berita acara"),
    "result_letter": N_("Surat hasil"),
    "hasil_akhir": N_("Surat hasil akhir"),
    "undangan_rapat": N_("Undangan rapat"),
    "pengembalian_berkas": N_("Surat pengembalian berkas"),
}


class LetterStatus(Labelled):
    """An issued document's life (models/issued.py). A letter an officer's action prepares awaits
    the approval of the head or the delegate (no number, no code yet); sent back, it is the
    officer's to revise and submit again; approved, it is numbered and issued. Withdrawn: its
    occasion went before it was approved (the meeting it invited to was cancelled)."""

    AWAITING_APPROVAL = "awaiting_approval", N_("Menunggu persetujuan")
    SENT_BACK = "sent_back", N_("Dikembalikan untuk diperbaiki")
    ISSUED = "issued", N_("Diterbitkan")
    WITHDRAWN = "withdrawn", N_("Ditarik")
