"""Figures for the dashboard and the reports, computed in SQL (GROUP BY over indexed columns)."""
