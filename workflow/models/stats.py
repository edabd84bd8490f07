"""Snapshots of the dashboard's and the reports' figures: computed by GROUP BY queries over every
request of a scope (seconds at 100,000 requests), kept for a short while (STATS_CACHE_SECONDS)
in the database, which every app server shares."""

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class StatsSnapshot(db.Model):
    __tablename__ = "stats_snapshots"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # e.g. "overview:1:office:2026-11-25"
    computed_at: Mapped[datetime] = mapped_column()
    data: Mapped[dict] = mapped_column(JSON)
