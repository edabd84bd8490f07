"""Configuration from the environment. No secret lives in code."""

import os
import secrets


class Config:
    # A missing SECRET_KEY gets a random one: sessions then end on restart, which is safe.
    SECRET_KEY = os.environ.get("SECRET_KEY") or secrets.token_hex(32)
    # None means "SQLite in the instance folder"; create_app fills it in.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Uploaded documents live outside any web-served folder; default: <instance>/documents.
    DOCUMENT_STORE = os.environ.get("HARMONI_DOCUMENT_STORE")
    # The public address printed on issued documents for verification (QR code).
    PUBLIC_BASE_URL = os.environ.get("HARMONI_PUBLIC_URL", "http://127.0.0.1:5000")
    # Outgoing mail (the outbox is delivered by `flask --app wsgi notifications send`).
    MAIL_SERVER = os.environ.get("HARMONI_MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("HARMONI_MAIL_PORT", 25))
    MAIL_USE_TLS = os.environ.get("HARMONI_MAIL_TLS", "0") == "1"
    MAIL_USERNAME = os.environ.get("HARMONI_MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("HARMONI_MAIL_PASSWORD")
    MAIL_SENDER = os.environ.get("HARMONI_MAIL_SENDER", "Harmoni <noreply@harmoni.test>")
    # Logs of operations/ and documents/ on stderr: "text" or "json" (one object a line, production)
    LOG_FORMAT = os.environ.get("HARMONI_LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("HARMONI_LOG_LEVEL", "INFO")
    # 1: deliver queued mail right after the commit that queued it (an office without cron)
    OUTBOX_SEND_AFTER_COMMIT = os.environ.get("HARMONI_OUTBOX_SEND_AFTER_COMMIT", "0") == "1"
    # The office that receives requests from the public (its code, e.g. "NTT"); the only one if unset.
    PUBLIC_OFFICE = os.environ.get("HARMONI_PUBLIC_OFFICE")
    MAX_UPLOAD_BYTES = int(os.environ.get("HARMONI_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
    # Upload quotas (429 beyond): document versions per request, uploads per account per hour; and
    # how far a DOCX/ODT may unpack (415 beyond: a "zip bomb").
    UPLOAD_QUOTA_PER_REQUEST = int(os.environ.get("HARMONI_UPLOAD_QUOTA_PER_REQUEST", 200))
    UPLOAD_QUOTA_PER_HOUR = int(os.environ.get("HARMONI_UPLOAD_QUOTA_PER_HOUR", 100))
    MAX_UNPACKED_BYTES = int(os.environ.get("HARMONI_MAX_UNPACKED_BYTES", 100 * 1024 * 1024))
    MAX_COMPRESSION_RATIO = int(os.environ.get("HARMONI_MAX_COMPRESSION_RATIO", 100))
    # The whole HTTP body may carry a little more than the file (form fields, boundaries).
    MAX_CONTENT_LENGTH = MAX_UPLOAD_BYTES + 64 * 1024
    # Audit anchoring (see operations/audit_anchor.py): the Ed25519 signing key lives outside the
    # database (create it with `flask --app wsgi audit keygen PATH`); checkpoints are appended to a
    # file (default <instance>/audit-checkpoints.jsonl) and/or mailed to an auditor.
    AUDIT_SIGNING_KEY = os.environ.get("HARMONI_AUDIT_SIGNING_KEY")
    AUDIT_PUBLIC_KEY = os.environ.get("HARMONI_AUDIT_PUBLIC_KEY")
    AUDIT_CHECKPOINTS = os.environ.get("HARMONI_AUDIT_CHECKPOINTS")
    AUDIT_EMAIL = os.environ.get("HARMONI_AUDIT_EMAIL")
    # Electronic signature of issued documents (PAdES; workflow/documents/signing.py): the office's
    # certificate as a PKCS#12 file and its passphrase. Verification trusts the CA certificates in
    # SIGNING_TRUST_ROOTS (PEM files separated by ":") and the root of the PKCS#12's own chain. A
    # timestamp authority's URL makes the signatures PAdES B-T (else B-B). Without a PKCS#12,
    # documents are issued to be signed by hand, unless `seed-demo` made a demo certificate in the
    # instance folder and SIGNING_DEMO is not "0" (production sets 0: deploy/harmoni.env.example).
    SIGNING_PKCS12 = os.environ.get("HARMONI_SIGNING_PKCS12")
    SIGNING_PASSPHRASE = os.environ.get("HARMONI_SIGNING_PASSPHRASE")
    SIGNING_TRUST_ROOTS = os.environ.get("HARMONI_SIGNING_TRUST_ROOTS")
    SIGNING_TSA_URL = os.environ.get("HARMONI_SIGNING_TSA_URL")
    # Certificate revocation lists (DER or PEM files separated by ":") that verification checks the
    # signer's certificate against; fetched from the CA by the operator (e.g. a cron job), never by
    # the verification itself. Unset: revocation is reported as not checked.
    SIGNING_CRL_FILES = os.environ.get("HARMONI_SIGNING_CRL_FILES")
    SIGNING_DEMO = os.environ.get("HARMONI_SIGNING_DEMO", "1") != "0"
    # Flask-Limiter: memory:// counts per process; use e.g. redis:// with several workers.
    RATELIMIT_STORAGE_URI = os.environ.get("HARMONI_RATELIMIT_STORAGE", "memory://")
    API_RATE_LIMIT = os.environ.get("HARMONI_API_RATE_LIMIT", "300 per minute")
    LOGIN_RATE_LIMIT = os.environ.get("HARMONI_LOGIN_RATE_LIMIT", "10 per minute")
    # How many reverse proxies in front of the app append to X-Forwarded-For (0: none, the peer's
    # address is the client's). Only that many hops are believed, so a client cannot name itself.
    TRUSTED_PROXIES = int(os.environ.get("HARMONI_TRUSTED_PROXIES", "0"))
    # How long a new API token lives (`users token`, the account page).
    API_TOKEN_DAYS = int(os.environ.get("HARMONI_API_TOKEN_DAYS", "90"))
    # How passwords and tracking PINs are hashed (werkzeug's method string): scrypt at werkzeug's
    # default cost (n=2^15, r=8, p=1), about 50-150 ms a hash by design.
    PASSWORD_HASH_METHOD = "scrypt"
    # Session cookies: never readable by scripts, not sent on cross-site posts, HTTPS-only when
    # served over HTTPS (HARMONI_SECURE_COOKIES=0 only for plain-HTTP development).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("HARMONI_SECURE_COOKIES", "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 8 * 3600  # a working day
    BOOTSTRAP_SERVE_LOCAL = True  # no CDN: Bootstrap comes from the package
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Makassar"
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    DEFAULT_PER_PAGE = 25
    # The dashboard's and the reports' figures are kept this long (seconds) before they are
    # computed again; 0 (the default): computed live on every page. Live, the office's figures are
    # read from counts kept by triggers as requests change (workflow/stats/counts.py), not from
    # every request (bench/README.md, "Dashboard and reports, computed live"); a snapshot time
    # (e.g. 60) still spares a very busy office the queries (every page says when its figures
    # were computed).
    STATS_CACHE_SECONDS = int(os.environ.get("HARMONI_STATS_CACHE_SECONDS", 0))
    MAX_PER_PAGE = 100

    # OpenAPI document, generated by flask-smorest from the views and schemas.
    API_TITLE = "Harmoni API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"


class TestConfig(Config):
    TESTING = True
    STATS_CACHE_SECONDS = 0  # tests assert the figures of the data they just wrote
    API_RATE_LIMIT = LOGIN_RATE_LIMIT = "100000 per minute"  # tests of the limits set their own
    # the same drafter uploads hundreds of files an hour across the suite; the quota tests set their own
    UPLOAD_QUOTA_PER_HOUR = UPLOAD_QUOTA_PER_REQUEST = 1_000_000
    SECRET_KEY = "test-only-secret"
    # never the demo certificate of the working copy's instance folder: tests that sign use their own CA
    SIGNING_DEMO = False
    MAX_UPLOAD_BYTES = 256 * 1024
    MAX_CONTENT_LENGTH = MAX_UPLOAD_BYTES + 64 * 1024
    # The same scrypt at 1/32 of the cost: the suite signs in and issues PINs thousands of times
    # (tests/web/test_sign_in_timing.py still compares a known and an unknown address's work)
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
