"""Every ballot kind end to end over HTTP: set up, open, vote through the pages (plain forms, as
without JavaScript) and the API, close, and the published result, record and recount."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest

from ballots.published_record import read_record_blt, read_record_csv, read_record_json, verify_record

pytestmark = pytest.mark.parametrize("migrated", ["sqlite", "postgres"], indirect=True)


async def _close(olive, ballot: int) -> dict:
    response = await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "published"
    return response.json()


async def _verified(member, ballot: int) -> dict:
    """Download the record in every format it has and recount it: it reproduces the published result."""
    result = (await member.api("GET", f"/api/v1/ballots/{ballot}/result")).json()
    text = (await member.get(f"/ballots/{ballot}/record.json")).text
    record = read_record_json(text)
    assert verify_record(record, result["result"], published_digest=result["ballots_digest"]) == []
    if record.spec.kind != "slate":
        for suffix, reader in (("csv", read_record_csv), ("blt", read_record_blt)):
            download = await member.get(f"/ballots/{ballot}/record.{suffix}")
            assert download.status_code == 200, download.text
            again = reader(download.text, record.spec, record.count, result=result["result"])
            assert verify_record(again, result["result"], published_digest=result["ballots_digest"]) == []
    return result


async def test_motion_by_form_with_result_in_words_and_figures(as_member, setup):
    olive, nora, sam, wanda = [await as_member(w) for w in ("olive", "nora", "sam", "wanda")]
    ballot = await setup(olive, kind="motion", title="Fund the renters' union")
    page = await nora.get(f"/ballots/{ballot}")
    assert 'name="choice" value="yes"' in page.text and "Turnout" in page.text
    for voter, choice in ((nora, "yes"), (sam, "yes"), (wanda, "no"), (olive, "abstain")):
        response = await voter.post(f"/ballots/{ballot}/vote", choice=choice)
        assert response.status_code == 200 and "Your vote is recorded" in response.text
    again = await nora.post(f"/ballots/{ballot}/vote", choice="no")
    assert again.status_code == 409 and "already voted" in again.text
    assert (await sam.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})).status_code == 403
    await _close(olive, ballot)
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/count", {})).status_code == 409
    page = await sam.get(f"/ballots/{ballot}/result")
    assert "Carried: 2 for, 1 against, 1 abstention; 66.7% of votes cast excluding abstentions" in page.text
    assert "turnout 4 of 5 members, 80.0%" in page.text and "<svg" in page.text
    await _verified(sam, ballot)


async def test_refusals_say_what_to_fix(as_member, setup, roles):
    olive, nora = await as_member("olive"), await as_member("nora")
    ranked = await setup(olive, kind="office", title="Secretary", candidates=["Ann", "Bea", "Cal"], method="irv")
    twice = await nora.post(f"/ballots/{ranked}/vote", {"rank:Ann": "1", "rank:Bea": "1", "rank:Cal": ""})
    assert twice.status_code == 400 and "Rank 1 is given twice: give each rank once." in twice.text
    unknown = await nora.api("POST", f"/api/v1/ballots/{ranked}/votes", {"ranking": ["Ann", "Zed"]})
    assert unknown.status_code == 400 and unknown.json()["error"]["message"] == "Unknown candidate 'Zed'."
    repeated = await nora.api("POST", f"/api/v1/ballots/{ranked}/votes", {"ranking": ["Ann", "Ann"]})
    assert "'Ann' is ranked more than once" in repeated.json()["error"]["message"]
    block = await setup(olive, kind="seats", title="Committee", candidates=["Ann", "Bea", "Cal", "Dee"], seats=2,
                        method="block")
    many = await nora.post(f"/ballots/{block}/vote", [("mark", "Ann"), ("mark", "Bea"), ("mark", "Cal")])
    assert many.status_code == 400 and "You marked 3 candidates; this ballot allows at most 2." in many.text
    denied = await nora.api("POST", f"/api/v1/bodies/{roles.bodies['nmm']}/ballots", {"kind": "motion", "title": "Mine",
                                                                  "opens": "2026-01-01T00:00:00Z",
                                                                  "closes": "2030-01-01T00:00:00Z"})
    assert denied.status_code == 403 and "officers and CAC members" in denied.json()["error"]["message"]
    unmeetable = await olive.api("POST", f"/api/v1/bodies/{roles.bodies['nmm']}/ballots", {
        "kind": "seats", "title": "Committee", "candidates": ["Ann", "Bob", "Cal"], "seats": 2,
        "quotas": [{"label": "women", "minimum": 2, "members": ["Ann"]}], "opens": "2026-01-01T00:00:00Z",
        "closes": "2030-01-01T00:00:00Z"})
    assert unmeetable.status_code == 400 and unmeetable.json()["error"]["message"].startswith("The ballot was not set up")
    closed = await setup(olive, kind="motion", title="Not yet", open=False,  # before its opening time
                         opens=(datetime.now(timezone.utc) + timedelta(hours=1)).isoformat())
    early = await nora.api("POST", f"/api/v1/ballots/{closed}/votes", {"choice": "yes"})
    assert early.status_code == 409 and "not opened" in early.json()["error"]["message"]


async def test_choice_plurality_and_ranked_irv_by_numbered_form(as_member, setup):
    olive, nora, sam, wanda, admin = [await as_member(w) for w in ("olive", "nora", "sam", "wanda", "admin")]
    plurality = await setup(olive, kind="choice", title="Campaign", candidates=["Housing", "Wages", "Climate"])
    page = await nora.get(f"/ballots/{plurality}")
    assert 'type="radio" name="mark" value="Housing"' in page.text
    for voter, pick in ((nora, "Housing"), (sam, "Wages"), (wanda, "Housing")):
        assert (await voter.post(f"/ballots/{plurality}/vote", mark=pick)).status_code == 200
    await _close(olive, plurality)
    assert "Chosen: Housing" in (await sam.get(f"/ballots/{plurality}/result")).text
    await _verified(sam, plurality)

    irv = await setup(olive, kind="choice", title="Priority", candidates=["A", "B", "C"], method="irv")
    papers = {nora: ("1", "2", ""), sam: ("", "1", "2"), wanda: ("2", "", "1"), admin: ("1", "", ""),
              olive: ("", "2", "1")}
    for voter, (a, b, c) in papers.items():
        response = await voter.post(f"/ballots/{irv}/vote", {"rank:A": a, "rank:B": b, "rank:C": c})
        assert response.status_code == 200, response.text
    result = (await _close(olive, irv))
    published = await _verified(sam, irv)
    assert published["result"]["type"] == "count" and len(published["result"]["rounds"]) >= 2
    page = await sam.get(f"/ballots/{irv}/result")
    assert page.text.count('class="round-chart"') == len(published["result"]["rounds"]) and "Round 2" in page.text
    assert result["state"] == "published"


async def test_office_and_seats_with_quota_and_transfers(as_member, setup):
    members = [await as_member(w) for w in ("olive", "nora", "sam", "wanda", "admin")]
    olive = members[0]
    office = await setup(olive, kind="office", title="Chair", candidates=["Ann", "Bea", "Cal"])
    for voter, ranking in zip(members, (["Ann", "Bea"], ["Bea"], ["Cal", "Bea"], ["Ann"], ["Bea", "Ann"])):
        assert (await voter.api("POST", f"/api/v1/ballots/{office}/votes", {"ranking": ranking})).status_code == 201
    await _close(olive, office)
    assert (await _verified(olive, office))["result"]["elected"] == ["Bea"]

    seats = await setup(olive, kind="seats", title="Committee", candidates=["Ann", "Bob", "Cat", "Dan"], seats=2,
                        method="scotland", quotas=[{"label": "women", "minimum": 1, "members": ["Ann", "Cat"]}])
    for voter, ranking in zip(members, (["Bob", "Dan"], ["Bob", "Dan"], ["Dan", "Bob"], ["Bob", "Ann"], ["Dan"])):
        assert (await voter.api("POST", f"/api/v1/ballots/{seats}/votes", {"ranking": ranking})).status_code == 201
    await _close(olive, seats)
    published = await _verified(olive, seats)
    elected = published["result"]["elected"]
    assert len(elected) == 2 and {"Ann", "Cat"} & set(elected), elected  # the quota holds
    page = await olive.get(f"/ballots/{seats}/result")
    assert "Quota" in page.text and "transfer" in page.text.lower()


async def test_slate_accept_with_strike_outs_and_competing_slates(as_member, setup):
    members = [await as_member(w) for w in ("olive", "nora", "sam", "wanda", "admin")]
    olive = members[0]
    slate = await setup(olive, kind="slate", title="Steering committee slate",
                        slates=[{"name": "Unity", "members": ["Ann", "Bea", "Cal"]}], strike_share="1/2")
    page = await members[1].get(f"/ballots/{slate}")
    assert 'name="struck" value="Cal"' in page.text
    for voter, (choice, struck) in zip(members, (("yes", ["Cal"]), ("yes", ["Cal"]), ("yes", ["Cal"]),
                                                 ("no", []), ("yes", []))):
        response = await voter.post(f"/ballots/{slate}/vote", [("choice", choice)] + [("struck", s) for s in struck])
        assert response.status_code == 200, response.text
    await _close(olive, slate)
    published = await _verified(olive, slate)
    assert published["result"]["removed"] == ["Cal"] and published["result"]["decision"]["outcome"] == "carried"

    slates = await setup(olive, kind="slates", title="Slates", method="irv",
                         slates=[{"name": "Red", "members": ["Ann", "Bea"]}, {"name": "Green", "members": ["Cal", "Dee"]},
                                 {"name": "Blue", "members": ["Eve", "Fay"]}])
    for voter, ranking in zip(members, (["Red"], ["Green", "Red"], ["Blue", "Red"], ["Red"], ["Green"])):
        assert (await voter.api("POST", f"/api/v1/ballots/{slates}/votes", {"ranking": ranking})).status_code == 201
    await _close(olive, slates)
    assert (await _verified(olive, slates))["result"]["slate"] == "Red"


async def test_change_vote_only_where_allowed_with_receipt(as_member, setup, receipt_of):
    olive, nora = await as_member("olive"), await as_member("nora")
    ballot = await setup(olive, kind="motion", title="Changeable", may_change_vote=True)
    first = receipt_of((await nora.post(f"/ballots/{ballot}/vote", choice="yes")).text)
    page = await nora.get(f"/ballots/{ballot}")
    assert "Change your vote" in page.text
    wrong = await nora.post(f"/ballots/{ballot}/vote", choice="no", previous_receipt="2222-2222-2222-2222")
    assert wrong.status_code == 400
    changed = await nora.post(f"/ballots/{ballot}/vote", choice="no", previous_receipt=first)
    assert changed.status_code == 200 and "Your vote is changed" in changed.text
    second = receipt_of(changed.text)
    reused = await nora.post(f"/ballots/{ballot}/vote", choice="yes", previous_receipt=first)
    assert reused.status_code == 400 and "That receipt is not the one you were given" in reused.text
    turnout = (await nora.api("GET", f"/api/v1/ballots/{ballot}/turnout")).json()
    assert turnout["voted"] == 1
    await _close(olive, ballot)
    record = read_record_json((await nora.get(f"/ballots/{ballot}/record.json")).text)
    assert [(e.receipt, e.contents.choice) for e in record.entries] == [(second, "no")]
    found = await nora.post(f"/ballots/{ballot}/receipt", code=second.lower().replace("-", " "))
    assert "Ballot " + second in found.text and "<dd>no</dd>" in found.text


async def test_open_ballot_publishes_names_card_votes_and_proxies(as_member, setup):
    olive, nora, sam, wanda = [await as_member(w) for w in ("olive", "nora", "sam", "wanda")]
    ballot = await setup(olive, kind="motion", title="Card vote", secret=False, weighted=True, proxies_allowed=True,
                         weights={"nora@example.org": 30, "sam@example.org": 12})
    assert (await wanda.api("POST", f"/api/v1/ballots/{ballot}/actions/proxy", {"proxy": "sam@example.org"})
            ).status_code == 200
    roll = (await wanda.api("GET", f"/api/v1/ballots/{ballot}/roll")).json()
    assert {v["member"]["name"]: v["weight"] for v in roll["voters"]}["Nora"] == 30
    assert (await sam.api("GET", f"/api/v1/ballots/{ballot}")).json()["me"]["proxy_for"]
    assert (await nora.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "no"})).json()["contents"]["weight"] == 30
    assert (await sam.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes"})).status_code == 201
    behalf = await sam.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes", "on_behalf_of": _id(roll, "Wanda")})
    assert behalf.status_code == 201, behalf.text
    stranger = await olive.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes", "on_behalf_of": _id(roll, "Nora")})
    assert stranger.status_code == 403
    await _close(olive, ballot)
    result = await _verified(olive, ballot)
    assert result["result"]["outcome"] == "fell" and result["result"]["yes"] == "13"
    page = await olive.get(f"/ballots/{ballot}/result")
    assert "Who voted what" in page.text and "Wanda" in page.text


def _id(roll: dict, name: str) -> int:
    return next(v["member"]["id"] for v in roll["voters"] if v["member"]["name"] == name)


async def test_roll_visible_to_its_members_only(as_member, setup):
    olive, nora, sam = await as_member("olive"), await as_member("nora"), await as_member("sam")
    north = await setup(olive, body="north", kind="motion", title="North branch motion")
    assert (await nora.get(f"/ballots/{north}/roll")).status_code == 200
    assert (await sam.get(f"/ballots/{north}/roll")).status_code == 404
    assert (await sam.api("POST", f"/api/v1/ballots/{north}/votes", {"choice": "yes"})).status_code == 404


async def test_turnout_live_stream_and_polling_fragment(as_member, setup):
    olive, nora = await as_member("olive"), await as_member("nora")
    ballot = await setup(olive, kind="motion", title="Live")
    await nora.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes"})
    fragment = await nora.get(f"/ballots/{ballot}/turnout")
    assert "1 of 5 have voted (20.0%)" in fragment.text and 'hx-trigger="every 5s"' in fragment.text
    assert "<progress" in fragment.text
    stream = await nora.get(f"/ballots/{ballot}/turnout/stream", params={"once": "1"})
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert stream.text.startswith("event: turnout\ndata: ") and "1 of 5 have voted" in stream.text


async def test_turnout_stream_keeps_alive_and_says_when_voting_closed(monkeypatch, as_member, setup):
    """A quiet stream sends ``alive`` (so the page can tell a stream held up on the way from a quiet ballot);
    once voting has closed its last event is ``closed``, on which the page stops the browser reconnecting."""
    from server.views import ballots as pages

    monkeypatch.setattr(pages, "STREAM_INTERVAL_S", 0.01)
    monkeypatch.setattr(pages, "STREAM_HEARTBEAT_S", 0.0)
    monkeypatch.setattr(pages, "STREAM_LIFETIME_S", 0.2)
    olive, nora = await as_member("olive"), await as_member("nora")
    ballot = await setup(olive, kind="motion", title="Live")
    open_events = re.findall(r"^event: (\w+)$", (await nora.get(f"/ballots/{ballot}/turnout/stream")).text, re.M)
    assert open_events[0] == "turnout" and "alive" in open_events and "closed" not in open_events
    await nora.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes"})
    await _close(olive, ballot)
    stream = await nora.get(f"/ballots/{ballot}/turnout/stream")
    assert re.findall(r"^event: (\w+)$", stream.text, re.M) == ["turnout", "closed"]
    assert "Voting is closed" in stream.text
    page = await nora.get(f"/ballots/{ballot}")
    assert "turnout/stream" not in page.text


async def _everything_seen(member, ballot: int) -> list[str]:
    """All a member can fetch about an open ballot: its page, the turnout fragment, the stream's first event
    and the API's ballot and turnout."""
    seen = []
    for url in (f"/ballots/{ballot}", f"/ballots/{ballot}/turnout", f"/ballots/{ballot}/turnout/stream?once=1",
                f"/api/v1/ballots/{ballot}", f"/api/v1/ballots/{ballot}/turnout"):
        response = await member.get(url)
        assert response.status_code == 200, (url, response.text)
        seen.append(response.text)
    return seen


