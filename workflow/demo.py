"""Demo data (the fixed points the README lists): one office, its applicant organisations, six accounts,
and a few requests at different stages. Running it again changes nothing but passwords."""

from datetime import timedelta

from sqlalchemy import select

from .extensions import db
from .models import Office, Organisation, Request, User
from .models.time import utcnow

OFFICE = {
    "code": "NTT",
    "name": "Kanwil Kementerian Hukum NTT",
    "timezone": "Asia/Makassar",
    "settings": {
        "letterhead": [
            "KEMENTERIAN HUKUM REPUBLIK INDONESIA",
            "KANTOR WILAYAH NUSA TENGGARA TIMUR",
            "Jl. Palapa No. 22, Oebobo, Kota Kupang 85111",
            "Telepon (0380) 833214, Laman ntt.kemenkum.go.id, Pos-el kanwilntt@kemenkum.go.id",
        ],
        "head_title": "Kepala Kantor Wilayah Kementerian Hukum Nusa Tenggara Timur",
        "division": "Divisi Peraturan Perundang-undangan dan Pembinaan Hukum",
    },
}

# (name, kind, region, seat: the town named on the "di ..." line of a letter)
ORGANISATIONS = [
    ("Pemerintah Provinsi NTT", "province", "Provinsi Nusa Tenggara Timur", "Kupang"),
    ("Pemerintah Kota Kupang", "city", "Kota Kupang", "Kupang"),
    ("Pemerintah Kabupaten Sikka", "regency", "Kabupaten Sikka", "Maumere"),
    ("DPRD Provinsi NTT", "dprd", "Provinsi Nusa Tenggara Timur", "Kupang"),
    ("Pemerintah Kabupaten Ngada", "regency", "Kabupaten Ngada", "Bajawa"),
]

# (email, name, role, organisation, position, NIP): fictional people with realistic names, positions
# and NIPs (birth date, appointment month, sex, serial); the e-mails and roles are fixed points.
USERS = [
    ("admin@harmoni.test", "Rudolf Messakh, S.Kom.", "admin", None, "Pranata Komputer Ahli Muda", "198603122010121003"),
    (
        "kakanwil@harmoni.test",
        "Dr. Stefanus Lado Ratu, S.H., M.H.",
        "head",
        None,
        "Kepala Kantor Wilayah Kementerian Hukum Nusa Tenggara Timur",
        "197205141998031002",
    ),
    ("perancang1@harmoni.test", "Maria Fernandez", "officer", None, "Perancang Ahli Muda", "198807232012122001"),
    ("perancang2@harmoni.test", "Yohanes Bria", "officer", None, "Perancang Ahli Pertama", "199410052019031004"),
    (
        "hukum.kotakupang@harmoni.test",
        "Agustina Lay, S.H.",
        "drafter",
        "Pemerintah Kota Kupang",
        "Kepala Bagian Hukum Sekretariat Daerah Kota Kupang",
        "197911302005022001",
    ),
    (
        "hukum.sikka@harmoni.test",
        "Fransiskus Parera, S.H., M.H.",
        "drafter",
        "Pemerintah Kabupaten Sikka",
        "Kepala Bagian Hukum Sekretariat Daerah Kabupaten Sikka",
        "198102172006041003",
    ),
]

# (drafter, process, title, E-Harmonisasi number, steps: (actor, trigger, comment, data)); each is
# created with its application letter (surat permohonan: number and date, the file uploaded with the
# other required documents), as the new-request form asks for it.
REQUESTS = [
    (
        "hukum.kotakupang@harmoni.test",
        "ranperda",
        "Rancangan Peraturan Daerah Kota Kupang tentang Pengelolaan Sampah",
        "EH-2026-KPG-0141",
        [
            ("hukum.kotakupang@harmoni.test", "submit", None, {}),
            ("perancang1@harmoni.test", "declare_complete", None, {}),
            ("kakanwil@harmoni.test", "assign", None, {"assignees": ["perancang1@harmoni.test"]}),
        ],
    ),
    (
        "hukum.sikka@harmoni.test",
        "ranperkada",
        "Rancangan Peraturan Bupati Sikka tentang Tata Kelola Tenun Ikat",
        "EH-2026-SKA-0077",
        [("hukum.sikka@harmoni.test", "submit", None, {})],
    ),
    (
        "hukum.sikka@harmoni.test",
        "ranperda",
        "Rancangan Peraturan Daerah Kabupaten Sikka tentang Pajak Daerah dan Retribusi Daerah",
        "EH-2026-SKA-0081",
        [
            ("hukum.sikka@harmoni.test", "submit", None, {}),
            (
                "perancang2@harmoni.test",
                "return_for_completion",
                "Keputusan DPRD tentang Propemperda belum ditandatangani; mohon unggah yang sah.",
                {},
            ),
        ],
    ),
    (
        "hukum.kotakupang@harmoni.test",
        "ranperkada",
        "Rancangan Peraturan Wali Kota Kupang tentang Tarif Parkir",
        None,
        [],
    ),
]
# A minimal valid PDF, standing in for the scanned documents of a real application.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def seed(password: str) -> None:
    office = db.session.scalar(select(Office).where(Office.code == OFFICE["code"]))
    if office is None:
        office = Office(**OFFICE)
        db.session.add(office)
    elif "head_title" not in (office.settings or {}):  # seeded before the head's title was a setting
        office.settings = {
            **OFFICE["settings"],
            **(office.settings or {}),
            "head_title": OFFICE["settings"]["head_title"],
        }
    orgs = {}
    for name, kind, region, seat in ORGANISATIONS:
        org = db.session.scalar(select(Organisation).where(Organisation.name == name))
        if org is None:
            org = Organisation(name=name, kind=kind, region=region, office=office)
            db.session.add(org)
        org.seat = org.seat or seat  # filled once on databases seeded before seats existed
        orgs[name] = org
    users = {}
    for email, name, role, org_name, position, nip in USERS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(
                email=email, name=name, role=role, position=position, office=office, organisation=orgs.get(org_name)
            )
            db.session.add(user)
        if user.nip is None:  # a database seeded before NIPs existed: the demo people once
            user.name, user.position, user.nip = name, position, nip
        user.set_password(password)
        users[email] = user
    db.session.flush()
    if db.session.scalar(select(Request.id).limit(1)) is None:
        _demo_requests(users)


