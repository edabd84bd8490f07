import pytest
from sqlalchemy import select

from workflow.demo import ORGANISATIONS, USERS
from workflow.extensions import db
from workflow.models import Organisation, User


@pytest.fixture(autouse=True, scope="module")
def demo_people(app):
    """The demo people's NIPs and the organisations' seats as seed-demo sets them: a migration test
    downgrades below their columns and upgrades back, which empties them."""
    with app.app_context():
        for email, name, _role, _org, position, nip in USERS:
            u = db.session.scalar(select(User).where(User.email == email))
            u.name, u.position, u.nip = name, position, nip
        for name, _kind, _region, seat in ORGANISATIONS:
            db.session.scalar(select(Organisation).where(Organisation.name == name)).seat = seat
        db.session.commit()
