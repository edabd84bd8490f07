"""Demo data (DESIGN.md fixed points): one office, its applicant organisations, six accounts,
and a few requests at different stages. Running it again changes nothing but passwords."""
from sqlalchemy import select

from .extensions import db
from .models import Office, Organisation, Request, User
from .models.time import utcnow

OFFICE = {"code": "NTT", "name": "Kanwil Kementerian Hukum NTT", "timezone": "Asia/Makassar",
          "settings": {
              "letterhead": ["KEMENTERIAN HUKUM REPUBLIK INDONESIA",
                             "KANTOR WILAYAH NUSA TENGGARA TIMUR",
                             "Jl. Palapa No. 22, Oebobo, Kota Kupang"],
              "division": "Divisi Peraturan Perundang-undangan dan Pembinaan Hukum",
          }}

ORGANISATIONS = [
    ("Pemerintah Provinsi NTT", "province", "Provinsi Nusa Tenggara Timur"),
    ("Pemerintah Kota Kupang", "city", "Kota Kupang"),
    ("Pemerintah Kabupaten Sikka", "regency", "Kabupaten Sikka"),
    ("DPRD Provinsi NTT", "dprd", "Provinsi Nusa Tenggara Timur"),
    ("Pemerintah Kabupaten Ngada", "regency", "Kabupaten Ngada"),
]

USERS = [
    ("admin@harmoni.test", "Admin Harmoni", "admin", None, "Administrator sistem"),
    ("kakanwil@harmoni.test", "Kepala Kantor Wilayah", "head", None, "Kepala Kantor Wilayah"),
    ("perancang1@harmoni.test", "Maria Fernandez", "officer", None, "Perancang Ahli Muda"),
    ("perancang2@harmoni.test", "Yohanes Bria", "officer", None, "Perancang Ahli Pertama"),
    ("hukum.kotakupang@harmoni.test", "Bagian Hukum Kota Kupang", "drafter",
     "Pemerintah Kota Kupang", "Kepala Bagian Hukum"),
    ("hukum.sikka@harmoni.test", "Bagian Hukum Kabupaten Sikka", "drafter",
     "Pemerintah Kabupaten Sikka", "Kepala Bagian Hukum"),
]

REQUESTS = [  # (drafter, process, title, E-Harmonisasi number)
    ("hukum.kotakupang@harmoni.test", "ranperda",
     "Rancangan Peraturan Daerah Kota Kupang tentang Pengelolaan Sampah", "EH-2026-KPG-0141"),
    ("hukum.sikka@harmoni.test", "ranperkada",
     "Rancangan Peraturan Bupati Sikka tentang Tata Kelola Tenun Ikat", "EH-2026-SKA-0077"),
]


def seed(password: str) -> None:
    office = db.session.scalar(select(Office).where(Office.code == OFFICE["code"]))
    if office is None:
        office = Office(**OFFICE)
        db.session.add(office)
    orgs = {}
    for name, kind, region in ORGANISATIONS:
        org = db.session.scalar(select(Organisation).where(Organisation.name == name))
        if org is None:
            org = Organisation(name=name, kind=kind, region=region, office=office)
            db.session.add(org)
        orgs[name] = org
    users = {}
    for email, name, role, org_name, position in USERS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=name, role=role, position=position, office=office,
                        organisation=orgs.get(org_name))
            db.session.add(user)
        user.set_password(password)
        users[email] = user
    db.session.flush()
    if db.session.scalar(select(Request.id).limit(1)) is None:
        from .operations.requests import create_request

        for email, process, title, ref in REQUESTS:
            create_request(users[email], process=process, title=title, external_ref=ref, now=utcnow())
