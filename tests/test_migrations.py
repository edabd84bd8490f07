"""The migrations build exactly the schema the models declare, on both backends."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from workflow.extensions import db


def test_migrations_match_models(app):
    with app.app_context(), db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []
