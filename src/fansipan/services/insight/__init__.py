"""Insight: analytics, target evaluation and the dashboard's pages (one module a page)."""
