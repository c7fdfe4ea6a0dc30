"""The weekly allowance: one document and one article per faction per local calendar week."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.groupings.allowance import AllowanceError, Use, WeekRule, check_allowance, usage_table

LONDON = ZoneInfo("Europe/London")
UTC = timezone.utc


def at(text: str, zone=LONDON) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def test_second_document_in_a_week_is_refused_with_the_issue_sentence() -> None:
    uses = [Use("Renewal", "document", at("2026-03-10T18:00"))]
    decision = check_allowance(uses, "Renewal", "document", at("2026-03-13T09:00"))
    assert not decision.allowed
    assert decision.message == ("The faction's document for the week of 9 March was already "
                                "circulated on 10 March; next allowed on 16 March.")
    assert decision.week == date(2026, 3, 9)
    assert decision.next_allowed_on == date(2026, 3, 16)
    assert decision.next_allowed_at == at("2026-03-16T00:00")


def test_next_week_is_allowed_from_local_midnight_of_the_first_weekday() -> None:
    uses = [Use("Renewal", "document", at("2026-03-10T18:00"))]
    assert not check_allowance(uses, "Renewal", "document", at("2026-03-15T23:59:59")).allowed
    decision = check_allowance(uses, "Renewal", "document", at("2026-03-16T00:00"))
    assert decision.allowed
    assert decision.message == "The faction may circulate its document for the week of 16 March."


def test_article_and_other_factions_do_not_count_against_a_document() -> None:
    uses = [Use("Renewal", "article", at("2026-03-10T18:00")),
            Use("Left Platform", "document", at("2026-03-10T18:00"))]
    assert check_allowance(uses, "Renewal", "document", at("2026-03-11T12:00")).allowed
    article = check_allowance(uses, "Renewal", "article", at("2026-03-11T12:00"))
    assert not article.allowed
    assert article.message == ("The faction's article for the week of 9 March was already "
                               "published on 10 March; next allowed on 16 March.")


def test_week_is_the_organisations_local_week_not_utc() -> None:
    # 23:30 UTC on Sunday 29 March 2026 is 00:30 BST on Monday 30 March: a new London week.
    sunday_utc = datetime(2026, 3, 29, 23, 30, tzinfo=UTC)
    uses = [Use("Renewal", "document", datetime(2026, 3, 23, 12, 0, tzinfo=UTC))]
    decision = check_allowance(uses, "Renewal", "document", sunday_utc)
    assert decision.allowed and decision.week == date(2026, 3, 30)
    # In UTC the same instant is still the week of 23 March.
    utc_rule = WeekRule("UTC")
    assert not check_allowance(uses, "Renewal", "document", sunday_utc, utc_rule).allowed


def test_week_containing_the_spring_dst_change_is_one_week() -> None:
    # Clocks go forward at 01:00 GMT on Sunday 29 March 2026; the week of 23 March is 167 hours.
    uses = [Use("Renewal", "document", at("2026-03-23T00:00"))]
    assert not check_allowance(uses, "Renewal", "document", at("2026-03-29T23:59")).allowed
    decision = check_allowance(uses, "Renewal", "document", at("2026-03-29T12:00"))
    assert decision.next_allowed_at.utcoffset().total_seconds() == 3600
    assert decision.next_allowed_at.astimezone(UTC) == datetime(2026, 3, 29, 23, 0, tzinfo=UTC)


def test_week_containing_the_autumn_dst_change() -> None:
    # Clocks go back at 02:00 BST on Sunday 25 October 2026: 01:30 happens twice.
    second_half_past_one = datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=LONDON)
    uses = [Use("Renewal", "document", second_half_past_one)]
    decision = check_allowance(uses, "Renewal", "document", at("2026-10-19T00:00"))
    assert not decision.allowed and decision.week == date(2026, 10, 19)
    assert decision.message.endswith("circulated on 25 October; next allowed on 26 October.")
    assert decision.next_allowed_at.astimezone(UTC) == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)


def test_midnight_skipped_by_dst_starts_the_week_at_the_jump() -> None:
    # Sao Paulo skipped from 00:00 to 01:00 on Sunday 4 November 2018.
    rule = WeekRule.named("America/Sao_Paulo", "sunday")
    uses = [Use("F", "document", datetime(2018, 10, 30, 12, 0, tzinfo=ZoneInfo("America/Sao_Paulo")))]
    decision = check_allowance(uses, "F", "document", datetime(2018, 11, 1, 12, 0, tzinfo=UTC), rule)
    assert decision.next_allowed_on == date(2018, 11, 4)
    assert decision.next_allowed_at.astimezone(UTC) == datetime(2018, 11, 4, 3, 0, tzinfo=UTC)
    just_after = datetime(2018, 11, 4, 3, 0, tzinfo=UTC)
    assert check_allowance(uses, "F", "document", just_after, rule).allowed


def test_year_boundary_names_the_years() -> None:
    uses = [Use("Renewal", "document", at("2026-12-29T10:00"))]
    decision = check_allowance(uses, "Renewal", "document", at("2027-01-02T10:00"))
    assert decision.week == date(2026, 12, 28)
    assert decision.message == ("The faction's document for the week of 28 December 2026 was already "
                                "circulated on 29 December 2026; next allowed on 4 January 2027.")
    used_in_january = [Use("Renewal", "document", at("2027-01-01T10:00"))]
    spanning = check_allowance(used_in_january, "Renewal", "document", at("2026-12-31T10:00"))
    assert "week of 28 December 2026 was already circulated on 1 January 2027" in spanning.message


def test_sunday_weeks() -> None:
    rule = WeekRule.named("Europe/London", "Sunday")
    uses = [Use("Renewal", "document", at("2026-03-08T10:00"))]  # a Sunday
    decision = check_allowance(uses, "Renewal", "document", at("2026-03-14T10:00"), rule)
    assert decision.message == ("The faction's document for the week of 8 March was already "
                                "circulated on 8 March; next allowed on 15 March.")


def test_bad_settings_and_naive_times_are_refused() -> None:
    with pytest.raises(AllowanceError, match="unknown time zone 'Mars/Olympus'"):
        WeekRule("Mars/Olympus")
    with pytest.raises(AllowanceError, match="unknown weekday 'Funday'"):
        WeekRule.named(first_weekday="Funday")
    with pytest.raises(AllowanceError, match="has no time zone"):
        check_allowance([], "Renewal", "document", datetime(2026, 3, 10, 12, 0))
    with pytest.raises(AllowanceError, match="unknown allowance 'leaflet'"):
        check_allowance([], "Renewal", "leaflet", at("2026-03-10T12:00"))  # type: ignore[arg-type]


def test_usage_table_shows_every_faction() -> None:
    uses = [Use("Renewal", "document", at("2026-03-02T10:00")),
            Use("Renewal", "document", at("2026-03-10T18:00")),
            Use("Renewal", "article", at("2026-03-03T10:00")),
            Use("Left Platform", "article", at("2026-03-11T08:00"))]
    rows = usage_table(uses, ["Renewal", "Left Platform", "Quiet Faction"], at("2026-03-12T12:00"))
    assert [row.faction for row in rows] == ["Renewal", "Left Platform", "Quiet Faction"]
    renewal, left, quiet = rows
    assert renewal.this_week["document"] == at("2026-03-10T18:00")
    assert renewal.this_week["article"] is None
    assert renewal.weeks_used == {"document": 2, "article": 1}
    assert renewal.status("document") == "circulated on 10 March; next allowed on 16 March"
    assert renewal.status("article") == "available this week"
    assert left.status("article") == "published on 11 March; next allowed on 16 March"
    assert left.next_allowed_on["document"] == date(2026, 3, 12)
    assert quiet.weeks_used == {"document": 0, "article": 0}


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                    timezones=st.just(UTC)),
       st.sampled_from(["Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]),
       st.integers(0, 6))
def test_a_use_always_blocks_exactly_its_own_week(moment: datetime, zone: str, weekday: int) -> None:
    rule = WeekRule(zone, weekday)
    uses = [Use("F", "document", moment)]
    refused = check_allowance(uses, "F", "document", moment, rule)
    assert not refused.allowed
    assert refused.week.weekday() == weekday
    assert 0 <= (rule.local_date(moment) - refused.week).days < 7
    assert refused.next_allowed_at > moment
    assert rule.week_of(refused.next_allowed_at) == refused.next_allowed_on
    assert check_allowance(uses, "F", "document", refused.next_allowed_at, rule).allowed
