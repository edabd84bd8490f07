import pytest

from workflow.extensions import db

from ..helpers import restore_demo_people


@pytest.fixture(autouse=True, scope="module")
def demo_people(app):
    """The demo people and seats as seed-demo sets them, whatever ran before in this worker."""
    with app.app_context():
        restore_demo_people()
        db.session.remove()
