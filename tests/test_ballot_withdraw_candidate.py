"""Withdrawing a candidate after a ballot opens (a candidate elected to an earlier office, or who stands
down): the CAC records it with a reason, the spec and its fingerprint stay as fixed, every voter sees it,
votes already cast that rank the candidate stay valid and pass over them in the count, new votes naming
them are refused, and the published record carries the withdrawal so it recounts. Through the API and the
ballot page; both databases."""

from __future__ import annotations

import json

from sqlalchemy import select, update

from ballot_people import audit_entries, cac, set_up, signed_in  # noqa: F401 (fixtures)
from ballots.published_record import read_record_json, verify_record
from server.cli import main
from server.db.models import Ballot, Membership
from server.repositories import members as member_rows
from server.services import count_facts

GONE = "'Cal' has withdrawn: take them off your ballot."
REASON = "Elected treasurer earlier today"


async def _open_election(people, org, **fields) -> int:
    olive = people["olive"]
    ballot = await set_up(olive, org.bodies["nmm"], **{"kind": "office", "title": "Secretary", "method": "irv",
                                                       "candidates": ["Ann", "Bea", "Cal"], **fields})
    opened = await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})
    assert opened.status_code == 200, opened.text
    return ballot


async def _withdraw(browser, ballot: int, candidate: str, reason: str = REASON):
    return await browser.api("POST", f"/api/v1/ballots/{ballot}/actions/withdraw-candidate",
                             {"candidate": candidate, "reason": reason})


async def _vote(browser, ballot: int, ranking: list[str]):
    return await browser.api("POST", f"/api/v1/ballots/{ballot}/votes", {"ranking": ranking})


async def test_votes_before_count_new_votes_naming_them_are_refused_and_the_record_recounts(
        app, signed_in, cac, tmp_path, capsys):
    people = {w: await signed_in(w) for w in ("olive", "nora", "sam", "wanda", "admin")}
    ballot = await _open_election(people, cac)
    fingerprint = (await people["nora"].api("GET", f"/api/v1/ballots/{ballot}")).json()["fingerprint"]
    for who in ("nora", "admin"):  # cast before the withdrawal, Cal first: they pass to Ann
        assert (await _vote(people[who], ballot, ["Cal", "Ann"])).status_code == 201
    withdrawn = await _withdraw(people["olive"], ballot, "Cal")
    assert withdrawn.status_code == 200, withdrawn.text
    shown = withdrawn.json()
    assert shown["fingerprint"] == fingerprint and shown["spec"]["withdrawn"] == []
    assert [(w["name"], w["reason"], w["by"]) for w in shown["count_facts"]["withdrawn"]] == [("Cal", REASON, "Olive")]
    [entry] = await audit_entries(app, "ballot.withdraw_candidate")
    assert entry.actor == "Olive"
    assert json.loads(entry.payload) == {"ballot": str(ballot), "candidate": "Cal", "reason": REASON}

    refused = await _vote(people["sam"], ballot, ["Cal", "Bea"])  # this process's box read the ballot before
    assert refused.status_code == 400 and refused.json()["error"]["message"] == GONE
    assert (await _vote(people["sam"], ballot, ["Bea"])).status_code == 201
    assert (await _vote(people["wanda"], ballot, ["Ann", "Bea"])).status_code == 201
    closed = await people["olive"].api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})
    assert closed.status_code == 200 and closed.json()["state"] == "published", closed.text

    record_text = (await people["nora"].get(f"/ballots/{ballot}/record.json")).text
    record = read_record_json(record_text)
    assert record.count.withdrawn == ("Cal",) and record.spec.withdrawn == ()
    assert record.spec_fingerprint == fingerprint
    assert record.result["elected"] == ["Ann"]  # 3 (two of them Cal's first preferences) against Bea's 1
    assert verify_record(record) == []
    path = tmp_path / "record.json"
    path.write_text(record_text, encoding="utf-8")
    assert main(["verify", "--record", str(path)]) == 0
    assert "IDENTICAL" in capsys.readouterr().out
    report = (await people["nora"].get(f"/ballots/{ballot}/report.txt")).text
    assert f"Withdrawn after voting opened: Cal ({REASON})." in report
    page = (await people["nora"].get(f"/ballots/{ballot}/result")).text
    assert f"Cal withdrew after voting opened ({REASON}): the count passed over them." in page


