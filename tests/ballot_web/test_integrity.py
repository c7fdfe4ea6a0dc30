"""One vote per voter under concurrency, secrecy from the database alone, and tampering detected."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import inspect, select, text, update

from ballots.audit_chain import verify_chain
from ballots.published_record import read_record_json, verify_record
from ballots.secrecy import linking_columns
from server.app import create_app
from server.db.models import AuditEntryRow, BallotBoxEntry, BallotVoted
from server.services import audit

pytestmark = pytest.mark.parametrize("migrated", ["sqlite", "postgres"], indirect=True)
REPO = Path(__file__).resolve().parents[2]


async def test_200_simultaneous_attempts_by_one_voter_record_one_vote(app, settings, as_member, setup, h, roles):
    """Half the attempts go through a second app instance (its own engine and pool), as a second
    server process would; the database's unique roll mark lets exactly one through."""
    olive, nora = await as_member("olive"), await as_member("nora")
    ballot = await setup(olive, kind="choice", title="Race", candidates=["A", "B"])
    second = create_app(settings)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=second), base_url="http://testserver",
                                     cookies=nora.http.cookies) as other:
            clients = [nora.http, other]
            attempts = [clients[i % 2].post(f"/api/v1/ballots/{ballot}/votes", json={"ranking": ["A" if i % 3 else "B"]},
                                            headers={"X-CSRF-Token": nora.token}) for i in range(200)]
            responses = await asyncio.gather(*attempts)
    finally:
        await second.state.engine.dispose()
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(201) == 1, statuses
    assert set(statuses) == {201, 409}, {s: statuses.count(s) for s in set(statuses)}
    async with app.state.sessions() as db:
        box = (await db.execute(select(BallotBoxEntry).where(BallotBoxEntry.ballot_id == ballot))).scalars().all()
        marks = (await db.execute(select(BallotVoted).where(BallotVoted.ballot_id == ballot))).scalars().all()
    assert len(box) == 1 and len(marks) == 1
    assert (await nora.api("GET", f"/api/v1/ballots/{ballot}/turnout")).json()["voted"] == 1


async def test_secrecy_from_the_database_alone(app, settings, as_member, setup, receipt_of):
    """Reading every table as a database administrator: the box has no voter or time column, its keys
    are random, nothing in the audit log ties a vote to a member, and both tables are stored in key
    order (members by id, ballots by random id), never in the order of voting.

    Pairing the two tables by storage position then matches voters to their own ballots only as
    often as a random permutation does; with a handful of voters that can happen by chance
    (1 in 120 for five), so the test asserts the cause, key order, not a count of matches."""
    voters = [await as_member(w) for w in ("wanda", "nora", "admin", "sam", "olive")]  # not in id order
    ballot = await setup(voters[4], kind="motion", title="Secret")
    truth = {}
    for voter in voters:
        response = await voter.post(f"/ballots/{ballot}/vote", choice="yes")
        truth[voter.name] = receipt_of(response.text)
    await voters[4].api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})
    async with app.state.sessions() as db:
        columns = await column_names(await db.connection(), "ballot_box")
        assert linking_columns(columns) == [] and set(columns) == {"id", "ballot_id", "receipt", "contents"}
        assert set(await column_names(await db.connection(), "ballot_voted")) == {"ballot_id", "member_id", "receipt"}
        # storage order: PostgreSQL's physical row order; SQLite's table b-tree, read by a full scan
        postgres = settings.database_url.startswith("postgresql")
        scan, order = ("", " ORDER BY ctid") if postgres else (" NOT INDEXED", "")
        box = [r for r in (await db.execute(text(f"SELECT id, receipt, ballot_id FROM ballot_box{scan}{order}"))).all()
               if r.ballot_id == ballot]
        marks = [(r.member_id, r.receipt) for r in
                 (await db.execute(text(f"SELECT member_id, receipt, ballot_id FROM ballot_voted{scan}{order}"))).all()
                 if r.ballot_id == ballot]
        names = dict((await db.execute(text("SELECT id, name FROM members"))).all())
        log = (await db.execute(select(AuditEntryRow).where(AuditEntryRow.action == "vote.recorded"))).scalars().all()
    assert all(len(row.id) == 32 and int(row.id, 16) >= 0 for row in box)
    assert all(receipt is None for _member, receipt in marks)  # the roll mark holds no receipt
    assert all(json.loads(e.payload) == {"ballot": str(ballot)} and e.actor is None for e in log)
    voted_order = [names[m].lower() for m, _ in marks]
    assert sorted(r.receipt for r in box) == sorted(truth.values())  # every acknowledged ballot is stored
    # in storage both tables are in key order (members by id, ballots by random id), not the order of voting
    assert [m for m, _ in marks] == sorted(m for m, _ in marks)
    assert [r.id for r in box] == sorted(r.id for r in box)
    assert voted_order != [v.name for v in voters]


