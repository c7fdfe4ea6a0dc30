"""Slate papers that also rank people, through the pages: the set-up form's "individual preferences", the
numbered ``person:<name>`` boxes of the voting form (as without JavaScript) with each refusal, and the
published count, report and result page with the individual count beside the slate's."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ballots.published_record import read_record_json, verify_record

pytestmark = pytest.mark.parametrize("migrated", ["sqlite", "postgres"], indirect=True)

SLATES = [{"name": "Red", "members": ["Ann", "Bea"]}, {"name": "Green", "members": ["Cal", "Dee"]}]


def _form_times() -> dict[str, str]:
    """The set-up form's datetime-local values (UTC): opened a minute ago, closing in two hours."""
    now = datetime.now(timezone.utc)
    return {"opens": (now - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M"),
            "closes": (now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")}


async def _turnout(member, ballot: int) -> int:
    return (await member.api("GET", f"/api/v1/ballots/{ballot}/turnout")).json()["voted"]


async def _close(olive, ballot: int) -> dict:
    closed = await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})
    assert closed.status_code == 200 and closed.json()["state"] == "published", closed.text
    result = (await olive.api("GET", f"/api/v1/ballots/{ballot}/result")).json()
    record = read_record_json((await olive.get(f"/ballots/{ballot}/record.json")).text)
    assert verify_record(record, result["result"], published_digest=result["ballots_digest"]) == []
    return result


async def test_the_cac_sets_up_a_slates_ballot_with_individual_preferences_on_the_page(as_member, roles):
    olive = await as_member("olive")
    page = await olive.get("/bodies/nmm/ballots")
    assert 'name="individual_preferences" value="yes"' in page.text and 'name="individual_method"' in page.text
    made = await olive.post("/bodies/nmm/ballots", kind="slates", title="Executive: choose a slate", method="irv",
                            slates="Red: Ann, Bea\nGreen: Cal, Dee", individual_preferences="yes",
                            individual_method="meek", **_form_times())
    assert made.status_code == 303, made.text
    ballot = int(made.headers["location"].split("/")[2].split("?")[0])
    spec = (await olive.api("GET", f"/api/v1/ballots/{ballot}")).json()["spec"]
    assert spec["kind"] == "slates" and spec["individual_preferences"] is True
    assert spec["individual_method"] == "meek" and spec["method"] == "irv"
    plain = await olive.post("/bodies/nmm/ballots", kind="slates", title="Without", slates="Red: Ann\nGreen: Cal",
                             **_form_times())
    assert plain.status_code == 303
    plain_id = int(plain.headers["location"].split("/")[2].split("?")[0])
    assert (await olive.api("GET", f"/api/v1/ballots/{plain_id}")).json()["spec"]["individual_preferences"] is False

    method_only = await olive.post("/bodies/nmm/ballots", kind="slates", title="Half", slates="Red: Ann\nGreen: Cal",
                                   individual_method="wigm", **_form_times())
    assert method_only.status_code == 400
    assert ("an individual count method needs papers that rank people: tick individual preferences"
            in method_only.text)
    motion = await olive.post("/bodies/nmm/ballots", kind="motion", title="A motion", individual_preferences="yes",
                              **_form_times())
    assert motion.status_code == 400
    assert "only slate papers rank people individually" in motion.text
    api = await olive.api("POST", f"/api/v1/bodies/{roles.bodies['nmm']}/ballots", {
        "kind": "slate", "title": "By the API", "slates": [SLATES[0]], "individual_preferences": True,
        **{k: v + ":00+00:00" for k, v in _form_times().items()}})
    assert api.status_code == 201 and api.json()["spec"]["individual_preferences"] is True
    assert api.json()["spec"]["individual_method"] == "scotland"


async def test_numbered_people_boxes_refuse_each_mistake_then_count_beside_the_slates(as_member, setup):
    olive, nora, sam, wanda, admin = [await as_member(w) for w in ("olive", "nora", "sam", "wanda", "admin")]
    ballot = await setup(olive, kind="slates", title="Executive", method="irv", slates=SLATES,
                         individual_preferences=True)
    page = await nora.get(f"/ballots/{ballot}")
    for name in ("Ann", "Bea", "Cal", "Dee"):
        assert f'name="person:{name}"' in page.text
    assert 'name="rank:Red"' in page.text and "Also rank the people on the slates" in page.text
    assert 'data-ranking-noun="people"' in page.text and "/static/js/ranking.js" in page.text

    slates = {"rank:Red": "1", "rank:Green": "2"}
    refusals = [
        ({"person:Ann": "1", "person:Bea": "1", "person:Cal": "", "person:Dee": ""},
         "Rank 1 is given twice: give each rank once."),
        ({"person:Ann": "first"}, "Give a whole number for &#39;Ann&#39;, or leave its box blank."),
        ({"person:Ann": "0"}, "Ranks start at 1: give &#39;Ann&#39; a number from 1 up, or leave its box blank."),
        ({"person:Zed": "1"}, "Unknown person &#39;Zed&#39;: rank only people named on the slates."),
    ]
    for people, message in refusals:
        refused = await nora.post(f"/ballots/{ballot}/vote", {**slates, **people})
        assert refused.status_code == 400, (people, refused.text[:300])
        assert f'<p class="error" role="alert" id="ballot-error">{message}</p>' in refused.text, people
    assert await _turnout(nora, ballot) == 0  # nothing recorded: each refusal is to be corrected
    twice_slate = await nora.post(f"/ballots/{ballot}/vote", {"rank:Red": "1", "rank:Green": "1", "person:Ann": "1"})
    assert twice_slate.status_code == 400 and "Rank 1 is given twice: give each rank once." in twice_slate.text

    # valid papers: gaps in the numbers close (3, 7 read as 1, 2), blank boxes are not ranked
    papers = [
        (nora, {"rank:Red": "1", "rank:Green": "2", "person:Cal": "3", "person:Ann": "7", "person:Bea": ""}),
        (sam, {"rank:Red": "1", "person:Ann": "1", "person:Cal": "2"}),
        (wanda, {"rank:Green": "1", "person:Cal": "1", "person:Dee": "2"}),
        (olive, {"rank:Red": "1", "person:Ann": "1", "person:Bea": "2"}),
        (admin, {"rank:Red": "1"}),  # the people are optional
    ]
    receipts = {}
    for voter, form in papers:
        response = await voter.post(f"/ballots/{ballot}/vote", form)
        assert response.status_code == 200, response.text[:500]
        receipts[voter.name] = response.text
    assert '<ol class="cast-individuals"><li>Cal</li><li>Ann</li></ol>' in receipts["nora"]
    assert "cast-individuals" not in receipts["admin"]
    result = await _close(olive, ballot)
    outcome = result["result"]
    assert outcome["type"] == "slate choice" and outcome["slate"] == "Red" and outcome["elected"] == ["Ann", "Bea"]
    comparison = outcome["comparison"]
    assert comparison["count"]["method"] == "scotland" and comparison["count"]["seats"] == 2
    assert comparison["both"] == ["Ann"] and comparison["only_individual"] == ["Cal"]
    assert comparison["only_slate"] == ["Bea"]
    record = (await olive.api("GET", f"/api/v1/ballots/{ballot}/record")).json()
    assert sorted(tuple(b.get("individuals", [])) for b in record["ballots"]) == sorted(
        [("Cal", "Ann"), ("Ann", "Cal"), ("Cal", "Dee"), ("Ann", "Bea"), ()])
    report = (await olive.get(f"/ballots/{ballot}/report.txt")).text
    assert comparison["words"] in report
    shown = await sam.get(f"/ballots/{ballot}/result")
    assert "Individual count of the same papers" in shown.text and "only by the individual count: Cal" in shown.text
    assert '<dt>Only on the slate</dt><dd>Bea</dd>' in shown.text and 'class="rounds individual-rounds"' in shown.text
    assert (await olive.get(f"/ballots/{ballot}/record.csv")).status_code == 400  # JSON only: two rankings a paper


async def test_a_paper_without_individual_preferences_refuses_people(as_member, setup):
    olive, nora = await as_member("olive"), await as_member("nora")
    ballot = await setup(olive, kind="slates", title="Plain", slates=SLATES)
    page = await nora.get(f"/ballots/{ballot}")
    assert 'name="person:' not in page.text
    refused = await nora.post(f"/ballots/{ballot}/vote", {"mark": "Red", "person:Ann": "1"})
    assert refused.status_code == 400
    assert "This ballot does not ask you to rank people individually." in refused.text
    blank = await nora.post(f"/ballots/{ballot}/vote", {"mark": "Red"})
    assert blank.status_code == 200


async def test_a_proposed_slate_with_strike_outs_and_people_ranked(as_member, setup):
    members = [await as_member(w) for w in ("olive", "nora", "sam", "wanda", "admin")]
    olive = members[0]
    ballot = await setup(olive, kind="slate", title="Steering committee", strike_share="1/2",
                         slates=[{"name": "Unity", "members": ["Ann", "Bea", "Cal"]}], individual_preferences=True,
                         individual_method="meek")
    page = await members[1].get(f"/ballots/{ballot}")
    assert 'name="struck" value="Cal"' in page.text and 'name="person:Cal"' in page.text
    assert "Also rank the people on the slate " in page.text
    refused = await members[1].post(f"/ballots/{ballot}/vote", [("choice", "yes"), ("person:Ann", "2"),
                                                                  ("person:Bea", "2")])
    assert refused.status_code == 400 and "Rank 2 is given twice: give each rank once." in refused.text
    papers = [("yes", ["Cal"], {"person:Ann": "1", "person:Bea": "2"}),
              ("yes", ["Cal"], {"person:Bea": "1"}),
              ("yes", ["Cal"], {}),
              ("no", [], {"person:Cal": "1"}),
              ("yes", [], {"person:Ann": "1", "person:Cal": "2", "person:Bea": "3"})]
    for voter, (choice, struck, people) in zip(members, papers):
        form = [("choice", choice)] + [("struck", s) for s in struck] + list(people.items())
        response = await voter.post(f"/ballots/{ballot}/vote", form)
        assert response.status_code == 200, response.text[:500]
        if people:
            assert '<dt>People ranked</dt>' in response.text
    result = (await _close(olive, ballot))["result"]
    assert result["type"] == "slate decision" and result["removed"] == ["Cal"]
    assert result["elected"] == ["Ann", "Bea"]
    comparison = result["comparison"]
    assert comparison["count"]["method"] == "meek" and comparison["only_individual"] == ["Cal"]
    assert comparison["both"] == ["Ann", "Bea"]
    shown = await members[2].get(f"/ballots/{ballot}/result")
    assert "Individual count of the same papers" in shown.text and comparison["words"] in shown.text
    assert comparison["words"] in (await olive.get(f"/ballots/{ballot}/report.txt")).text