async def test_refusals_say_what_is_wrong(signed_in, cac):
    people = {w: await signed_in(w) for w in ("olive", "nora")}
    olive = people["olive"]
    seats = await _open_election(people, cac, kind="seats", method="scotland", seats=2,
                                 candidates=["Ann", "Bea", "Cal"])
    cases = [
        (olive, seats, "Zed", REASON, 400, "'Zed' is not a candidate on this ballot."),
        (olive, seats, "Cal", "", 400, "Give the reason for the withdrawal; every voter sees it."),
        (people["nora"], seats, "Cal", REASON, 403,
         "Only the body's CAC withdraws a candidate after voting has opened (never a recall's holder)."),
    ]
    for who, ballot, name, reason, status, message in cases:
        answer = await _withdraw(who, ballot, name, reason)
        assert (answer.status_code, answer.json()["error"]["message"]) == (status, message)
    assert (await _withdraw(olive, seats, "Cal")).status_code == 200
    again = await _withdraw(olive, seats, "Cal")
    assert (again.status_code, again.json()["error"]["message"]) == (400, "'Cal' has already withdrawn.")
    too_few = await _withdraw(olive, seats, "Bea")
    assert too_few.status_code == 400 and too_few.json()["error"]["message"] == (
        "Withdrawing 'Bea' would leave 1 candidate for 2 seats: a ballot needs at least as many candidates "
        "standing as seats to fill.")

    motion = await set_up(olive, cac.bodies["nmm"])
    assert (await olive.api("POST", f"/api/v1/ballots/{motion}/actions/open", {})).status_code == 200
    on_motion = await _withdraw(olive, motion, "Ann")
    assert on_motion.status_code == 400 and on_motion.json()["error"]["message"].startswith(
        "A motion has no candidates to withdraw")
    draft = await set_up(olive, cac.bodies["nmm"], kind="office", method="irv", candidates=["Ann", "Bea"])
    assert (await _withdraw(olive, draft, "Ann")).status_code == 409

    counted = await _open_election(people, cac)
    assert (await _vote(people["nora"], counted, ["Ann"])).status_code == 201
    assert (await olive.api("POST", f"/api/v1/ballots/{counted}/actions/close", {})).status_code == 200
    late = await _withdraw(olive, counted, "Cal")
    assert (late.status_code, late.json()["error"]["message"]) == (
        409, "Voting has closed: the papers are counted as they were cast, and a candidate can no longer "
             "withdraw from this ballot.")


async def test_only_the_cac_withdraws_and_never_from_a_ballot_it_stands_in(app, signed_in, cac):
    """An officer may be standing: like an early close, a withdrawal is the CAC's (review R6 recheck N1)."""
    people = {w: await signed_in(w) for w in ("olive", "wanda", "nora")}
    async with app.state.sessions() as db:
        await db.execute(update(Membership).where(Membership.member_id == cac.members["wanda"],
                                                  Membership.body_id == cac.bodies["nmm"]).values(role="officer"))
        await db.commit()
    ballot = await _open_election(people, cac, candidates=["Wanda", "Bea", "Cal"])
    for rival in ("Bea", "Cal"):
        refused = await _withdraw(people["wanda"], ballot, rival)
        assert refused.status_code == 403 and "Only the body's CAC" in refused.json()["error"]["message"]
    standing = await _open_election(people, cac, title="Chair", candidates=["Olive", "Bea", "Cal"])
    own = await _withdraw(people["olive"], standing, "Bea")
    assert (own.status_code, own.json()["error"]["message"]) == (
        403, "You stand in this ballot: another member of the CAC records a withdrawal.")
    assert not (await people["nora"].api("GET", f"/api/v1/ballots/{standing}")).json()["count_facts"].get("withdrawn")


