"""Commands: `flask --app wsgi seed-demo | users create | users token | audit verify`
(`db upgrade` comes from Flask-Migrate)."""

import sys

import click
from flask import Flask
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
def audit_verify():
    """Recompute every request's hash chain; exit 1 if any is broken."""
    broken = broken_chains()
    for request, problem in broken:
        click.echo(f"BROKEN {request.number} (id {request.id}): {problem}", err=True)
    if broken:
        sys.exit(1)
    click.echo("audit chains intact")


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
    """Load the demo office, organisations and accounts (idempotent)."""
    from .demo import seed

    seed(password)
    db.session.commit()
    click.echo("demo data ready; sign in as e.g. perancang1@harmoni.test")


def register(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(audit)
    app.cli.add_command(workflow)
    app.cli.add_command(notifications)
    app.cli.add_command(seed_demo)
