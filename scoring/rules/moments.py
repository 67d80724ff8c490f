"""Dates and times typed by people or read from files, and their venue-time display.

PURE: no Flask, no database. Times are stored as naive UTC. Python's datetime ends at
year 1 and year 9999, so turning a typed 0001-01-01 in Beijing (UTC+8) into UTC, or a
stored 9999-12-31 23:59 UTC into Beijing time, raised OverflowError: a 500 on the page
that did it, and on every page that showed the stored value afterwards. Every time that
comes in is therefore checked against one range, wide enough for any contest and far
enough from the ends that any time zone (at most 14 hours away) stays representable;
MariaDB's DATETIME starts at year 1000, so year 1 would not even be stored.
"""
from datetime import UTC, date, datetime, timedelta

EARLIEST = datetime(1900, 1, 1)
LATEST = datetime(9998, 12, 31, 23, 59, 59)
RANGE_TEXT = "1900-01-01 – 9998-12-31"


class OutOfRange(ValueError):
    """A date or time outside [EARLIEST, LATEST]."""


def in_range(moment) -> bool:
    """True when a date or naive datetime lies within [EARLIEST, LATEST]."""
    if isinstance(moment, datetime):
        return EARLIEST <= moment.replace(tzinfo=None) <= LATEST
    if isinstance(moment, date):
        return EARLIEST.date() <= moment <= LATEST.date()
    return False


def _aware(local: datetime, tz) -> datetime:
    # zoneinfo zones take tzinfo=; pytz zones (flask_babel's get_timezone) want localize.
    return tz.localize(local) if hasattr(tz, "localize") else local.replace(tzinfo=tz)


def to_utc(local: datetime, tz) -> datetime:
    """A naive venue-time datetime as naive UTC; OutOfRange outside the accepted range."""
    if not in_range(local):
        raise OutOfRange(local)
    return _aware(local, tz).astimezone(UTC).replace(tzinfo=None)


def _day_utc(start: datetime, tz) -> datetime:
    # The end of LATEST's day is 9999-01-01 00:00: past LATEST, still far from the end.
    return _aware(start, tz).astimezone(UTC).replace(tzinfo=None)


def day_start_utc(day: date, tz, *, end: bool = False) -> datetime:
    """The venue-time midnight starting `day` (ending it when end=True) as naive UTC;
    OutOfRange outside the accepted range."""
    if not in_range(day):
        raise OutOfRange(day)
    start = datetime.combine(day, datetime.min.time())
    return _day_utc(start + timedelta(days=1) if end else start, tz)


def aware_to_utc(moment: datetime) -> datetime:
    """A datetime read from a file as naive UTC: one with an offset is converted, a naive
    one is taken as UTC already (as the exporter writes it); OutOfRange outside the range."""
    if moment.tzinfo is not None:
        if not in_range(moment.replace(tzinfo=None)):
            raise OutOfRange(moment)
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    if not in_range(moment):
        raise OutOfRange(moment)
    return moment


def to_local(moment: datetime | None, tz) -> datetime | None:
    """A stored naive-UTC datetime in venue time (naive); a value outside the accepted
    range (stored before it was checked) is returned unconverted rather than overflowing."""
    if moment is None:
        return None
    if not in_range(moment):
        return moment
    return moment.replace(tzinfo=UTC).astimezone(tz).replace(tzinfo=None)
