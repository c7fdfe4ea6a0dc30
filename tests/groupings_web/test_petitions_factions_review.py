"""Review R7, findings 8, 10 and 11, through the real app on both databases.

8: a petition's threshold and convening period are the constitution's, chosen from the
petitions it provides for (server/groupings/petition_kinds.py), never typed by the
petitioner. 10: signing a formed faction or platform makes the signer a member, and an
approved caucus or fraction can be joined. 11: two signatures arriving together at the
minimum form one faction, with no server error, and a member signing twice at once is told
they have already signed.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import date, datetime

import httpx
from sqlalchemy import func, select

from server.dates import day_month_year
from server.db.models import Body, Membership
from server.db.models_groupings import GroupingProposal, Notice
from server.groupings.formation import PetitionBase, convening_deadline, petition_status
from server.groupings.petition_kinds import ADDITIONAL_NMM, DEFAULT_PETITION_KINDS, kinds_for


def _id(response: httpx.Response, pattern: str) -> int:
    assert response.status_code == 303, response.text
    return int(re.search(pattern, response.headers["location"]).group(1))


# --- finding 8: the constitution's petitions, not the petitioner's rules ------------------------

def test_the_default_petition_is_the_constitutions_and_states_its_base(shared_dir):
    entry = next(e for e in json.loads((shared_dir / "published-counts.json").read_text())["entries"]
                 if e["id"] == "isn-extra-nmm-petition")
    assert "10% of the branches or 20% of the membership" in entry["published"]
    assert ADDITIONAL_NMM.rule == "10% of the branches or 20% of the membership"
    assert kinds_for("national_members_meeting") == (ADDITIONAL_NMM,) and kinds_for("branch") == ()
    rule = ADDITIONAL_NMM.parsed()
    for case in entry["cases"]:
        base = PetitionBase(case.get("members", 0), case.get("branches", 0))
        counts = {"members": case.get("signatures", 0), "branches": case.get("branches_requesting", 0)}
        status = petition_status(rule, base, counts)
        assert status.met is case["expect"].startswith("met"), (case, status.words)
        assert case["expect"].split(" ", 1)[1] in status.words
    status = petition_status(rule, PetitionBase(412, 9), {"members": 83, "branches": 0})
    assert "83 of 412 members = 20.1%, threshold 20% = 82.4 members: met (83 >= 82.4)" in status.words
    # DOMAIN: at least two months' notice, so the meeting must be convened within three months
    deadline = convening_deadline(rule, date(2026, 12, 31))
    assert deadline.convene_by == date(2027, 3, 31) and deadline.words.endswith("(within 3 months).")
    assert all(kind.parsed().convene_within for kind in DEFAULT_PETITION_KINDS)


def test_an_organisation_without_branches_counts_the_members_only():
    """The constitution's petition names branches; with none at opening that way cannot be met
    (10% of nothing would need no request at all), and the members' way still counts."""
    rule = ADDITIONAL_NMM.parsed()
    status = petition_status(rule, PetitionBase(15, 0), {"members": 2, "branches": 0})
    assert status.met is False
    assert status.words == ("there were no branches when it opened, so it cannot be met that way; "
                            "or 2 of 15 members = 13.3%, threshold 20% = 3 members: not met (2 < 3)")
    assert petition_status(rule, PetitionBase(15, 0), {"members": 3}).met is True


async def test_the_petitioner_cannot_type_the_threshold_or_the_period(as_member, people, org, app, steering):
    nora = await as_member("nora")
    form = await nora.get("/petitions")
    assert 'name="rule"' not in form.text and 'name="convene_within"' not in form.text
    assert ('<option value="additional-nmm">An additional National Members&#39; Meeting: 10% of the branches or '
            '20% of the membership; convened within 3 months</option>') in form.text
    # what the probe typed is not the petition's rule: one signature of 15 does not meet it
    opened = await nora.post("/petitions", title="Extra NMM tomorrow", text="Please.", kind="additional-nmm",
                             rule="1% of the membership", convene_within="1 day")
    petition = _id(opened, r"/petitions/(\d+)")
    assert (await nora.post(f"/petitions/{petition}/sign")).status_code == 303
    state = (await nora.api("GET", f"/api/v1/petitions/{petition}")).json()
    assert state["rule"] == "10% of the branches or 20% of the membership"
    assert state["met"] is False and state["deadline"] is None
    assert "1 of 15 members = 6.7%, threshold 20% = 3 members: not met (1 < 3)" in state["count"]
    page = await nora.get(f"/petitions/{petition}")
    assert "10% of the branches or 20% of the membership; convened within 3 months" in page.text
    async with app.state.sessions() as db:
        met = (await db.execute(select(func.count(Notice.id)).where(Notice.title.like("Petition met:%")))).scalar_one()
    assert met == 0
    # a petition the constitution does not provide for, or none chosen, is refused with the choices
    for kind in ("", "1% of the membership"):
        refused = await nora.post("/petitions", title="P", text="T", kind=kind)
        assert refused.status_code == 400
        assert "Choose which of the constitution&#39;s petitions this is" in refused.text
        assert "An additional National Members&#39; Meeting: 10% of the branches" in refused.text


