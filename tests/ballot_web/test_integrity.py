"""One vote per voter under concurrency, secrecy from the database alone, and tampering detected."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import inspect, select, text, update

from ballots.audit_chain import entry_hash, verify_chain
from ballots.published_record import read_record_json, verify_record
from ballots.secrecy import linking_columns
from server.app import create_app
from server.db.models import AuditEntryRow, BallotBoxEntry, BallotVoted, Member
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
        assert set(await column_names(await db.connection(), "ballot_voted")) == {"ballot_id", "member_id", "receipt",
                                                                                  "change_check"}
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


async def test_after_close_no_system_column_or_log_ties_a_paper_to_its_voter(app, settings, as_member, setup):
    """Below the columns. PostgreSQL stamps every row with the transaction that inserted it (``xmin``,
    which any SELECT reads, and which CLUSTER and freezing keep); a vote's roll mark and paper are
    written by one round, so while the ballot is open they share it. The close rewrites the ballot's
    marks and papers in its own transaction and then VACUUMs both tables, so afterwards they all carry
    that one transaction and the old versions are gone from the pages. SQLite has no such column, but
    inside a page it stores each row where it was written, and its WAL keeps each round's pages until
    a checkpoint: the close rewrites the rows in key order, then checkpoints and truncates the WAL."""
    voters = [await as_member(w) for w in ("wanda", "nora", "admin", "sam", "olive")]
    ballot = await setup(voters[4], kind="motion", title="Secret")
    for voter, answer in zip(voters, ("yes", "no", "yes", "abstain", "no")):  # each answered: a round each
        assert (await voter.api("POST", f"/api/v1/ballots/{ballot}/votes", {"choice": answer})).status_code == 201
    if not settings.database_url.startswith("postgresql"):
        async with app.state.sessions() as db:
            ids = [await _member_id(db, voter.name.capitalize()) for voter in voters]
        assert ids not in (sorted(ids), sorted(ids, reverse=True))  # voting order is not key order
        await voters[4].api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})
        assert _wal_pages_of(settings, ("ballot_voted", "ballot_box")) == set()  # the file is all there is
        for table in ("ballot_voted", "ballot_box"):  # and its bytes keep no order of voting
            pages = _in_page_order(Path(settings.database_url.split("///", 1)[1]), table, ballot)
            assert sum(map(len, pages)) == 5
            assert all(keys in (sorted(keys), sorted(keys, reverse=True)) for keys in pages), (table, pages, ids)
        return
    marks_xmin = "SELECT xmin::text FROM ballot_voted WHERE ballot_id = :b"
    papers_xmin = "SELECT xmin::text FROM ballot_box WHERE ballot_id = :b"
    async with app.state.sessions() as db:
        before = set((await db.execute(text(marks_xmin), {"b": ballot})).scalars())
        assert len(before) == 5  # the limit while voting: five rounds, each paper with its voter's round
        assert set((await db.execute(text(papers_xmin), {"b": ballot})).scalars()) == before
        closing = (await db.execute(text("SELECT clock_timestamp()"))).scalar()
    await voters[4].api("POST", f"/api/v1/ballots/{ballot}/actions/close", {})
    async with app.state.sessions() as db:
        marks = list((await db.execute(text(marks_xmin), {"b": ballot})).scalars())
        papers = list((await db.execute(text(papers_xmin), {"b": ballot})).scalars())
        logged = set((await db.execute(text("SELECT xmin::text FROM audit_log WHERE action = 'vote.recorded' "
                                            "AND payload = :p"), {"p": json.dumps({"ballot": str(ballot)})})).scalars())
        vacuumed = dict((await db.execute(text(
            "SELECT relname, last_vacuum FROM pg_stat_user_tables WHERE schemaname = current_schema() "
            "AND relname IN ('ballot_voted', 'ballot_box')"))).all())
    assert len(marks) == len(papers) == 5 and len(set(marks) | set(papers)) == 1  # the closing transaction's
    assert not (set(papers) & before) and logged == before  # the audit entries keep the rounds': no row shares them
    assert set(vacuumed) == {"ballot_voted", "ballot_box"}
    assert all(when is not None and when >= closing for when in vacuumed.values()), vacuumed


def _wal_pages_of(settings, tables: tuple[str, ...]) -> set[int]:
    """The pages of ``tables`` (and their indexes) that any frame in the SQLite WAL file holds, valid or
    left over from before the WAL was last restarted."""
    import sqlite3

    path = Path(settings.database_url.split("///", 1)[1])
    wal = Path(f"{path}-wal").read_bytes() if Path(f"{path}-wal").exists() else b""
    with sqlite3.connect(path) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        marks = ",".join("?" * len(tables))
        pages = {row[0] for row in connection.execute(
            f"SELECT pageno FROM dbstat WHERE name IN (SELECT name FROM sqlite_master WHERE tbl_name IN ({marks}))",
            tables)}
    framed = {int.from_bytes(wal[at:at + 4], "big") for at in range(32, len(wal) - 24, 24 + page_size)}
    return pages & framed


def _in_page_order(path: Path, table: str, ballot: int) -> list[list]:
    """For each leaf page of a WITHOUT ROWID table in the SQLite file, the keys of the ballot's rows in the
    order of their bytes in the page (highest offset first: SQLite fills a page from its end as it
    writes), which SQL never shows but the file does."""
    import sqlite3

    with sqlite3.connect(path) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        leaves = [row[0] for row in connection.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno", (table,))]
    data, found = path.read_bytes(), []
    for number in leaves:
        page = data[(number - 1) * page_size:number * page_size]
        start = 100 if number == 1 else 0
        cells = int.from_bytes(page[start + 3:start + 5], "big")
        placed = []
        for pointer in range(start + 8, start + 8 + 2 * cells, 2):
            offset = int.from_bytes(page[pointer:pointer + 2], "big")
            first, second = _record_fields(page, _varint(page, offset)[1], 2)  # past the payload size
            key, ballot_of = (second, first) if table == "ballot_voted" else (first, second)
            if ballot_of == ballot:
                placed.append((offset, key))
        found.append([key for _offset, key in sorted(placed, reverse=True)])
    return [keys for keys in found if keys]


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for n in range(9):
        byte = data[at + n]
        if n == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + n + 1
    raise AssertionError("unreachable")


def _record_fields(data: bytes, at: int, count: int) -> list:
    """The first ``count`` values of the SQLite record at ``at`` (integers and text are all these tables hold)."""
    header_size, cursor = _varint(data, at)
    types, body = [], at + header_size
    while cursor < at + header_size and len(types) < count:
        kind, cursor = _varint(data, cursor)
        types.append(kind)
    values = []
    for kind in types:
        if kind in (8, 9):
            values.append(kind - 8)
            continue
        size = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}.get(kind, (kind - 12) // 2 if kind >= 12 else 0)
        raw = data[body:body + size]
        values.append(None if kind == 0 else raw.decode() if kind >= 13 and kind % 2 else
                      int.from_bytes(raw, "big", signed=True) if kind < 12 else raw)
        body += size
    return values

async def _member_id(db, name: str) -> int:
    return (await db.execute(select(Member.id).where(Member.name == name))).scalar_one()


async def test_votes_in_one_ballot_go_on_while_another_closes(app, settings, as_member, setup):
    """Votes in ballot B through two app instances (two workers) while ballot A closes: every vote is
    acknowledged and counted, and A's close and count complete."""
    olive = await as_member("olive")
    voters = [await as_member(w) for w in ("wanda", "nora", "admin", "sam")]
    closing = await setup(olive, kind="motion", title="Closing")
    other = await setup(olive, kind="motion", title="Still open")
    for voter in voters[:2]:
        assert (await voter.api("POST", f"/api/v1/ballots/{closing}/votes", {"choice": "no"})).status_code == 201
    second = create_app(settings)
    clients = [httpx.AsyncClient(transport=httpx.ASGITransport(app=second), base_url="http://testserver",
                                 cookies=voter.http.cookies) for voter in voters]
    try:
        votes = [(clients[i] if i % 2 else voter.http).post(
            f"/api/v1/ballots/{other}/votes", json={"choice": "yes"}, headers={"X-CSRF-Token": voter.token})
            for i, voter in enumerate(voters)]
        closed, *answers = await asyncio.gather(
            olive.api("POST", f"/api/v1/ballots/{closing}/actions/close", {}), *votes)
    finally:
        for client in clients:
            await client.aclose()
        await second.state.engine.dispose()
    assert closed.status_code == 200 and closed.json()["state"] == "published", closed.text
    assert [a.status_code for a in answers] == [201] * 4, [a.text for a in answers]
    assert "Fell: 0 for, 2 against" in (await olive.get(f"/ballots/{closing}/result")).text
    assert (await olive.api("POST", f"/api/v1/ballots/{other}/actions/close", {})).json()["state"] == "published"
    assert "Carried: 4 for, 0 against" in (await olive.get(f"/ballots/{other}/result")).text


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

    # life goes on: later actions log entries after the published head, which still verifies (R6 #8)
    await setup(olive, kind="motion", title="Next business")
    head = published["audit_head"]
    env = _cli_env(settings, tmp_path)

    def audit_verify(*heads: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "server.cli", "audit", "verify",
                               *[a for h in heads for a in ("--head", h)]], cwd=REPO, env=env, capture_output=True,
                              text=True)

    clean = audit_verify(head)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert re.search(rf"head {head[:16]}… is entry seq {counted.seq + 1}; [1-9]\d* entries logged after it "
                     r"\(.*ballot\.create.*\)", clean.stdout), clean.stdout

    # someone with database access alters an entry before the head and re-hashes every entry after it:
    # every link holds again, so only the published head catches it (R6 #21)
    async with app.state.sessions() as db:
        rows = (await db.execute(select(AuditEntryRow).where(AuditEntryRow.seq >= counted.seq - 1)
                                 .order_by(AuditEntryRow.seq))).scalars().all()
        prev = rows[0].prev_hash
        for n, row in enumerate(rows):
            payload = json.loads(row.payload)
            if n == 0:
                payload = {**payload, "reason": "rewritten"}
                row.payload = json.dumps(payload, sort_keys=True)
            row.prev_hash = prev
            row.hash = prev = entry_hash(row.seq, row.time, row.actor, row.action, payload, row.prev_hash)
        await db.commit()
    rehashed = audit_verify()
    assert rehashed.returncode == 0 and "audit log intact" in rehashed.stdout, rehashed.stdout
    caught = audit_verify(head)
    assert caught.returncode == 1, caught.stdout
    assert f"the published head {head[:16]}… is no entry's hash" in caught.stdout
    assert audit_verify(chain[0].hash, head).returncode == 1  # --head given several times: each must hold

    # an entry altered without re-hashing breaks the chain even with no head
    async with app.state.sessions() as db:
        await db.execute(update(AuditEntryRow).where(AuditEntryRow.seq == counted.seq - 1)
                         .values(payload=json.dumps({"ballot": str(ballot), "reason": "nothing happened"})))
        await db.commit()
    broken = audit_verify()
    assert broken.returncode == 1 and f"entry seq {counted.seq - 1}: altered" in broken.stdout, broken.stdout


def _cli_env(settings, tmp_path) -> dict[str, str]:
    import os

    env = {**os.environ, "PLENARY_DATA_DIR": str(tmp_path), "PLENARY_DATABASE_URL": settings.database_url,
           "PLENARY_SECRET_KEY": settings.secret_key}
    if settings.database_schema:
        env["PLENARY_DATABASE_SCHEMA"] = settings.database_schema
    return env
