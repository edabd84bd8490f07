"""Issuing official documents: number and freeze the payload inside the transaction; render the
PDF once, after the commit, and store it under its SHA-256. Letters an officer prepares wait for
approval first (operations/letter_approval.py): only an issued document is numbered or rendered."""

import secrets
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select, update

from ..documents.numbering import format_number, next_value
from ..documents.signing import Approval, issue_pdf
from ..documents.store import document_store
from ..documents.words import date_in_words, in_words, long_date
from ..extensions import db
from ..links import web_link
from ..models import IssuedDocument, Meeting, Minutes, Request, User
from ..models.time import local_date
from ..processes import harmonisation
from ..vocabulary import Aspect, Conclusion, LetterStatus, MinutesStatus, Side
from .after_commit import defer
from .approvers import on_behalf_of

# the berita acara's words (Indonesian, as official documents are), from the one vocabulary
ASPECT_LABELS = tuple((a.value, a.heading) for a in Aspect)
SIDE_LABELS = {s.value: s.formal for s in Side}
ADDRESSEE = {"province": ("Gubernur", "Provinsi "), "regency": ("Bupati", "Kabupaten "), "city": ("Wali Kota", "Kota ")}


def addressee(organisation, applicant_type: str | None = None) -> str:
    """Yth. Wali Kota Kupang / Bupati Sikka / Gubernur Nusa Tenggara Timur / Pimpinan Dewan
    Perwakilan Rakyat Daerah Provinsi Nusa Tenggara Timur (DPRD spelled out, as letters write it)."""
    if organisation.kind == "dprd" or applicant_type == "dprd":
        return f"Pimpinan Dewan Perwakilan Rakyat Daerah {organisation.region}"
    title, prefix = ADDRESSEE[organisation.kind]
    return f"{title} {organisation.region.removeprefix(prefix)}"


def applicant_type(req) -> str | None:
    """ "dprd" or "kepala_daerah" as the applicant said at submission (None on older requests)."""
    return req.applicant_type


def application_letter_signer(req) -> str:
    """Who signed the application letter: "Bupati Sikka", "Wali Kota Kupang", "Pimpinan Dewan
    Perwakilan Rakyat Daerah Provinsi Nusa Tenggara Timur"."""
    return addressee(req.organisation, applicant_type(req))


ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def local_time(moment: datetime, timezone: str) -> str:
    """ "09.30 WITA": the office's clock, written as Indonesian documents write it."""
    local = moment.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone))
    return f"{local:%H.%M} {ZONE_NAMES.get(timezone, local.tzname())}"


def new_code() -> str:
    # 10 characters of base32: unguessable enough for a public check, short enough to type
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10))


KEPALA_DAERAH_NAME = {"province": "Gubernur", "regency": "Bupati", "city": "Wali Kota", "dprd": "Daerah"}


def draft_name(req: Request) -> str:
    """The draft's full name, e.g. "Rancangan Peraturan Wali Kota Kupang tentang Tarif Parkir":
    the title as the applicant wrote it when it is complete, else built from the process and region."""
    title = req.title.strip()
    if " tentang " in title.lower():
        return title
    org = req.organisation
    if req.process == "ranperda":
        return f"Rancangan Peraturan Daerah {org.region} tentang {title}"
    # Peraturan Wali Kota Kupang, Peraturan Bupati Sikka: the head's title already says which kind
    region = org.region.removeprefix(ADDRESSEE.get(org.kind, ("", ""))[1])
    return f"Rancangan Peraturan {KEPALA_DAERAH_NAME[org.kind]} {region} tentang {title}"


def draft_title(req: Request) -> str:
    """The same, in capitals, as the heading of official documents."""
    return draft_name(req).upper()


def _office(office) -> dict:
    return {
        "name": office.name,
        "letterhead": office.setting("letterhead") or [office.name.upper()],
        "city": office.setting("city"),
        "logo": office.setting("logo_sha256"),  # read from the store when rendering
        "head_title": office.setting("head_title"),
    }


