"""A ballot whose roll is the body's delegates: the members holding, the day it opens, a seat on the body
filled by election in another body, with their card votes; everyone else is refused. Both databases; the
spec's canonical JSON stays as it was for ballots of the members."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from ballot_people import audit_entries, cac, moment, set_up, signed_in  # noqa: F401 (fixtures)
from ballots import kinds
from ballots.published_record import read_record_json, verify_record
from server.db.models import Holding, Position

NOT_ON_ROLL = "You are not on this ballot's roll."
TODAY = datetime.now(timezone.utc).date()


async def _seat(app, body: int, elected_by: int, holders: dict[int, tuple[date, date | None]],
                title: str = "Delegates") -> dict[int, int]:
    """A position on ``body`` elected by ``elected_by`` and its holdings: member -> (starts, ends)."""
    async with app.state.sessions() as db:
        position = Position(body_id=body, title=title, filled_by="group", seats=max(1, len(holders)),
                            elected_by_id=elected_by)
        db.add(position)
        await db.flush()
        held = {m: Holding(position_id=position.id, member_id=m, elected_by_id=elected_by, starts_on=s, ends_on=e)
                for m, (s, e) in holders.items()}
        db.add_all(held.values())
        await db.commit()
        return {m: h.id for m, h in held.items()}


@pytest.fixture
async def nmm_delegates(app, cac):
    """North elects delegates to the NMM: Nora and Wanda hold seats now, Sam's holding ended yesterday and
    the admin's starts tomorrow; Olive holds a seat the NMM fills itself, which is no delegate seat."""
    m, b = cac.members, cac.bodies
    long_ago = TODAY - timedelta(days=200)
    await _seat(app, b["nmm"], b["north"], {
        m["nora"]: (long_ago, None), m["wanda"]: (long_ago, TODAY + timedelta(days=90)),
        m["sam"]: (long_ago, TODAY - timedelta(days=1)), m["admin"]: (TODAY + timedelta(days=1), None)})
    await _seat(app, b["nmm"], b["nmm"], {m["olive"]: (long_ago, None)}, title="Chair")
    return cac


async def _roll(browser, ballot: int) -> dict[str, int]:
    response = await browser.api("GET", f"/api/v1/ballots/{ballot}/roll")
    assert response.status_code == 200, response.text
    return {v["member"]["name"]: v["weight"] for v in response.json()["voters"]}


async def test_a_delegates_roll_is_exactly_the_current_delegate_holders(app, signed_in, nmm_delegates):
    org = nmm_delegates
    olive, nora = await signed_in("olive"), await signed_in("nora")
    ballot = await set_up(olive, org.bodies["nmm"], roll_source="delegates", weighted=True,
                          weights={"nora@example.org": 30})
    opened = await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})
    assert opened.status_code == 200, opened.text
    spec = opened.json()["spec"]
    assert spec["roll_source"] == "delegates"
    assert await _roll(nora, ballot) == {"Nora": 30, "Wanda": 1}
    expected = kinds.roll_digest([(str(org.members["nora"]), 30), (str(org.members["wanda"]), 1)])
    assert spec["electorate"] == {"voters": 2, "votes": 31, "roll_digest": expected}
    assert (await nora.api("GET", f"/api/v1/ballots/{ballot}/roll")).json()["roll_digest"] == expected
    assert json.loads((await audit_entries(app, "ballot.open"))[-1].payload)["roll_digest"] == expected
    page = await nora.get(f"/ballots/{ballot}")
    assert "the delegates to National Members&#39; Meeting" in page.text
    assert "2 delegates to National Members&#39; Meeting carrying 31 card votes" in (
        await nora.get(f"/ballots/{ballot}/roll")).text
    cast = await nora.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes"})
    assert cast.status_code == 201, cast.text
    assert cast.json()["contents"]["weight"] == 30
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})).status_code == 200
    result = (await nora.api("GET", f"/api/v1/ballots/{ballot}/result")).json()
    record = read_record_json((await nora.get(f"/ballots/{ballot}/record.json")).text)
    assert record.spec.roll_source == "delegates" and result["result"]["yes"] == "30"
    assert verify_record(record, result["result"], published_digest=result["ballots_digest"]) == []


async def test_a_member_who_is_not_a_delegate_is_refused(signed_in, nmm_delegates):
    olive, sam = await signed_in("olive"), await signed_in("sam")
    ballot = await set_up(olive, nmm_delegates.bodies["nmm"], roll_source="delegates")
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})).status_code == 200
    for who in (sam, olive):  # a member of the NMM; the holder of a seat the NMM fills itself
        refused = await who.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes"})
        assert refused.status_code == 403 and refused.json()["error"]["message"] == NOT_ON_ROLL
    assert NOT_ON_ROLL in (await sam.get(f"/ballots/{ballot}")).text


async def test_a_delegate_whose_holding_ended_before_opening_is_not_on_the_roll(app, signed_in, nmm_delegates):
    org = nmm_delegates
    olive, wanda = await signed_in("olive"), await signed_in("wanda")
    ballot = await set_up(olive, org.bodies["nmm"], roll_source="delegates", weighted=True,
                          weights={"wanda@example.org": 12, "nora@example.org": 20})
    assert await _roll(olive, ballot) == {"Nora": 20, "Wanda": 12}  # as set up: Sam's holding has already ended
    async with app.state.sessions() as db:  # then Wanda is recalled: her holding ends today, before opening
        await db.execute(update(Holding).where(Holding.member_id == org.members["wanda"]).values(ends_on=TODAY))
        await db.commit()
    opened = await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})
    assert opened.status_code == 200, opened.text
    assert await _roll(olive, ballot) == {"Nora": 20}
    assert opened.json()["spec"]["electorate"]["votes"] == 20
    refused = await wanda.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "no"})
    assert refused.status_code == 403 and refused.json()["error"]["message"] == NOT_ON_ROLL


