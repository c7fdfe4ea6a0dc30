"""Proxy appointments, withdrawals and the proxies cleared when the roll is frozen go into the hash-chained
audit log, naming the ballot, the member and the proxy and nothing about anyone's vote; refused attempts
write nothing; the chain still verifies, in the service and with ``plenary audit verify``. Both databases."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import update

from ballot_people import audit_entries, cac, set_up, signed_in  # noqa: F401 (fixtures)
from server.db.models import Holding, Position
from server.services import audit

REPO = Path(__file__).resolve().parents[1]
PROXY_ACTIONS = ("proxy.appoint", "proxy.withdraw", "proxy.clear")


async def _proxy_log(app, ballot: int) -> list[tuple[str, str | None, dict]]:
    found = []
    for action in PROXY_ACTIONS:
        found += [(row.seq, row.action, row.actor, json.loads(row.payload)) for row in await audit_entries(app, action)
                  if json.loads(row.payload)["ballot"] == str(ballot)]
    return [entry[1:] for entry in sorted(found)]


async def _verified(app, settings, tmp_path) -> None:
    async with app.state.sessions() as db:
        count, problems = await audit.verify(db)
    assert count > 0 and problems == []
    env = {**os.environ, "PLENARY_DATA_DIR": str(tmp_path), "PLENARY_DATABASE_URL": settings.database_url,
           "PLENARY_SECRET_KEY": settings.secret_key}
    if settings.database_schema:
        env["PLENARY_DATABASE_SCHEMA"] = settings.database_schema
    checked = subprocess.run([sys.executable, "-m", "server.cli", "audit", "verify"], cwd=REPO, env=env,
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


async def test_appointments_and_withdrawals_are_in_the_chain_and_say_nothing_of_votes(app, settings, tmp_path,
                                                                                     signed_in, cac):
    olive, sam, wanda, nora = [await signed_in(w) for w in ("olive", "sam", "wanda", "nora")]
    ballot = await set_up(olive, cac.bodies["nmm"], proxies_allowed=True)  # a secret ballot, still a draft
    for proxy in ("sam@example.org", "nora@example.org"):
        appointed = await wanda.api("POST", f"/api/v1/ballots/{ballot}/actions/proxy", {"proxy": proxy})
        assert appointed.status_code == 200, appointed.text
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})).status_code == 200
    withdrawn = await wanda.post(f"/ballots/{ballot}/proxy/withdraw")  # the page's button
    assert withdrawn.status_code == 303, withdrawn.text
    assert (await wanda.post(f"/ballots/{ballot}/proxy", proxy="sam@example.org")).status_code == 303
    assert (await sam.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "no"})).status_code == 201
    behalf = await sam.api("POST", f"/api/v1/ballots/{ballot}/votes",
                           {"choice": "yes", "on_behalf_of": cac.members["wanda"]})
    assert behalf.status_code == 201, behalf.text
    # refused after the proxy voted: nothing is written, so the log does not show the vote was cast
    assert (await wanda.api("DELETE", f"/api/v1/ballots/{ballot}/proxy")).status_code == 409
    late = await wanda.api("POST", f"/api/v1/ballots/{ballot}/actions/proxy", {"proxy": "nora@example.org"})
    assert late.status_code == 409
    assert (await nora.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes"})).status_code == 201
    refused = await nora.api("POST", f"/api/v1/ballots/{ballot}/actions/proxy", {"proxy": "sam@example.org"})
    assert refused.status_code == 409 and "already voted" in refused.json()["error"]["message"]

    one = {"ballot": str(ballot), "member": "Wanda"}
    assert await _proxy_log(app, ballot) == [
        ("proxy.appoint", "Wanda", {**one, "proxy": "Sam"}),
        ("proxy.appoint", "Wanda", {**one, "proxy": "Nora", "replaces": "Sam"}),
        ("proxy.withdraw", "Wanda", {**one, "proxy": "Nora"}),
        ("proxy.appoint", "Wanda", {**one, "proxy": "Sam"}),
    ]
    votes = [r for r in await audit_entries(app, "vote.recorded") if json.loads(r.payload)["ballot"] == str(ballot)]
    assert len(votes) == 3 and all(json.loads(r.payload) == {"ballot": str(ballot)} and r.actor is None
                                   for r in votes)
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})).status_code == 200
    await _verified(app, settings, tmp_path)


async def test_a_proxy_cleared_when_the_roll_is_frozen_is_recorded(app, settings, tmp_path, signed_in, cac):
    """A delegates ballot: Wanda appoints Nora while it is a draft; Nora's delegate seat ends before it opens."""
    today = datetime.now(timezone.utc).date()
    async with app.state.sessions() as db:
        seat = Position(body_id=cac.bodies["nmm"], title="Delegates", filled_by="group", seats=2,
                        elected_by_id=cac.bodies["north"])
        db.add(seat)
        await db.flush()
        db.add_all([Holding(position_id=seat.id, member_id=cac.members[who], elected_by_id=cac.bodies["north"],
                            starts_on=today - timedelta(days=100)) for who in ("nora", "wanda")])
        await db.commit()
    olive, wanda = await signed_in("olive"), await signed_in("wanda")
    ballot = await set_up(olive, cac.bodies["nmm"], roll_source="delegates", proxies_allowed=True)
    assert (await wanda.api("POST", f"/api/v1/ballots/{ballot}/actions/proxy", {"proxy": "nora@example.org"})
            ).status_code == 200
    async with app.state.sessions() as db:
        await db.execute(update(Holding).where(Holding.member_id == cac.members["nora"]).values(ends_on=today))
        await db.commit()
    assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})).status_code == 200
    assert await _proxy_log(app, ballot) == [
        ("proxy.appoint", "Wanda", {"ballot": str(ballot), "member": "Wanda", "proxy": "Nora"}),
        ("proxy.clear", None, {"ballot": str(ballot), "member": "Wanda", "proxy": "Nora",
                               "reason": "the proxy is not on the roll frozen at opening"}),
    ]
    opened = [r.seq for r in await audit_entries(app, "ballot.open") if json.loads(r.payload)["ballot"] == str(ballot)]
    cleared = [r.seq for r in await audit_entries(app, "proxy.clear")]
    assert opened and cleared and cleared[-1] == opened[-1] + 1  # in the opening's transaction, after it
    await _verified(app, settings, tmp_path)


async def test_an_appointment_racing_the_members_own_vote_has_one_order(app, signed_in, cac):
    """Appointment and the member's own vote sent at once: the vote always stands, and the appointment is
    either recorded before it (then in the log) or refused after it (then not)."""
    olive, wanda = await signed_in("olive"), await signed_in("wanda")
    for _round in range(3):
        ballot = await set_up(olive, cac.bodies["nmm"], proxies_allowed=True)
        assert (await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/open", {})).status_code == 200
        appoint, vote = await asyncio.gather(
            wanda.api("POST", f"/api/v1/ballots/{ballot}/actions/proxy", {"proxy": "sam@example.org"}),
            wanda.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": "yes"}))
        assert vote.status_code == 201, vote.text
        assert appoint.status_code in (200, 409), appoint.text
        logged = await _proxy_log(app, ballot)
        assert len(logged) == (1 if appoint.status_code == 200 else 0)