async def column_names(connection, table: str) -> list[str]:
    return [c["name"] for c in await connection.run_sync(lambda sync: inspect(sync).get_columns(table))]


async def test_altered_ballot_or_audit_entry_is_detected(app, settings, as_member, setup, tmp_path):
    olive, nora, sam = await as_member("olive"), await as_member("nora"), await as_member("sam")
    ballot = await setup(olive, kind="office", title="Chair", candidates=["Ann", "Bea"])
    await nora.api("POST", f"/api/v1/ballots/{ballot}/votes", {"ranking": ["Ann"]})
    await sam.api("POST", f"/api/v1/ballots/{ballot}/votes", {"ranking": ["Bea", "Ann"]})
    await olive.api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})
    published = (await olive.api("GET", f"/api/v1/ballots/{ballot}/result")).json()
    async with app.state.sessions() as db:
        chain = await audit.entries(db)
    assert verify_chain(chain, published["audit_head"]) == []
    counted = next(e for e in chain if e.action == "ballot.count" and e.payload["ballot"] == str(ballot))

    # someone with database access changes a stored ballot and the stored record after the count
    async with app.state.sessions() as db:
        row = (await db.execute(select(BallotBoxEntry).where(BallotBoxEntry.ballot_id == ballot)
                                .order_by(BallotBoxEntry.id))).scalars().first()
        changed = json.loads(row.contents)
        changed["ranking"] = ["Bea"] if changed["ranking"] != ["Bea"] else ["Ann"]
        record = json.loads((await db.execute(text("SELECT record FROM ballots WHERE id = :b"), {"b": ballot})).scalar())
        for entry in record["ballots"]:
            if entry["receipt"] == row.receipt:
                entry["ranking"] = changed["ranking"]
        await db.execute(update(BallotBoxEntry).where(BallotBoxEntry.id == row.id)
                         .values(contents=json.dumps(changed)))
        await db.execute(text("UPDATE ballots SET record = :r WHERE id = :b"), {"r": json.dumps(record), "b": ballot})
        await db.commit()
    tampered = read_record_json((await olive.get(f"/ballots/{ballot}/record.json")).text)
    problems = verify_record(tampered, published_digest=counted.payload["ballots_digest"])
    assert any("ballots were changed" in p for p in problems), problems

    # and an audit entry: the chain breaks, and `plenary audit verify` says so with exit 1
    env = _cli_env(settings, tmp_path)
    clean = subprocess.run([sys.executable, "-m", "server.cli", "audit", "verify", "--head", published["audit_head"]],
                           cwd=REPO, env=env, capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    async with app.state.sessions() as db:
        await db.execute(update(AuditEntryRow).where(AuditEntryRow.seq == counted.seq - 1)
                         .values(payload=json.dumps({"ballot": str(ballot), "reason": "nothing happened"})))
        await db.commit()
    broken = subprocess.run([sys.executable, "-m", "server.cli", "audit", "verify"], cwd=REPO, env=env,
                            capture_output=True, text=True)
    assert broken.returncode == 1 and f"entry seq {counted.seq - 1}: altered" in broken.stdout, broken.stdout


def _cli_env(settings, tmp_path) -> dict[str, str]:
    import os

    env = {**os.environ, "PLENARY_DATA_DIR": str(tmp_path), "PLENARY_DATABASE_URL": settings.database_url,
           "PLENARY_SECRET_KEY": settings.secret_key}
    if settings.database_schema:
        env["PLENARY_DATABASE_SCHEMA"] = settings.database_schema
    return env
