"""The queries of a round of votes read what the round is about, however many have voted already.

PostgreSQL plans from statistics, and while a ballot fills they lag behind: analysed when a few dozen
had voted, the roll marks look like a small table, and a join to them became a read of every mark of
the ballot in every round (bench/ballot_load.py on PostgreSQL fell to 549 votes/s; 1,531-1,743/s after).
Here the statistics are made stale on purpose and the round's roll query is run under EXPLAIN ANALYZE.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from sqlalchemy import event, insert, select, text

from server.db.models import BallotRollEntry, BallotVoted, Member
from server.repositories import ballots as rows

pytestmark = pytest.mark.parametrize("migrated", ["postgres"], indirect=True)

MARKS = 3000


def _scans_of(plan: dict, table: str) -> list[dict]:
    found = [plan] if plan.get("Relation Name") == table else []
    for child in plan.get("Plans", []):
        found += _scans_of(child, table)
    return found


async def test_the_roll_lookup_of_a_round_reads_only_its_voters_marks(app, as_member, setup):
    olive = await as_member("olive")
    ballot = await setup(olive, kind="choice", title="Filling up", candidates=["A", "B"])
    async with app.state.sessions() as db:
        on_roll = list((await db.execute(select(BallotRollEntry.member_id)
                                         .where(BallotRollEntry.ballot_id == ballot))).scalars())
        voted, waiting = on_roll[0], on_roll[1:4]
        await db.execute(insert(BallotVoted.__table__).values(ballot_id=ballot, member_id=voted))
        await db.commit()
        await db.execute(text("ANALYZE ballot_voted"))  # statistics taken while one mark stood
        # then many more marks, as a busy ballot gathers them before the next analysis (of members
        # made for it: the marks table asks only that its members exist)
        now = datetime.now(timezone.utc)
        others = (await db.execute(insert(Member).returning(Member.id), [
            {"name": f"Marked {n}", "email": f"marked{n}@queries.test", "email_key": f"marked{n}@queries.test",
             "password_hash": "!", "is_site_admin": False, "session_version": 1, "created_at": now}
            for n in range(MARKS)])).scalars().all()
        await db.execute(insert(BallotVoted.__table__), [{"ballot_id": ballot, "member_id": m} for m in others])
        await db.commit()

    statements = []
    event.listen(app.state.engine.sync_engine, "before_cursor_execute",
                 lambda _c, _cursor, statement, parameters, _x, _y: statements.append((statement, parameters)))
    async with app.state.sessions() as db:
        lines = await db.run_sync(rows.roll_lines, ballot, {voted, *waiting})
        assert lines[voted].voted and not any(lines[m].voted for m in waiting)
        statement, parameters = statements[-1]
        raw = await db.connection()
        cursor = await raw.get_raw_connection()
        explained = await cursor.driver_connection.fetchval("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, *parameters)
        plan = (json.loads(explained) if isinstance(explained, str) else explained)[0]["Plan"]
    scans = _scans_of(plan, "ballot_voted")
    assert scans, plan
    read = sum(scan["Actual Rows"] * scan["Actual Loops"] for scan in scans)
    assert read <= 4, f"the round read {read} marks for 4 voters: {json.dumps(plan)[:2000]}"