@pytest.mark.parametrize("kind, fields, first, moved", [
    ("motion", {}, {"choice": "yes"}, {"choice": "no"}),
    ("office", {"candidates": ["Ann", "Bea", "Cal"], "method": "irv"}, {"rank:Ann": "1"}, {"rank:Bea": "1"})])
async def test_no_partial_results_while_open(as_member, setup, receipt_of, kind, fields, first, moved):
    """Nothing fetched while voting is open tells how the votes stand. With three votes cast (two for the
    leader), one voter changes theirs to the runner-up: the turnout stays, the standing flips. Any figure
    per answer or candidate, a leader, a bar or a share shown anywhere would change; nothing may."""
    olive, nora, sam, wanda = [await as_member(w) for w in ("olive", "nora", "sam", "wanda")]
    ballot = await setup(olive, kind=kind, title="Standing", may_change_vote=True, **fields)
    receipt = receipt_of((await nora.post(f"/ballots/{ballot}/vote", first)).text)
    receipt_of((await sam.post(f"/ballots/{ballot}/vote", first)).text)
    receipt_of((await wanda.post(f"/ballots/{ballot}/vote", moved)).text)
    before = {who.name: await _everything_seen(who, ballot) for who in (olive, wanda)}
    assert "3 of 5 have voted" in before["olive"][1]
    changed = await nora.post(f"/ballots/{ballot}/vote", {**moved, "previous_receipt": receipt})
    assert changed.status_code == 200 and "Your vote is changed" in changed.text
    after = {who.name: await _everything_seen(who, ballot) for who in (olive, wanda)}
    assert after == before