def _number(office, series: str, when: datetime) -> str:
    year = local_date(when, office.timezone).year
    seq = next_value(office.id, series, year)
    return format_number(
        office.setting("number_formats", series),
        seq=seq,
        year=year,
        process="",
        office=office.code,
        classification=office.setting("classification") or "",
    )


def _person(user: User | None, fallback_position: str = "") -> dict:
    if user is None:
        return {"name": "", "position": fallback_position, "nip": None}
    return {"name": user.name, "position": user.position or fallback_position, "nip": user.nip}


def office_head(office) -> User | None:
    """The office's head (the active head account), who signs letters unless a delegate does."""
    return db.session.scalar(
        select(User).where(User.office_id == office.id, User.role == "head", User.active.is_(True)).order_by(User.id)
    )


def _with_nips(signatories: list[dict], office) -> list[dict]:
    """The NIP under each office-side signature, from the account of that name when there is one."""
    names = [s["name"] for s in signatories if not s.get("nip")]
    nips: dict[str, str] = {
        name: nip
        for name, nip in db.session.execute(
            select(User.name, User.nip).where(User.office_id == office.id, User.name.in_(names), User.nip.is_not(None))
        )
    }
    return [{**s, "nip": s.get("nip") or nips.get(s["name"])} for s in signatories]


def _verify(code: str) -> dict:
    # the address printed (and QR-coded) on the document: the public site, not whoever issued it
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return {"code": code, "url": f"{base}/verifikasi/{code}"}


def minutes_payload(minutes: Minutes, now: datetime, *, number: str | None, code: str | None, approver=None) -> dict:
    """What the berita acara shows, frozen. Without a number and code it is the DRAF preview:
    the same document, marked as a draft, with no number and nothing to verify."""
    req, office = minutes.request, minutes.request.office
    meeting = db.session.get(Meeting, minutes.meeting_id)
    meeting_day = local_date(meeting.starts_at, office.timezone)
    chair = _person(meeting.chair, office.setting("head_title"))
    attendees = [
        {"name": p.name, "position": p.position, "institution": p.institution}
        for p in meeting.participants
        if p.attended is not False
    ]
    if chair["name"] not in {a["name"] for a in attendees}:
        # the chair leads the meeting and signs the daftar hadir like everyone else
        attendees.insert(0, {"name": chair["name"], "position": chair["position"], "institution": office.name})
    previous = db.session.get(Minutes, minutes.supersedes_id) if minutes.supersedes_id else None
    draft = number is None
    return {
        "office": _office(office),
        "number": number,
        "draft": draft,
        "revision": minutes.revision,
        "supersedes_number": previous.issued_document.number if previous else None,
        "doc_title": ("BERITA ACARA PENGHARMONISASIAN, PEMBULATAN, DAN PEMANTAPAN KONSEPSI " + draft_title(req)),
        "request": _request(req),
        "meeting": {
            "date_words": date_in_words(meeting_day),
            "date_long": long_date(meeting_day),
            "time": local_time(meeting.starts_at, office.timezone),
            "place": meeting.place or (f"rapat daring ({link})" if (link := web_link(meeting.online_link)) else "—"),
            "chair": chair,
        },
        "basis": _basis(minutes),
        "attendees": attendees,
        "aspects": ASPECT_LABELS,
        "findings": {
            aspect: [
                {"article": f.article, "finding": f.finding, "agreed_change": f.agreed_change}
                for f in minutes.findings
                if f.aspect == aspect
            ]
            for aspect, _ in ASPECT_LABELS
        },
        "conclusion": _conclusion(minutes),
        "signatories": [
            {**s, "side_label": SIDE_LABELS.get(s.get("side"), "")} for s in _with_nips(minutes.signatories, office)
        ],
        # who approved the issue, and when (a delegate "a.n." the head): for the signature's record
        "approval": None if draft or approver is None else _approved_by(approver, office, now),
        "issued_at": now.strftime("%Y-%m-%dT%H:%M:%S"),
        "verify": None if draft else _verify(code),
    }