async def test_a_met_petition_is_convened_within_the_constitutions_period(as_member, people, org):
    nora = await as_member("nora")
    petition = _id(await nora.post("/petitions", title="Extra NMM", text="On rents.", kind="additional-nmm"),
                   r"/petitions/(\d+)")
    olive = await as_member("olive")  # an officer of North: one branch of two is over 10%
    assert (await olive.post(f"/petitions/{petition}/sign", branch_id=str(org.bodies["north"]))).status_code == 303
    state = (await olive.api("GET", f"/api/v1/petitions/{petition}")).json()
    assert state["met"] is True
    met_on = datetime.fromisoformat(state["met_at"]).date()
    convene_by = ADDITIONAL_NMM.parsed().convene_within.after(met_on)
    assert state["deadline"] == (f"Threshold met on {day_month_year(met_on)}: the steering committee must convene "
                                 f"an additional National Members' Meeting by {day_month_year(convene_by)} "
                                 "(within 3 months).")


# --- finding 10: joining a formed faction or platform, or an approved caucus or fraction ----------

async def _faction(as_member, org, people, minimum: int, name: str = "Renters First") -> tuple[object, int]:
    admin = await as_member("admin")
    rules = await admin.api("PUT", f"/api/v1/bodies/{org.bodies['nmm']}/grouping-rules",
                            {"minimum_signatures": minimum})
    assert rules.status_code == 200, rules.text
    olive = await as_member("olive")
    proposal = _id(await olive.post("/groupings", kind="faction", name=name, purpose="Affiliate to the union.",
                                    meeting_id=str(people["meeting"])), r"/groupings/(\d+)")
    return olive, proposal


async def _members_of(app, body_id: int) -> dict[int, str]:
    async with app.state.sessions() as db:
        found = await db.execute(select(Membership.member_id, Membership.role).where(Membership.body_id == body_id))
        return dict(found.all())


async def test_signing_a_formed_faction_makes_the_signer_a_member(as_member, people, org, app):
    olive, proposal = await _faction(as_member, org, people, minimum=2)
    assert (await (await as_member("signer1")).post(f"/groupings/{proposal}/sign")).status_code == 303
    state = (await olive.api("GET", f"/api/v1/groupings/{proposal}")).json()
    assert state["state"] == "formed"
    body = state["body"]["id"]
    late = await as_member("signer2")
    page = await late.get(f"/groupings/{proposal}")
    assert ">Sign and join</button>" in page.text
    signed = await late.post(f"/groupings/{proposal}/sign")
    assert signed.status_code == 303
    members = await _members_of(app, body)
    assert members[people["signer2"]] == "member" and members[people["olive"]] == "officer"
    page = await late.get(f"/groupings/{proposal}")
    assert "You have signed and are a member." in page.text and "Sign and join" not in page.text
    assert (await late.post(f"/groupings/{proposal}/sign")).status_code == 409
    # the API's join is the same act for a faction: signing it
    joined = await (await as_member("signer3")).api("POST", f"/api/v1/groupings/{proposal}/members")
    assert joined.status_code == 201, joined.text
    assert [s["member"]["name"] for s in joined.json()["signatures"]][-1] == "Signer3"
    assert people["signer3"] in await _members_of(app, body)
    assert len(await _members_of(app, body)) == len(joined.json()["signatures"]) == 4