async def test_closing_by_timetable(app, as_member, setup, monkeypatch):
    """The clock passes the fixed spec's closing time (the ballot row is left as opening wrote it, its
    ``closes_at`` copied from the spec): the casting statement refuses the late vote, and the next look
    closes and counts the ballot by its timetable."""
    from server.db.models import Ballot
    from server.services import ballot_box
    from server.services import ballots as service

    olive, nora = await as_member("olive"), await as_member("nora")
    ballot = await setup(olive, kind="motion", title="Timed")
    await nora.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes"})
    closes = (await nora.api("GET", f"/api/v1/ballots/{ballot}")).json()["spec"]["timetable"]["closes"]
    closes_at = datetime.fromisoformat(closes.replace("Z", "+00:00"))
    async with app.state.sessions() as db:
        assert (await db.get(Ballot, ballot)).closes_at.replace(tzinfo=timezone.utc) == closes_at
    later = closes_at + timedelta(seconds=1)
    monkeypatch.setattr(service, "_now", lambda: later)
    monkeypatch.setattr(ballot_box, "utcnow", lambda: later)
    late = await olive.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "no"})
    assert late.status_code == 409 and "closed" in late.json()["error"]["message"]
    shown = (await nora.api("GET", f"/api/v1/ballots/{ballot}")).json()
    assert shown["state"] == "published" and shown["close_reason"] == "timetable"