async def test_a_changed_vote_may_not_name_the_withdrawn_candidate(signed_in, cac):
    people = {w: await signed_in(w) for w in ("olive", "nora")}
    ballot = await _open_election(people, cac, may_change_vote=True)
    first = await _vote(people["nora"], ballot, ["Cal", "Ann"])
    assert first.status_code == 201
    assert (await _withdraw(people["olive"], ballot, "Cal")).status_code == 200
    changed = await people["nora"].api("POST", f"/api/v1/ballots/{ballot}/votes",
                                       {"ranking": ["Cal"], "previous_receipt": first.json()["receipt"]})
    assert changed.status_code == 400 and changed.json()["error"]["message"] == GONE
    changed = await people["nora"].api("POST", f"/api/v1/ballots/{ballot}/votes",
                                       {"ranking": ["Bea"], "previous_receipt": first.json()["receipt"]})
    assert changed.status_code == 201 and changed.json()["changed"] is True


async def test_a_withdrawal_reaches_a_ballot_box_that_read_the_ballot_before(app, signed_in, cac):
    """Another process's box (here: this one's, told nothing) still holds the spec it read; the round's lock
    compares the row's count facts, so the vote goes back to be checked against the ballot as it is now."""
    people = {w: await signed_in(w) for w in ("olive", "nora", "sam")}
    ballot = await _open_election(people, cac)
    assert (await _vote(people["nora"], ballot, ["Ann"])).status_code == 201  # the box has read the ballot
    kept = await app.state.ballot_box.open_ballot(ballot)
    async with app.state.sessions() as db:  # as another process's withdrawal would, behind this box's back
        olive = await member_rows.by_id(db, cac.members["olive"])
        await count_facts.withdraw_candidate(db, olive, ballot, "Cal", REASON)
    assert await app.state.ballot_box.open_ballot(ballot) is kept  # still the spec read before
    refused = await _vote(people["sam"], ballot, ["Cal", "Ann"])
    assert refused.status_code == 400 and refused.json()["error"]["message"] == GONE
    assert (await _vote(people["sam"], ballot, ["Bea"])).status_code == 201
    async with app.state.sessions() as db:
        stored = (await db.execute(select(Ballot).where(Ballot.id == ballot))).scalar_one()
        assert stored.voted == 2


async def test_the_ballot_page_shows_the_withdrawal_and_no_longer_offers_the_candidate(signed_in, cac):
    people = {w: await signed_in(w) for w in ("olive", "nora")}
    olive, nora = people["olive"], people["nora"]
    ballot = await _open_election(people, cac)
    page = (await olive.get(f"/ballots/{ballot}")).text
    assert f'action="/ballots/{ballot}/withdraw-candidate"' in page and 'name="rank:Cal"' in page
    assert f'action="/ballots/{ballot}/withdraw-candidate"' not in (await nora.get(f"/ballots/{ballot}")).text
    done = await olive.post(f"/ballots/{ballot}/withdraw-candidate", candidate="Cal", reason=REASON)
    assert done.status_code == 303 and done.headers["location"] == f"/ballots/{ballot}?done=withdrawn"
    page = (await nora.get(f"/ballots/{ballot}")).text
    assert "Withdrawn since voting opened" in page and f"<strong>Cal</strong> has withdrawn: {REASON}" in page
    assert 'name="rank:Cal"' not in page and 'name="rank:Ann"' in page and 'name="rank:Bea"' in page
    refused = await olive.post(f"/ballots/{ballot}/withdraw-candidate", candidate="Cal", reason=REASON)
    assert refused.status_code == 400 and "&#39;Cal&#39; has already withdrawn." in refused.text
    by_form = await nora.post(f"/ballots/{ballot}/vote", **{"rank:Cal": "1", "rank:Ann": "2"})
    assert by_form.status_code == 400 and "&#39;Cal&#39; has withdrawn: take them off your ballot." in by_form.text
    by_form = await nora.post(f"/ballots/{ballot}/vote", **{"rank:Ann": "1"})
    assert by_form.status_code == 200 and "receipt" in by_form.text.lower()
