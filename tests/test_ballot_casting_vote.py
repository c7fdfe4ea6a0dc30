"""A chair's casting vote online: a motion (or a slate's accept/reject) whose count is a tie under a simple
majority is not published as fallen; the count is held, saying "Tied: … the chair may give a casting vote",
and the chair (the body's officers and CAC, as for closing) gives it once, with a reason: yes, no, or none
(the tie stands and it falls). The result is then published with the casting vote in the record's count
facts, and the record recounts. Through the API and the ballot page; both databases."""

from __future__ import annotations

import json

from ballot_people import audit_entries, cac, set_up, signed_in  # noqa: F401 (fixtures)
from ballots.published_record import read_record_json, verify_record
from server.cli import main

REASON = "Standing order 12: the chair votes to keep the question open"


async def _tied(people, org, votes=(("nora", "yes"), ("sam", "no"), ("wanda", "abstain")), **fields) -> int:
    olive = people["olive"]
    ballot = await set_up(olive, org.bodies["nmm"], **fields)
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})).status_code == 200
    for who, choice in votes:
        cast = await people[who].api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": choice})
        assert cast.status_code == 201, cast.text
    return ballot


async def _cast(browser, ballot: int, vote: str, reason: str = REASON):
    return await browser.api("POST", f"/api/v1/ballots/{ballot}/actions/casting-vote",
                             {"casting_vote": vote, "reason": reason})


async def test_a_tie_waits_for_the_chair_whose_casting_vote_decides_and_is_published(
        app, signed_in, cac, tmp_path, capsys):
    people = {w: await signed_in(w) for w in ("olive", "nora", "sam", "wanda")}
    olive, nora = people["olive"], people["nora"]
    ballot = await _tied(people, cac)
    closed = await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})
    assert closed.status_code == 200, closed.text
    shown = closed.json()
    assert shown["state"] == "closed"
    assert shown["note"].startswith("Tied: 1 for, 1 against, 1 abstention;")
    assert "The chair may give a casting vote" in shown["note"] and shown["count_facts"]["tie"] == shown["note"]
    assert (await nora.api("GET", f"/api/v1/ballots/{ballot}/result")).status_code == 409  # nothing published
    [count] = await audit_entries(app, "ballot.count")
    assert json.loads(count.payload)["tie"] == "held for the chair's casting vote"
    assert await audit_entries(app, "ballot.publish") == []

    page = (await nora.get(f"/ballots/{ballot}")).text
    assert "Tied: 1 for, 1 against" in page and f'action="/ballots/{ballot}/casting-vote"' not in page
    assert f'action="/ballots/{ballot}/casting-vote"' in (await olive.get(f"/ballots/{ballot}")).text
    not_chair = await _cast(nora, ballot, "yes")
    assert (not_chair.status_code, not_chair.json()["error"]["message"]) == (
        403, "Only the body's CAC records the chair's casting vote (never a recall's holder).")
    no_reason = await _cast(olive, ballot, "yes", "")
    assert no_reason.status_code == 400 and no_reason.json()["error"]["message"] == (
        "Give the reason for the casting vote; it is published with the result.")
    wrong = await _cast(olive, ballot, "abstain")
    assert wrong.status_code == 400 and wrong.json()["error"]["message"] == (
        "The casting vote is yes (for), no (against) or none (the tie stands).")

    given = await _cast(olive, ballot, "yes")
    assert given.status_code == 200, given.text
    assert given.json()["state"] == "published"
    assert given.json()["count_facts"]["casting_vote"]["vote"] == "yes"
    [entry] = await audit_entries(app, "ballot.casting_vote")
    assert entry.actor == "Olive"
    assert json.loads(entry.payload) == {"ballot": str(ballot), "casting_vote": "yes", "reason": REASON}
    assert len(await audit_entries(app, "ballot.publish")) == 1
    result = (await nora.api("GET", f"/api/v1/ballots/{ballot}/result")).json()
    assert result["result"]["outcome"] == "carried" and result["result"]["casting_vote"] == "yes"
    assert "tie decided by the chair's casting vote (yes)" in result["result"]["words"]
    assert f"The chair's casting vote: for ({REASON})." in result["report"]
    record_text = (await nora.get(f"/ballots/{ballot}/record.json")).text
    record = read_record_json(record_text)
    assert record.count.casting_vote == "yes" and verify_record(record) == []
    path = tmp_path / "record.json"
    path.write_text(record_text, encoding="utf-8")
    assert main(["verify", "--record", str(path)]) == 0
    assert "IDENTICAL" in capsys.readouterr().out

    again = await _cast(olive, ballot, "no")
    assert (again.status_code, again.json()["error"]["message"]) == (
        409, "The chair has already decided this tie; a casting vote is given once.")