async def test_a_seat_the_body_or_its_parent_fills_is_no_delegate_seat(app, signed_in, cac):
    """The North branch: the NMM (its parent) elects Sam to a seat on it, the South branch elects Wanda."""
    m, b = cac.members, cac.bodies
    await _seat(app, b["north"], b["nmm"], {m["sam"]: (TODAY, None)}, title="NMM liaison")
    await _seat(app, b["north"], b["south"], {m["wanda"]: (TODAY, None)}, title="South liaison")
    olive = await signed_in("olive")
    ballot = await set_up(olive, b["north"], roll_source="delegates")
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})).status_code == 200
    assert await _roll(olive, ballot) == {"Wanda": 1}


async def test_set_up_refusals_name_the_delegates(signed_in, nmm_delegates):
    olive = await signed_in("olive")
    nmm = nmm_delegates.bodies["nmm"]
    card = await olive.api("POST", f"/api/v1/bodies/{nmm}/ballots", {
        "kind": "motion", "title": "Card", "opens": moment(minutes=-1), "closes": moment(hours=2),
        "roll_source": "delegates", "weighted": True, "weights": {"sam@example.org": 4}})
    assert card.status_code == 400
    assert card.json()["error"]["message"] == ("sam@example.org is not a delegate to National Members' Meeting, "
                                               "so cannot carry a card vote.")
    odd = await olive.api("POST", f"/api/v1/bodies/{nmm}/ballots", {
        "kind": "motion", "title": "Odd", "opens": moment(minutes=-1), "closes": moment(hours=2),
        "roll_source": "officers"})
    assert odd.status_code == 400 and "members or its delegates" in odd.json()["error"]["message"]


async def test_a_body_without_delegates_cannot_open_a_delegates_ballot(signed_in, cac):
    admin = await signed_in("admin")
    ballot = await set_up(admin, cac.bodies["south"], roll_source="delegates")
    refused = await admin.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == ("The ballot cannot open: nobody holds a delegate seat on "
                                                  "South branch today, so its roll would be empty.")


async def test_the_set_up_form_takes_the_roll_source(signed_in, nmm_delegates):
    olive = await signed_in("olive")
    form = await olive.get("/bodies/nmm/ballots")
    assert 'name="roll_source"' in form.text and '<option value="delegates">' in form.text
    made = await olive.post("/bodies/nmm/ballots", kind="motion", title="Delegates decide", roll_source="delegates",
                            opens=moment(hours=1)[:16], closes=moment(hours=3)[:16])
    assert made.status_code == 303, made.text
    page = await olive.get(made.headers["location"])
    assert "Delegates decide" in page.text and "the delegates to National Members&#39; Meeting" in page.text
    roll = await olive.get(made.headers["location"].split("?")[0] + "/roll")
    assert "delegates to National Members&#39; Meeting" in roll.text
    assert "The roll is frozen when voting opens" in roll.text


async def test_a_proxy_off_the_frozen_roll_is_dropped_at_opening(app, signed_in, nmm_delegates):
    """Wanda appoints Nora while the ballot is a draft; Nora's holding ends before opening."""
    org = nmm_delegates
    olive, wanda = await signed_in("olive"), await signed_in("wanda")
    ballot = await set_up(olive, org.bodies["nmm"], roll_source="delegates", proxies_allowed=True)
    appointed = await wanda.api("POST", f"/api/v1/ballots/{ballot}/actions/proxy", {"proxy": "nora@example.org"})
    assert appointed.status_code == 200, appointed.text
    async with app.state.sessions() as db:
        await db.execute(update(Holding).where(Holding.member_id == org.members["nora"]).values(ends_on=TODAY))
        await db.commit()
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})).status_code == 200
    [entry] = (await wanda.api("GET", f"/api/v1/ballots/{ballot}/roll")).json()["voters"]
    assert entry["member"]["name"] == "Wanda" and entry["proxy"] is None


def test_the_spec_of_a_members_ballot_keeps_its_canonical_json_and_fingerprint():
    electorate = kinds.Electorate(3, 3, kinds.roll_digest([("1", 1), ("2", 1), ("3", 1)]))
    timetable = kinds.Timetable("2026-11-01T09:00:00Z", "2026-11-08T17:00:00Z")
    members = kinds.motion("Pinned", electorate, timetable)
    # the fingerprint this spec had before the roll source existed
    assert members.fingerprint() == "60d8c9c68047df6e1e43a2fd741f67cf912043468bb4ce991ddc2fd9e376de56"
    assert "roll_source" not in json.loads(members.canonical_json())
    assert kinds.BallotSpec.from_dict(json.loads(members.canonical_json())).roll_source == "members"
    delegates = kinds.motion("Pinned", electorate, timetable, roll_source="delegates")
    assert json.loads(delegates.canonical_json())["roll_source"] == "delegates"
    assert delegates.fingerprint() != members.fingerprint()
    assert kinds.BallotSpec.from_dict(json.loads(delegates.canonical_json())) == delegates
    with pytest.raises(kinds.SpecError, match="members or its delegates"):
        kinds.motion("Pinned", electorate, timetable, roll_source="officers")
