"""Column types shared by the models.

``UTCDateTime`` keeps every stored moment in UTC and always hands back an aware
datetime. SQLite has no time zone type: SQLAlchemy writes the clock time and drops the
offset, so a moment given in another zone would be stored wrong and read back naive.
PostgreSQL's ``timestamptz`` hands back the session's zone. Converting to UTC on the way
in and marking UTC on the way out makes both databases answer the same. The SQL type is
still ``DateTime(timezone=True)``, so existing schemas and migrations are unchanged.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """A moment stored in UTC; naive input is taken to be UTC already."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"UTCDateTime needs a datetime, not {type(value).__name__}.")
        value = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
