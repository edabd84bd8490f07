"""Commands: `flask --app wsgi seed-demo | users create | users token | audit verify | stats verify`
(`db upgrade` comes from Flask-Migrate)."""

import os
import smtplib
import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from .extensions import db
from .models import ROLES, Office, Organisation, User
from .operations.audit import broken_chains
from .passwords import password_problem

users = AppGroup("users", help="Manage user accounts.")
audit = AppGroup("audit", help="Check the audit trail.")
workflow = AppGroup("workflow", help="Timers of the workflow engine.")
notifications = AppGroup("notifications", help="The e-mail outbox.")
stats = AppGroup("stats", help="The counts behind the dashboard and the reports.")


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--organisation", help="Applicant organisation name (drafters only).")
@click.option("--office", "office_code", help="Office code; the only office if omitted.")
@click.password_option()
def create_user(email, name, role, organisation, office_code, password):
    """Create a user account."""
    email = email.strip().lower()
    if db.session.scalar(select(User).where(User.email == email)):
        raise click.UsageError(f"a user {email} exists already")
    org = None
    if role == "drafter":
        if not organisation:
            raise click.UsageError("a drafter needs --organisation")
        org = db.session.scalar(select(Organisation).where(Organisation.name == organisation))
        if org is None:
            raise click.UsageError(f"no organisation named {organisation!r}")
        office = org.office
    else:
        stmt = select(Office).where(Office.code == office_code) if office_code else select(Office)
        offices = db.session.scalars(stmt).all()
        if len(offices) != 1:
            raise click.UsageError("name the office with --office (run seed-demo for a demo office)")
        office = offices[0]
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise click.BadParameter(problem, param_hint="--password")
    user = User(email=email, name=name, role=role, office=office, organisation=org)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"created {role} {email}")


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.UsageError(f"no user {email}")
    return user


@users.command("token")
@click.argument("email")
@click.option("--days", type=click.IntRange(1, 3650), help="Lifetime in days (default HARMONI_API_TOKEN_DAYS).")
@click.option("--label", default="CLI", show_default=True, help="What the token is for, shown in the lists.")
def user_token(email, days, label):
    """Print a new API token for EMAIL (shown this once; only its hash is kept)."""
    from .operations.accounts import issue_token

    token = issue_token(_user(email), label=label[:100], days=days)
    db.session.commit()
    click.echo(token)


@users.command("tokens")
@click.argument("email")
def user_tokens(email):
    """List EMAIL's API tokens: id, label, created, last used, expires (UTC)."""
    from .models.time import utcnow
    from .operations.accounts import tokens_of

    now = utcnow()
    rows = tokens_of(_user(email))
    for t in rows:
        used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
        state = " EXPIRED" if t.expires_at <= now else ""
        click.echo(
            f"{t.id}\t{t.label or '-'}\tcreated {t.created_at:%Y-%m-%d %H:%M}\tlast used {used}"
            f"\texpires {t.expires_at:%Y-%m-%d %H:%M}{state}"
        )
    if not rows:
        click.echo("no tokens")


@users.command("revoke-token")
@click.argument("email")
@click.argument("token_ids", nargs=-1, type=int)
@click.option("--all", "revoke_all", is_flag=True, help="Revoke every token of EMAIL.")
def user_revoke_token(email, token_ids, revoke_all):
    """Revoke EMAIL's tokens TOKEN_IDS (ids from `users tokens`), or all of them with --all."""
    from .operations.accounts import revoke_token, revoke_tokens

    user = _user(email)
    if revoke_all == bool(token_ids):
        raise click.UsageError("name token ids, or give --all")
    if revoke_all:
        count = revoke_tokens(user)
    else:
        missing = [i for i in token_ids if not revoke_token(user, i)]
        if missing:
            db.session.rollback()
            raise click.UsageError(f"{email} has no token {', '.join(map(str, missing))}")
        count = len(token_ids)
    db.session.commit()
    click.echo(f"{count} token(s) revoked")