async def test_an_approved_caucus_or_fraction_can_be_joined(as_member, people, app):
    wanda = await as_member("wanda")
    caucus = _id(await wanda.post("/groupings", kind="caucus", name="Disabled members' caucus",
                                  purpose="For members who identify as disabled."), r"/groupings/(\d+)")
    sam = await as_member("sam")
    early = await sam.post(f"/groupings/{caucus}/join")
    assert early.status_code == 409 and "until the request is decided" in early.text
    admin = await as_member("admin")
    assert (await admin.post(f"/groupings/{caucus}/decide", decision="approve",
                             reason="The constitution recognises liberation caucuses.")).status_code == 303
    page = await sam.get(f"/groupings/{caucus}")
    assert f'action="/groupings/{caucus}/join"' in page.text and "Join Disabled members&#39; caucus" in page.text
    joined = await sam.post(f"/groupings/{caucus}/join")
    assert joined.headers["location"] == f"/groupings/{caucus}?done=joined"
    assert "You have joined." in (await sam.get(joined.headers["location"])).text
    body = (await sam.api("GET", f"/api/v1/groupings/{caucus}")).json()["body"]["id"]
    assert (await _members_of(app, body)) == {people["wanda"]: "officer", people["sam"]: "member"}
    assert "You are a member of Disabled members&#39; caucus." in (await sam.get(f"/groupings/{caucus}")).text
    again = await sam.post(f"/groupings/{caucus}/join")
    assert again.status_code == 409 and "already a member" in again.text
    api = await (await as_member("signer1")).api("POST", f"/api/v1/groupings/{caucus}/members")
    assert api.status_code == 201 and people["signer1"] in await _members_of(app, body)
    # a refused fraction cannot be joined, and says why
    nora = await as_member("nora")
    fraction = (await nora.api("POST", "/api/v1/groupings", {"kind": "fraction", "name": "Health workers",
                                                             "purpose": "NHS members."})).json()["id"]
    await admin.api("POST", f"/api/v1/groupings/{fraction}/decision",
                    {"decision": "refuse", "reason": "Covered by the health caucus."})
    refused = await sam.api("POST", f"/api/v1/groupings/{fraction}/members")
    assert refused.status_code == 409
    assert "the request was refused (Covered by the health caucus.)" in refused.json()["error"]["message"]


# --- finding 11: simultaneous signatures --------------------------------------------------------

async def test_simultaneous_signatures_at_the_minimum_form_one_faction(as_member, people, org, app):
    pairs = [("signer1", "signer2"), ("signer3", "signer4"), ("signer5", "signer6")]
    browsers = {who: await as_member(who) for pair in pairs for who in pair}
    olive, first = await _faction(as_member, org, people, minimum=3, name="Round 1")
    proposals = [first]
    for n in (2, 3):
        proposals.append(_id(await olive.post("/groupings", kind="faction", name=f"Round {n}", purpose="Affiliate.",
                                              meeting_id=str(people["meeting"])), r"/groupings/(\d+)"))
    for proposal, pair in zip(proposals, pairs):
        # the proposer's signature is the first: the two together reach the minimum of three
        answers = await asyncio.gather(*[browsers[who].post(f"/groupings/{proposal}/sign") for who in pair])
        assert [a.status_code for a in answers] == [303, 303], [a.text[:300] for a in answers]
        state = (await olive.api("GET", f"/api/v1/groupings/{proposal}")).json()
        assert state["state"] == "formed" and len(state["signatures"]) == 3
        members = await _members_of(app, state["body"]["id"])
        assert members == {people["olive"]: "officer", people[pair[0]]: "member", people[pair[1]]: "member"}
    async with app.state.sessions() as db:
        factions = (await db.execute(select(func.count(Body.id)).where(Body.kind == "faction"))).scalar_one()
        formed = (await db.execute(select(func.count(GroupingProposal.id))
                                   .where(GroupingProposal.state == "formed"))).scalar_one()
    assert factions == formed == 3


async def test_one_member_signing_twice_at_once_is_told_they_have_signed(as_member, people, org):
    olive, proposal = await _faction(as_member, org, people, minimum=5)
    nora = await as_member("nora")
    answers = await asyncio.gather(nora.post(f"/groupings/{proposal}/sign"), nora.post(f"/groupings/{proposal}/sign"))
    assert sorted(a.status_code for a in answers) == [303, 409]
    assert "You have already signed." in next(a.text for a in answers if a.status_code == 409)
    state = (await olive.api("GET", f"/api/v1/groupings/{proposal}")).json()
    assert [s["member"]["name"] for s in state["signatures"]] == ["Olive", "Nora"]


async def test_two_decisions_on_one_request_at_once_record_one(as_member, people, app):
    wanda = await as_member("wanda")
    caucus = _id(await wanda.post("/groupings", kind="caucus", name="Black members' caucus",
                                  purpose="For members of colour."), r"/groupings/(\d+)")
    admin, other = await as_member("admin"), await as_member("admin")
    answers = await asyncio.gather(
        admin.post(f"/groupings/{caucus}/decide", decision="approve", reason="Recognised by the constitution."),
        other.post(f"/groupings/{caucus}/decide", decision="refuse", reason="Second thoughts."))
    assert sorted(a.status_code for a in answers) == [303, 409], [a.text[:300] for a in answers]
    assert "already been decided" in next(a.text for a in answers if a.status_code == 409)
    async with app.state.sessions() as db:
        bodies = (await db.execute(select(func.count(Body.id)).where(Body.name == "Black members' caucus"))).scalar_one()
        proposal = await db.get(GroupingProposal, caucus)
    assert bodies == (1 if proposal.state == "approved" else 0)
