"""Ballot specs: every kind builds, serialises canonically, and its fingerprint pins it."""

from __future__ import annotations

import json
import re
from fractions import Fraction

import pytest

import ballot_specs as S
from ballots import kinds as K

ALL_KINDS = [S.motion, S.plurality_choice, S.ranked_choice, S.office, S.stv_seats, S.block_seats,
             S.proposed_slate, S.competing_slates]


@pytest.mark.parametrize("build", ALL_KINDS, ids=lambda f: f.__name__)
def test_spec_round_trips_through_canonical_json(build) -> None:
    spec = build()
    text = spec.canonical_json()
    assert text == json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    again = K.BallotSpec.from_dict(json.loads(text))
    assert again == spec
    assert again.fingerprint() == spec.fingerprint()
    assert len(spec.fingerprint()) == 64


def test_fingerprint_changes_with_any_rule_candidate_electorate_or_time() -> None:
    spec = S.stv_seats()
    changed = [
        K.with_flags(spec, seats=2),
        K.with_flags(spec, candidates=(*spec.candidates, "Gus")),
        K.with_flags(spec, electorate=K.Electorate(51, 51)),
        K.with_flags(spec, timetable=K.Timetable("2026-11-01T09:00:00Z", "2026-11-08T17:00:01Z")),
        K.with_flags(spec, method="meek"),
        K.with_flags(spec, secret=False),
        K.with_flags(spec, seed="other"),
    ]
    prints = {spec.fingerprint(), *(c.fingerprint() for c in changed)}
    assert len(prints) == len(changed) + 1
    K.check_unchanged(spec, spec.fingerprint())
    for other in changed:
        with pytest.raises(K.SpecChanged, match="changed after voting started"):
            K.check_unchanged(other, spec.fingerprint())


def test_times_are_normalised_to_utc_and_naive_times_refused() -> None:
    table = K.Timetable("2026-11-01T10:00:00+01:00", "2026-11-01T12:00:00+00:00")
    assert table.opens == "2026-11-01T09:00:00Z"
    with pytest.raises(K.SpecError, match="no time zone"):
        K.Timetable("2026-11-01T10:00:00", "2026-11-02T10:00:00Z")
    with pytest.raises(K.SpecError, match="closes .* before it opens"):
        K.Timetable("2026-11-02T10:00:00Z", "2026-11-01T10:00:00Z")


def test_defaults_per_kind() -> None:
    assert S.plurality_choice().method == "plurality" and S.plurality_choice().mark_limit == 1
    assert S.ranked_choice().method == "irv" and S.ranked_choice().ranked
    assert S.office().method == "exhaustive"
    assert S.block_seats().mark_limit == 3 and not S.block_seats().ranked
    assert S.stv_seats().mark_limit == 6
    assert S.competing_slates().choices == ("Leadership", "Renewal")
    assert S.proposed_slate().strike_fraction() == Fraction(1, 2)
    assert S.motion().secret and not S.motion().may_change_vote
    drawn_later = K.choice("t", ("a", "b"), S.ELECTORATE, S.TIMETABLE)  # no seed given: derived at the count
    assert drawn_later.seed == "" and drawn_later.seed_from_count and drawn_later.as_dict()["seed_from_count"]


def test_seed_fixed_at_set_up_or_derived_at_the_count_never_both() -> None:
    fixed = S.office()  # a seed given, as older ballots and the demo have
    assert fixed.seed == "s3" and not fixed.seed_from_count and "seed_from_count" not in fixed.as_dict()
    derived = K.office("Secretary", ("Ann", "Bob"), S.ELECTORATE, S.TIMETABLE)
    assert K.BallotSpec.from_dict(json.loads(derived.canonical_json())) == derived
    assert "seed" not in derived.count_options()  # the count supplies it (published_record.lot_seed)
    with pytest.raises(K.SpecError, match="not both"):
        K.with_flags(derived, seed="chosen")
    assert S.motion().seed == "" and not S.motion().seed_from_count  # a motion draws no lots


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\")", "+1", "-Ann", "@SUM(A1)"])
def test_names_a_spreadsheet_would_run_are_refused_at_set_up(name) -> None:
    sign = re.escape(repr(name[0]))
    with pytest.raises(K.SpecError, match=f"candidate name .* starts with {sign}: a spreadsheet .* formula"):
        K.choice("Venue", ("Leeds", name), S.ELECTORATE, S.TIMETABLE)
    with pytest.raises(K.SpecError, match="formula"):
        K.seats("Trustees", ("Ann", "Bob", name), 2, S.ELECTORATE, S.TIMETABLE)
    with pytest.raises(K.SpecError, match="person on slate 'Team' name .* formula"):
        K.slate("Exec", K.SlateList("Team", ("Ann", name)), S.ELECTORATE, S.TIMETABLE)
    with pytest.raises(K.SpecError, match="slate name .* formula"):
        K.slates("Exec", [K.SlateList(name, ("Ann",)), K.SlateList("B", ("Bob",))], S.ELECTORATE, S.TIMETABLE)


