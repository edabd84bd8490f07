"""Revocation on verification (issue 13 section 4), on SQLite and PostgreSQL: the signer's
certificate checked against the certificate revocation lists the office configured
(HARMONI_SIGNING_CRL_FILES; offline files, no network), with a CA made here:

- an empty CRL of the signer's CA: "Sertifikat tidak dicabut", the document authentic;
- the same document after its certificate was revoked in the CRL: "Sertifikat telah dicabut pada
  ..." with the time, the signature no longer trusted (verdict issued_untrusted), on the page too;
- no CRL, a CRL of another CA, a stale CRL: "Status pencabutan tidak diperiksa", still authentic;
- a configured CRL that cannot be read stops the app at start;
- seed-demo's demo CA publishes an empty CRL, so the demo shows "not revoked".
"""

from datetime import UTC, datetime, timedelta

import pytest

from workflow import create_app
from workflow.documents.certificates import make_certificates, make_crl, write_signing_files
from workflow.documents.signing import SigningNotConfigured

from ..api.test_meetings import finalised
from .test_signing import api_verify, page_verify

NOT_REVOKED = "Sertifikat tidak dicabut"
NOT_CHECKED = "Status pencabutan tidak diperiksa"
REVOKED = "Sertifikat telah dicabut pada"


@pytest.fixture(scope="module")
def revocable(tmp_path_factory):
    """A CA of its own (its key kept, to issue CRLs) and an office certificate from it."""
    issued = make_certificates(
        office_name="Kanwil Kementerian Hukum NTT (UJI CRL)", organisation="Harmoni (uji)", unit=None, ca_name="CRL CA"
    )
    directory = tmp_path_factory.mktemp("revocable")
    return issued, write_signing_files(directory, issued), directory


@pytest.fixture
def signing_with_crls(app, revocable):
    """The office signs with the revocable certificate; `crls(*bytes)` configures CRL files."""
    issued, files, directory = revocable
    keys = ("SIGNING_PKCS12", "SIGNING_PASSPHRASE", "SIGNING_CRL_FILES")
    saved = {key: app.config.get(key) for key in keys}
    app.config.update(SIGNING_PKCS12=str(files.pkcs12), SIGNING_PASSPHRASE=files.passphrase, SIGNING_CRL_FILES=None)
    written = iter(range(1000))

    def crls(*lists: bytes):
        paths = []
        for data in lists:
            path = directory / f"list-{next(written)}.crl"
            path.write_bytes(data)
            paths.append(str(path))
        app.config["SIGNING_CRL_FILES"] = ":".join(paths) or None

    yield issued, crls
    app.config.update(saved)


def signature_of(api, data: bytes) -> tuple[dict, dict]:
    checked = api.as_("officer").ok(api_verify(api, data, alias="officer"))
    (signature,) = checked["signatures"]
    return checked, signature


def test_a_certificate_revoked_after_signing_is_reported_revoked(api, signing_with_crls):
    issued, crls = signing_with_crls
    crls(make_crl(issued.ca, issued.ca_key))  # the CA's current list: nothing revoked
    s = finalised(api)
    data = api.as_("officer").get(f"/issued/{s.issued['id']}/pdf").data

    checked, signature = signature_of(api, data)
    assert checked["verdict"] == "authentic", checked
    assert signature["revocation"] == "not_revoked" and signature["revoked_at"] is None
    assert signature["revocation_message"] == NOT_REVOKED and signature["trusted"] is True
    html = page_verify(api.app, data).get_data(as_text=True)
    assert NOT_REVOKED in html

    # later the CA revokes the office's certificate, and publishes a new list
    revoked_at = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    crls(make_crl(issued.ca, issued.ca_key, [(issued.certificate.serial_number, revoked_at)], number=2))
    checked, signature = signature_of(api, data)
    assert signature["revocation"] == "revoked", signature
    assert signature["revoked_at"] == revoked_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert signature["revocation_message"].startswith(REVOKED), signature["revocation_message"]
    assert signature["intact"] and signature["valid"] and signature["trusted"] is False
    assert checked["hash_matches"] is True and checked["verdict"] == "issued_untrusted"
    assert "telah dicabut" in checked["message"]
    for path in ("/verifikasi/", f"/verifikasi/{s.issued['code']}"):
        r = page_verify(api.app, data, path)
        html = r.get_data(as_text=True)
        assert r.status_code == 200 and REVOKED in html and NOT_REVOKED not in html, path
        assert "Tidak tepercaya" in html


def test_without_a_current_crl_for_the_chain_revocation_is_not_checked(api, signing_with_crls):
    issued, crls = signing_with_crls
    s = finalised(api)
    data = api.as_("officer").get(f"/issued/{s.issued['id']}/pdf").data
    other = make_certificates(office_name="Lain", organisation="Lain", unit=None, ca_name="Other CA")
    stale = make_crl(issued.ca, issued.ca_key, [(issued.certificate.serial_number, datetime.now(UTC))], valid_days=0)
    for lists in ((), (make_crl(other.ca, other.ca_key),), (stale,)):
        crls(*lists)
        checked, signature = signature_of(api, data)
        assert signature["revocation"] == "not_checked" and signature["revoked_at"] is None, len(lists)
        assert signature["revocation_message"] == NOT_CHECKED
        assert checked["verdict"] == "authentic" and signature["trusted"] is True
    html = page_verify(api.app, data).get_data(as_text=True)
    assert NOT_CHECKED in html


def test_a_configured_crl_that_cannot_be_read_stops_the_app(tmp_path):
    broken = tmp_path / "broken.crl"
    broken.write_bytes(b"not a CRL")
    database = f"sqlite:///{tmp_path}/x.db"
    for files in (str(broken), str(tmp_path / "none.crl")):
        with pytest.raises(SigningNotConfigured):
            create_app("config.TestConfig", SQLALCHEMY_DATABASE_URI=database, SIGNING_CRL_FILES=files)


def test_seed_demo_publishes_an_empty_crl_so_the_demo_shows_not_revoked(app, api, tmp_path):
    from workflow.documents.certificates import demo_signing_files

    from ..conftest import PASSWORD

    instance, saved = app.instance_path, app.config["SIGNING_DEMO"]
    app.instance_path, app.config["SIGNING_DEMO"] = str(tmp_path), True
    try:
        result = app.test_cli_runner().invoke(args=["seed-demo", "--password", PASSWORD])
        assert result.exit_code == 0, result.output
        files = demo_signing_files(str(tmp_path))
        assert files.crl is not None and files.crl.exists()
        data = api.as_("officer").get(f"/issued/{finalised(api).issued['id']}/pdf").data
        checked, signature = signature_of(api, data)
        assert signature["demo"] is True and signature["revocation"] == "not_revoked", signature
        assert checked["verdict"] == "authentic"
        # seed-demo again issues the list again (a fresh one), keeping the certificate
        before = files.pkcs12.read_bytes()
        assert app.test_cli_runner().invoke(args=["seed-demo", "--password", PASSWORD]).exit_code == 0
        assert files.pkcs12.read_bytes() == before and files.crl.exists()
        assert signature_of(api, data)[1]["revocation"] == "not_revoked"
    finally:
        app.instance_path, app.config["SIGNING_DEMO"] = instance, saved