def _approved_by(approver: User, office, now: datetime) -> dict:
    head_title = office.setting("head_title")
    return {
        **_person(approver, head_title),
        "on_behalf_of": head_title if approver.role != "head" else None,
        "at": now.strftime("%Y-%m-%dT%H:%M:%S"),
    }


def issue_minutes(minutes: Minutes, actor, now: datetime) -> IssuedDocument:
    """Number the approved minutes and freeze what the berita acara shows. `actor` approved them
    (the head, or the delegate named in the office settings)."""
    req, office = minutes.request, minutes.request.office
    code, number = new_code(), _number(office, "berita_acara", now)
    payload = minutes_payload(minutes, now, number=number, code=code, approver=actor)
    return _issue(req, "berita_acara", number, code, payload["doc_title"], payload, actor, now)


def can_preview_minutes(user, minutes: Minutes) -> bool:
    """The DRAF preview is the office's staff's (officers and heads), while the minutes are a draft
    or await approval; an admin sees the minutes but not their preview (nor does an applicant)."""
    return user.is_staff and minutes.status in (MinutesStatus.DRAFT, MinutesStatus.AWAITING_APPROVAL)


def preview_minutes(minutes: Minutes, now: datetime) -> bytes:
    """The berita acara as it will be issued, marked DRAF, without a number: rendered each time it
    is asked for, never stored, never numbered (nothing is taken from the series)."""
    from ..documents.pdf import renderer

    payload = minutes_payload(minutes, now, number=None, code=None)
    return renderer().render("berita_acara", payload, identifier=f"draf-{minutes.id}-{minutes.version}")


def issue_result_letter(req: Request, minutes: Minutes, actor, now: datetime) -> IssuedDocument:
    """The letter to the Kepala Daerah or Pimpinan DPRD, prepared with the conclusion: issued at
    once when `actor` approves for the office (the head, or the delegate who signs "a.n." the
    head), else awaiting their approval (operations/letter_approval.py)."""
    from .letter_approval import prepare_letter

    title, payload = result_letter_payload(req, minutes)
    return prepare_letter(req, "result_letter", title, payload, actor, now)


def result_letter_payload(req: Request, minutes: Minutes) -> tuple[str, dict]:
    """The result letter's content; its number, date, signer and verification are its issue's
    (letter_approval.letter_stamp)."""
    office = req.office
    # with notes, the final draft comes later, with the final letter (hasil akhir)
    attachments = ["Rancangan akhir hasil pengharmonisasian"] if minutes.conclusion == "harmonis" else []
    payload = {
        "office": _office(office),
        "doc_title": "SURAT PENYAMPAIAN HASIL PENGHARMONISASIAN " + draft_title(req),
        "request": _request(req),
        "basis": _basis(minutes),
        "minutes_id": minutes.id,
        "minutes_number": minutes.issued_document.number,
        "conclusion": _conclusion(minutes),
        "addressee": addressee(req.organisation, applicant_type(req)),
        "seat": req.organisation.seat or req.organisation.region,
        "attachments": attachments,
        "attachments_words": f"{len(attachments)} ({in_words(len(attachments))}) berkas" if attachments else None,
        "copies": copies_of(req),
    }
    return payload["doc_title"], payload


def copies_of(req: Request) -> list[str]:
    """Tembusan: the office's list, and for regencies and cities the provincial Biro Hukum's."""
    copies = list(req.office.setting("copies") or [])
    if req.organisation.kind in ("regency", "city"):
        copies += req.office.setting("copies_regency_city") or []
    return copies


