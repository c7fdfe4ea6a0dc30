"""Review R6 findings 6, 11, 15 and 16, over HTTP on both databases (the words also as pure functions):

- #6: the "members present" base is refused for a ballot voted online (nobody could enter the attendance,
  so its count could never run) and kept for a vote taken in the room, where the tellers enter it;
- #11: voting opens and closes by the fixed spec's timetable; only the CAC opens or closes early (a body
  with no CAC member, a branch, has its officers act for it); an early opening rewrites the spec's opening
  time before the fingerprint is fixed; the columns the casting statement reads are the spec's; an early
  close is audited and shown with its moment;
- #15: a motion's result reads exactly as the issue's example, and card votes are called card votes;
- #16: the API takes only real JSON booleans and integers, naming the field otherwise; card votes, quotas and
  slates of the wrong shape are refused naming the field (recheck N6), and the set-up form refuses a mistyped
  motion or amendment id with the API's words (recheck N4).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from markupsafe import escape
from sqlalchemy import select, update

from ballot_people import audit_entries, cac, moment, set_up, signed_in  # noqa: F401 (fixtures)
from ballots import kinds
from ballots.published_record import read_record_json, verify_record
from server.db.models import Ballot, Membership
from server.services.ballots import NO_PRESENT_ONLINE
from voting.decision import decide
from voting.slates import Slate, SlateVote, vote_on_slate

ISSUE_WORDS = ("Carried: 412 for, 98 against, 20 abstentions; 80.8% of votes cast excluding abstentions; "
               "turnout 530 of 689 members, 76.9%")


async def _role(app, org, who: str, body: str, role: str) -> None:
    async with app.state.sessions() as db:
        await db.execute(update(Membership).where(Membership.member_id == org.members[who],
                                                  Membership.body_id == org.bodies[body]).values(role=role))
        await db.commit()


async def _stored(app, ballot_id: int) -> Ballot:
    async with app.state.sessions() as db:
        return (await db.execute(select(Ballot).where(Ballot.id == ballot_id))).scalar_one()


def _spec(stored: Ballot) -> kinds.BallotSpec:
    return kinds.BallotSpec.from_dict(json.loads(stored.spec))


def _utc(moment_: datetime) -> datetime:
    return moment_ if moment_.tzinfo else moment_.replace(tzinfo=timezone.utc)


async def _ballots_of(app, body_id: int) -> list[Ballot]:
    async with app.state.sessions() as db:
        return list((await db.execute(select(Ballot).where(Ballot.body_id == body_id))).scalars())


# --- #6: the "members present" base ---------------------------------------------------------------------

async def test_an_online_ballot_cannot_take_the_members_present_base(app, signed_in, cac):
    olive = await signed_in("olive")
    for kind, extra in (("motion", {}), ("amendment", {}),
                        ("slate", {"slates": [{"name": "Unity", "members": ["Ann", "Bea"]}]})):
        refused = await olive.api("POST", f"/api/v1/bodies/{cac.bodies['nmm']}/ballots", {
            "kind": kind, "title": "Rule change", "rule": "two-thirds", "base": "present",
            "opens": moment(hours=1), "closes": moment(hours=3), **extra})
        assert refused.status_code == 400, (kind, refused.text)
        error = refused.json()["error"]
        assert error["message"] == NO_PRESENT_ONLINE
        assert NO_PRESENT_ONLINE == ("An online ballot has no members present: choose votes cast or members "
                                     "entitled.")
    assert await _ballots_of(app, cac.bodies["nmm"]) == []
    # the other bases still set up, and a vote taken in the room keeps "present": the tellers enter it
    assert await set_up(olive, cac.bodies["nmm"], rule="two-thirds", base="entitled")
    in_room = await set_up(olive, cac.bodies["nmm"], rule="two-thirds", base="present", by_hand=True)
    figures = {"for": 3, "against": 1, "abstain": 0, "present": 5, "declared": "carried"}
    entered = await olive.api("POST", f"/api/v1/ballots/{in_room}/actions/hand-count", figures)
    assert entered.status_code == 200, entered.text
    assert "needs that number" not in entered.json()["note"]


async def test_the_set_up_form_says_where_present_works_and_refuses_it_online(app, signed_in, cac):
    olive = await signed_in("olive")
    page = await olive.get("/bodies/nmm/ballots")
    assert "Members present (a vote taken in the room only: the tellers count them)" in page.text
    later = datetime.now(timezone.utc)
    refused = await olive.post("/bodies/nmm/ballots", kind="motion", title="Rule change", rule="two-thirds",
                               base="present", opens=f"{later.year + 1}-01-01T10:00",
                               closes=f"{later.year + 1}-01-02T10:00", secret="yes", roll_source="members")
    assert refused.status_code == 400
    assert NO_PRESENT_ONLINE in refused.text
    assert await _ballots_of(app, cac.bodies["nmm"]) == []


# --- #11: the timetable, and early opening and closing by the CAC only ---------------------------------------

async def test_set_up_copies_the_spec_timetable_into_the_columns(app, signed_in, cac):
    olive = await signed_in("olive")
    opens = datetime(2031, 5, 1, 9, 30, 15, 987654, tzinfo=timezone.utc)
    closes = datetime(2031, 5, 2, 9, 30, 45, 123456, tzinfo=timezone.utc)
    ballot = await set_up(olive, cac.bodies["nmm"], opens=opens.isoformat(), closes=closes.isoformat())
    stored = await _stored(app, ballot)
    spec = _spec(stored)
    assert (spec.timetable.opens, spec.timetable.closes) == ("2031-05-01T09:30:15Z", "2031-05-02T09:30:45Z")
    assert _utc(stored.opens_at) == opens.replace(microsecond=0)
    assert _utc(stored.closes_at) == closes.replace(microsecond=0)


async def test_only_the_cac_opens_early_and_the_spec_says_when_it_opened(app, signed_in, cac):
    await _role(app, cac, "sam", "nmm", "officer")  # an NMM officer, not on its CAC
    olive, sam = await signed_in("olive"), await signed_in("sam")
    ballot = await set_up(sam, cac.bodies["nmm"], opens=moment(hours=2))  # officers still set up ballots
    scheduled = _spec(await _stored(app, ballot)).timetable.opens
    refused = await sam.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})
    assert refused.status_code == 403
    assert "only the CAC opens it earlier" in refused.json()["error"]["message"]
    assert "Open voting now" not in (await sam.get(f"/ballots/{ballot}")).text
    assert "Open voting now" in (await olive.get(f"/ballots/{ballot}")).text
    assert (await _stored(app, ballot)).state == "draft"

    before = kinds.utc_text(datetime.now(timezone.utc))
    opened = await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})
    after = kinds.utc_text(datetime.now(timezone.utc))
    assert opened.status_code == 200, opened.text
    stored = await _stored(app, ballot)
    spec = _spec(stored)
    # the spec was rewritten before its fingerprint was fixed: it says when voting really opened
    assert before <= spec.timetable.opens <= after < scheduled
    assert stored.fingerprint == spec.fingerprint() == opened.json()["fingerprint"]
    assert opened.json()["spec"]["timetable"]["opens"] == spec.timetable.opens
    # and the columns the casting statement and the timetable read are the fixed spec's
    assert kinds.utc_text(_utc(stored.opens_at)) == spec.timetable.opens
    assert kinds.utc_text(_utc(stored.closes_at)) == spec.timetable.closes
    [opening] = await audit_entries(app, "ballot.open")
    assert opening.actor == "Olive"
    assert json.loads(opening.payload) == {
        "ballot": str(ballot), "reason": "opened by the CAC", "spec_fingerprint": stored.fingerprint,
        "roll_digest": spec.electorate.roll_digest, "opens": spec.timetable.opens, "timetable_opens": scheduled}


async def test_after_its_opening_time_an_officer_opens_it_as_the_timetable_would(app, signed_in, cac):
    await _role(app, cac, "sam", "nmm", "officer")
    sam = await signed_in("sam")
    ballot = await set_up(sam, cac.bodies["nmm"], opens=moment(minutes=-1))
    scheduled = _spec(await _stored(app, ballot)).timetable.opens
    opened = await sam.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})
    assert opened.status_code == 200, opened.text
    assert opened.json()["spec"]["timetable"]["opens"] == scheduled  # not early: the timetable stands
    [opening] = await audit_entries(app, "ballot.open")
    assert opening.actor is None and json.loads(opening.payload)["reason"] == "timetable"
    assert "opens" not in json.loads(opening.payload)


async def test_only_the_cac_closes_early_and_the_result_says_when(app, signed_in, cac):
    await _role(app, cac, "sam", "nmm", "officer")
    olive, sam, nora = await signed_in("olive"), await signed_in("sam"), await signed_in("nora")
    ballot = await set_up(olive, cac.bodies["nmm"])
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})).status_code == 200
    for voter, choice in ((nora, "yes"), (sam, "yes"), (olive, "no")):
        assert (await voter.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": choice})).status_code == 201
    refused = await sam.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})
    assert refused.status_code == 403
    assert "closes by its timetable" in refused.json()["error"]["message"]
    assert "only the CAC closes it earlier" in refused.json()["error"]["message"]
    assert "Close voting now" not in (await sam.get(f"/ballots/{ballot}")).text
    assert (await _stored(app, ballot)).state == "open"
    assert await audit_entries(app, "ballot.close") == []

    closed = await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})
    assert closed.status_code == 200 and closed.json()["state"] == "published", closed.text
    stored = await _stored(app, ballot)
    [closing] = await audit_entries(app, "ballot.close")
    payload = json.loads(closing.payload)
    assert closing.actor == "Olive" and payload["reason"] == "closed by the CAC"
    assert payload["closed_at"] == kinds.utc_text(_utc(stored.closed_at)) < _spec(stored).timetable.closes
    page = (await nora.get(f"/ballots/{ballot}/result")).text
    shown_at = _utc(stored.closed_at).strftime("%d %B %Y %H:%M:%S")
    assert f"closed early by the CAC at {shown_at} UTC, before its closing time {_spec(stored).timetable.closes}" \
        in page
    # the spec the record publishes is the one fixed at opening, and it recounts
    record = read_record_json(stored.record, "ballot")
    assert record.spec.fingerprint() == stored.fingerprint and verify_record(record) == []


async def test_a_body_without_a_cac_has_its_officers_act_for_it(app, signed_in, cac):
    olive, nora = await signed_in("olive"), await signed_in("nora")  # North: Olive its officer, no CAC member
    ballot = await set_up(olive, cac.bodies["north"], opens=moment(hours=1))
    assert (await nora.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})).status_code == 403
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})).status_code == 200
    assert (await nora.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes"})).status_code == 201
    assert (await nora.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})).status_code == 403
    # once the branch has a CAC member, its officers no longer close early
    await _role(app, cac, "nora", "north", "cac_member")
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})).status_code == 403
    closed = await nora.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})
    assert closed.status_code == 200 and closed.json()["state"] == "published", closed.text


# --- #15: the result's words ----------------------------------------------------------------------------

def test_a_result_reads_as_the_issue_example_word_for_word():
    assert decide(412, 98, 20, entitled=689).words == ISSUE_WORDS
    # a share rule says what it needed after that sentence, never inside it
    two_thirds = decide(40, 20, rule="two-thirds", entitled=100).words
    assert two_thirds == ("Carried: 40 for, 20 against, 0 abstentions; 66.7% of votes cast excluding abstentions; "
                          "turnout 60 of 100 members, 60.0%; two-thirds majority needed 40")
    tie = decide(15, 15, 3, entitled=50).words
    assert tie == ("Fell: 15 for, 15 against, 3 abstentions; 50.0% of votes cast excluding abstentions; "
                   "turnout 33 of 50 members, 66.0%; tie: the status quo stands")
    assert "simple majority" not in decide(10, 9, 50).words


def test_card_votes_are_counted_as_card_votes():
    assert decide(6, 5, 0, entitled=11, unit="card votes").words == (
        "Carried: 6 for, 5 against, 0 abstentions; 54.5% of votes cast excluding abstentions; "
        "turnout 11 of 11 card votes, 100.0%")
    slate = vote_on_slate(Slate("Unity", ("Ann", "Bea")), [SlateVote("yes", frozenset(), (), 3),
                                                          SlateVote("no", frozenset(), (), 2)],
                          entitled=9, unit="card votes")
    assert "turnout 5 of 9 card votes, 55.6%" in slate.words


async def test_a_card_vote_ballot_publishes_card_votes_in_its_turnout(app, signed_in, cac):
    olive, nora, sam = await signed_in("olive"), await signed_in("nora"), await signed_in("sam")
    ballot = await set_up(olive, cac.bodies["nmm"], weighted=True, weights={"nora@example.org": 3})
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})).status_code == 200
    assert (await nora.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes"})).status_code == 201
    assert (await sam.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "no"})).status_code == 201
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})).status_code == 200
    result = (await nora.api("GET", f"/api/v1/ballots/{ballot}/result")).json()["result"]
    # five members carry seven card votes: Nora three, everyone else one
    assert result["words"] == ("Carried: 3 for, 1 against, 0 abstentions; 75.0% of votes cast excluding "
                               "abstentions; turnout 4 of 7 card votes, 57.1%")
    assert verify_record(read_record_json((await _stored(app, ballot)).record, "ballot")) == []


# --- #16: API typing ------------------------------------------------------------------------------------

async def test_quoted_booleans_are_refused_naming_the_field(app, signed_in, cac):
    olive = await signed_in("olive")
    for name in ("secret", "may_change_vote", "proxies_allowed", "weighted", "by_hand", "individual_preferences"):
        for value in ("false", "true", 0, 1, None):
            refused = await olive.api("POST", f"/api/v1/bodies/{cac.bodies['nmm']}/ballots", {
                "kind": "motion", "title": "Typed", "opens": moment(hours=1), "closes": moment(hours=3),
                name: value})
            assert refused.status_code == 400, (name, value, refused.text)
            assert refused.json()["error"]["message"] == (
                f"{name} must be true or false (a JSON boolean), not {json.dumps(value)}.")
    assert await _ballots_of(app, cac.bodies["nmm"]) == []
    kept = await set_up(olive, cac.bodies["nmm"], secret=False, may_change_vote=False, weighted=False)
    spec = _spec(await _stored(app, kept))
    assert (spec.secret, spec.may_change_vote, spec.weighted) == (False, False, False)


async def test_a_quoted_proxy_id_is_refused_not_cast_as_the_proxy_own_vote(app, signed_in, cac):
    olive, sam = await signed_in("olive"), await signed_in("sam")
    wanda = await signed_in("wanda")
    ballot = await set_up(olive, cac.bodies["nmm"], proxies_allowed=True)
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})).status_code == 200
    appointed = await wanda.api("POST", f"/api/v1/ballots/{ballot}/actions/proxy", {"proxy": "sam@example.org"})
    assert appointed.status_code == 200, appointed.text
    for behalf in (str(cac.members["wanda"]), 2.0, True, [cac.members["wanda"]]):
        refused = await sam.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes", "on_behalf_of": behalf})
        assert refused.status_code == 400, (behalf, refused.text)
        assert refused.json()["error"]["message"] == f"on_behalf_of must be a whole number, not {json.dumps(behalf)}."
    shown = (await olive.api("GET", f"/api/v1/ballots/{ballot}")).json()
    assert shown["turnout"]["voted"] == 0  # nothing recorded: neither Wanda's vote nor Sam's own
    cast = await sam.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes",
                                                                      "on_behalf_of": cac.members["wanda"]})
    assert cast.status_code == 201, cast.text
    assert (await sam.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "no"})).status_code == 201


async def test_hand_count_figures_are_whole_numbers_and_many_is_uncounted(app, signed_in, cac):
    olive = await signed_in("olive")
    ballot = await set_up(olive, cac.bodies["nmm"], by_hand=True)
    url = f"/api/v1/ballots/{ballot}/actions/hand-count"
    bad = [({"for": "9", "against": 1}, 'for must be a whole number, "many" or null, not "9".'),
           ({"for": 9, "against": "1"}, 'against must be a whole number, not "1".'),
           ({"for": 9, "against": 1.5}, "against must be a whole number, not 1.5."),
           ({"for": 9, "against": 1, "abstain": True}, "abstain must be a whole number, not true."),
           ({"for": 9, "against": 1, "present": "12"}, 'present must be a whole number, not "12".'),
           ({"for": -1, "against": 1}, "for cannot be negative (-1)."),
           ({"for": 9, "against": 1, "declared": "won"}, 'declared must be "carried", "fell" or null, not "won".')]
    for figures, message in bad:
        refused = await olive.api("POST", url, figures)
        assert refused.status_code == 400, (figures, refused.text)
        assert refused.json()["error"]["message"] == message
    assert (await _stored(app, ballot)).hand_count is None
    for many in ("many", "Many", None):
        entered = await olive.api("POST", url, {"for": many, "against": 1, "abstain": 0, "present": 5,
                                                "declared": "carried"})
        assert entered.status_code == 200, entered.text
        assert json.loads((await _stored(app, ballot)).hand_count)["for"] is None


async def test_mistyped_card_votes_quotas_and_slates_are_refused_naming_the_field(app, signed_in, cac):
    """R6 recheck N6: the last set-up fields whose mistakes came back in Python's words (``dictionary update
    sequence element #0…``, ``('minimum')``) are refused naming the field, the entry and the key."""
    olive = await signed_in("olive")
    times = {"title": "Typed", "opens": moment(hours=1), "closes": moment(hours=3)}
    cards = {"kind": "motion", "weighted": True}
    seats = {"kind": "seats", "candidates": ["Ann", "Bea", "Cat"], "seats": 2, "method": "meek"}
    quota_needs = "label (text), minimum (a whole number) and members (a list of names)"
    bad = [({**cards, "weights": ["a"]}, "weights", 'weights must be an object of member email to card votes, '
            'such as {"ann@example.org": 3}, not ["a"].'),
           ({**cards, "weights": {"nora@example.org": "3"}}, "weights",
            'weights: the card votes of nora@example.org must be a whole number, not "3".'),
           ({**cards, "weights": {"nora@example.org": 2.5}}, "weights",
            "weights: the card votes of nora@example.org must be a whole number, not 2.5."),
           ({**seats, "quotas": [{"label": "women"}]}, "quotas",
            f"quotas: entry 1 has no minimum: each quota needs {quota_needs}."),
           ({**seats, "quotas": [{"label": "women", "minimum": 1, "members": ["Ann"]}, {"label": "men", "minimum": "1",
                                                                                         "members": ["Bea"]}]},
            "quotas", 'quotas: entry 2\'s minimum must be a whole number, not "1".'),
           ({**seats, "quotas": ["women: 1: Ann"]}, "quotas",
            f'quotas: entry 1 must be an object giving {quota_needs}, not "women: 1: Ann".'),
           ({"kind": "slate", "slates": [{"name": "Unity"}]}, "slates",
            "slates: entry 1 has no members: each slate needs name (text) and members (a list of names)."),
           ({"kind": "slate", "slates": [{"name": "Unity", "members": "Ann, Bea"}]}, "slates",
            'slates: entry 1\'s members must be a list of names, not "Ann, Bea".')]
    for fields, name, message in bad:
        refused = await olive.api("POST", f"/api/v1/bodies/{cac.bodies['nmm']}/ballots", {**times, **fields})
        assert refused.status_code == 400, (fields, refused.text)
        error = refused.json()["error"]
        assert (error["message"], list(error["fields"])) == (message, [name])
    assert await _ballots_of(app, cac.bodies["nmm"]) == []
    kept = await set_up(olive, cac.bodies["nmm"], kind="seats", title="Panel", candidates=["Ann", "Bea", "Cat"],
                        seats=2, method="meek", quotas=[{"label": "women", "minimum": 1, "members": ["Ann", "Cat"]}])
    assert [(q.label, q.minimum, q.members) for q in _spec(await _stored(app, kept)).quotas] == [
        ("women", 1, ("Ann", "Cat"))]