@audit.command("verify")
@click.option("--checkpoints", "checkpoints_path", help="Checkpoint file (default: HARMONI_AUDIT_CHECKPOINTS).")
@click.option("--public-key", "public_key_path", help="Public key file (default: HARMONI_AUDIT_PUBLIC_KEY).")
def audit_verify(checkpoints_path, public_key_path):
    """Check every request's trail (chain, state, version, head), the global chain, and the
    chain against the signed checkpoints; exit 1 if anything is wrong."""
    from .operations.audit_anchor import AnchorError, load_public_key, read_checkpoints, verify_against_checkpoints

    config = current_app.config
    broken = broken_chains()
    for request, problem in broken:
        click.echo(f"BROKEN {request.number} (id {request.id}): {problem}", err=True)
    path = checkpoints_path or checkpoint_file(config)
    try:
        checkpoints = read_checkpoints(path) if os.path.exists(path) or checkpoints_path else []
        public_key = (
            load_public_key(public_key_path or config["AUDIT_PUBLIC_KEY"], config["AUDIT_SIGNING_KEY"])
            if checkpoints
            else None
        )
    except AnchorError as exc:
        raise click.ClickException(str(exc)) from exc
    problems = verify_against_checkpoints(checkpoints, public_key)
    for problem in problems:
        click.echo(f"BROKEN {problem}", err=True)
    if broken or problems:
        sys.exit(1)
    click.echo(f"audit chains intact ({len(checkpoints)} checkpoint(s) verified)")


@audit.command("checkpoint")
def audit_checkpoint():
    """Sign the global chain's head and count; append it to the checkpoint file and mail it to
    the auditor (HARMONI_AUDIT_EMAIL) if one is set. Run it from cron, e.g. hourly."""
    from .operations.audit_anchor import (
        AnchorError,
        append_checkpoint,
        load_private_key,
        mail_checkpoint,
        make_checkpoint,
    )

    config = current_app.config
    try:
        checkpoint = make_checkpoint(load_private_key(config["AUDIT_SIGNING_KEY"]))
    except AnchorError as exc:
        raise click.ClickException(str(exc)) from exc
    path = checkpoint_file(config)
    append_checkpoint(path, checkpoint)
    click.echo(f"checkpoint {checkpoint.seq} {checkpoint.hash} appended to {path}")
    if config["AUDIT_EMAIL"]:
        try:
            mail_checkpoint(checkpoint, config["AUDIT_EMAIL"], config)
        except (OSError, smtplib.SMTPException) as exc:
            raise click.ClickException(f"the checkpoint is in {path} but mailing it failed: {exc}") from exc
        click.echo(f"checkpoint mailed to {config['AUDIT_EMAIL']}")


@audit.command("keygen")
@click.argument("path")
def audit_keygen(path):
    """Create the Ed25519 signing key at PATH (owner-only; keep it off the database server's
    backups) and its public key at PATH.pub (give it to the auditor)."""
    from .operations.audit_anchor import AnchorError, generate_key

    try:
        public = generate_key(path)
    except AnchorError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"signing key written to {path}; set HARMONI_AUDIT_SIGNING_KEY={path}")
    click.echo(public, nl=False)


def checkpoint_file(config) -> str:
    return config["AUDIT_CHECKPOINTS"] or os.path.join(current_app.instance_path, "audit-checkpoints.jsonl")


@workflow.command("tick")
def workflow_tick():
    """Fire the timers that ran out and remind of deadlines (safe from cron every minute, on several
    servers at once)."""
    from .operations.notifications import remind_deadlines
    from .operations.timers import tick

    fired = tick()
    for request_id, trigger in fired:
        click.echo(f"fired {trigger} on request {request_id}")
    click.echo(f"{len(fired)} timer(s) fired")
    reminded = remind_deadlines()  # due tomorrow / overdue: once per file and day
    click.echo(f"{len(reminded)} deadline reminder(s) written")
    from .operations.throttle import forget_old

    forgotten = forget_old()  # failed sign-ins and PINs nobody added to for a day, locks over
    db.session.commit()
    click.echo(f"{forgotten} old failure count(s) forgotten")


