"""Dates in the words members read ("9 March", "9 March 2026"), whatever the server's locale.

``strftime("%B")`` follows LC_TIME and pads the day ("09 March"); notices quoted in issues
and rulebooks write the day unpadded in English.
"""

from __future__ import annotations

from datetime import date

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def day_month(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]}"


def day_month_year(day: date) -> str:
    return f"{day_month(day)} {day.year}"
