"""Fansipan: an open-source intelligent operations centre for provincial governments."""

__version__ = "0.1.0"