@pytest.mark.parametrize("name", ["\tAnn", "\rAnn"])
def test_a_leading_tab_or_carriage_return_is_refused_too(name) -> None:
    with pytest.raises(K.SpecError, match="spaces at its ends|formula"):
        K.office("Secretary", ("Bob", name), S.ELECTORATE, S.TIMETABLE)


def test_a_stored_spec_with_such_a_name_still_reads_back() -> None:
    """Refused when set up, not when read: a ballot set up before the rule still counts and verifies."""
    data = S.plurality_choice().as_dict()
    data["candidates"] = ["Leeds", "=Glasgow", "Cardiff"]
    assert K.BallotSpec.from_dict(data).candidates[1] == "=Glasgow"
    assert K.choice("Venue", ("Leeds", "Glasgow = home", "A-B", "x@y"), S.ELECTORATE, S.TIMETABLE).candidates


def test_card_votes_count_entitled_in_votes() -> None:
    spec = S.motion(weighted=True)
    spec = K.with_flags(spec, electorate=S.CARD_ELECTORATE)
    assert spec.entitled == 1000
    with pytest.raises(K.SpecError, match="needs weighted"):
        K.with_flags(S.motion(), electorate=S.CARD_ELECTORATE)


@pytest.mark.parametrize(("change", "message"), [
    (lambda: K.with_flags(S.office(), method="scotland"), "counted by exhaustive, irv, plurality"),
    (lambda: K.with_flags(S.block_seats(), quotas=(K.QuotaRule("women", S.WOMEN, 4),)),
     "at least 4 women of 3 seats"),
    (lambda: K.with_flags(S.stv_seats(), quotas=(K.QuotaRule("women", ("Ann", "Zed"), 1),)),
     "not candidates: Zed"),
    (lambda: K.with_flags(S.stv_seats(), method="wigm"), "quotas apply to block, meek, scotland"),
    (lambda: K.with_flags(S.ranked_choice(), candidates=("A", "A")), "named twice"),
    (lambda: K.with_flags(S.ranked_choice(), candidates=("A|B", "C")), "cannot hold"),
    (lambda: K.with_flags(S.ranked_choice(), withdrawn=("Nobody",)), "withdrawn but not standing"),
    (lambda: K.with_flags(S.motion(), rule="most"), "unknown rule"),
    (lambda: K.with_flags(S.motion(), base="members"), "give the base by its name"),
    (lambda: K.with_flags(S.motion(), base="present"), "takes no share of members present"),
    (lambda: K.with_flags(S.motion(), rule="absolute", base="cast"), "is the same as a simple majority"),
    (lambda: K.with_flags(S.motion(), strike_share="1/2"), "only to a slate vote"),
    (lambda: K.with_flags(S.ranked_choice(), rule="two-thirds"), "counted by its method"),
    (lambda: K.with_flags(S.competing_slates(), slates=S.competing_slates().slates[:1]), "at least two slates"),
    (lambda: K.with_flags(S.block_seats(), max_marks=7), "max_marks 7"),
    (lambda: K.with_flags(S.motion(), kind="referendum"), "unknown ballot kind"),
    (lambda: K.with_flags(S.motion(), candidates=("A", "B")), "takes no method, candidates"),
])
def test_bad_specs_say_what_is_wrong(change, message) -> None:
    with pytest.raises(K.SpecError, match=message):
        change()


def test_from_dict_refuses_unknown_fields() -> None:
    data = S.motion().as_dict()
    data["colour"] = "red"
    with pytest.raises(K.SpecError, match="unknown field.*colour"):
        K.BallotSpec.from_dict(data)


def test_count_options_carry_seed_and_quotas() -> None:
    options = S.stv_seats().count_options()
    assert options["seed"] == "s4"
    assert [q.minimum for q in options["quotas"]] == [2]
    assert K.with_flags(S.block_seats(), max_marks=2).count_options()["max_marks"] == 2


def test_roll_digest_ignores_order_but_not_members_or_weights() -> None:
    roll = [("m1", 1), ("m2", 120), ("m3", 1)]
    assert K.roll_digest(roll) == K.roll_digest(reversed(roll))
    assert K.roll_digest(roll) != K.roll_digest([("m1", 1), ("m2", 121), ("m3", 1)])
    assert K.roll_digest(roll) != K.roll_digest(roll[:2])


def test_method_options_round_trip() -> None:
    spec = S.stv_seats("meek", method_options=(("omega", 9), ("arithmetic", "guarded-p18-g9-d18")))
    again = K.BallotSpec.from_dict(json.loads(spec.canonical_json()))
    assert again == spec and again.count_options()["omega"] == 9
    with pytest.raises(K.SpecError, match="method option 'seed'"):
        S.stv_seats(method_options=(("seed", "x"),))
