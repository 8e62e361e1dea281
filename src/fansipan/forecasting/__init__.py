"""Forecasts and data quality (dự báo và chất lượng số liệu): the compute core of foresight.

Pure computation over series handed in by the service layer: no database, no HTTP.
"""
