"""Withdrawing a proxy: a member who appointed one takes the appointment back before the proxy votes and
votes themselves; once the proxy has voted, that vote stands. Through the API and the ballot page; both
databases."""

from __future__ import annotations

import asyncio

from ballot_people import cac, set_up, signed_in  # noqa: F401 (fixtures)

GONE = ("Your vote has already been cast (by your proxy, or by you), and it stands: "
        "there is no appointment left to withdraw.")


async def _open_with_proxy(signed_in, org) -> tuple[int, dict]:
    """An open (named) NMM ballot in which Wanda has appointed Sam her proxy."""
    people = {w: await signed_in(w) for w in ("olive", "sam", "wanda")}
    ballot = await set_up(people["olive"], org.bodies["nmm"], secret=False, proxies_allowed=True)
    assert (await people["olive"].api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})).status_code == 200
    appointed = await people["wanda"].api("POST", f"/api/v1/ballots/{ballot}/actions/proxy",
                                          {"proxy": "sam@example.org"})
    assert appointed.status_code == 200, appointed.text
    assert (await people["sam"].api("GET", f"/api/v1/ballots/{ballot}")).json()["me"]["proxy_for"] == [
        org.members["wanda"]]
    return ballot, people


async def _proxy_of(browser, ballot: int, name: str):
    roll = (await browser.api("GET", f"/api/v1/ballots/{ballot}/roll")).json()
    entry = next(v for v in roll["voters"] if v["member"]["name"] == name)
    return entry["proxy"]["name"] if entry["proxy"] else None


async def test_withdraw_then_vote_yourself(signed_in, cac):
    ballot, people = await _open_with_proxy(signed_in, cac)
    sam, wanda, olive = people["sam"], people["wanda"], people["olive"]
    withdrawn = await wanda.api("DELETE", f"/api/v1/ballots/{ballot}/proxy")
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["note"] == "Your proxy's appointment is withdrawn."
    assert await _proxy_of(wanda, ballot, "Wanda") is None
    assert (await sam.api("GET", f"/api/v1/ballots/{ballot}")).json()["me"]["proxy_for"] == []
    behalf = await sam.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes",
                                                                       "on_behalf_of": cac.members["wanda"]})
    assert behalf.status_code == 403 and behalf.json()["error"]["message"] == (
        "You are not that member's proxy in this ballot.")
    own = await wanda.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "no"})
    assert own.status_code == 201, own.text
    again = await wanda.api("DELETE", f"/api/v1/ballots/{ballot}/proxy")
    assert again.status_code == 409 and again.json()["error"]["message"] == (
        "You have not appointed a proxy in this ballot.")
    closed = await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})
    assert closed.status_code == 200, closed.text
    record = (await wanda.api("GET", f"/api/v1/ballots/{ballot}/record")).json()
    assert [(b["voter"], b["choice"]) for b in record["ballots"]] == [("Wanda", "no")]


async def test_a_proxy_vote_already_cast_stands(signed_in, cac):
    ballot, people = await _open_with_proxy(signed_in, cac)
    sam, wanda, olive = people["sam"], people["wanda"], people["olive"]
    behalf = await sam.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes",
                                                                       "on_behalf_of": cac.members["wanda"]})
    assert behalf.status_code == 201, behalf.text
    late = await wanda.api("DELETE", f"/api/v1/ballots/{ballot}/proxy")
    assert late.status_code == 409 and late.json()["error"]["message"] == GONE
    assert await _proxy_of(wanda, ballot, "Wanda") == "Sam"
    own = await wanda.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "no"})
    assert own.status_code == 409
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})).status_code == 200
    record = (await wanda.api("GET", f"/api/v1/ballots/{ballot}/record")).json()
    assert [(b["voter"], b["choice"]) for b in record["ballots"]] == [("Wanda", "yes")]


async def test_the_ballot_page_withdraws_the_appointment(signed_in, cac):
    ballot, people = await _open_with_proxy(signed_in, cac)
    wanda, sam = people["wanda"], people["sam"]
    page = await wanda.get(f"/ballots/{ballot}")
    assert "Sam may vote for you" in page.text and f'action="/ballots/{ballot}/proxy/withdraw"' in page.text
    withdrawn = await wanda.post(f"/ballots/{ballot}/proxy/withdraw")
    assert withdrawn.status_code == 303 and withdrawn.headers["location"] == f"/ballots/{ballot}?done=proxy-withdrawn"
    page = await wanda.get(withdrawn.headers["location"])
    assert "Your proxy&#39;s appointment is withdrawn: you may vote yourself." in page.text
    assert "/proxy/withdraw" not in page.text and "Cast my vote" in page.text
    assert "Vote as proxy for Wanda" not in (await sam.get(f"/ballots/{ballot}")).text
    refused = await wanda.post(f"/ballots/{ballot}/proxy/withdraw")
    assert refused.status_code == 409 and "You have not appointed a proxy in this ballot." in refused.text


async def test_no_withdrawal_once_the_ballot_has_closed(signed_in, cac):
    ballot, people = await _open_with_proxy(signed_in, cac)
    assert (await people["olive"].api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})).status_code == 200
    closed = await people["wanda"].api("DELETE", f"/api/v1/ballots/{ballot}/proxy")
    assert closed.status_code == 409 and closed.json()["error"]["message"] == "This ballot has closed."


async def test_a_withdrawal_racing_the_proxy_vote_has_one_winner(signed_in, cac):
    """Withdrawal and proxy vote sent at once, several times: either the withdrawal wins and the proxy is
    refused (Wanda may then vote), or the proxy's vote is recorded and the withdrawal refused."""
    olive, sam, wanda = await signed_in("olive"), await signed_in("sam"), await signed_in("wanda")
    for _round in range(4):
        ballot = await set_up(olive, cac.bodies["nmm"], proxies_allowed=True)
        assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})).status_code == 200
        await wanda.api("POST", f"/api/v1/ballots/{ballot}/actions/proxy", {"proxy": "sam@example.org"})
        withdrawal, behalf = await asyncio.gather(
            wanda.api("DELETE", f"/api/v1/ballots/{ballot}/proxy"),
            sam.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes", "on_behalf_of": cac.members["wanda"]}))
        own = await wanda.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "no"})
        if withdrawal.status_code == 200:
            assert behalf.status_code == 403 and own.status_code == 201, (behalf.text, own.text)
        else:
            assert withdrawal.json()["error"]["message"] == GONE
            assert behalf.status_code == 201 and own.status_code == 409, (behalf.text, own.text)
        turnout = (await olive.api("GET", f"/api/v1/ballots/{ballot}/turnout")).json()
        assert turnout["voted"] == 1
