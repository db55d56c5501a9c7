"""Business dates (业务日期): strict ISO input, calendar-year arithmetic as the policies count."""

from __future__ import annotations

from calendar import monthrange
import re
from datetime import date, datetime, timezone

from qdledger.errors import BadInput
from qdledger.i18n import Text

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)  # not 20250101, not 2025-W01-1


def parse_date(text: str | date, field: str = "date") -> date:
    """Parse ``YYYY-MM-DD``; refuse anything else, including impossible dates like 2025-02-30."""
    if isinstance(text, date):
        return text
    raw = str(text).strip()
    try:
        if not _ISO_DAY.match(raw):
            raise ValueError
        return date.fromisoformat(raw)
    except ValueError:
        raise BadInput(Text(f"日期无效：{text!r}（格式 YYYY-MM-DD）", f"invalid date {text!r} (use YYYY-MM-DD)"),
                       field=field) from None


def parse_timestamp(text: str) -> datetime:
    """Parse an ISO timestamp for ``--known-at``; a date alone means the end of that day, UTC."""
    raw = str(text).strip()
    try:
        if _ISO_DAY.match(raw):
            return datetime.combine(date.fromisoformat(raw), datetime.max.time(), timezone.utc)
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise BadInput(Text(f"时间无效：{text!r}", f"invalid timestamp {text!r}"), field="timestamp") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def add_years(day: date, years: int) -> date:
    """Shift by calendar years; 29 February falls on 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def today() -> date:
    """Today's date, for commands whose business date defaults to the day they are recorded."""
    return date.today()


def add_months(day: date, months: int) -> date:
    """Shift by calendar months; a day missing in the target month falls on that month's last day."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))