def issue_final_result_letter(req: Request, actor, now: datetime) -> IssuedDocument:
    """The final result (surat penyampaian hasil akhir) once the head accepts a correction: the
    draft is harmonis, the corrected draft named as attached. Issued at once by the head or the
    delegate, else awaiting their approval. The layout is templates/pdf/hasil_akhir.html."""
    from .letter_approval import prepare_letter

    title, payload = final_result_payload(req)
    return prepare_letter(req, "hasil_akhir", title, payload, actor, now)


def final_result_payload(req: Request) -> tuple[str, dict]:
    from ..models import Document
    from .letters import letter_fields

    minutes = db.session.scalar(
        select(Minutes)
        .where(Minutes.request_id == req.id, Minutes.status == "final")
        .order_by(Minutes.revision.desc())
        .limit(1)
    )
    first = db.session.scalar(
        select(IssuedDocument)
        .where(
            IssuedDocument.request_id == req.id,
            IssuedDocument.kind == "result_letter",
            IssuedDocument.status == LetterStatus.ISSUED,
        )
        .order_by(IssuedDocument.id.desc())
        .limit(1)
    )
    corrected = db.session.scalar(
        select(Document)
        .where(Document.request_id == req.id, Document.kind == "rancangan_perbaikan")
        .order_by(Document.id.desc())
        .limit(1)
    )
    # the letter's common parts (addressee and seat, copies) as every letter
    payload = letter_fields(
        req,
        subject=f"Penyampaian Hasil Akhir Pengharmonisasian {draft_name(req)}",
        attachments=["Rancangan hasil perbaikan yang telah diparaf"],
    )
    payload |= {
        "doc_title": "SURAT PENYAMPAIAN HASIL AKHIR PENGHARMONISASIAN " + draft_title(req),
        "basis": _basis(minutes) if minutes else {"signer": application_letter_signer(req)},
        "minutes_number": minutes.issued_document.number if minutes and minutes.issued_document else None,
        "result_number": first.number if first else None,
        "conclusion": {"code": Conclusion.HARMONIS.value, "label": Conclusion.HARMONIS.label},
        # the corrected, initialled draft the head accepted: named, so the letter says what is attached
        "attachment": {
            "label": "Rancangan hasil perbaikan yang telah diparaf",
            "filename": corrected.filename if corrected else None,
            "sha256": corrected.sha256 if corrected else None,
        },
    }
    return payload["doc_title"], payload


def _request(req) -> dict:
    return {
        "number": req.number,
        "title": draft_name(req),
        "organisation": req.organisation.name,
        "region": req.organisation.region,
        "external_ref": req.external_ref,
    }


def _basis(minutes) -> dict:
    """The application letter: its signer, number and date as the applicant gave them with the
    request (minutes of older requests, made before the request held them, keep their own), and the
    legal basis."""
    req = minutes.request
    letter_date = req.application_letter_date or minutes.application_letter_date
    return {
        "signer": application_letter_signer(req),
        "letter_number": req.application_letter_number or minutes.application_letter_number,
        "letter_date": long_date(letter_date) if isinstance(letter_date, date) else None,
        "legal_basis": minutes.legal_basis or req.office.setting("legal_basis"),
    }


def _conclusion(minutes) -> dict:
    deadline = minutes.correction_deadline
    return {
        "code": minutes.conclusion,
        "label": Conclusion(minutes.conclusion).label if minutes.conclusion else "",
        # inside a sentence: "dinyatakan harmonis dengan catatan"
        "phrase": Conclusion(minutes.conclusion).label.lower() if minutes.conclusion else "",
        "notes": minutes.notes,
        "correction_deadline": long_date(deadline) if deadline else None,
    }


