"""Published ballot records: round trips in JSON, CSV and BLT; recounts reproduce; tampering shows."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ballot_specs as S
from ballots import kinds as K
from ballots.errors import FormatError
from ballots.formats.blt import read_blt
from ballots.formats.droop_report import read_droop_report
from ballots.published_record import (CountFacts, PublishedRecord, build_record, find_receipt, outcome_as_dict,
                                      read_record_blt, read_record_csv, read_record_json, recount, verify_record,
                                      write_record_blt, write_record_csv, write_record_json)
from ballots.receipts import ReceiptError, RecordEntry, new_receipt
from ballots.validation import validate
from ballots.verification.droop_case import compare_result
from voting.ballot import Ballot, Contest
from voting.decision import decide
from voting.methods.registry import count
from voting.slates import Slate, SlatePaper, SlateVote, choose_slate, vote_on_slate


def cast(spec: K.BallotSpec, submissions: list[dict], weights: list[int] | None = None,
         voters: list[str] | None = None) -> list[RecordEntry]:
    taken: set[str] = set()
    entries = []
    for n, submitted in enumerate(submissions):
        receipt = new_receipt(taken)
        taken.add(receipt)
        weight = weights[n] if weights else 1
        entries.append(RecordEntry(receipt, validate(spec, submitted, weight), voters[n] if voters else None))
    random.Random(7).shuffle(entries)  # the order of voting, which the record must not keep
    return entries


def rankings(spec: K.BallotSpec, n: int, seed: int, most: int | None = None) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        order = list(spec.standing)
        rng.shuffle(order)
        out.append({"ranking": order[:rng.randint(1, most or len(order))]})
    return out


def motion_case():
    spec = K.with_flags(S.motion(), electorate=K.Electorate(689, 689))
    entries = cast(spec, [{"choice": "yes"}] * 412 + [{"choice": "no"}] * 98 + [{"choice": "abstain"}] * 20)
    expected = decide(412, 98, 20, rule="simple", base="cast", entitled=689)
    return spec, entries, CountFacts(), expected


def card_vote_case():
    spec = K.with_flags(S.motion(rule="two-thirds"), weighted=True, electorate=S.CARD_ELECTORATE)
    entries = cast(spec, [{"choice": "yes"}, {"choice": "no"}, {"choice": "yes"}, {"choice": "abstain"}],
                   weights=[400, 300, 200, 100])
    return spec, entries, CountFacts(), decide(600, 300, 100, rule="two-thirds", base="cast", entitled=1000,
                                               unit="card votes")


def tied_amendment_case():
    spec = K.motion("Amendment 2", S.ELECTORATE, S.TIMETABLE, amendment=True, rule="absolute", base="present")
    spec = K.with_flags(spec, rule="absolute")
    entries = cast(spec, [{"choice": "yes"}] * 10 + [{"choice": "no"}] * 10, voters=[f"m{i}" for i in range(20)])
    spec = K.with_flags(spec, secret=False)
    facts = CountFacts(present=22, casting_vote="yes")
    return spec, entries, facts, decide(10, 10, rule="absolute", base="present", present=22, entitled=100,
                                        casting_vote="yes")


def counted(spec: K.BallotSpec, entries: list[RecordEntry], facts: CountFacts = CountFacts()):
    withdrawn = frozenset(spec.withdrawn) | frozenset(facts.withdrawn)
    ballots = [Ballot.ranking(e.contents.ranking, e.contents.weight) for e in entries]
    return count(spec.method, Contest(spec.choices, spec.seats, withdrawn, spec.title), ballots,
                 **spec.count_options())


def election_case(build, n: int, seed: int, most: int | None = None, facts: CountFacts = CountFacts()):
    spec = build()
    entries = cast(spec, rankings(spec, n, seed, most))
    return spec, entries, facts, counted(spec, entries, facts)


def slate_case():
    spec = S.proposed_slate()
    submissions = ([{"choice": "yes", "struck": ["Cal"]}] * 6 + [{"choice": "no", "struck": ["Cal", "Bob"]}] * 4
                   + [{"choice": "abstain"}])
    entries = cast(spec, submissions)
    votes = ([SlateVote("yes", frozenset({"Cal"}))] * 6 + [SlateVote("no", frozenset({"Cal", "Bob"}))] * 4
             + [SlateVote("abstain")])
    expected = vote_on_slate(Slate("Officers", ("Ann", "Bob", "Cal")), votes, strike_share=Fraction(1, 2),
                             entitled=100, seed="s6")
    return spec, entries, CountFacts(), expected


def slates_case():
    spec = S.competing_slates(individual_preferences=True, individual_method="block")
    submissions = ([{"ranking": ["Leadership"], "individuals": ["Ann", "Dee", "Bob"]}] * 5
                   + [{"ranking": ["Renewal"], "individuals": ["Dee", "Eve", "Ann"]}] * 4)
    entries = cast(spec, submissions)
    papers = ([SlatePaper(("Leadership",), ("Ann", "Dee", "Bob"))] * 5
              + [SlatePaper(("Renewal",), ("Dee", "Eve", "Ann"))] * 4)
    expected = choose_slate([Slate("Leadership", ("Ann", "Bob", "Cal")), Slate("Renewal", ("Dee", "Eve", "Fay"))],
                            papers, seed="s7", individual_method="block")
    return spec, entries, CountFacts(), expected


CASES = {
    "motion": motion_case,
    "card-vote": card_vote_case,
    "tied-amendment": tied_amendment_case,
    "plurality": lambda: election_case(S.plurality_choice, 40, 1, most=1),
    "irv": lambda: election_case(S.ranked_choice, 60, 2),
    "office-exhaustive": lambda: election_case(S.office, 30, 3),
    "office-after-earlier-office": lambda: election_case(S.office, 30, 3, facts=CountFacts(withdrawn=("Ann",))),
    "stv-quota": lambda: election_case(S.stv_seats, 50, 4),
    "meek-quota": lambda: election_case(lambda: S.stv_seats("meek"), 50, 5),
    "block": lambda: election_case(S.block_seats, 45, 6, most=3),
    "slate": slate_case,
    "slates": slates_case,
}
RANKED_FORMATS = {"csv": (write_record_csv, read_record_csv), "blt": (write_record_blt, read_record_blt)}


@pytest.mark.parametrize("case", CASES)
def test_recount_reproduces_the_result_of_each_kind(case) -> None:
    spec, entries, facts, expected = CASES[case]()
    record = build_record(spec, entries, facts)
    assert record.result == outcome_as_dict(expected)
    assert outcome_as_dict(recount(record)) == record.result
    assert verify_record(record) == []
    assert [e.receipt for e in record.entries] == sorted(e.receipt for e in entries)


@pytest.mark.parametrize("case", CASES)
def test_json_record_round_trips(case) -> None:
    spec, entries, facts, _ = CASES[case]()
    record = build_record(spec, entries, facts)
    text = write_record_json(record)
    again = read_record_json(text)
    assert again == record
    assert verify_record(again) == []
    assert write_record_json(again) == text


@pytest.mark.parametrize("case", [c for c in CASES if c not in ("slate", "slates")])
@pytest.mark.parametrize("fmt", RANKED_FORMATS)
def test_csv_and_blt_records_round_trip_and_verify(case, fmt) -> None:
    spec, entries, facts, _ = CASES[case]()
    record = build_record(spec, entries, facts)
    write, read = RANKED_FORMATS[fmt]
    again = read(write(record), spec, CountFacts(present=facts.present, casting_vote=facts.casting_vote)
                 if fmt == "blt" else facts)
    assert again.entries == tuple(RecordEntry(e.receipt, e.contents) for e in record.entries)
    assert again.count == facts
    assert verify_record(again, record.result, published_digest=record.ballots_digest) == []


def test_the_brief_motion_reads_as_published() -> None:
    spec, entries, facts, _ = motion_case()
    words = build_record(spec, entries, facts).result["words"]
    assert words == ("Carried: 412 for, 98 against, 20 abstentions; 80.8% of votes cast excluding abstentions; "
                     "turnout 530 of 689 members, 76.9%")


def test_slate_votes_are_published_as_json_only() -> None:
    spec, entries, facts, _ = slate_case()
    record = build_record(spec, entries, facts)
    with pytest.raises(K.SpecError, match="JSON only"):
        write_record_csv(record)


def test_open_ballots_publish_names_under_their_own_digest() -> None:
    spec, entries, facts, _ = tied_amendment_case()
    record = build_record(spec, entries, facts)
    data = json.loads(write_record_json(record))
    assert all(b["voter"].startswith("m") for b in data["ballots"]) and data["voters_digest"]
    data["ballots"][0]["voter"] = "someone else"
    problems = verify_record(read_record_json(json.dumps(data)))
    assert problems == ["the voters' names do not match the published voters digest"]


def test_secret_records_name_nobody() -> None:
    spec, entries, facts, _ = motion_case()
    data = json.loads(write_record_json(build_record(spec, entries, facts)))
    assert all(set(b) == {"receipt", "choice", "weight"} for b in data["ballots"])
    data["ballots"][0]["voter"] = "m1"
    with pytest.raises(FormatError, match="names a voter in a secret ballot"):
        read_record_json(json.dumps(data))


def test_changed_ballot_is_caught_by_digest_and_recount() -> None:
    spec, entries, facts, _ = motion_case()
    record = build_record(spec, entries, facts)
    data = json.loads(write_record_json(record))
    flipped = next(b for b in data["ballots"] if b["choice"] == "no")
    flipped["choice"] = "yes"
    problems = verify_record(read_record_json(json.dumps(data)))
    assert problems[0].startswith("the ballots hash to") and "recorded digest" in problems[0]
    assert 'yes: published "412", recount gives "413"' in problems
    assert 'no: published "98", recount gives "97"' in problems


def test_removed_ballot_in_csv_is_caught_by_the_published_digest() -> None:
    spec, entries, facts, _ = CASES["irv"]()
    record = build_record(spec, entries, facts)
    lines = write_record_csv(record).splitlines(keepends=True)
    shortened = read_record_csv("".join(lines[:5] + lines[6:]), spec)
    problems = verify_record(shortened, record.result, published_digest=record.ballots_digest)
    assert "published digest" in problems[0]
    assert any(p.startswith("total_ballots: published") for p in problems)
    assert any(p.startswith("round 1 / tally") for p in problems)


def test_altered_result_is_reported_round_by_round() -> None:
    spec, entries, facts, _ = CASES["stv-quota"]()
    record = build_record(spec, entries, facts)
    published = json.loads(json.dumps(record.result))
    name = next(iter(published["rounds"][1]["tally"]))
    published["rounds"][1]["tally"][name] = "999.00000"
    published["elected"] = list(reversed(published["elected"]))
    problems = verify_record(record, published)
    assert problems[0].startswith("elected: published")
    assert problems[1] == f'round 2 / tally / {name}: published "999.00000", recount gives ' \
                          f'{json.dumps(record.result["rounds"][1]["tally"][name])}'


def test_changed_spec_is_caught_by_its_fingerprint() -> None:
    spec, entries, facts, _ = CASES["block"]()
    data = json.loads(write_record_json(build_record(spec, entries, facts)))
    data["spec"]["seed"] = "another seed"
    problems = verify_record(read_record_json(json.dumps(data)))
    assert problems[0].startswith("the spec does not match its published fingerprint")


@pytest.mark.parametrize(("mangle", "message"), [
    (lambda lines: lines[:2] + [lines[1]] + lines[2:], "appears twice"),
    (lambda lines: [lines[0], lines[1].replace(",1,", ",2,", 1)] + lines[2:], "one vote per voter"),
    (lambda lines: [lines[0], lines[1].split(",")[0] + ",1,Housing,Housing,,\n"] + lines[2:], "more than once"),
    (lambda lines: [lines[0], "2222-3333-4444-5555,1,Housing,,,\n"] + lines[2:], "typing mistake"),
    (lambda lines: [lines[0], lines[1].split(",")[0] + ",1,Nobody,,,\n"] + lines[2:], "unknown candidate"),
])
def test_bad_csv_records_are_refused_with_the_ballot_named(mangle, message) -> None:
    spec, entries, facts, _ = CASES["irv"]()
    lines = write_record_csv(build_record(spec, entries, facts)).splitlines(keepends=True)
    with pytest.raises(FormatError, match=message):
        read_record_csv("".join(mangle(lines)), spec, path="record.csv")


def test_blt_record_must_match_the_spec_and_carry_receipts() -> None:
    spec, entries, facts, _ = CASES["irv"]()
    text = write_record_blt(build_record(spec, entries, facts))
    with pytest.raises(FormatError, match="not this ballot's"):
        read_record_blt(text, S.office())
    plain = "\n".join(line.split(") ", 1)[-1] for line in text.splitlines())
    with pytest.raises(FormatError, match="no receipt code"):
        read_record_blt(plain, spec)


def test_find_receipt() -> None:
    spec, entries, facts, _ = CASES["irv"]()
    record = build_record(spec, entries, facts)
    mine = entries[3]
    assert find_receipt(record, mine.receipt.lower().replace("-", " ")) == mine
    other = new_receipt({e.receipt for e in entries})
    assert find_receipt(record, other) is None
    with pytest.raises(ReceiptError):
        find_receipt(record, mine.receipt[:-1] + ("2" if mine.receipt[-1] != "2" else "3"))


def test_record_digest_matches_jq(tmp_path) -> None:
    """docs/ballots.md tells members to check the digest with jq; it must agree."""
    if shutil.which("jq") is None:
        pytest.skip("jq not installed")
    spec, entries, facts, _ = tied_amendment_case()
    record = build_record(spec, entries, facts)
    path = tmp_path / "record.json"
    path.write_text(write_record_json(record), encoding="utf-8")

    def jq(program: str) -> str:
        out = subprocess.run(["jq", "-cS", program, str(path)], check=True, capture_output=True).stdout
        return __import__("hashlib").sha256(out.rstrip(b"\n")).hexdigest()

    assert jq("[.ballots[] | del(.voter)]") == record.ballots_digest
    assert jq("[.ballots[] | {receipt, voter}]") == record.voters_digest
    assert jq(".spec") == record.spec_fingerprint


@pytest.mark.parametrize("ward", ["Anderston-City-2007", "Govan-2007"])
def test_record_of_a_real_election_reproduces_the_published_count(shared_dir, ward) -> None:
    """Glasgow 2007 papers, each given a receipt, published as a record and recounted from its BLT,
    give stage for stage the count the Droop tabulator published for that ward."""
    base = shared_dir / "verification" / "scotland-glasgow-2007" / ward
    blt = read_blt(base.with_suffix(".blt"))
    contest = blt.contest
    spec = K.seats(contest.title or ward, contest.candidates, contest.seats, K.Electorate(30000, 30000),
                   K.Timetable("2007-05-03T06:00:00Z", "2007-05-03T21:00:00Z"), withdrawn=tuple(contest.withdrawn),
                   seed="glasgow")
    papers = [{"ranking": list(b.preferences)} for b in blt.ballots for _ in range(int(b.weight))]
    record = build_record(spec, cast(spec, papers))
    again = read_record_blt(write_record_blt(record), spec)
    assert verify_record(again, record.result, published_digest=record.ballots_digest) == []
    report = read_droop_report(base.with_suffix(".expected.report.txt"))
    assert compare_result(recount(again), report, "scotland") == []


def test_more_ballots_than_the_roll_is_refused() -> None:
    spec, entries, facts, _ = CASES["irv"]()
    small = K.with_flags(spec, electorate=K.Electorate(59, 59))
    with pytest.raises(FormatError, match="60 ballots carrying 60 votes, but the roll has 59 voters"):
        build_record(small, entries, facts)


def test_record_type_holds_what_was_published() -> None:
    spec, entries, facts, _ = card_vote_case()
    record = build_record(spec, entries, facts)
    assert isinstance(record, PublishedRecord) and record.result["type"] == "decision"
    assert record.result["yes"] == "600" and record.result["entitled"] == 1000


TRICKY_NAMES = ("Zoë Wanamaker", 'Mary "Molly" Jones', "O'Brien, Pat", "Café #1")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.permutations(TRICKY_NAMES), st.integers(0, 4), st.integers(1, 300)), max_size=25))
def test_any_weighted_ranked_record_reads_back_the_same_in_every_format(papers) -> None:
    spec = K.choice("Chair #2, \"acting\"", TRICKY_NAMES, K.Electorate(25, 7500), S.TIMETABLE, ranked=True, seed="h",
                    weighted=True, blank_allowed=True)
    entries = cast(spec, [{"ranking": list(order[:length])} for order, length, _ in papers],
                   weights=[weight for _, _, weight in papers])
    record = build_record(spec, entries)
    for text, again in ((write_record_csv(record), lambda t: read_record_csv(t, spec)),
                        (write_record_blt(record), lambda t: read_record_blt(t, spec)),
                        (write_record_json(record), read_record_json)):
        copy = again(text)
        assert copy.entries == record.entries
        assert verify_record(copy, record.result, published_digest=record.ballots_digest) == []


def test_group_count_after_offices_takes_the_quota_credit_from_the_record() -> None:
    """Committee: one woman already elected an officer leaves 'at least 1 woman' of the group's 3 seats."""
    spec = S.stv_seats()  # at least 2 women of 3
    entries = cast(spec, [{"ranking": ["Bob", "Cal", "Ann"]}] * 20 + [{"ranking": ["Cal", "Bob"]}] * 18
                   + [{"ranking": ["Dee", "Ann"]}] * 6 + [{"ranking": ["Ann"]}] * 5)
    plain = build_record(spec, entries)
    credited = build_record(spec, entries, CountFacts(quota_credit=(("women", 1),)))
    assert sum(1 for p in plain.result["elected"] if p in S.WOMEN) >= 2
    assert sorted(credited.result["elected"]) == ["Ann", "Bob", "Cal"]
    assert verify_record(read_record_json(write_record_json(credited))) == []
    again = read_record_blt(write_record_blt(credited), spec, CountFacts(quota_credit=(("women", 1),)))
    assert verify_record(again, credited.result) == []
    assert verify_record(read_record_blt(write_record_blt(credited), spec), credited.result) != []
    with pytest.raises(K.SpecError, match="no quota for"):
        spec.count_options({"caucus": 1})