def _demo_requests(users) -> None:
    from .documents.store import document_store
    from .operations.requests import create_request, upload_document
    from .operations.transitions import fire
    from .processes import PROCESSES

    store = document_store()
    today = utcnow().date()
    for i, (email, process, title, ref, steps) in enumerate(REQUESTS, start=1):
        request = create_request(
            users[email],
            process=process,
            title=title,
            external_ref=ref,
            application_letter_number=f"100.3.3/{140 + i}/HK/{today.year}",
            application_letter_date=today - timedelta(days=14 - i),  # dated before the request
        )
        for group in PROCESSES[process].required_documents if steps else ():
            upload_document(
                request,
                users[email],
                kind=group[0],
                filename=f"{group[0]}.pdf",
                content=DEMO_PDF,
                store=store,
                max_bytes=len(DEMO_PDF),
            )
        for actor, trigger, comment, data in steps:
            if "assignees" in data:
                data = {"assignees": [users[e].id for e in data["assignees"]]}
            fire(request, trigger, users[actor], version=request.version, comment=comment, data=data)
    _demo_services(users, store)


def _demo_services(users, store) -> None:
    """A legal-aid request from the public, and a naturalisation registered at the counter."""
    from .operations.public import register_oral_application, submit_public_request
    from .operations.requests import create_request, upload_document
    from .operations.transitions import fire

    submit_public_request(
        "legal_aid",
        details={
            "name": "Maria Nenobais",
            "nik": "5371014107850001",
            "address": "Jl. Timor Raya, Oesapa, Kota Kupang",
            "phone": "081234567890",
            "problem": "Sengketa warisan tanah keluarga.",
            "case_type": "perdata",
        },
        email="maria.nenobais@contoh.test",
        language="id",
        uploads=[("ktp", "ktp.pdf", DEMO_PDF), ("sktm", "sktm.pdf", DEMO_PDF)],
        store=store,
        max_bytes=len(DEMO_PDF),
    )
    officer = users["perancang2@harmoni.test"]
    request = create_request(
        officer,
        process="naturalisation",
        details={
            "name": "John Smith",
            "nationality": "Australia",
            "passport": "PA1234567",
            "address": "Jl. El Tari, Kota Kupang",
        },
    )
    for kind in ("application", "passport_copy", "civil_records"):
        upload_document(
            request, officer, kind=kind, filename=f"{kind}.pdf", content=DEMO_PDF, store=store, max_bytes=len(DEMO_PDF)
        )
    # examined and its PNBP paid: ready for the head to forward to Ditjen AHU
    fire(request, "declare_complete", officer, version=request.version)
    fire(
        request,
        "record_payment",
        officer,
        version=request.version,
        data={
            "amount": 350000,
            "receipt_number": "SIMPONI-820260001",
            "payment_date": request.created_at.date().isoformat(),
        },
    )
    # an oral legal-aid application written down at the counter, with the thumbprinted statement
    register_oral_application(
        officer,
        "legal_aid",
        details={
            "name": "Yakobus Bria",
            "nik": "5371010101700002",
            "address": "Kelurahan Bakunase, Kota Kupang",
            "phone": "081234567891",
            "problem": "Pendampingan perkara pidana ringan (dicatat dari permohonan lisan).",
            "case_type": "pidana",
            "aid_type": "litigasi",
        },
        email=None,
        uploads=[(k, f"{k}.pdf", DEMO_PDF) for k in ("ktp", "sktm", "oral_statement")],
        store=store,
        max_bytes=len(DEMO_PDF),
    )
    # a public complaint whose complainant asked that their identity stay confidential (no evidence)
    submit_public_request(
        "public_complaint",
        details={
            "name": "Pelapor Rahasia",
            "phone": "081234567892",
            "confidential": True,
            "reported_person": "Petugas loket layanan",
            "place": "Loket pelayanan Kanwil",
            "time": "Senin pagi",
            "chronology": "Permohonan saya ditunda tanpa alasan yang jelas.",
        },
        email=None,
        language="id",
        uploads=[],
        store=store,
        max_bytes=len(DEMO_PDF),
    )
