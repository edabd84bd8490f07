"""The restore drill of deploy/: back up the test database and its document store with
deploy/backup.sh, restore into a fresh database and an empty store with deploy/restore.sh, which
checks every stored file's SHA-256 and runs `audit verify`; the restored data is the data backed up.
A damaged backup makes the restore fail."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from workflow.extensions import db
from workflow.models import Document, Event, Request

from .helpers import submitted_request

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"

pytestmark = pytest.mark.slow  # subprocesses and a database of its own: one xdist worker


def run(script, *args, database_url, store):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "HARMONI_"))}
    env.update(DATABASE_URL=database_url, HARMONI_DOCUMENT_STORE=str(store), PYTHON=sys.executable)
    return subprocess.run(
        ["bash", str(DEPLOY / script), *map(str, args)], env=env, capture_output=True, text=True, timeout=300
    )


def fresh_database(url: str, suffix: str) -> str:
    """An empty database beside the test's own: `<database>_<suffix>`, dropped and created anew."""
    target = make_url(url).set(database=f"{make_url(url).database}_{suffix}")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    engine.dispose()
    return target.render_as_string(hide_password=False)


def snapshot(url: str) -> tuple:
    engine = create_engine(url)
    with engine.connect() as conn:
        found = (
            conn.scalar(select(func.count()).select_from(Request)),
            conn.scalar(select(func.count()).select_from(Event)),
            sorted(conn.scalars(select(Document.sha256))),
            conn.scalar(select(func.max(Event.hash))),
        )
    engine.dispose()
    return found


def test_backup_then_restore_into_a_fresh_database(app, owner_app, api, backend, tmp_path):
    if backend != "postgresql":
        pytest.skip("deploy/backup.sh backs up PostgreSQL (pg_dump)")
    for _ in range(2):
        submitted_request(api)
    # the operator backs up and restores as the schema's owner (who may create the database)
    url, store = owner_app.config["SQLALCHEMY_DATABASE_URI"], app.config["DOCUMENT_STORE"]
    with app.app_context():
        db.session.remove()
    before = snapshot(url)
    assert before[0] == 2 and before[2]

    made = run("backup.sh", tmp_path / "backups", database_url=url, store=store)
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip().splitlines()[-1])
    assert (backup / "database.dump").stat().st_size > 0

    restored_url, restored_store = fresh_database(url, "restore"), tmp_path / "restored-documents"
    restored = run("restore.sh", backup, database_url=restored_url, store=restored_store)
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "audit chains intact" in restored.stdout
    assert snapshot(restored_url) == before
    for sha in before[2]:
        assert hashlib.sha256((restored_store / sha[:2] / sha).read_bytes()).hexdigest() == sha

    # the same backup again into a database that is no longer empty: refused, nothing touched
    again = run("restore.sh", backup, database_url=restored_url, store=tmp_path / "other")
    assert again.returncode == 2 and "not empty" in again.stderr

    # a stored file damaged in the backup: the restore stops at the checksum
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    for name in ("database.dump", "documents.sha256"):
        (damaged / name).write_bytes((backup / name).read_bytes())
    extract = tmp_path / "extract"
    extract.mkdir()
    subprocess.run(["tar", "-C", str(extract), "-xf", str(backup / "documents.tar")], check=True)
    victim = extract / before[2][0][:2] / before[2][0]
    victim.write_bytes(victim.read_bytes() + b"\n")
    subprocess.run(["tar", "-C", str(extract), "-cf", str(damaged / "documents.tar"), "."], check=True)
    broken = run("restore.sh", damaged, database_url=fresh_database(url, "restore"), store=tmp_path / "broken")
    assert broken.returncode != 0
    assert "FAILED" in broken.stdout + broken.stderr
