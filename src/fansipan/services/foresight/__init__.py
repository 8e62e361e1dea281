"""Foresight (dự báo, cảnh báo): forecasts, odds of targets, data quality, late reports, alerts.

The room above direction: it reads series through insight's analytics (history mapped
into today's units), targets through insight's evaluation, and values as the change log
numbers them. `refresh` keeps everything current from the change log, a few series at a
time; `recompute` redoes it all as a job. See docs/forecasting.md.
"""