def _issue(req, kind, number, code, title, payload, actor, now) -> IssuedDocument:
    """A document issued at once, numbered and coded: the berita acara, which its own approval
    (operations/minutes.py) decided. Letters go through letter_approval.prepare_letter."""
    issued = IssuedDocument(
        office_id=req.office_id,
        request_id=req.id,
        kind=kind,
        status=LetterStatus.ISSUED,
        number=number,
        code=code,
        title=title,
        payload=payload,
        issued_at=now,
        issued_by_id=actor.id,
        approved_at=now,
        approved_by_id=actor.id,
        on_behalf_of=on_behalf_of(actor, req.office),
    )
    db.session.add(issued)
    db.session.flush()
    defer(render_pending, req.id)  # the PDF once the numbers are committed, not inside the transaction
    return issued


TEMPLATES = {
    kind: kind for kind in ("berita_acara", "result_letter", "undangan_rapat", "pengembalian_berkas", "hasil_akhir")
}


def render_issued(issued: IssuedDocument) -> bytes:
    """The PDF of `issued`: rendered and signed with the office's certificate (documents/signing.py;
    without one, to be signed by hand) the first time and stored under the SHA-256 of those bytes;
    read from the store afterwards."""
    if issued.status != LetterStatus.ISSUED:
        raise ValueError(f"issued document {issued.id} is not issued: preview it instead")
    store = document_store()
    if issued.sha256:
        return store.get(issued.sha256)
    content = issue_pdf(TEMPLATES[issued.kind], issued.payload, identifier=issued.code, approval=_approval(issued))
    sha256 = store.put(content)
    # A signature carries its time, so two first downloads at once would sign two different PDFs:
    # the first to record its hash wins; the other answers with the winner's bytes.
    recorded = db.session.scalar(
        update(IssuedDocument)
        .where(IssuedDocument.id == issued.id, IssuedDocument.sha256.is_(None))
        .values(sha256=sha256, size=len(content))
        .returning(IssuedDocument.id)
    )
    if recorded is None:
        db.session.refresh(issued)
        return store.get(issued.sha256)
    return content


def _approval(issued: IssuedDocument) -> Approval:
    """Who approved the document and when (the visible signature says it): the head or the
    delegate who approved it (documents issued before approvals were recorded: who issued them)."""
    office = issued.office
    day = local_date(issued.issued_at, office.timezone)
    return Approval(
        name=(issued.approved_by or issued.issued_by).name,
        when=f"{long_date(day)} pukul {local_time(issued.issued_at, office.timezone)}",
        location=office.setting("city"),
        reason=f"Nomor {issued.number}",
    )


def render_pending(request_id: int) -> None:
    """Render what was issued for a request but not rendered yet (after the commit: see `_issue`)."""
    pending = db.session.scalars(
        select(IssuedDocument).where(
            IssuedDocument.request_id == request_id,
            IssuedDocument.sha256.is_(None),
            IssuedDocument.status == LetterStatus.ISSUED,
        )
    ).all()
    for issued in pending:
        render_issued(issued)


def letter_reference(letter: IssuedDocument) -> dict:
    """What a transition's event records of the letter it prepared: id and number, and while it
    awaits approval (no number yet) that it does."""
    ref = {"id": letter.id, "number": letter.number}
    return ref if letter.is_issued else ref | {"status": letter.status}


# The harmonisation's effects that issue letters (declared by name in processes/harmonisation.py).


@harmonisation.issue_result_letter.implement
def _issue_result_letter_with_conclusion(req, ctx, event_data) -> None:
    minutes = db.session.scalar(
        select(Minutes)
        .where(Minutes.request_id == req.id, Minutes.status == MinutesStatus.FINAL)
        .order_by(Minutes.revision.desc())
        .limit(1)
    )
    letter = issue_result_letter(req, minutes, ctx.actor, ctx.now)
    event_data["result_letter"] = letter_reference(letter)


@harmonisation.issue_final_letter.implement
def _issue_final_letter_on_accepted_correction(req, ctx, event_data) -> None:
    letter = issue_final_result_letter(req, ctx.actor, ctx.now)
    event_data["final_letter"] = letter_reference(letter)