async def test_the_form_and_the_api_refuse_a_mistyped_motion_id_alike(app, signed_in, cac):
    """R6 recheck N4: the set-up form read ``abc`` or ``-4`` as no motion and set up a motion ballot linked to
    nothing; it now refuses it as the API does, with the same words (one rule: views/form_values.py optional_id)."""
    olive = await signed_in("olive")
    later = datetime.now(timezone.utc).year + 1
    form = {"kind": "motion", "title": "Rule change", "opens": f"{later}-01-01T10:00", "closes": f"{later}-01-02T10:00",
            "secret": "yes", "roll_source": "members"}
    for name in ("motion_id", "amendment_id"):
        for raw in ("abc", "-4", "0", "1.5", "99999999999"):
            message = (f"{name} must be the id of a {name.removesuffix('_id')}: a whole number such as 12, "
                       f"not {json.dumps(int(raw) if raw.isdigit() else raw)}.")
            page = await olive.post("/bodies/nmm/ballots", **form, **{name: raw})
            assert page.status_code == 400, (name, raw, page.headers.get("location"))
            assert str(escape(message)) in page.text, (name, raw)
            refused = await olive.api("POST", f"/api/v1/bodies/{cac.bodies['nmm']}/ballots", {
                "kind": "motion", "title": "Rule change", "opens": moment(hours=1), "closes": moment(hours=3),
                name: raw})
            assert refused.status_code == 400 and refused.json()["error"]["message"] == message, refused.text
    assert await _ballots_of(app, cac.bodies["nmm"]) == []
    blank = await olive.post("/bodies/nmm/ballots", **form, motion_id=" ", amendment_id="")
    assert blank.status_code == 303, blank.text  # blank is no motion, as before


@pytest.mark.parametrize("seats", ["x", "2", 0, 2.5, True])
async def test_seats_must_be_a_whole_number_of_seats(seats, signed_in, cac):
    olive = await signed_in("olive")
    answer = await olive.api("POST", f"/api/v1/bodies/{cac.bodies['nmm']}/ballots", {
        "kind": "seats", "title": "Committee", "candidates": ["Ann", "Bea", "Cal"], "seats": seats,
        "method": "scotland", "opens": moment(hours=1), "closes": moment(hours=3)})
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["message"].startswith("seats must be a whole number of seats, 1 or more, not ")