@workflow.command("backfill-stages")
def workflow_backfill_stages():
    """Give files submitted before a clock stage existed (the administrative check of a
    harmonisation) that stage's deadline, replayed from their events; once after `db upgrade`
    (running it again changes nothing). Each file gets an audit event with the date."""
    from .operations.backfill import backfill_clock_stages

    done = backfill_clock_stages()
    db.session.commit()
    for request_id, due in done:
        click.echo(f"request {request_id}: due {due.isoformat()}")
    click.echo(f"{len(done)} file(s) given a deadline")


@notifications.command("send")
@click.option("--batch", default=50, show_default=True, help="Messages claimed per run.")
def notifications_send(batch):
    """Deliver queued e-mail over SMTP; failures are retried later with backoff."""
    from .operations.notifications import send_pending

    sent, failed = send_pending(batch=batch)
    click.echo(f"{sent} sent, {failed} failed (will be retried)")


@click.command("seed-demo")
@with_appcontext
@click.option("--password", default="harmoni-demo", show_default=True, help="Password for every demo account.")
def seed_demo(password):
    """Load the demo office, organisations and accounts, and a demo signing certificate (idempotent)."""
    from .demo import OFFICE, seed

    _demo_signing_certificate(OFFICE["name"])  # first: documents the demo data issues are signed
    seed(password)
    db.session.commit()
    click.echo("demo data ready; sign in as e.g. perancang1@harmoni.test")


def _demo_signing_certificate(office_name: str) -> None:
    """A demo CA and office certificate in the instance folder, so the demo's documents are signed
    (documents/certificates.py). Made only where no certificate is configured and the demo
    certificate is allowed (HARMONI_SIGNING_DEMO is not 0), once; says which certificate signs."""
    from .documents.certificates import DEMO_MARK, ensure_demo_certificates
    from .documents.signing import office_signer

    config = current_app.config
    if config.get("SIGNING_PKCS12"):
        click.echo(f"issued documents are signed with the configured certificate ({config['SIGNING_PKCS12']})")
        return
    if not config.get("SIGNING_DEMO"):
        click.echo("HARMONI_SIGNING_DEMO=0: no demo certificate; issued documents are to be signed by hand")
        return
    files, made = ensure_demo_certificates(current_app.instance_path, office_name)
    office_signer()  # reads it now: a broken file shows here, not at the first document
    click.echo(
        f"demo signing certificate {'made' if made else 'kept'} in {files.pkcs12.parent} ({DEMO_MARK}): "
        "issued documents are signed with it while HARMONI_SIGNING_PKCS12 is unset; "
        "HARMONI_SIGNING_DEMO=0 turns it off (production)"
    )


@click.command("grant-runtime")
@with_appcontext
@click.argument("role")
def grant_runtime_command(role):
    """PostgreSQL: grant ROLE (the one the application runs as) exactly what it needs; run as the
    schema's owner after every `db upgrade` (see workflow/db_roles.py)."""
    from .db_roles import grant_runtime

    if db.engine.dialect.name != "postgresql":
        raise click.UsageError("grant-runtime is for PostgreSQL (SQLite has no roles)")
    with db.engine.begin() as connection:
        grant_runtime(connection, role)
    click.echo(f"runtime privileges granted to {role}")


@stats.command("verify")
def stats_verify():
    """Compare the maintained counts (workflow/stats/counts.py) with a recount from the requests;
    exit 1 and list the keys if any differ (`stats recount` repairs them)."""
    from .stats.counts import differences

    wrong = differences(db.session.connection())
    db.session.rollback()
    for table, rows in wrong.items():
        for key, kept, live in rows:
            click.echo(f"WRONG {table} {key}: kept {kept}, recounted {live}", err=True)
    if wrong:
        sys.exit(1)
    click.echo("stats counts equal a recount of the requests")


@stats.command("recount")
def stats_recount():
    """Rebuild the maintained counts from the requests (after a restore or a bulk load without
    the triggers)."""
    from .stats.counts import recount

    recount(db.session.connection())
    db.session.commit()
    click.echo("stats counts recounted")


def register(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(audit)
    app.cli.add_command(workflow)
    app.cli.add_command(notifications)
    app.cli.add_command(stats)
    app.cli.add_command(seed_demo)
    app.cli.add_command(grant_runtime_command)