async def test_hand_count_checked_and_confirmed_by_two_tellers(as_member, setup):
    olive, nora, sam, wanda = [await as_member(w) for w in ("olive", "nora", "sam", "wanda")]
    ballot = await setup(olive, kind="motion", title="Taken in the room", by_hand=True, open=False)
    bad = await olive.post(f"/ballots/{ballot}/hand-count", **{"for": "9", "against": "3", "present": "10",
                                                               "declared": "carried"})
    assert bad.status_code == 303
    page = await olive.get(f"/ballots/{ballot}")
    assert "12 votes counted but only 10 members present" in page.text
    await olive.post(f"/ballots/{ballot}/hand-count", **{"for": "many", "against": "1", "abstain": "0",
                                                          "present": "5", "declared": "carried"})
    assert (await wanda.api("POST", f"/api/v1/ballots/{ballot}/actions/confirm", {})).status_code == 403
    assert (await nora.api("POST", f"/api/v1/ballots/{ballot}/actions/confirm", {})).status_code == 200
    early = await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/publish", {})
    assert early.status_code == 409 and "needs 1 more teller" in early.json()["error"]["message"]
    assert (await sam.api("POST", f"/api/v1/ballots/{ballot}/actions/confirm", {})).status_code == 200
    published = await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/publish", {})
    assert published.status_code == 200, published.text
    page = await wanda.get(f"/ballots/{ballot}/result")
    assert "Figures: many for, 1 against, 0 abstentions; 5 present; declared carried by the chair." in page.text
    assert "Outcome recorded: carried" in page.text and "confirmed by Nora and Sam" in page.text
    assert "plenary verify" not in page.text and "no ballot papers to recount" in page.text  # R6 #19


