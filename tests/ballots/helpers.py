"""Small ballots of every kind, shared by the ballot tests."""

from __future__ import annotations

from ballots import kinds as K

ELECTORATE = K.Electorate(voters=100, votes=100, roll_digest="roll-sha256")
CARD_ELECTORATE = K.Electorate(voters=4, votes=1000, roll_digest="delegates")
TIMETABLE = K.Timetable("2026-11-01T09:00:00Z", "2026-11-08T17:00:00Z")
PEOPLE = ("Ann", "Bob", "Cal", "Dee", "Eve", "Fay")
WOMEN = ("Ann", "Dee", "Eve", "Fay")


def motion(**flags) -> K.BallotSpec:
    return K.motion("Motion 3: affiliate to the federation", ELECTORATE, TIMETABLE, **flags)


def plurality_choice(**flags) -> K.BallotSpec:
    return K.choice("Venue for conference", ("Leeds", "Glasgow", "Cardiff"), ELECTORATE, TIMETABLE, seed="s1",
                    **flags)


def ranked_choice(**flags) -> K.BallotSpec:
    return K.choice("Campaign priority", ("Housing", "Wages", "Climate", "Transport"), ELECTORATE, TIMETABLE,
                    ranked=True, seed="s2", **flags)


def office(method: str = "exhaustive", **flags) -> K.BallotSpec:
    return K.office("Secretary", ("Ann", "Bob", "Cal"), ELECTORATE, TIMETABLE, method=method, seed="s3", **flags)


def stv_seats(method: str = "scotland", **flags) -> K.BallotSpec:
    quotas = (K.QuotaRule("women", WOMEN, 2),)
    return K.seats("Steering committee", PEOPLE, 3, ELECTORATE, TIMETABLE, method=method, quotas=quotas,
                   seed="s4", **flags)


def block_seats(**flags) -> K.BallotSpec:
    return K.seats("Trustees", PEOPLE, 3, ELECTORATE, TIMETABLE, method="block", seed="s5", **flags)


def proposed_slate(**flags) -> K.BallotSpec:
    return K.slate("Officers' slate", K.SlateList("Officers", ("Ann", "Bob", "Cal")), ELECTORATE, TIMETABLE,
                   strike_share="1/2", seed="s6", **flags)


def competing_slates(**flags) -> K.BallotSpec:
    lists = (K.SlateList("Leadership", ("Ann", "Bob", "Cal")), K.SlateList("Renewal", ("Dee", "Eve", "Fay")))
    return K.slates("Executive", lists, ELECTORATE, TIMETABLE, seed="s7", **flags)