async def test_no_casting_vote_leaves_the_tie_and_it_falls(signed_in, cac):
    people = {w: await signed_in(w) for w in ("olive", "nora", "sam", "wanda")}
    ballot = await _tied(people, cac)
    assert (await people["olive"].api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})).status_code == 200
    given = await _cast(people["olive"], ballot, "none", "The chair keeps the status quo")
    assert given.status_code == 200 and given.json()["state"] == "published", given.text
    record = read_record_json((await people["nora"].get(f"/ballots/{ballot}/record.json")).text)
    assert record.count.casting_vote is None and record.result["outcome"] == "fell" and record.result["tie"]
    assert verify_record(record) == []


async def test_refused_on_a_result_that_is_not_a_tie(signed_in, cac):
    people = {w: await signed_in(w) for w in ("olive", "nora", "sam", "wanda")}
    carried = await _tied(people, cac, votes=(("nora", "yes"), ("sam", "yes"), ("wanda", "no")))
    assert (await people["olive"].api("POST", f"/api/v1/ballots/{carried}/actions/close", {})).status_code == 200
    refused = await _cast(people["olive"], carried, "no")
    assert (refused.status_code, refused.json()["error"]["message"]) == (
        409, "A casting vote is given only when the count is a tie waiting for the chair's vote; "
             "this ballot's count is not.")
    two_thirds = await _tied(people, cac, rule="two-thirds")  # the rule decides a tie: 1 of 2 is short of 2/3
    closed = await people["olive"].api("POST", f"/api/v1/ballots/{two_thirds}/actions/close", {})
    assert closed.json()["state"] == "published"
    assert (await _cast(people["olive"], two_thirds, "yes")).status_code == 409
    still_open = await _tied(people, cac)
    assert (await _cast(people["olive"], still_open, "yes")).status_code == 409


async def test_a_tied_slate_vote_takes_a_casting_vote(signed_in, cac):
    people = {w: await signed_in(w) for w in ("olive", "nora", "sam", "wanda")}
    ballot = await _tied(people, cac, votes=(("nora", "yes"), ("sam", "no")), kind="slate", title="Officers",
                         slates=[{"name": "Officers", "members": ["Ann", "Bea"]}])
    closed = await people["olive"].api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})
    assert closed.json()["state"] == "closed" and closed.json()["note"].startswith("Tied: 1 for, 1 against")
    given = await _cast(people["olive"], ballot, "no")
    assert given.json()["state"] == "published", given.text
    record = read_record_json((await people["nora"].get(f"/ballots/{ballot}/record.json")).text)
    assert record.count.casting_vote == "no" and record.result["decision"]["outcome"] == "fell"
    assert record.result["elected"] == [] and verify_record(record) == []


async def test_the_ballot_page_takes_the_casting_vote(signed_in, cac):
    people = {w: await signed_in(w) for w in ("olive", "nora", "sam", "wanda")}
    olive = people["olive"]
    ballot = await _tied(people, cac)
    closed = await olive.post(f"/ballots/{ballot}/close")
    assert closed.status_code == 303 and closed.headers["location"] == f"/ballots/{ballot}?done=tied"
    page = (await olive.get(f"/ballots/{ballot}")).text
    assert "The chair's casting vote" in page and 'value="none"' in page
    refused = await olive.post(f"/ballots/{ballot}/casting-vote", casting_vote="yes")
    assert refused.status_code == 400 and "Give the reason for the casting vote" in refused.text
    done = await olive.post(f"/ballots/{ballot}/casting-vote", casting_vote="no", reason=REASON)
    assert done.status_code == 303 and done.headers["location"] == f"/ballots/{ballot}?done=casting-vote"
    page = (await people["nora"].get(done.headers["location"])).text
    assert "The casting vote is recorded and the result published." in page and "See the result" in page
    result = (await people["nora"].get(f"/ballots/{ballot}/result")).text
    assert "tie decided by the chair&#39;s casting vote (no)" in result
    assert f"The chair's casting vote: against ({REASON})." in result