async def test_ballots_on_an_amendment_then_its_motion_record_their_outcomes(as_member, setup, roles):
    admin, olive, nora, sam = [await as_member(w) for w in ("admin", "olive", "nora", "sam")]
    now = datetime.now(timezone.utc)
    meeting = (await admin.api("POST", f"/api/v1/bodies/{roles.bodies['nmm']}/meetings", {
        "title": "Conference", "held_on": date(2027, 3, 1).isoformat(),
        "motions_deadline": (now + timedelta(days=7)).isoformat(),
        "amendments_deadline": (now + timedelta(days=14)).isoformat()})).json()
    motion = (await nora.api("POST", f"/api/v1/meetings/{meeting['id']}/motions", {
        "title": "Fund the renters' union",
        "text": "**This body resolves:**\n\nTo fund the renters' union with 500 pounds.\n"})).json()["id"]
    for who, action in ((nora, "submit"), (olive, "admit")):
        response = await who.api("POST", f"/api/v1/motions/{motion}/actions/{action}", {})
        assert response.status_code == 200, response.text
    amendment = (await sam.api("POST", f"/api/v1/motions/{motion}/amendments", {
        "operation": "replace", "passage": "500 pounds", "replacement": "1,000 pounds"})).json()["id"]
    assert (await olive.api("POST", f"/api/v1/amendments/{amendment}/actions/admit", {})).status_code == 200
    assert (await olive.api("POST", f"/api/v1/motions/{motion}/actions/schedule", {})).status_code == 200

    on_amendment = await setup(olive, kind="amendment", title="", amendment_id=amendment)
    shown = (await olive.api("GET", f"/api/v1/ballots/{on_amendment}")).json()
    assert shown["title"].startswith("Amendment 1 to") and shown["motion_id"] == motion
    for voter in (nora, sam):
        await voter.api("POST", f"/api/v1/ballots/{on_amendment}/votes", {"choice": "yes"})
    await _close(olive, on_amendment)
    assert (await nora.api("GET", f"/api/v1/amendments/{amendment}")).json()["state"] == "carried"
    assert "1,000 pounds" in (await nora.api("GET", f"/api/v1/motions/{motion}")).text

    on_motion = await setup(olive, kind="motion", title="", motion_id=motion)
    assert (await olive.api("GET", f"/api/v1/ballots/{on_motion}")).json()["title"] == "Fund the renters' union"
    for voter, choice in ((nora, "no"), (sam, "no"), (admin, "yes")):
        await voter.api("POST", f"/api/v1/ballots/{on_motion}/votes", {"choice": choice})
    await _close(olive, on_motion)
    assert (await nora.api("GET", f"/api/v1/motions/{motion}")).json()["state"] == "fell"
