"""A change of vote is bound to the voter (review R6 #2, #5, #18): only the receipt of *this voter's*
current vote changes it, never another voter's receipt or an old one; a proxy never changes a vote;
the secret ballot's roll mark keeps only a keyed check of the receipt, which matches no paper without
the server's key and is cleared at the close; the open ballot's change form asks for no receipt.
Both databases."""

from __future__ import annotations

import hashlib
import hmac
import re

import pytest
from sqlalchemy import select

from ballot_people import cac, set_up, signed_in  # noqa: F401 (fixtures)
from server.db.models import BallotBoxEntry, BallotVoted

NOT_YOURS = ("That receipt is not the one you were given for your vote in this ballot (after a change, only the "
             "newest receipt counts).")
CAST = "This member's vote has already been cast."
RECEIPT = re.compile(r'id="receipt-code">([0-9A-Z-]{19})<')


async def _open(people: dict, org, **fields) -> int:
    ballot = await set_up(people["olive"], org.bodies["nmm"], may_change_vote=True, **fields)
    opened = await people["olive"].api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})
    assert opened.status_code == 200, opened.text
    return ballot


async def _people(signed_in) -> dict:
    return {w: await signed_in(w) for w in ("olive", "nora", "sam", "wanda")}


async def _vote(browser, ballot: int, **body) -> str:
    response = await browser.api("POST", f"/api/v1/ballots/{ballot}/votes", body)
    assert response.status_code == 201, response.text
    return response.json()["receipt"]


async def _box(app, ballot: int) -> dict[str, str]:
    """receipt -> the stored paper's contents, as the database holds them now."""
    async with app.state.sessions() as db:
        rows = (await db.execute(select(BallotBoxEntry.receipt, BallotBoxEntry.contents)
                                 .where(BallotBoxEntry.ballot_id == ballot))).all()
    return dict(rows)


async def _marks(app, ballot: int) -> dict[int, tuple[str | None, str | None]]:
    """member -> (receipt, change check) of their roll mark."""
    async with app.state.sessions() as db:
        rows = (await db.execute(select(BallotVoted.member_id, BallotVoted.receipt, BallotVoted.change_check)
                                 .where(BallotVoted.ballot_id == ballot))).all()
    return {member: (receipt, check) for member, receipt, check in rows}


async def _record(browser, ballot: int) -> list[dict]:
    return (await browser.api("GET", f"/api/v1/ballots/{ballot}/record")).json()["ballots"]


@pytest.mark.parametrize("secret", [True, False], ids=["secret", "open"])
async def test_another_voters_receipt_changes_nothing(app, signed_in, cac, secret):
    people = await _people(signed_in)
    nora, sam, olive = people["nora"], people["sam"], people["olive"]
    ballot = await _open(people, cac, secret=secret)
    r_nora = await _vote(nora, ballot, choice="no")
    r_sam = await _vote(sam, ballot, choice="yes")
    box, marks = await _box(app, ballot), await _marks(app, ballot)

    # Sam "changes" his vote giving Nora's receipt (shown to him, or seen over her shoulder)
    taken = await sam.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes", "previous_receipt": r_nora})
    assert taken.status_code == 400, taken.text
    assert taken.json()["error"]["message"] == NOT_YOURS
    assert await _box(app, ballot) == box and await _marks(app, ballot) == marks  # nothing changed
    assert set(box) == {r_nora, r_sam}

    # his own receipt changes his own vote; the receipt it replaced no longer does
    r_sam2 = (await sam.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "no", "previous_receipt": r_sam}))
    assert r_sam2.status_code == 201 and r_sam2.json()["changed"] is True, r_sam2.text
    r_sam2 = r_sam2.json()["receipt"]
    old = await sam.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes", "previous_receipt": r_sam})
    assert old.status_code == 400 and old.json()["error"]["message"] == NOT_YOURS
    assert set(await _box(app, ballot)) == {r_nora, r_sam2}
    assert (await nora.api("GET", f"/api/v1/ballots/{ballot}/turnout")).json()["voted"] == 2

    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})).status_code == 200
    record = await _record(nora, ballot)
    assert sorted((b["receipt"], b["choice"]) for b in record) == sorted([(r_nora, "no"), (r_sam2, "no")])
    result = (await olive.api("GET", f"/api/v1/ballots/{ballot}/result")).json()["result"]
    assert (result["yes"], result["no"]) == ("0", "2")


async def test_open_ballot_changes_without_a_receipt_and_its_form_asks_for_none(app, signed_in, cac):
    people = await _people(signed_in)
    nora, olive = people["nora"], people["olive"]
    ballot = await _open(people, cac, secret=False)
    await _vote(nora, ballot, choice="yes")
    page = await nora.get(f"/ballots/{ballot}")
    assert "Change your vote" in page.text and 'name="previous_receipt"' not in page.text
    changed = await nora.post(f"/ballots/{ballot}/vote", choice="no")
    assert changed.status_code == 200 and "Your vote is changed" in changed.text, changed.text
    receipt = RECEIPT.search(changed.text).group(1)
    assert list(await _box(app, ballot)) == [receipt]
    assert list((await _marks(app, ballot)).values()) == [(receipt, None)]  # the open mark: the receipt, no check
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})).status_code == 200
    assert [(b["voter"], b["choice"], b["receipt"]) for b in await _record(nora, ballot)] == [("Nora", "no", receipt)]


