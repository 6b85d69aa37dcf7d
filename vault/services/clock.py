"""Timestamps, in one place so that tests can pin them."""

from __future__ import annotations

import datetime as dt


def now() -> str:
    """UTC, second precision, ISO 8601 with a Z."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def today() -> dt.date:
    """Today's date in UTC (a publication's date when none is given)."""
    return dt.datetime.now(dt.UTC).date()