async def test_secret_ballot_form_asks_for_the_receipt(app, signed_in, cac):
    people = await _people(signed_in)
    nora = people["nora"]
    ballot = await _open(people, cac)
    first = await _vote(nora, ballot, choice="yes")
    page = await nora.get(f"/ballots/{ballot}")
    assert 'name="previous_receipt"' in page.text
    missing = await nora.post(f"/ballots/{ballot}/vote", choice="no")
    assert missing.status_code == 400 and "give the receipt code of your vote" in missing.text
    changed = await nora.post(f"/ballots/{ballot}/vote", choice="no", previous_receipt=first.lower())
    assert changed.status_code == 200 and "Your vote is changed" in changed.text, changed.text
    assert list(await _box(app, ballot)) == [RECEIPT.search(changed.text).group(1)]


@pytest.mark.parametrize("secret", [True, False], ids=["secret", "open"])
async def test_a_proxy_never_changes_the_members_vote(app, signed_in, cac, secret):
    people = await _people(signed_in)
    sam, wanda, olive = people["sam"], people["wanda"], people["olive"]
    ballot = await _open(people, cac, secret=secret, proxies_allowed=True)
    wid = cac.members["wanda"]
    appointed = await wanda.api("POST", f"/api/v1/ballots/{ballot}/actions/proxy", {"proxy": "sam@example.org"})
    assert appointed.status_code == 200, appointed.text
    own = await _vote(wanda, ballot, choice="yes")
    for body in ({"choice": "no", "on_behalf_of": wid},  # the open ballot's mark holds the receipt: no need of it
                 {"choice": "no", "on_behalf_of": wid, "previous_receipt": own}):  # not even with her receipt
        over = await sam.api("POST", f"/api/v1/ballots/{ballot}/votes", body)
        assert over.status_code == 409 and over.json()["error"]["message"] == CAST, over.text
    assert list(await _box(app, ballot)) == [own]
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})).status_code == 200
    record = await _record(wanda, ballot)
    assert [(b.get("voter"), b["choice"], b["receipt"]) for b in record] == [(None if secret else "Wanda", "yes", own)]


async def test_a_proxy_cannot_change_its_own_proxy_vote_but_the_member_can(app, signed_in, cac):
    """The proxy votes for Wanda, then tries again: refused. Wanda's own later vote is a change of her vote
    (the roll mark is hers), allowed where the ballot allows changes: in an open ballot the mark holds the
    receipt. Without ``may_change_vote`` it is refused (tests/test_ballot_proxy_withdraw.py)."""
    people = await _people(signed_in)
    sam, wanda, olive = people["sam"], people["wanda"], people["olive"]
    ballot = await _open(people, cac, secret=False, proxies_allowed=True)
    wid = cac.members["wanda"]
    assert (await wanda.api("POST", f"/api/v1/ballots/{ballot}/actions/proxy", {"proxy": "sam@example.org"})
            ).status_code == 200
    by_proxy = await _vote(sam, ballot, choice="yes", on_behalf_of=wid)
    again = await sam.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "no", "on_behalf_of": wid,
                                                                      "previous_receipt": by_proxy})
    assert again.status_code == 409 and again.json()["error"]["message"] == CAST
    hers = await wanda.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "no"})
    assert hers.status_code == 201 and hers.json()["changed"] is True, hers.text
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})).status_code == 200
    assert [(b["voter"], b["choice"]) for b in await _record(wanda, ballot)] == [("Wanda", "no")]


async def test_the_change_check_reveals_nothing_without_the_key(app, settings, signed_in, cac):
    people = await _people(signed_in)
    olive = people["olive"]
    ballot = await _open(people, cac)
    fixed = await _open(people, cac)  # a secret ballot that allows changes...
    once = await set_up(olive, cac.bodies["nmm"])  # ...and one that does not: no check to keep
    assert (await olive.api("POST", f"/api/v1/ballots/{once}/actions/open", {})).status_code == 200
    receipts = {who: await _vote(people[who], ballot, choice="yes" if who != "sam" else "no")
                for who in ("nora", "sam", "wanda")}
    await _vote(people["nora"], once, choice="yes")
    await _vote(people["nora"], fixed, choice="no")
    changed = await _vote(people["sam"], ballot, choice="yes", previous_receipt=receipts["sam"])
    papers = set(await _box(app, ballot)) | set(await _box(app, fixed)) | set(await _box(app, once))
    marks = await _marks(app, ballot)
    checks = [check for _receipt, check in marks.values()]
    assert all(receipt is None for receipt, _check in marks.values())
    assert len(set(checks)) == 3 and all(re.fullmatch("[0-9a-f]{64}", c) for c in checks)

    # from the database alone: no paper's receipt hashes (or is) any check, with or without the message's frame
    for receipt in papers:
        for text in (receipt, f"change:{ballot}:{receipt}", f"{ballot}:{receipt}", receipt.replace("-", "")):
            for digest in (hashlib.sha256(text.encode()).hexdigest(), hashlib.sha3_256(text.encode()).hexdigest(),
                           hashlib.blake2s(text.encode()).hexdigest()):
                assert digest not in checks
        assert receipt not in checks

    # with the server's key, each check is its own voter's current receipt (the binding a change needs)
    key = settings.secret_key.encode()
    current = {cac.members["nora"]: receipts["nora"], cac.members["sam"]: changed,
               cac.members["wanda"]: receipts["wanda"]}
    assert {m: check for m, (_r, check) in marks.items()} == {
        m: hmac.new(key, f"change:{ballot}:{r}".encode(), hashlib.sha256).hexdigest() for m, r in current.items()}
    # a paper in another ballot has another check: the ballot is in the message
    assert (await _marks(app, fixed))[cac.members["nora"]][1] not in checks
    assert list((await _marks(app, once)).values()) == [(None, None)]

    # the close clears the checks: once receipts are published, not even the key links a mark to a paper
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})).status_code == 200
    assert set((await _marks(app, ballot)).values()) == {(None, None)}
    assert (await _marks(app, fixed))[cac.members["nora"]][1] is not None  # other ballots keep theirs
